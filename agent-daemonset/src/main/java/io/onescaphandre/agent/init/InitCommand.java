package io.onescaphandre.agent.init;

import io.onescaphandre.agent.rapl.RaplMeter;
import io.onescaphandre.agent.rapl.RaplReading;
import io.onescaphandre.agent.rapl.RaplState;
import io.onescaphandre.agent.rapl.RaplZone;
import io.onescaphandre.agent.rapl.RaplZoneDiscovery;
import io.onescaphandre.contracts.duration.DurationConverter;
import io.onescaphandre.contracts.hostid.HostIdNotFoundException;
import io.onescaphandre.contracts.hostid.HypervisorFilesHostIdFinder;
import io.onescaphandre.contracts.hostid.LocalHostId;
import io.onescaphandre.contracts.init.InitReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code init}, the DaemonSet's privileged init container: loads the RAPL modules this CPU and
 * kernel need, checks the zones are there and readable, finds the OpenNebula host id, and leaves
 * one JSON line for the operator. Always exits 0: a host without RAPL or without a host id is a
 * finding to report, not a reason for a crash loop.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description =
        "Load RAPL modules, check RAPL, find the OpenNebula host id; print one JSON line.")
public final class InitCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(InitCommand.class);

  @Option(
      names = "--path.sysfs",
      defaultValue = "/sys",
      description = "sysfs mount (default ${DEFAULT-VALUE})")
  Path sysfs;

  @Option(
      names = "--path.rootfs",
      defaultValue = "/",
      description = "host root (default ${DEFAULT-VALUE})")
  Path rootfs;

  @Option(
      names = "--path.procfs",
      defaultValue = "/proc",
      description = "procfs mount, for cpuinfo and the kernel release (default ${DEFAULT-VALUE})")
  Path procfs;

  @Option(
      names = "--termination-message-path",
      defaultValue = "/dev/termination-log",
      description = "file the JSON line is written to (default ${DEFAULT-VALUE})")
  Path terminationMessagePath;

  @Option(
      names = "--modprobe",
      defaultValue = "modprobe",
      description = "modprobe executable (default ${DEFAULT-VALUE})")
  String modprobe;

  @Option(
      names = "--zone-wait",
      defaultValue = "3s",
      converter = DurationConverter.class,
      description = "how long to wait for zones after loading modules (default ${DEFAULT-VALUE})")
  Duration zoneWait;

  @Option(
      names = "--rapl.group",
      description =
          "give this group read on every energy_uj (root-only since CVE-2020-8694), for an"
              + " agent that runs as an unprivileged user in that group (the Debian package's unit)")
  String raplGroup;

  @picocli.CommandLine.Mixin
  io.onescaphandre.agent.power.PowerOptions power = new io.onescaphandre.agent.power.PowerOptions();

  RaplMeter.EnergyFileReader energyFileReader = Files::readString;

  @Override
  public Integer call() {
    String line = inspect().toJson();
    System.out.println(line);
    try {
      Files.writeString(terminationMessagePath, line + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      LOG.warn("cannot write {}: {}", terminationMessagePath, e.toString());
    }
    return 0;
  }

  InitReport inspect() {
    String vendor = cpuVendor(procfs);
    KernelRelease kernel = KernelRelease.parse(readOrEmpty(procfs.resolve("sys/kernel/osrelease")));
    RaplZoneDiscovery discovery = new RaplZoneDiscovery(sysfs);
    List<String> loaded = List.of();
    List<RaplZone> zones = discovery.discover();
    if (zones.isEmpty()) {
      List<String> modules = RaplModules.required(vendor, kernel);
      loaded = new ModuleLoader(modprobe, rootfs).load(modules);
      if (!loaded.isEmpty()) {
        zones = waitForZones(discovery);
      }
    }
    RaplReading reading = new RaplMeter(discovery, energyFileReader).read();
    String rapl = raplMessage(reading.state(), vendor, kernel);
    if (raplGroup != null && !zones.isEmpty()) {
      RaplGroupAccess.Outcome access = RaplGroupAccess.grant(zones, raplGroup);
      rapl +=
          access.failure() == null
              ? ", energy_uj readable by group " + raplGroup
              : ", " + access.failure() + " (the agent will report rapl unreadable)";
    }
    List<String> zoneNames = zones.stream().map(RaplZone::name).toList();
    String kernelText = kernel.text().isEmpty() ? null : kernel.text();
    java.util.Map<String, String> powerSources;
    try {
      powerSources = power.probe(procfs, sysfs, reading.state());
    } catch (IllegalArgumentException e) {
      powerSources = java.util.Map.of();
      LOG.warn("power sources not probed: {}", e.getMessage());
    }
    String powerSource =
        powerSources.entrySet().stream()
            .filter(e -> e.getValue().equals("ok"))
            .map(java.util.Map.Entry::getKey)
            .findFirst()
            .orElse(null);
    String powerMessage =
        ", host power from "
            + (powerSource == null
                ? "no source"
                : powerSource.equals("estimate")
                    ? "estimate (a model: nothing measurable)"
                    : powerSource);
    try {
      LocalHostId host = new HypervisorFilesHostIdFinder(rootfs).find();
      String file = "/" + rootfs.relativize(host.file());
      return new InitReport(
          InitReport.VERSION,
          host.hostId(),
          host.source().label(),
          file,
          host.hypervisor().map(h -> h.label()).orElse(null),
          reading.state().label(),
          zoneNames,
          vendor,
          kernelText,
          loaded,
          powerSource,
          powerSources,
          rapl + ", host id " + host.hostId() + " from " + file + powerMessage);
    } catch (HostIdNotFoundException e) {
      return new InitReport(
          InitReport.VERSION,
          null,
          null,
          null,
          null,
          reading.state().label(),
          zoneNames,
          vendor,
          kernelText,
          loaded,
          powerSource,
          powerSources,
          rapl + ", " + e.getMessage() + powerMessage);
    }
  }

  private List<RaplZone> waitForZones(RaplZoneDiscovery discovery) {
    long deadline = System.nanoTime() + zoneWait.toNanos();
    List<RaplZone> zones = discovery.discover();
    while (zones.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      zones = discovery.discover();
    }
    return zones;
  }

  private static String raplMessage(RaplState state, String vendor, KernelRelease kernel) {
    return switch (state) {
      case OK -> "RAPL readable";
      case DEGRADED ->
          "RAPL readable with degraded zones (unreadable energy_uj or no"
              + " max_energy_range_uj; the agent's log names them)";
      case UNREADABLE ->
          "RAPL energy_uj not readable (root-only since CVE-2020-8694): run the agent"
              + " as root or with CAP_DAC_READ_SEARCH";
      case ABSENT -> {
        String why = RaplModules.whyNone(vendor, kernel);
        yield "no RAPL zone"
            + (why != null
                ? " (" + why + ")"
                : " (load intel_rapl_common/intel_rapl_msr on the host, or enable RAPL in the BIOS)");
      }
    };
  }

  static String cpuVendor(Path procfs) {
    for (String line : readOrEmpty(procfs.resolve("cpuinfo")).split("\n")) {
      if (line.startsWith("vendor_id")) {
        int colon = line.indexOf(':');
        return colon < 0 ? null : line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  private static String readOrEmpty(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }
}
