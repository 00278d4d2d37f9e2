package io.onescaphandre.agent.rapl;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every zone's {@code energy_uj} and keeps monotonic microjoule counters that survive the
 * 32-bit hardware counter wrapping (every ~20 min on an Intel package at 200 W, every few minutes
 * on AMD). Called by the sampler thread only.
 */
public final class RaplMeter {
  private static final Logger LOG = LoggerFactory.getLogger(RaplMeter.class);

  /** Reads one {@code energy_uj}; replaceable so tests can play a root-only file while running as root. */
  @FunctionalInterface
  public interface EnergyFileReader {
    String read(java.nio.file.Path file) throws IOException;
  }

  private final RaplZoneDiscovery discovery;
  private final EnergyFileReader fileReader;
  private List<RaplZone> zones = List.of();
  private final Map<String, Long> lastRaw = new HashMap<>();
  private final Map<String, Long> cumulativeMicrojoules = new HashMap<>();
  private RaplState lastState;

  public RaplMeter(RaplZoneDiscovery discovery) {
    this(discovery, Files::readString);
  }

  public RaplMeter(RaplZoneDiscovery discovery, EnergyFileReader fileReader) {
    this.discovery = discovery;
    this.fileReader = fileReader;
  }

  public List<RaplZone> zones() {
    return zones;
  }

  /** Reads all zones once. Never throws: an unreadable or absent RAPL is a state. */
  public RaplReading read() {
    if (zones.isEmpty()) {
      // Zones appear when the init container loads the modules, or on CPU hotplug: look again.
      zones = discovery.discover();
      if (zones.isEmpty()) {
        return report(RaplReading.notMetered(RaplState.ABSENT));
      }
      LOG.info("RAPL zones: {}", zones.stream().map(z -> z.id() + "=" + z.name()).toList());
    }
    Map<String, Long> raw = new HashMap<>();
    for (RaplZone zone : zones) {
      try {
        raw.put(zone.id(), Long.parseLong(fileReader.read(zone.energyFile()).trim()));
      } catch (AccessDeniedException e) {
        // Counting restarts from the next readable value rather than guessing across the gap.
        lastRaw.clear();
        return report(RaplReading.notMetered(RaplState.UNREADABLE));
      } catch (IOException | NumberFormatException e) {
        if (!Files.isDirectory(zone.directory())) {
          // The zone went away (package offlined): rediscover next time.
          zones = List.of();
          lastRaw.clear();
          return read();
        }
        LOG.debug("skipping {} this sample: {}", zone.id(), e.toString());
      }
    }
    for (RaplZone zone : zones) {
      Long current = raw.get(zone.id());
      if (current == null) {
        continue;
      }
      Long previous = lastRaw.put(zone.id(), current);
      long delta = previous == null ? 0 : delta(previous, current, zone.maxEnergyRangeMicrojoules());
      cumulativeMicrojoules.merge(zone.id(), delta, Long::sum);
    }
    return report(toReading(raw));
  }

  /** Energy between two reads, unwrapping one wrap of the 32-bit counter. */
  static long delta(long previous, long current, long maxRange) {
    if (current >= previous) {
      return current - previous;
    }
    return (maxRange - previous) + current;
  }

  private RaplReading toReading(Map<String, Long> raw) {
    List<RaplReading.ZoneEnergy> zoneEnergies = new ArrayList<>(zones.size());
    Map<RaplDomain, Double> domains = new EnumMap<>(RaplDomain.class);
    Map<String, Double> socketDomains = new HashMap<>();
    Map<String, Long> rawSeenPerSocketDomain = new HashMap<>();
    for (RaplZone zone : zones) {
      double joules = cumulativeMicrojoules.getOrDefault(zone.id(), 0L) / 1e6;
      zoneEnergies.add(new RaplReading.ZoneEnergy(zone, joules));
      if (zone.mirror() || isDieMirror(zone, raw, rawSeenPerSocketDomain)) {
        continue;
      }
      domains.merge(zone.domain(), joules, Double::sum);
      socketDomains.merge(RaplReading.key(zone.domain(), zone.socket()), joules, Double::sum);
    }
    double host = domains.containsKey(RaplDomain.PSYS)
        ? domains.get(RaplDomain.PSYS)
        : domains.getOrDefault(RaplDomain.PACKAGE, 0.0) + domains.getOrDefault(RaplDomain.DRAM, 0.0);
    return new RaplReading(RaplState.OK, List.copyOf(zoneEnergies), host, domains, socketDomains);
  }

  /**
   * AMD kernels 6.10.x created one package zone per CCD, all reading the same socket counter: a
   * second zone of the same domain and socket with the identical raw value is not counted again.
   */
  private static boolean isDieMirror(RaplZone zone, Map<String, Long> raw, Map<String, Long> seen) {
    Long value = raw.get(zone.id());
    if (value == null || !zone.name().contains("-die-")) {
      return false;
    }
    Long earlier = seen.putIfAbsent(RaplReading.key(zone.domain(), zone.socket()), value);
    return earlier != null && earlier.equals(value);
  }

  private RaplReading report(RaplReading reading) {
    if (reading.state() != lastState) {
      switch (reading.state()) {
        case OK -> LOG.info("RAPL energy readable from {} zones", zones.size());
        case ABSENT -> LOG.warn("no RAPL zone under {}: host and VM power cannot be measured. Load"
            + " the modules (intel_rapl_common + intel_rapl_msr on Intel from kernel 5.3,"
            + " intel_rapl before; AMD needs kernel 5.11+), which the DaemonSet's init container"
            + " does when it runs privileged. CPU accounting goes on.",
            discovery.powercapDirectory());
        case UNREADABLE -> LOG.warn("RAPL energy_uj is readable by root only since the fix for"
            + " CVE-2020-8694 (kernel 5.10, backported to stable kernels): run the agent as root"
            + " (the DaemonSet does), give it CAP_DAC_READ_SEARCH, or add a udev rule such as"
            + " SUBSYSTEM==\"powercap\", KERNEL==\"intel-rapl*\", RUN+=\"/usr/bin/chmod o+r"
            + " /sys/%p/energy_uj\" (a plain chmod is lost at reboot). CPU accounting goes on.");
      }
      lastState = reading.state();
    }
    return reading;
  }
}
