package io.onescaphandre.agent.sampling;

import io.onescaphandre.agent.power.HostPowerSample;
import io.onescaphandre.agent.rapl.RaplState;
import java.util.List;
import java.util.Map;

/**
 * Everything one complete sample measured, immutable: what every scrape reads until the next sample
 * completes. Energies are cumulative since the agent started (or since the consumer appeared);
 * powers are averages over the last interval.
 *
 * @param sequence number of samples taken so far
 * @param raplState whether energy could be read
 * @param powerAvailable false before the second sample or while RAPL is not readable: power and
 *     energy series are then left out, CPU series are not
 * @param processesSkipped processes left out of samples since the start because their files could
 *     not be parsed
 * @param hostBusyCpuSeconds the host's busy CPU time since the agent started (from {@code
 *     /proc/stat}; flat while it cannot be read), for the exporters that fit power against load
 * @param hostWatts, hostJoules the host total of the source that makes it (see {@code hostPower})
 * @param hostPower every power source's reading and which one makes the host total
 */
public record Snapshot(
    long sequence,
    RaplState raplState,
    boolean powerAvailable,
    double intervalSeconds,
    double hostWatts,
    double hostJoules,
    Map<String, Double> domainJoules,
    List<Zone> zones,
    Map<String, Double> socketWatts,
    List<DomainPower> domainWatts,
    List<Vm> vms,
    List<Pod> pods,
    List<Service> services,
    double otherWatts,
    double otherJoules,
    double unattributedWatts,
    double unattributedJoules,
    List<ProcessPower> processes,
    int processCount,
    long processesSkipped,
    double hostBusyCpuSeconds,
    HostPowerSample hostPower) {

  /**
   * {@code pod_uid}, {@code container} and {@code unit} of the series summing the consumers outside
   * the top N.
   */
  public static final String REST = "other";

  public static Snapshot empty(RaplState state) {
    return new Snapshot(
        0,
        state,
        false,
        0,
        0,
        0,
        Map.of(),
        List.of(),
        Map.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        0,
        0,
        0,
        0,
        List.of(),
        0,
        0,
        0,
        new HostPowerSample(null, 0, 0, 0, 0, List.of(), null));
  }

  /**
   * Energy of one powercap zone.
   *
   * @param state {@code ok}, {@code degraded} (no wrap range) or {@code unreadable}
   * @param resets intervals refused as implausible so far
   * @param gapSeconds time whose energy the zone's counter lacks
   */
  public record Zone(
      String zone,
      String domain,
      String socket,
      double joules,
      String state,
      long resets,
      double gapSeconds) {}

  /** Power of one domain of one socket over the interval. */
  public record DomainPower(String domain, String socket, double watts) {}

  /** One OpenNebula VM (KVM or LXC). */
  public record Vm(String vmId, String hypervisor, double watts, double joules, double cpuSeconds) {
    public String vmName() {
      return "one-" + vmId;
    }
  }

  /** One pod container, or the sum of those outside the top N ({@code podUid = "other"}). */
  public record Pod(String podUid, String container, double watts, double joules) {}

  /** One systemd service, or the sum of those outside the top N ({@code unit = "other"}). */
  public record Service(String unit, double watts, double joules) {}

  /** One process in Scaphandre's per-process series: a VM's main process or a top-N other. */
  public record ProcessPower(int pid, String exe, String cmdline, String vmName, double watts) {}
}
