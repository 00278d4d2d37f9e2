package io.onescaphandre.agent.consumer;

/**
 * Identity of a consumer.
 *
 * @param kind VM, pod or service
 * @param id VM id, pod uid or unit name
 * @param detail hypervisor ({@code kvm}, {@code lxc}) for a VM, container id for a pod (empty for
 *     processes of the pod outside any container), empty for a service
 */
public record ConsumerKey(ConsumerKind kind, String id, String detail) {

  public static ConsumerKey kvm(String vmId) {
    return new ConsumerKey(ConsumerKind.VM, vmId, "kvm");
  }

  public static ConsumerKey lxc(String vmId) {
    return new ConsumerKey(ConsumerKind.VM, vmId, "lxc");
  }

  public static ConsumerKey pod(String podUid, String containerId) {
    return new ConsumerKey(ConsumerKind.POD, podUid, containerId);
  }

  public static ConsumerKey service(String unit) {
    return new ConsumerKey(ConsumerKind.SERVICE, unit, "");
  }

  @Override
  public String toString() {
    return kind + ":" + id + (detail.isEmpty() ? "" : "/" + detail);
  }
}
