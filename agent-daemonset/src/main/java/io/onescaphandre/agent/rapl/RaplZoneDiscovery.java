package io.onescaphandre.agent.rapl;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the energy zones under {@code <sysfs>/class/powercap}. Zones are identified by their {@code
 * name} file, never by index: {@code intel-rapl:1} is package-1 on a server but psys on a laptop,
 * and subzone numbers depend on which domains exist.
 */
public final class RaplZoneDiscovery {
  private static final Logger LOG = LoggerFactory.getLogger(RaplZoneDiscovery.class);

  /** Control types of the MSR, MMIO and TPMI RAPL drivers; AMD registers under intel-rapl too. */
  private static final Pattern ZONE_ID =
      Pattern.compile(
          "^(intel-rapl|intel-rapl-mmio|intel-rapl-tpmi|amd-rapl)((?::[0-9a-f]{1,6})+)$");

  private static final Pattern SOCKET_IN_NAME = Pattern.compile("^(?:package|psys)-(\\d+)");

  private final Path powercapDirectory;

  public RaplZoneDiscovery(Path sysfs) {
    this.powercapDirectory = sysfs.resolve("class").resolve("powercap");
  }

  public Path powercapDirectory() {
    return powercapDirectory;
  }

  /** The zones found, sorted by id; empty when powercap or RAPL is absent. */
  public List<RaplZone> discover() {
    if (!Files.isDirectory(powercapDirectory)) {
      return List.of();
    }
    List<Candidate> candidates = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(powercapDirectory)) {
      for (Path entry : entries) {
        Matcher matcher = ZONE_ID.matcher(entry.getFileName().toString());
        if (matcher.matches()) {
          readCandidate(entry, matcher.group(1), matcher.group(2)).ifPresent(candidates::add);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot list {}: {}", powercapDirectory, e.toString());
      return List.of();
    }
    candidates.sort(Comparator.comparing(Candidate::id));
    return toZones(candidates);
  }

  private Optional<Candidate> readCandidate(Path entry, String controlType, String indexes) {
    String name = readFirstLine(entry.resolve("name"));
    if (name == null) {
      return Optional.empty();
    }
    Optional<RaplDomain> domain = RaplDomain.fromZoneName(name);
    if (domain.isEmpty()) {
      LOG.info("ignoring powercap zone {} with unknown name '{}'", entry.getFileName(), name);
      return Optional.empty();
    }
    long maxRange = 0;
    String maxText = readFirstLine(entry.resolve("max_energy_range_uj"));
    if (maxText == null) {
      LOG.warn(
          "{}: no readable max_energy_range_uj; the zone is degraded (its wraps are judged by"
              + " plausibility alone)",
          entry.getFileName());
    } else {
      maxRange = positiveOrZero(maxText);
      if (maxRange == 0) {
        LOG.warn(
            "{}: max_energy_range_uj '{}' is not a positive number; the zone is degraded",
            entry.getFileName(),
            maxText.length() > 32 ? maxText.substring(0, 32) + "..." : maxText);
      }
    }
    long maxPower = maxConstraintPower(entry);
    String[] parts = indexes.substring(1).split(":");
    return Optional.of(
        new Candidate(
            controlType + indexes,
            controlType,
            parts,
            entry,
            name,
            domain.get(),
            maxRange,
            maxPower));
  }

  /** The highest {@code constraint_<n>_max_power_uw} of the zone, 0 when none is given. */
  private static long maxConstraintPower(Path zoneDirectory) {
    long max = 0;
    for (int n = 0; n < 8; n++) {
      String text = readFirstLine(zoneDirectory.resolve("constraint_" + n + "_max_power_uw"));
      if (text != null) {
        max = Math.max(max, positiveOrZero(text));
      }
    }
    return max;
  }

  private static long positiveOrZero(String text) {
    if (text.length() > 19 || text.chars().anyMatch(c -> c < '0' || c > '9')) {
      return 0;
    }
    return Long.parseLong(text);
  }

  private static List<RaplZone> toZones(List<Candidate> candidates) {
    Map<String, Candidate> byId = new HashMap<>();
    candidates.forEach(c -> byId.put(c.id, c));
    Set<String> meteredByMsr = new HashSet<>();
    List<RaplZone> zones = new ArrayList<>();
    for (Candidate candidate : candidates) {
      String socket = socketOf(candidate, byId);
      String key = candidate.domain + "/" + socket;
      boolean mmio = candidate.controlType.equals("intel-rapl-mmio");
      if (!mmio) {
        meteredByMsr.add(key);
      }
      zones.add(
          new RaplZone(
              candidate.id,
              candidate.directory,
              candidate.name,
              candidate.domain,
              socket,
              candidate.maxRange,
              candidate.maxPower,
              false));
    }
    // The MMIO interface repeats the MSR package counter on Intel clients; count it only when no
    // MSR zone meters the same domain and socket.
    List<RaplZone> result = new ArrayList<>(zones.size());
    for (RaplZone zone : zones) {
      boolean mmio = zone.id().startsWith("intel-rapl-mmio");
      boolean mirror = mmio && meteredByMsr.contains(zone.domain() + "/" + zone.socket());
      result.add(mirror ? zone.asMirror() : zone);
    }
    return List.copyOf(result);
  }

  private static String socketOf(Candidate candidate, Map<String, Candidate> byId) {
    Matcher matcher = SOCKET_IN_NAME.matcher(candidate.name);
    if (matcher.find()) {
      return matcher.group(1);
    }
    if (candidate.indexes.length > 1) {
      String parentId = candidate.id.substring(0, candidate.id.lastIndexOf(':'));
      Candidate parent = byId.get(parentId);
      if (parent != null) {
        return socketOf(parent, byId);
      }
      return Integer.toString(Integer.parseInt(candidate.indexes[0], 16));
    }
    // A top-level psys without suffix is platform-wide; it is reported with socket 0.
    return candidate.domain == RaplDomain.PSYS
        ? "0"
        : Integer.toString(Integer.parseInt(candidate.indexes[0], 16));
  }

  private static String readFirstLine(Path file) {
    try {
      String text = Files.readString(file).trim();
      return text.isEmpty() ? null : text;
    } catch (IOException e) {
      return null;
    }
  }

  private record Candidate(
      String id,
      String controlType,
      String[] indexes,
      Path directory,
      String name,
      RaplDomain domain,
      long maxRange,
      long maxPower) {}
}
