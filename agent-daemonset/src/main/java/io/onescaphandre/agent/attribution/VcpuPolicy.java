package io.onescaphandre.agent.attribution;

import io.onescaphandre.agent.consumer.ConsumerKey;
import java.util.HashMap;
import java.util.Map;

/**
 * Reservation policy: each KVM VM gets host power × its vCPUs / the host's logical CPUs (or / the
 * sum of all vCPUs when the host is overcommitted), busy or not, like a rented share of the
 * machine. The rest of the power is split by busy CPU time over the other consumers (pods,
 * services, LXC instances, whose allocation is not known) and other processes; the busy time of the
 * VMs themselves is taken out of that split.
 */
public final class VcpuPolicy implements AttributionPolicy {
  public static final String NAME = "vcpu";

  @Override
  public Attribution attribute(AttributionInput input) {
    double capacity = input.vcpuCapacity();
    Map<ConsumerKey, Double> fixed = new HashMap<>();
    double reserved = 0;
    double reservedBusy = 0;
    for (Map.Entry<ConsumerKey, Integer> e : input.allocatedVcpus().entrySet()) {
      double joules = capacity > 0 ? input.hostJoules() * e.getValue() / capacity : 0;
      fixed.put(e.getKey(), joules);
      reserved += joules;
      reservedBusy += input.consumerCpuSeconds().getOrDefault(e.getKey(), 0.0);
    }
    double remaining = Math.max(0, input.hostJoules() - reserved);
    double busyOfOthers = Math.max(0, input.busyCpuSeconds() - reservedBusy);
    return CpuShare.split(
        remaining, busyOfOthers, input, key -> !input.allocatedVcpus().containsKey(key), fixed);
  }

  @Override
  public String name() {
    return NAME;
  }
}
