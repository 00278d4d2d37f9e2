package io.onescaphandre.agent.power;

import java.util.List;

/**
 * The host's power in one interval and where it came from.
 *
 * @param totalSource the source that makes the host total (null: none is usable)
 * @param hostJoules the host's energy in the interval
 * @param cpuJoules the part the CPU attribution policy divides: RAPL's package + DRAM (or psys)
 *     when RAPL is read, else the whole host energy
 * @param remainderJoules the platform remainder: a whole-node meter's excess over RAPL, divided by
 *     the remainder policy (0 unless a whole-node meter makes the total while RAPL is read)
 * @param totalJoules the host energy since the agent started, monotonic
 * @param sources every enabled source, in precedence order
 * @param estimateCurve the estimate's curve when the estimate is enabled, else null
 */
public record HostPowerSample(
    PowerSourceName totalSource,
    double hostJoules,
    double cpuJoules,
    double remainderJoules,
    double totalJoules,
    List<SourceStatus> sources,
    PowerCurve estimateCurve) {

  public boolean estimated() {
    return totalSource == PowerSourceName.ESTIMATE;
  }
}
