package io.onescaphandre.agent.cgroup;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a cgroup path may live on the host. When the agent runs in its own cgroup namespace (a
 * container on cgroup v2), paths of cgroups that share an ancestor with the agent lose that
 * ancestor once the leading {@code /..} are dropped: {@code /kubepods-burstable-pod<uid>.slice/..}
 * instead of {@code /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice/..}.
 * systemd slice names spell their own ancestry, and the cgroupfs driver has three possible parents,
 * so the full path can be rebuilt.
 */
final class CgroupNamespacePaths {
  private CgroupNamespacePaths() {}

  static List<String> candidates(String path) {
    List<String> result = new ArrayList<>(4);
    result.add(path);
    String rest = path.length() > 1 ? path.substring(1) : "";
    int slash = rest.indexOf('/');
    String first = slash < 0 ? rest : rest.substring(0, slash);
    if (first.endsWith(".slice") && first.contains("-")) {
      String stem = first.substring(0, first.length() - ".slice".length());
      StringBuilder ancestry = new StringBuilder();
      String[] parts = stem.split("-");
      String name = "";
      for (int i = 0; i < parts.length - 1; i++) {
        name = i == 0 ? parts[0] : name + "-" + parts[i];
        ancestry.append('/').append(name).append(".slice");
      }
      result.add(ancestry + path);
    } else if (first.startsWith("pod")) {
      result.add("/kubepods" + path);
      result.add("/kubepods/burstable" + path);
      result.add("/kubepods/besteffort" + path);
    } else if (first.equals("burstable") || first.equals("besteffort")) {
      result.add("/kubepods" + path);
    }
    return result;
  }
}
