package io.onescaphandre.operator.opennebula;

import java.util.List;

/** The two pool listings the operator needs. Every failure is an {@link OpenNebulaException}. */
public interface OpenNebulaClient {

  /** {@code one.hostpool.info}: every host, whatever its driver or state. */
  List<OneHost> hostPool();

  /** {@code one.vmpool.info} (the short VM body) of every user's VMs. */
  List<OneVm> vmPool(VmStateFilter filter);

  /** The {@code state} argument of the VM pool methods. */
  enum VmStateFilter {
    /** Only ACTIVE VMs (state 3): what runs on a host. */
    ACTIVE(3),
    /** Every VM but DONE ones. */
    ANY_BUT_DONE(-1);

    private final int code;

    VmStateFilter(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }
}
