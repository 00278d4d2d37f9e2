package io.onescaphandre.agent.proc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the agent learns from a process's argv ({@code /proc/<pid>/cmdline}, NUL-separated): whether
 * it is an emulator (argv[0]'s base name {@code qemu-kvm-one}, {@code qemu-system-*}, {@code
 * qemu-kvm} or {@code kvm}) and then the OpenNebula VM it names ({@code -name guest=one-<id>}) with
 * its {@code -smp} vCPUs, or the monitor of an OpenNebula LXC instance ({@code [lxc monitor]
 * <lxcpath> one-<id>}). Only an emulator's arguments are read for a VM: any process can carry
 * {@code -name guest=one-99}. Whether such a process is a VM is the sampler's rule (docs: "VMs
 * cannot be invented"). Any content parses: nothing here throws.
 *
 * @param display argv joined by spaces, cut to {@link #DISPLAY_LIMIT} characters
 * @param executable argv[0], cut to {@link #DISPLAY_LIMIT} characters: the {@code exe} label (the
 *     agent does not read {@code /proc/<pid>/exe}, which needs SYS_PTRACE for another user's
 *     process)
 * @param kvmVmId the VM id an emulator names, or null
 * @param vcpus the {@code -smp} vCPU count of an emulator (QEMU's default 1 when absent or absurd)
 * @param lxcVmId the VM id an LXC monitor process watches, or null
 */
public record CommandLine(
    String display, String executable, String kvmVmId, int vcpus, String lxcVmId) {
  public static final int DISPLAY_LIMIT = 128;

  /** QEMU's own ceiling (x86 with x2APIC); a larger -smp is not believed. */
  static final int MAX_VCPUS = 4096;

  private static final Pattern GUEST_NAME =
      Pattern.compile("(?:^|,)(?:guest=)?one-(\\d{1,10})(?:,|$)");
  private static final Pattern LXC_MONITOR =
      Pattern.compile("^\\[lxc monitor] \\S+ one-(\\d{1,10})\\s*$");
  private static final Pattern SMP_CPUS = Pattern.compile("(?:^|,)(?:cpus=)?(\\d{1,10})(?:,|$)");

  /**
   * Arguments looked at: QEMU's command lines are a few hundred; a hostile one may be 64 KiB of
   * NULs.
   */
  private static final int MAX_ARGS = 4096;

  public static final CommandLine EMPTY = new CommandLine("", "", null, 0, null);

  public static CommandLine parse(byte[] buf, int len) {
    if (len <= 0) {
      return EMPTY;
    }
    List<String> args = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= len && args.size() < MAX_ARGS; i++) {
      if (i == len || buf[i] == 0) {
        if (i > start || i < len) {
          args.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    while (!args.isEmpty() && args.get(args.size() - 1).isEmpty()) {
      args.remove(args.size() - 1);
    }
    String display = display(args);
    String executable =
        args.isEmpty()
            ? ""
            : args.get(0).substring(0, Math.min(args.get(0).length(), DISPLAY_LIMIT));
    if (args.size() <= 4) {
      // An LXC monitor rewrites its title: "[lxc monitor] <lxcpath> <name>".
      Matcher monitor = LXC_MONITOR.matcher(String.join(" ", args));
      if (monitor.matches()) {
        return new CommandLine(display, executable, null, 0, monitor.group(1));
      }
    }
    if (args.isEmpty() || !isEmulator(args.get(0))) {
      return new CommandLine(display, executable, null, 0, null);
    }
    String vmId = null;
    int vcpus = 1;
    for (int i = 1; i + 1 < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-name")) {
        Matcher m = GUEST_NAME.matcher(args.get(i + 1));
        if (m.find()) {
          vmId = m.group(1);
        }
      } else if (arg.equals("-smp")) {
        vcpus = vcpus(args.get(i + 1));
      }
    }
    return new CommandLine(display, executable, vmId, vmId == null ? 0 : vcpus, null);
  }

  /** argv[0]'s base name is a KVM emulator's. */
  static boolean isEmulator(String argv0) {
    String base = argv0.substring(argv0.lastIndexOf('/') + 1);
    return base.equals("qemu-kvm-one")
        || base.equals("qemu-kvm")
        || base.equals("kvm")
        || base.startsWith("qemu-system-") && base.length() > "qemu-system-".length();
  }

  /**
   * {@code -smp 4}, {@code -smp cpus=4,sockets=1}: 1 when absent, 0, or above {@link #MAX_VCPUS}.
   */
  static int vcpus(String smp) {
    Matcher m = SMP_CPUS.matcher(smp);
    if (!m.find()) {
      return 1;
    }
    long value = Long.parseLong(m.group(1));
    return value >= 1 && value <= MAX_VCPUS ? (int) value : 1;
  }

  private static String display(List<String> args) {
    StringBuilder sb = new StringBuilder(Math.min(DISPLAY_LIMIT + 16, 256));
    for (String arg : args) {
      if (sb.length() > DISPLAY_LIMIT) {
        break;
      }
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      sb.append(arg, 0, Math.min(arg.length(), DISPLAY_LIMIT + 1));
    }
    return sb.length() > DISPLAY_LIMIT ? sb.substring(0, DISPLAY_LIMIT) : sb.toString();
  }
}
