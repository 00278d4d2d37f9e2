package io.onescaphandre.simulation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and advances a powercap tree laid out as the kernel does: real directories under {@code
 * devices/virtual/powercap/intel-rapl/} (subzones nested in their package), flat symlinks under
 * {@code class/powercap/}, hexadecimal zone ids, {@code energy_uj} counters that wrap at {@code
 * max_energy_range_uj}. Used by the agent's tests and benchmark, the host-service tests, the demo
 * and e2e (the agent runs with {@code --path.sysfs} pointing at the tree's root): the one simulated
 * RAPL tree of the project, in a module of its own so that no production jar carries it.
 */
public final class SimulatedRaplTree {
  /** Range of the Intel 61.035 µJ unit: a package counter wraps every ~22 min at 200 W. */
  public static final long INTEL_RANGE_UJ = 262_143_328_850L;

  /** Range of Intel server DRAM (15.3 µJ unit). */
  public static final long INTEL_SERVER_DRAM_RANGE_UJ = 65_712_999_613L;

  /**
   * Range of AMD's 15.3 µJ (2^-16 J) unit as the kernel computes it: wraps every ~5 min at 200 W.
   */
  public static final long AMD_RANGE_UJ = 65_532_610_987L;

  /** Ways a zone's {@code energy_uj} goes wrong, as seen on real hosts and in the fault tests. */
  public enum EnergyFileFault {
    /** The path is a directory (a broken driver, an overlay). */
    DIRECTORY,
    /** The file reads empty. */
    EMPTY,
    /** The file holds something that is not a number. */
    GARBAGE
  }

  /** Where the zone directories are. */
  public enum Layout {
    /** As the kernel has it: directories under devices/, links under class/powercap. */
    KERNEL,
    /**
     * Directories under class/powercap itself, each subzone also linked inside its package: for a
     * reader given class/powercap alone (upstream Scaphandre with it bind-mounted), where links up
     * to devices/ would lead nowhere.
     */
    CLASS_ONLY
  }

  private final Path sysfs;
  private final Layout layout;
  private final Map<String, Zone> zones = new LinkedHashMap<>();

  private SimulatedRaplTree(Path sysfs, Layout layout) {
    this.sysfs = sysfs;
    this.layout = layout;
  }

  /** A server with {@code sockets} packages, each with a dram subzone ({@code intel-rapl:N:0}). */
  public static SimulatedRaplTree server(Path sysfs, int sockets) {
    return server(sysfs, sockets, Layout.KERNEL, INTEL_RANGE_UJ, INTEL_SERVER_DRAM_RANGE_UJ);
  }

  /** The same server in another layout, with other counter ranges (a small one wraps often). */
  public static SimulatedRaplTree server(
      Path sysfs, int sockets, Layout layout, long packageRangeUj, long dramRangeUj) {
    SimulatedRaplTree tree = new SimulatedRaplTree(sysfs, layout);
    tree.controlType("intel-rapl");
    for (int s = 0; s < sockets; s++) {
      String pkg = "intel-rapl:" + Integer.toHexString(s);
      tree.zone("intel-rapl", null, pkg, "package-" + s, packageRangeUj);
      tree.zone("intel-rapl", pkg, pkg + ":0", "dram", dramRangeUj);
    }
    return tree;
  }

  /**
   * A client: package-0 with core, uncore and dram subzones, psys as the top-level {@code
   * intel-rapl:1}, and the MMIO copy of package-0.
   */
  public static SimulatedRaplTree laptop(Path sysfs) {
    SimulatedRaplTree tree = new SimulatedRaplTree(sysfs, Layout.KERNEL);
    tree.controlType("intel-rapl");
    tree.zone("intel-rapl", null, "intel-rapl:0", "package-0", INTEL_RANGE_UJ);
    tree.zone("intel-rapl", "intel-rapl:0", "intel-rapl:0:0", "core", INTEL_RANGE_UJ);
    tree.zone("intel-rapl", "intel-rapl:0", "intel-rapl:0:1", "uncore", INTEL_RANGE_UJ);
    tree.zone("intel-rapl", "intel-rapl:0", "intel-rapl:0:2", "dram", INTEL_RANGE_UJ);
    tree.zone("intel-rapl", null, "intel-rapl:1", "psys", INTEL_RANGE_UJ);
    tree.controlType("intel-rapl-mmio");
    tree.zone("intel-rapl-mmio", null, "intel-rapl-mmio:0", "package-0", INTEL_RANGE_UJ);
    return tree;
  }

  /** AMD: one package zone per socket (no DRAM domain), in the intel-rapl control type. */
  public static SimulatedRaplTree amdServer(Path sysfs, int sockets) {
    SimulatedRaplTree tree = new SimulatedRaplTree(sysfs, Layout.KERNEL);
    tree.controlType("intel-rapl");
    for (int s = 0; s < sockets; s++) {
      tree.zone(
          "intel-rapl", null, "intel-rapl:" + Integer.toHexString(s), "package-" + s, AMD_RANGE_UJ);
    }
    return tree;
  }

  /** Removes a zone's {@code max_energy_range_uj} (some kernels make it unreadable). */
  public void withoutMaxEnergyRange(String zoneId) {
    try {
      Files.deleteIfExists(zone(zoneId).dir.resolve("max_energy_range_uj"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a zone's {@code constraint_0_max_power_uw}. */
  public void maxPower(String zoneId, double watts) {
    writeAtomically(
        zone(zoneId).dir.resolve("constraint_0_max_power_uw"),
        Long.toString(Math.round(watts * 1e6)));
  }

  /**
   * Breaks a zone's {@code energy_uj}. The counter goes on moving underneath (energy is still
   * used); {@link #repairEnergyFile} shows it again.
   */
  public void breakEnergyFile(String zoneId, EnergyFileFault fault) {
    Zone zone = zone(zoneId);
    Path file = zone.dir.resolve("energy_uj");
    zone.broken = true;
    try {
      Files.deleteIfExists(file);
      switch (fault) {
        case DIRECTORY -> Files.createDirectory(file);
        case EMPTY -> Files.writeString(file, "");
        case GARBAGE -> Files.writeString(file, "abc\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void repairEnergyFile(String zoneId) {
    Zone zone = zone(zoneId);
    Path file = zone.dir.resolve("energy_uj");
    try {
      if (Files.isDirectory(file)) {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    zone.broken = false;
    setEnergy(zoneId, zone.energy);
  }

  public Path sysfs() {
    return sysfs;
  }

  public List<String> zoneIds() {
    return List.copyOf(zones.keySet());
  }

  /** Current raw counter of a zone, µJ. */
  public long energy(String zoneId) {
    return zone(zoneId).energy;
  }

  /** Sets the raw counter (for example just below the wrap point). */
  public void setEnergy(String zoneId, long microjoules) {
    Zone zone = zone(zoneId);
    if (microjoules < 0 || microjoules > zone.maxRange) {
      throw new IllegalArgumentException(
          zoneId + ": " + microjoules + " outside 0.." + zone.maxRange);
    }
    zone.energy = microjoules;
    if (!zone.broken) {
      writeAtomically(zone.dir.resolve("energy_uj"), Long.toString(microjoules));
    }
  }

  /** Adds energy to a zone, wrapping like the hardware counter. */
  public void addMicrojoules(String zoneId, long microjoules) {
    Zone zone = zone(zoneId);
    long next = zone.energy + microjoules;
    while (next > zone.maxRange) {
      next -= zone.maxRange;
    }
    setEnergy(zoneId, next);
  }

  /** Advances every listed zone by watts × seconds. */
  public void addWatts(double seconds, Map<String, Double> wattsByZone) {
    wattsByZone.forEach((id, watts) -> addMicrojoules(id, Math.round(watts * seconds * 1e6)));
  }

  private void controlType(String name) {
    Path dir =
        layout == Layout.KERNEL
            ? sysfs.resolve("devices/virtual/powercap").resolve(name)
            : sysfs.resolve("class/powercap").resolve(name);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("enabled"), "1\n");
      if (layout == Layout.KERNEL) {
        link(name, dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void zone(String controlType, String parentId, String id, String name, long maxRange) {
    Path parentDir;
    if (layout == Layout.CLASS_ONLY) {
      parentDir = sysfs.resolve("class/powercap");
    } else {
      parentDir =
          parentId == null
              ? sysfs.resolve("devices/virtual/powercap").resolve(controlType)
              : zones.get(parentId).dir;
    }
    Path dir = parentDir.resolve(id);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("name"), name + "\n");
      Files.writeString(dir.resolve("max_energy_range_uj"), maxRange + "\n");
      Files.writeString(dir.resolve("enabled"), "0\n");
      if (layout == Layout.KERNEL) {
        link(id, dir);
      } else if (parentId != null) {
        // The subzone inside its package too, by a link that stays within class/powercap.
        Files.createSymbolicLink(zones.get(parentId).dir.resolve(id), Path.of("..", id));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    zones.put(id, new Zone(dir, maxRange));
    setEnergy(id, 0);
  }

  private void link(String name, Path target) throws IOException {
    Path classDir = sysfs.resolve("class/powercap");
    Files.createDirectories(classDir);
    Path link = classDir.resolve(name);
    if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(link, classDir.relativize(target));
    }
  }

  private Zone zone(String id) {
    Zone zone = zones.get(id);
    if (zone == null) {
      throw new IllegalArgumentException("no zone " + id + "; zones are " + zones.keySet());
    }
    return zone;
  }

  /** Writes through a temporary file and a rename, so a reader never sees half a number. */
  static void writeAtomically(Path file, String content) {
    try {
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.writeString(tmp, content + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Zone {
    final Path dir;
    final long maxRange;
    long energy;
    boolean broken;

    Zone(Path dir, long maxRange) {
      this.dir = dir;
      this.maxRange = maxRange;
    }
  }
}
