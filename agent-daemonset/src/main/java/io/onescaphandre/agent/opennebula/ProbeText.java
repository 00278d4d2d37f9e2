package io.onescaphandre.agent.opennebula;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The text OpenNebula's IM probes print, exactly: the one home of that format. The probes under
 * {@code opennebula/remotes/im/} copy the agent's answer to their standard output unchanged.
 *
 * <p>{@code host/system} probes: {@code KEY="VALUE"} lines that oned merges into HOST/TEMPLATE
 * ({@code Host::update_info}), where {@code SCHED_RANK} and {@code SCHED_REQUIREMENTS} can use
 * them. {@code vm/monitor} probes: one {@code VM = [ ID="<id>", MONITOR="<base64>" ]} line per VM,
 * the base64 holding {@code KEY="VALUE"} lines; onemonitord decodes it, merges it with the other
 * probes' blocks of the same ID ({@code MonitorDriverProtocol::_monitor_vm}) and into the VM's
 * MONITORING.
 */
public final class ProbeText {
  /** Host template keys, in the order printed. */
  public static final String STATE = "POWER_STATE";

  public static final String POWER = "POWER_W";
  public static final String PERIOD = "POWER_PERIOD_S";
  public static final String BUSY_CPUS = "BUSY_CPUS";
  public static final String IDLE_POWER = "IDLE_POWER_W";
  public static final String MARGINAL_POWER = "MARGINAL_POWER_PER_CPU_W";
  public static final String ENERGY = "ENERGY_KWH";
  public static final String ENERGY_SINCE = "ENERGY_SINCE";

  /** The value of {@link #STATE} when the figures are there. */
  public static final String STATE_OK = "ok";

  /** The keys a ScaphandreMonitor may publish with one.host.update. */
  public static final List<String> HOST_KEYS =
      List.of(STATE, POWER, PERIOD, BUSY_CPUS, IDLE_POWER, MARGINAL_POWER, ENERGY, ENERGY_SINCE);

  private static final double JOULES_PER_KWH = 3.6e6;

  private ProbeText() {}

  /** The host/system lines; without figures only {@link #STATE} with the reason. */
  public static String host(ProbeFeed.HostPower p) {
    StringBuilder out = new StringBuilder(256);
    if (!p.available()) {
      line(out, STATE, p.reason());
      return out.toString();
    }
    line(out, STATE, STATE_OK);
    line(out, POWER, fixed(p.watts(), 1));
    line(out, PERIOD, fixed(p.seconds(), 0));
    line(out, BUSY_CPUS, fixed(p.busyCpus(), 2));
    p.idleWatts().ifPresent(w -> line(out, IDLE_POWER, fixed(w, 1)));
    p.wattsPerBusyCpu().ifPresent(w -> line(out, MARGINAL_POWER, fixed(w, 2)));
    line(out, ENERGY, fixed(p.joules() / JOULES_PER_KWH, 6));
    line(out, ENERGY_SINCE, Long.toString(p.since().getEpochSecond()));
    return out.toString();
  }

  /** The vm/monitor lines, one per VM. */
  public static String vms(List<ProbeFeed.VmPower> vms) {
    StringBuilder out = new StringBuilder(vms.size() * 96);
    for (ProbeFeed.VmPower vm : vms) {
      if (!vm.vmId().chars().allMatch(Character::isDigit) || vm.vmId().isEmpty()) {
        continue; // OpenNebula ids only: a wild VM (negative id) would need a DEPLOY_ID we do not
        // know
      }
      StringBuilder monitor = new StringBuilder(64);
      line(monitor, POWER, fixed(vm.watts(), 2));
      line(monitor, ENERGY, fixed(vm.joules() / JOULES_PER_KWH, 6));
      out.append("VM = [ ID=\"")
          .append(vm.vmId())
          .append("\", MONITOR=\"")
          .append(
              Base64.getEncoder()
                  .encodeToString(monitor.toString().getBytes(StandardCharsets.UTF_8)))
          .append("\" ]\n");
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String key, String value) {
    out.append(key).append("=\"").append(value).append("\"\n");
  }

  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
