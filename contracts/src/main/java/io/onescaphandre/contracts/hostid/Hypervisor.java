package io.onescaphandre.contracts.hostid;

import java.util.Locale;
import java.util.Optional;

/**
 * The hypervisors whose hosts run our agent. OpenNebula 7 has two KVM drivers, {@code kvm} and
 * {@code qemu}; both run QEMU processes, so both are {@link #KVM} here, as in the agent's {@code
 * hypervisor} label and the init report's {@code hypervisor} field.
 */
public enum Hypervisor {
  KVM("kvm"),
  LXC("lxc");

  private final String label;

  Hypervisor(String label) {
    this.label = label;
  }

  /** The value of the {@code hypervisor} label. */
  public String label() {
    return label;
  }

  /** Maps an OpenNebula driver name (IM_MAD, VM_MAD, status DB file name) to a hypervisor. */
  public static Optional<Hypervisor> ofDriver(String driver) {
    if (driver == null) {
      return Optional.empty();
    }
    return switch (driver.strip().toLowerCase(Locale.ROOT)) {
      case "kvm", "qemu" -> Optional.of(KVM);
      case "lxc" -> Optional.of(LXC);
      default -> Optional.empty();
    };
  }
}
