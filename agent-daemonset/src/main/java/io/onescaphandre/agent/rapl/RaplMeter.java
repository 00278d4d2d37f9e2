package io.onescaphandre.agent.rapl;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every zone's {@code energy_uj} and keeps monotonic microjoule counters that survive the
 * 32-bit hardware counter wrapping (every ~20 min on an Intel package at 200 W, every few minutes
 * on AMD) and refuse energy that did not happen (see {@link RaplPlausibility}). A zone that cannot
 * be read is stated as such and counts again from its next readable value, without the energy of
 * the gap. Called by the sampler thread only.
 */
public final class RaplMeter {
  private static final Logger LOG = LoggerFactory.getLogger(RaplMeter.class);

  /** WARN lines per zone for refused intervals before they go to DEBUG (a counter gone mad). */
  private static final int RESET_WARNINGS_PER_ZONE = 10;

  /** Longest content of {@code energy_uj} taken as a number (the counter fits 20 digits). */
  private static final int MAX_ENERGY_TEXT = 24;

  /**
   * Reads one {@code energy_uj}; replaceable so tests can play a root-only file while running as
   * root.
   */
  @FunctionalInterface
  public interface EnergyFileReader {
    String read(java.nio.file.Path file) throws IOException;
  }

  private final RaplZoneDiscovery discovery;
  private final EnergyFileReader fileReader;
  private final LongSupplier nanoClock;
  private List<RaplZone> zones = List.of();

  /** By zone id; kept across rediscovery so a zone that comes back keeps its counter. */
  private final Map<String, ZoneCounter> counters = new HashMap<>();

  private RaplState lastState;

  public RaplMeter(RaplZoneDiscovery discovery) {
    this(discovery, Files::readString);
  }

  public RaplMeter(RaplZoneDiscovery discovery, EnergyFileReader fileReader) {
    this(discovery, fileReader, System::nanoTime);
  }

  /**
   * @param nanoClock the monotonic clock that times each read: the plausible energy of an interval
   *     is bounded by its length
   */
  public RaplMeter(
      RaplZoneDiscovery discovery, EnergyFileReader fileReader, LongSupplier nanoClock) {
    this.discovery = discovery;
    this.fileReader = fileReader;
    this.nanoClock = nanoClock;
  }

  public List<RaplZone> zones() {
    return zones;
  }

  /** Reads all zones once. Never throws: an unreadable or absent RAPL is a state. */
  public RaplReading read() {
    return read(nanoClock.getAsLong(), true);
  }

  private RaplReading read(long now, boolean mayRediscover) {
    if (zones.isEmpty()) {
      // Zones appear when the init container loads the modules, or on CPU hotplug: look again.
      zones = discovery.discover();
      if (zones.isEmpty()) {
        return report(RaplReading.notMetered(RaplState.ABSENT, List.of()), 0);
      }
      LOG.info("RAPL zones: {}", zones.stream().map(z -> z.id() + "=" + z.name()).toList());
      for (RaplZone zone : zones) {
        if (!zone.rangeKnown()) {
          LOG.warn(
              "RAPL zone {} ({}) has no readable max_energy_range_uj: zone degraded; a fall of"
                  + " its counter counts as a wrap only when a range the hardware can have makes it a"
                  + " plausible energy",
              zone.id(),
              zone.name());
        }
      }
    }
    Map<String, Long> raw = new HashMap<>();
    Map<String, String> failures = new HashMap<>();
    int denied = 0;
    for (RaplZone zone : zones) {
      try {
        raw.put(zone.id(), parseEnergy(fileReader.read(zone.energyFile())));
      } catch (AccessDeniedException e) {
        denied++;
        failures.put(zone.id(), "permission denied");
      } catch (IOException | NumberFormatException e) {
        if (mayRediscover && !Files.isDirectory(zone.directory())) {
          // The zone went away (package offlined): rediscover, once.
          zones = List.of();
          return read(now, false);
        }
        failures.put(
            zone.id(),
            e instanceof NumberFormatException ? "not a counter: " + e.getMessage() : e.toString());
      }
    }
    Map<String, Long> firstRawOfSocketDomain = new HashMap<>();
    List<RaplReading.ZoneEnergy> zoneEnergies = new ArrayList<>(zones.size());
    boolean whole = true;
    for (RaplZone zone : zones) {
      ZoneCounter counter = counters.computeIfAbsent(zone.id(), id -> new ZoneCounter());
      counter.zone = zone;
      Long current = raw.get(zone.id());
      RaplZoneState state;
      if (current == null) {
        counter.unreadable(zone, now, failures.get(zone.id()));
        state = RaplZoneState.UNREADABLE;
      } else {
        counter.read(zone, current, now);
        state = zone.rangeKnown() ? RaplZoneState.OK : RaplZoneState.DEGRADED;
        counter.noteDieMirror(zone, current, firstRawOfSocketDomain);
      }
      if (!zone.mirror() && !counter.dieMirror && !counter.countedLastRead) {
        whole = false;
      }
      zoneEnergies.add(
          new RaplReading.ZoneEnergy(
              zone,
              counter.cumulativeMicrojoules / 1e6,
              state,
              counter.resets,
              counter.gapNanos / 1e9));
    }
    RaplState state;
    if (raw.isEmpty()) {
      state = RaplState.UNREADABLE;
    } else if (!failures.isEmpty() || zones.stream().anyMatch(z -> !z.rangeKnown())) {
      state = RaplState.DEGRADED;
    } else {
      state = RaplState.OK;
    }
    return report(totals(state, zoneEnergies, whole), denied);
  }

  /** The counter's decimal text; anything else (empty, letters, a sign, 25 digits) is refused. */
  static long parseEnergy(String text) {
    String value = text.strip();
    if (value.isEmpty() || value.length() > MAX_ENERGY_TEXT) {
      throw new NumberFormatException("'" + abbreviate(value) + "'");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new NumberFormatException("'" + abbreviate(value) + "'");
      }
    }
    return Long.parseLong(value);
  }

  private static String abbreviate(String text) {
    return text.length() > 32 ? text.substring(0, 32) + "..." : text;
  }

  private RaplReading totals(
      RaplState state, List<RaplReading.ZoneEnergy> zoneEnergies, boolean whole) {
    Map<RaplDomain, Double> domains = new EnumMap<>(RaplDomain.class);
    Map<String, Double> socketDomains = new HashMap<>();
    // Every counter ever seen, also of a zone that went away (a socket offlined): its energy stays
    // in the totals, which therefore never go down.
    for (ZoneCounter counter : counters.values()) {
      RaplZone zone = counter.zone;
      if (zone == null || zone.mirror() || counter.dieMirror) {
        continue;
      }
      double joules = counter.cumulativeMicrojoules / 1e6;
      domains.merge(zone.domain(), joules, Double::sum);
      socketDomains.merge(RaplReading.key(zone.domain(), zone.socket()), joules, Double::sum);
    }
    double host =
        domains.containsKey(RaplDomain.PSYS)
            ? domains.get(RaplDomain.PSYS)
            : domains.getOrDefault(RaplDomain.PACKAGE, 0.0)
                + domains.getOrDefault(RaplDomain.DRAM, 0.0);
    return new RaplReading(
        state,
        List.copyOf(zoneEnergies),
        whole && state != RaplState.UNREADABLE,
        host,
        domains,
        socketDomains);
  }

  private RaplReading report(RaplReading reading, int denied) {
    if (reading.state() != lastState) {
      switch (reading.state()) {
        case OK -> LOG.info("RAPL energy readable from {} zones", zones.size());
        case DEGRADED ->
            LOG.warn(
                "RAPL degraded: {}; no host or domain total is published for an"
                    + " interval in which a zone did not count",
                reading.zones().stream()
                    .filter(z -> z.state() != RaplZoneState.OK)
                    .map(z -> z.zone().id() + " " + z.state().label())
                    .toList());
        case ABSENT ->
            LOG.warn(
                "no RAPL zone under {}: host and VM power cannot be measured. Load"
                    + " the modules (intel_rapl_common + intel_rapl_msr on Intel from kernel 5.3,"
                    + " intel_rapl before; AMD needs kernel 5.11+), which the DaemonSet's init container"
                    + " does when it runs privileged. CPU accounting goes on.",
                discovery.powercapDirectory());
        case UNREADABLE -> {
          if (denied > 0) {
            LOG.warn(
                "RAPL energy_uj is readable by root only since the fix for"
                    + " CVE-2020-8694 (kernel 5.10, backported to stable kernels): run the agent as root"
                    + " (the DaemonSet does), give it CAP_DAC_READ_SEARCH, or add a udev rule such as"
                    + " SUBSYSTEM==\"powercap\", KERNEL==\"intel-rapl*\", RUN+=\"/usr/bin/chmod o+r"
                    + " /sys/%p/energy_uj\" (a plain chmod is lost at reboot). CPU accounting goes on.");
          } else {
            LOG.warn(
                "no RAPL zone's energy_uj can be read (see the zone warnings): host and VM"
                    + " power are not published until one can. CPU accounting goes on.");
          }
        }
      }
      lastState = reading.state();
    }
    return reading;
  }

  /** One zone's monotonic counter across reads, wraps, refusals and gaps. */
  private static final class ZoneCounter {
    /** The zone as last discovered. */
    RaplZone zone;

    long lastRaw = -1;
    long highestRaw;
    long lastAttemptNanos;
    boolean attempted;
    long cumulativeMicrojoules;
    long resets;
    long gapNanos;
    boolean countedLastRead;
    boolean dieMirror;
    String unreadableReason;

    void read(RaplZone zone, long current, long now) {
      long elapsed = attempted ? Math.max(0, now - lastAttemptNanos) : 0;
      countedLastRead = false;
      if (unreadableReason != null) {
        LOG.warn(
            "RAPL zone {} readable again; it counts from its current value, without the energy"
                + " of the {} s it was unreadable",
            zone.id(),
            String.format("%.1f", gapNanos / 1e9));
        unreadableReason = null;
      }
      if (lastRaw < 0) {
        // First value, or back after a gap: the baseline. The gap's energy is not guessed.
        gapNanos += elapsed;
      } else {
        RaplPlausibility.Delta delta =
            RaplPlausibility.delta(zone, lastRaw, current, highestRaw, elapsed / 1e9);
        if (delta.isCounted()) {
          cumulativeMicrojoules += delta.microjoules();
          countedLastRead = true;
        } else {
          resets++;
          gapNanos += elapsed;
          if (resets <= RESET_WARNINGS_PER_ZONE) {
            LOG.warn(
                "RAPL zone {}: {}; the interval adds nothing (counter reset {}{})",
                zone.id(),
                delta.refusal(),
                resets,
                resets == RESET_WARNINGS_PER_ZONE
                    ? ", further resets of this zone are logged at DEBUG"
                    : "");
          } else {
            LOG.debug("RAPL zone {}: {} (counter reset {})", zone.id(), delta.refusal(), resets);
          }
        }
      }
      lastRaw = current;
      highestRaw = Math.max(highestRaw, current);
      lastAttemptNanos = now;
      attempted = true;
    }

    void unreadable(RaplZone zone, long now, String reason) {
      if (attempted) {
        gapNanos += Math.max(0, now - lastAttemptNanos);
      }
      if (unreadableReason == null) {
        LOG.warn(
            "RAPL zone {} ({}) unreadable: {}; its energy is not counted until it reads again",
            zone.id(),
            zone.name(),
            reason);
      }
      unreadableReason = reason == null ? "unreadable" : reason;
      lastRaw = -1;
      countedLastRead = false;
      lastAttemptNanos = now;
      attempted = true;
    }

    /**
     * AMD kernels 6.10.x created one package zone per CCD, all reading the same socket counter: a
     * second zone of the same domain and socket with the identical raw value is not counted again.
     */
    void noteDieMirror(RaplZone zone, long current, Map<String, Long> firstRawOfSocketDomain) {
      if (!zone.name().contains("-die-")) {
        return;
      }
      Long earlier =
          firstRawOfSocketDomain.putIfAbsent(
              RaplReading.key(zone.domain(), zone.socket()), current);
      if (earlier != null && earlier == current) {
        dieMirror = true;
      }
    }
  }
}
