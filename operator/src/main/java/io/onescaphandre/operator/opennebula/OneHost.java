package io.onescaphandre.operator.opennebula;

import io.onescaphandre.contracts.hostid.Hypervisor;
import java.util.Optional;

/**
 * One OpenNebula host, reduced to what identity and scrape targets need.
 *
 * @param templateHostname {@code TEMPLATE/HOSTNAME} ({@code uname -n} of the host as its probe
 *     reported it), or null before the first successful monitoring
 * @param clusterName {@code CLUSTER}; may be empty
 */
public record OneHost(
    int id,
    String name,
    String templateHostname,
    String imMad,
    String vmMad,
    int state,
    int clusterId,
    String clusterName) {

  /** The hypervisor from VM_MAD, else IM_MAD; empty for hosts we do not monitor (vCenter, …). */
  public Optional<Hypervisor> hypervisor() {
    return Hypervisor.ofDriver(vmMad).or(() -> Hypervisor.ofDriver(imMad));
  }

  /** KVM, QEMU and LXC hosts carry our agent; other drivers are ignored everywhere. */
  public boolean isMonitorable() {
    return hypervisor().isPresent();
  }

  /** The name of {@link #state}, as in {@code onehost list}. */
  public String stateName() {
    return switch (state) {
      case 0 -> "INIT";
      case 1 -> "MONITORING_MONITORED";
      case 2 -> "MONITORED";
      case 3 -> "ERROR";
      case 4 -> "DISABLED";
      case 5 -> "MONITORING_ERROR";
      case 6 -> "MONITORING_INIT";
      case 7 -> "MONITORING_DISABLED";
      case 8 -> "OFFLINE";
      default -> "UNKNOWN_" + state;
    };
  }
}
