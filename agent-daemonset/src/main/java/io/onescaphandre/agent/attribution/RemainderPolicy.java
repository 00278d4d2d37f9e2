package io.onescaphandre.agent.attribution;

import io.onescaphandre.agent.consumer.ConsumerKey;
import java.util.HashMap;
import java.util.Map;

/**
 * Divides the platform remainder (a whole-node meter's power above RAPL's CPU and DRAM: supplies'
 * losses, fans, disks, NICs, the BMC) on top of the CPU attribution, so that VMs, pods, services,
 * other processes and the unattributed part add up to the wall. Selected by {@code
 * --power.remainder-policy}.
 */
public enum RemainderPolicy {
  /**
   * Every part of the CPU attribution (each consumer, other processes, unattributed) gets the
   * remainder in proportion to its share of the CPU and DRAM energy: the platform serves the work
   * the way the CPU does. Idle is treated as the CPU policy treats it (kept apart by {@code
   * idle-unattributed}).
   */
  PROPORTIONAL("proportional"),
  /**
   * Reservation: each KVM VM gets remainder x its vCPUs / max(host CPUs, sum of vCPUs), busy or not
   * (the platform's fans, disks and supplies exist for the capacity the VM holds); the share no VM
   * holds stays unattributed, and pods, services and other processes get none of it.
   */
  VCPU("vcpu");

  private final String label;

  RemainderPolicy(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static RemainderPolicy parse(String text) {
    for (RemainderPolicy p : values()) {
      if (p.label.equals(text)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "--power.remainder-policy must be proportional or vcpu, not '" + text + "'");
  }

  /** The CPU attribution with the remainder added; the parts sum to CPU energy + remainder. */
  public Attribution apply(Attribution cpu, double remainderJoules, AttributionInput input) {
    if (remainderJoules <= 0) {
      return cpu;
    }
    Map<ConsumerKey, Double> consumers = new HashMap<>(cpu.consumerJoules());
    if (this == PROPORTIONAL) {
      double base = cpu.otherJoules() + cpu.unattributedJoules();
      for (double j : cpu.consumerJoules().values()) {
        base += j;
      }
      if (base <= 0) {
        return new Attribution(
            consumers,
            cpu.otherJoules(),
            cpu.unattributedJoules() + remainderJoules,
            cpu.joulesPerCpuSecond());
      }
      double factor = 1 + remainderJoules / base;
      consumers.replaceAll((key, joules) -> joules * factor);
      return new Attribution(
          consumers,
          cpu.otherJoules() * factor,
          cpu.unattributedJoules() * factor,
          cpu.joulesPerCpuSecond() * factor);
    }
    double capacity = input.vcpuCapacity();
    double given = 0;
    for (Map.Entry<ConsumerKey, Integer> e : input.allocatedVcpus().entrySet()) {
      double joules = capacity > 0 ? remainderJoules * e.getValue() / capacity : 0;
      consumers.merge(e.getKey(), joules, Double::sum);
      given += joules;
    }
    return new Attribution(
        consumers,
        cpu.otherJoules(),
        cpu.unattributedJoules() + Math.max(0, remainderJoules - given),
        cpu.joulesPerCpuSecond());
  }
}
