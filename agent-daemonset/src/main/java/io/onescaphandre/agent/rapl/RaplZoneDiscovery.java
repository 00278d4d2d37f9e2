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
 * Finds the energy zones under {@code <sysfs>/class/powercap}. Zones are identified by their
 * {@code name} file, never by index: {@code intel-rapl:1} is package-1 on a server but psys on a
 * laptop, and subzone numbers depend on which domains exist.
 */
public final class RaplZoneDiscovery {
  private static final Logger LOG = LoggerFactory.getLogger(RaplZoneDiscovery.class);

  /** Control types of the MSR, MMIO and TPMI RAPL drivers; AMD registers under intel-rapl too. */
  private static final Pattern ZONE_ID =
      Pattern.compile("^(intel-rapl|intel-rapl-mmio|intel-rapl-tpmi|amd-rapl)((?::[0-9a-f]+)+)$");

  private static final Pattern SOCKET_IN_NAME = Pattern.compile("^(?:package|psys)-(\\d+)");

  /**
   * Range of the usual Intel 61 µJ unit, used only when {@code max_energy_range_uj} cannot be
   * read (some distribution kernels make it root-only too).
   */
  static final long DEFAULT_MAX_ENERGY_RANGE_UJ = 262_143_328_850L;

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
    long maxRange = DEFAULT_MAX_ENERGY_RANGE_UJ;
    String maxText = readFirstLine(entry.resolve("max_energy_range_uj"));
    if (maxText != null) {
      try {
        maxRange = Long.parseLong(maxText);
      } catch (NumberFormatException e) {
        LOG.warn("{}: max_energy_range_uj '{}' is not a number; assuming {}",
            entry.getFileName(), maxText, DEFAULT_MAX_ENERGY_RANGE_UJ);
      }
    }
    String[] parts = indexes.substring(1).split(":");
    return Optional.of(new Candidate(controlType + indexes, controlType, parts, entry, name,
        domain.get(), maxRange));
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
      zones.add(new RaplZone(candidate.id, candidate.directory, candidate.name, candidate.domain,
          socket, candidate.maxRange, false));
    }
    // The MMIO interface repeats the MSR package counter on Intel clients; count it only when no
    // MSR zone meters the same domain and socket.
    List<RaplZone> result = new ArrayList<>(zones.size());
    for (RaplZone zone : zones) {
      boolean mmio = zone.id().startsWith("intel-rapl-mmio");
      boolean mirror = mmio && meteredByMsr.contains(zone.domain() + "/" + zone.socket());
      result.add(mirror
          ? new RaplZone(zone.id(), zone.directory(), zone.name(), zone.domain(), zone.socket(),
              zone.maxEnergyRangeMicrojoules(), true)
          : zone);
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
        ? "0" : Integer.toString(Integer.parseInt(candidate.indexes[0], 16));
  }

  private static String readFirstLine(Path file) {
    try {
      String text = Files.readString(file).trim();
      return text.isEmpty() ? null : text;
    } catch (IOException e) {
      return null;
    }
  }

  private record Candidate(String id, String controlType, String[] indexes, Path directory,
      String name, RaplDomain domain, long maxRange) {}
}
