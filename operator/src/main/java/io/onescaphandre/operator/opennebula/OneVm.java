package io.onescaphandre.operator.opennebula;

import io.onescaphandre.contracts.hostid.Hypervisor;
import java.util.Optional;

/**
 * One OpenNebula VM (or LXC instance), reduced to what showback labels need.
 *
 * @param hostId HID of the last HISTORY record (the current host), -1 when never deployed
 * @param vmMad VM_MAD of the last HISTORY record, null when never deployed
 */
public record OneVm(
    int id,
    String name,
    String uname,
    String gname,
    int state,
    int lcmState,
    int hostId,
    String vmMad) {

  /** VM STATE ACTIVE: the VM has a host and its LCM state is meaningful. */
  public static final int STATE_ACTIVE = 3;

  /** LCM_STATE RUNNING. */
  public static final int LCM_RUNNING = 3;

  /**
   * A VM counts as running when it is ACTIVE on a host. Every LCM sub-state of ACTIVE keeps the VM
   * on that host (RUNNING, but also BOOT, MIGRATE, HOTPLUG, SHUTDOWN, BACKUP, …), and in all of
   * them its process may use power, so its energy must still join to a user and group.
   */
  public boolean isRunning() {
    return state == STATE_ACTIVE && hostId >= 0;
  }

  public Optional<Hypervisor> hypervisor() {
    return Hypervisor.ofDriver(vmMad);
  }
}
