package io.onescaphandre.agent.cgroup;

import io.onescaphandre.agent.consumer.ConsumerKey;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises consumers from cgroup paths: OpenNebula KVM VMs (libvirt machine scopes), OpenNebula
 * LXC instances (payload and monitor cgroups of every LXC release OpenNebula supports), Kubernetes
 * pods (systemd and cgroupfs drivers, every QoS class, containerd, CRI-O and docker scopes) and
 * systemd services. Stateless and thread-safe.
 */
public final class CgroupClassifier {
  /** libvirt + systemd: {@code machine-qemu\x2d<domid>\x2done\x2d<vmid>.scope}. */
  private static final Pattern LIBVIRT_SCOPE =
      Pattern.compile("^machine-qemu\\\\x2d\\d{1,10}\\\\x2done\\\\x2d(\\d{1,10})\\.scope$");

  /** libvirt without systemd: {@code machine/qemu-<domid>-one-<vmid>.libvirt-qemu}. */
  private static final Pattern LIBVIRT_CGROUPFS =
      Pattern.compile("^qemu-\\d{1,10}-one-(\\d{1,10})\\.libvirt-qemu$");

  /** LXC 4+: {@code lxc.payload.one-<id>}, with {@code -<n>} when LXC retried a taken name. */
  private static final Pattern LXC_PAYLOAD =
      Pattern.compile("^lxc\\.payload\\.one-(\\d{1,10})(?:-\\d{1,10})?$");

  private static final Pattern LXC_MONITOR =
      Pattern.compile("^lxc\\.monitor\\.one-(\\d{1,10})(?:-\\d{1,10})?$");

  /** LXC 3.x nested layouts: {@code lxc/one-<id>} and {@code lxc.payload/one-<id>}. */
  private static final Pattern LXC_NESTED_NAME =
      Pattern.compile("^one-(\\d{1,10})(?:-\\d{1,10})?$");

  /** systemd driver: {@code kubepods[-<qos>]-pod<uid with _>.slice}. */
  private static final Pattern POD_SYSTEMD =
      Pattern.compile("^kubepods(?:-(?:burstable|besteffort))?-pod([0-9a-fA-F_]{36})\\.slice$");

  /** cgroupfs driver: {@code pod<uid>} below {@code kubepods[/<qos>]}. */
  private static final Pattern POD_CGROUPFS = Pattern.compile("^pod([0-9a-fA-F-]{36})$");

  /** Container scopes: containerd and CRI-O (systemd driver), docker; plain id (cgroupfs). */
  private static final Pattern CONTAINER =
      Pattern.compile("^(?:(?:cri-containerd|crio|docker)-)?([0-9a-f]{64})(?:\\.scope)?$");

  private static final Pattern SERVICE = Pattern.compile("^(.+\\.service)$");

  /**
   * The consumer of a cgroup path, or null when the path belongs to none.
   *
   * <p>VMs cannot be invented: a libvirt scope counts only directly under libvirt's partition
   * ({@code machine.slice}, or {@code machine} without systemd), and no VM cgroup counts below
   * {@code user.slice} (where systemd delegates cgroups to local users, who can name them as they
   * like) or a pod's {@code kubepods} tree. An LXC monitor cgroup names its instance but does not
   * make one (its measured path is null): the sampler lets it join only an instance whose payload
   * cgroup exists.
   */
  public CgroupMatch classify(String path) {
    String[] segments = path.split("/");
    boolean delegated = false;
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      if (segment.isEmpty()) {
        continue;
      }
      String parent = i > 0 ? segments[i - 1] : "";
      if (segment.equals("user.slice") || segment.startsWith("kubepods")) {
        delegated = true;
      }
      Matcher m;
      if (!delegated
          && ((m = LIBVIRT_SCOPE.matcher(segment)).matches() && parent.equals("machine.slice")
              || (m = LIBVIRT_CGROUPFS.matcher(segment)).matches() && parent.equals("machine"))) {
        return new CgroupMatch(ConsumerKey.kvm(m.group(1)), prefix(segments, i));
      }
      if (delegated) {
        // Below user.slice and kubepods only pods are told apart: no VM, whatever the names.
        Matcher pod;
        if ((pod = POD_SYSTEMD.matcher(segment)).matches()) {
          return pod(pod.group(1).replace('_', '-'), segments, i);
        }
        if ((parent.startsWith("kubepods")
                || parent.equals("burstable")
                || parent.equals("besteffort"))
            && (pod = POD_CGROUPFS.matcher(segment)).matches()) {
          return pod(pod.group(1), segments, i);
        }
        continue;
      }
      if ((m = LXC_PAYLOAD.matcher(segment)).matches()) {
        return new CgroupMatch(ConsumerKey.lxc(m.group(1)), prefix(segments, i));
      }
      if ((m = LXC_MONITOR.matcher(segment)).matches()) {
        return new CgroupMatch(ConsumerKey.lxc(m.group(1)), null);
      }
      if ((parent.equals("lxc") || parent.equals("lxc.payload"))
          && (m = LXC_NESTED_NAME.matcher(segment)).matches()) {
        return new CgroupMatch(ConsumerKey.lxc(m.group(1)), prefix(segments, i));
      }
      if (parent.isEmpty() && (m = POD_CGROUPFS.matcher(segment)).matches()) {
        return pod(m.group(1), segments, i);
      }
      if (parent.equals("system.slice")
          || (parent.startsWith("system-") && parent.endsWith(".slice"))) {
        if ((m = SERVICE.matcher(segment)).matches()) {
          return new CgroupMatch(ConsumerKey.service(m.group(1)), prefix(segments, i));
        }
      }
    }
    return null;
  }

  private static CgroupMatch pod(String uid, String[] segments, int podIndex) {
    String uidLower = uid.toLowerCase(java.util.Locale.ROOT);
    if (podIndex + 1 < segments.length) {
      Matcher container = CONTAINER.matcher(segments[podIndex + 1]);
      if (container.matches()) {
        return new CgroupMatch(
            ConsumerKey.pod(uidLower, container.group(1)), prefix(segments, podIndex + 1));
      }
    }
    return new CgroupMatch(ConsumerKey.pod(uidLower, ""), null);
  }

  private static String prefix(String[] segments, int lastIndex) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i <= lastIndex; i++) {
      if (!segments[i].isEmpty()) {
        sb.append('/').append(segments[i]);
      }
    }
    return sb.toString();
  }
}
