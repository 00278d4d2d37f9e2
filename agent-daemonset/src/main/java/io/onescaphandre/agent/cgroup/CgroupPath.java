package io.onescaphandre.agent.cgroup;

/**
 * The cgroup of a process that carries its CPU accounting.
 *
 * @param path absolute path inside the hierarchy, like {@code /machine.slice/x.scope/libvirt/vcpu0}
 * @param hierarchy v2, or the v1 cpuacct controller
 */
public record CgroupPath(String path, CgroupHierarchy hierarchy) {

  /**
   * Parses {@code /proc/<pid>/cgroup}. On a v1 or hybrid host the {@code cpu,cpuacct} line wins
   * (that is where CPU usage is accounted); on a v2 host the {@code 0::} line. Paths shown relative
   * to a cgroup namespace start with {@code /..} segments: those are dropped, so the path reads as
   * seen from the host root (exact for every cgroup outside the agent's own subtree).
   *
   * @return null when the content has no usable line (kernel without cgroups, exited process)
   */
  public static CgroupPath parse(String content) {
    String v2 = null;
    for (String line : content.split("\n")) {
      int first = line.indexOf(':');
      int second = first < 0 ? -1 : line.indexOf(':', first + 1);
      if (second < 0) {
        continue;
      }
      String controllers = line.substring(first + 1, second);
      String path = line.substring(second + 1);
      if (controllers.isEmpty() && line.startsWith("0:")) {
        v2 = path;
      } else {
        for (String controller : controllers.split(",")) {
          if (controller.equals("cpuacct")) {
            return new CgroupPath(normalise(path), CgroupHierarchy.V1_CPUACCT);
          }
        }
      }
    }
    return v2 == null ? null : new CgroupPath(normalise(v2), CgroupHierarchy.V2);
  }

  /**
   * The same path with its string shared with equal paths of other processes (see the process
   * scanner).
   */
  public CgroupPath withPath(String canonical) {
    return canonical == path ? this : new CgroupPath(canonical, hierarchy);
  }

  static String normalise(String path) {
    String p = path.trim();
    while (p.startsWith("/..")) {
      p = p.substring(3);
    }
    if (p.isEmpty()) {
      return "/";
    }
    return p.startsWith("/") ? p : "/" + p;
  }

  /** True when this path is {@code ancestor} or below it. */
  public boolean isWithin(String ancestor) {
    if (!path.startsWith(ancestor)) {
      return false;
    }
    // Without building ancestor + "/": this runs for every process of every consumer each sample.
    return path.length() == ancestor.length()
        || ancestor.endsWith("/")
        || path.charAt(ancestor.length()) == '/';
  }
}
