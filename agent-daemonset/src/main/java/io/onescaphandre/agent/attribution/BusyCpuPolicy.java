package io.onescaphandre.agent.attribution;

import java.util.Map;

/**
 * Default policy: all host power, idle included, is split in proportion to busy CPU time. A VM
 * using a quarter of the host's busy CPU time gets a quarter of the host's power; busy time no
 * process accounts for is left unattributed.
 */
public final class BusyCpuPolicy implements AttributionPolicy {
  public static final String NAME = "busy-cpu";

  @Override
  public Attribution attribute(AttributionInput input) {
    return CpuShare.split(input.hostJoules(), input.busyCpuSeconds(), input, key -> true, Map.of());
  }

  @Override
  public String name() {
    return NAME;
  }
}
