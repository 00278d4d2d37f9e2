package io.onescaphandre.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A powercap RAPL tree with counters that move and wrap, for a machine without RAPL (these build
 * machines have none). Layout as on a two-socket Intel host:
 * {@code <sysfs>/class/powercap/intel-rapl:N} (package-N) and {@code intel-rapl:N:0} (dram), each
 * with {@code name}, {@code energy_uj}, {@code max_energy_range_uj}, {@code enabled}; the children
 * also appear inside their package directory (relative links, so the tree still resolves when
 * class/powercap alone is bind-mounted, as for upstream Scaphandre).
 *
 * <p>Power follows the machine's real CPU use (from /proc/stat), so busy guests make the host draw
 * more: package = idle + span x busy fraction per socket, dram a constant. Each file is replaced
 * atomically (write and rename) so that readers never see a half-written number.
 */
public final class SimulatedRapl implements AutoCloseable {
  /** 2^32 µJ: a package counter at ~50 W wraps about every 85 s, so every run sees wraps. */
  public static final long MAX_ENERGY_RANGE_UJ = 4_294_967_296L;
  private static final long TICK_MILLIS = 200;

  private final Path sysfs;
  private final double idleWattsPerPackage;
  private final double busySpanWattsPerPackage;
  private final double dramWatts;
  private final List<Zone> zones = new ArrayList<>();
  private final ScheduledExecutorService writer;
  private final CpuBusyness busyness = new CpuBusyness(Path.of("/proc/stat"));
  private volatile double busyFraction;

  private static final class Zone {
    final Path dir;
    final boolean dram;
    long energyUj;

    Zone(Path dir, boolean dram, long startUj) {
      this.dir = dir;
      this.dram = dram;
      this.energyUj = startUj;
    }
  }

  public SimulatedRapl(Path sysfs, int sockets, double idleWattsPerPackage, double busySpanWattsPerPackage,
      double dramWatts) {
    this.sysfs = sysfs;
    this.idleWattsPerPackage = idleWattsPerPackage;
    this.busySpanWattsPerPackage = busySpanWattsPerPackage;
    this.dramWatts = dramWatts;
    try {
      Path powercap = Files.createDirectories(sysfs.resolve("class/powercap"));
      Path control = Files.createDirectories(powercap.resolve("intel-rapl"));
      Files.writeString(control.resolve("enabled"), "1\n");
      for (int socket = 0; socket < sockets; socket++) {
        // Start near the top of the range so that the first wrap comes early in the run.
        long start = MAX_ENERGY_RANGE_UJ - 30_000_000L * (socket + 1);
        Path pkg = zone(powercap.resolve("intel-rapl:" + socket), "package-" + socket);
        zones.add(new Zone(pkg, false, start));
        String dramName = "intel-rapl:" + socket + ":0";
        Path dram = zone(powercap.resolve(dramName), "dram");
        zones.add(new Zone(dram, true, 1_000_000L * socket));
        Files.createSymbolicLink(pkg.resolve(dramName), Path.of("..", dramName));
      }
      for (Zone zone : zones) {
        writeAtomically(zone.dir.resolve("energy_uj"), zone.energyUj + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lay out the simulated RAPL tree under " + sysfs, e);
    }
    writer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "simulated-rapl-writer");
      t.setDaemon(true);
      return t;
    });
    writer.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    writer.scheduleAtFixedRate(() -> busyFraction = busyness.sample(), 0, 1, TimeUnit.SECONDS);
  }

  /** The sysfs root to pass as the agent's --path.sysfs. */
  public Path sysfs() {
    return sysfs;
  }

  public Path powercap() {
    return sysfs.resolve("class/powercap");
  }

  /** The host power the tree currently simulates: all packages and dram zones. */
  public double hostWatts() {
    long packages = zones.stream().filter(z -> !z.dram).count();
    return packages * packageWatts() + (zones.size() - packages) * dramWatts;
  }

  private double packageWatts() {
    return idleWattsPerPackage + busySpanWattsPerPackage * busyFraction;
  }

  private static Path zone(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("name"), name + "\n");
    Files.writeString(dir.resolve("max_energy_range_uj"), MAX_ENERGY_RANGE_UJ + "\n");
    Files.writeString(dir.resolve("enabled"), "1\n");
    return dir;
  }

  private synchronized void tick() {
    try {
      for (Zone zone : zones) {
        double watts = zone.dram ? dramWatts : packageWatts();
        long delta = Math.round(watts * TICK_MILLIS * 1000.0);
        zone.energyUj = (zone.energyUj + delta) % MAX_ENERGY_RANGE_UJ;
        writeAtomically(zone.dir.resolve("energy_uj"), zone.energyUj + "\n");
      }
    } catch (IOException e) {
      // The run's work directory is gone (shutdown): nothing left to simulate.
      writer.shutdown();
    }
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(temp, content);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    writer.shutdownNow();
  }

  /** Fraction of all CPUs busy between two reads of the aggregate "cpu" line of /proc/stat. */
  static final class CpuBusyness {
    private final Path stat;
    private long lastBusy;
    private long lastTotal;

    CpuBusyness(Path stat) {
      this.stat = stat;
    }

    synchronized double sample() {
      try {
        String cpuLine = Files.readAllLines(stat).get(0);
        return update(cpuLine);
      } catch (IOException | RuntimeException e) {
        return 0;
      }
    }

    /** user nice system idle iowait irq softirq steal: busy is everything but idle and iowait. */
    double update(String cpuLine) {
      String[] f = cpuLine.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      long busy = total - idle;
      double fraction = lastTotal == 0 || total == lastTotal ? 0
          : Math.max(0, Math.min(1, (double) (busy - lastBusy) / (total - lastTotal)));
      lastBusy = busy;
      lastTotal = total;
      return fraction;
    }
  }
}
