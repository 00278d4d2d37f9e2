package io.onescaphandre.agent.proc;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the agent learns from a process's argv ({@code /proc/<pid>/cmdline}, NUL-separated):
 * whether it is the QEMU of an OpenNebula VM (by {@code -name guest=one-<id>}, whatever the
 * emulator binary is called) with its {@code -smp} vCPUs, or the monitor of an OpenNebula LXC
 * instance ({@code [lxc monitor] <lxcpath> one-<id>}).
 *
 * @param display argv joined by spaces, cut to {@link #DISPLAY_LIMIT} characters
 * @param kvmVmId the VM id of a QEMU process, or null
 * @param vcpus the {@code -smp} vCPU count of a QEMU process (QEMU's default 1 when absent)
 * @param lxcVmId the VM id an LXC monitor process watches, or null
 */
public record CommandLine(String display, String kvmVmId, int vcpus, String lxcVmId) {
  public static final int DISPLAY_LIMIT = 128;
  private static final Pattern GUEST_NAME = Pattern.compile("(?:^|,)(?:guest=)?one-(\\d+)(?:,|$)");
  private static final Pattern LXC_MONITOR = Pattern.compile("^\\[lxc monitor] \\S+ one-(\\d+)\\s*$");
  private static final Pattern SMP_CPUS = Pattern.compile("(?:^|,)(?:cpus=)?(\\d+)(?:,|$)");

  public static final CommandLine EMPTY = new CommandLine("", null, 0, null);

  public static CommandLine parse(byte[] buf, int len) {
    if (len == 0) {
      return EMPTY;
    }
    List<String> args = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= len; i++) {
      if (i == len || buf[i] == 0) {
        if (i > start || i < len) {
          args.add(new String(buf, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    while (!args.isEmpty() && args.get(args.size() - 1).isEmpty()) {
      args.remove(args.size() - 1);
    }
    String joined = String.join(" ", args);
    String display = joined.length() > DISPLAY_LIMIT ? joined.substring(0, DISPLAY_LIMIT) : joined;
    Matcher monitor = LXC_MONITOR.matcher(joined);
    if (monitor.matches()) {
      return new CommandLine(display, null, 0, monitor.group(1));
    }
    String vmId = null;
    int vcpus = 1;
    for (int i = 0; i + 1 < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-name")) {
        Matcher m = GUEST_NAME.matcher(args.get(i + 1));
        if (m.find()) {
          vmId = m.group(1);
        }
      } else if (arg.equals("-smp")) {
        Matcher m = SMP_CPUS.matcher(args.get(i + 1));
        if (m.find()) {
          vcpus = Integer.parseInt(m.group(1));
        }
      }
    }
    return vmId == null ? new CommandLine(display, null, 0, null) : new CommandLine(display, vmId, vcpus, null);
  }
}
