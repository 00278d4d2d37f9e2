package io.onescaphandre.agent.attribution;

import java.util.Map;

/**
 * Idle power belongs to no one: only the power above the idle level is split by busy CPU time; the
 * idle level and the busy time of no process stay unattributed.
 */
public final class IdleUnattributedPolicy implements AttributionPolicy {
  public static final String NAME = "idle-unattributed";

  private final IdlePowerEstimator idlePower;

  public IdleUnattributedPolicy(IdlePowerEstimator idlePower) {
    this.idlePower = idlePower;
  }

  @Override
  public Attribution attribute(AttributionInput input) {
    double idleWatts = idlePower.observe(input.hostJoules() / input.intervalSeconds());
    double dynamic = Math.max(0, input.hostJoules() - idleWatts * input.intervalSeconds());
    return CpuShare.split(dynamic, input.busyCpuSeconds(), input, key -> true, Map.of());
  }

  @Override
  public String name() {
    return NAME;
  }
}
