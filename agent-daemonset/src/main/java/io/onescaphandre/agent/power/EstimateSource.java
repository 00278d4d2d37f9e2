package io.onescaphandre.agent.power;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model of the node's power where nothing is measurable: the host's CPU utilisation (busy time of
 * {@code /proc/stat} over the interval) through a power curve. The curve, in this order:
 *
 * <ol>
 *   <li>{@code --estimate.idle-watts} and {@code --estimate.max-watts} when the operator knows them
 *       (a PDU reading, a vendor sheet): a straight line between them;
 *   <li>Cloud Carbon Footprint's SPECpower-derived watts per hardware thread of this CPU's
 *       microarchitecture, times the online hardware threads: a whole-server estimate;
 *   <li>the CPU packages' long-term power limit (powercap {@code constraint_*}, about the TDP)
 *       times Teads' load ratios: the CPU only, so it underestimates the wall;
 *   <li>CCF's average per thread.
 * </ol>
 *
 * Every series it feeds carries {@code source="estimate"}: it is a model, off by tens of percent on
 * a given server (README, "Accuracy").
 */
public final class EstimateSource {
  private static final Logger LOG = LoggerFactory.getLogger(EstimateSource.class);
  private static final Pattern PACKAGE_ZONE = Pattern.compile("^intel-rapl(?:-tpmi)?:[0-9a-f]+$");

  private final PowerCurve curve;

  public EstimateSource(PowerCurve curve) {
    this.curve = curve;
    LOG.info("power estimate curve: {}", curve);
  }

  public static EstimateSource forHost(
      Path procfs, Path sysfs, int threads, Double idleWatts, Double maxWatts) {
    return new EstimateSource(
        choose(CpuInfo.read(procfs), tdpWatts(sysfs), threads, idleWatts, maxWatts));
  }

  static PowerCurve choose(
      CpuInfo cpu, Optional<Double> tdp, int threads, Double idleWatts, Double maxWatts) {
    if (idleWatts != null || maxWatts != null) {
      if (idleWatts == null || maxWatts == null || idleWatts < 0 || maxWatts <= idleWatts) {
        throw new IllegalArgumentException(
            "--estimate.idle-watts and --estimate.max-watts go together,"
                + " with 0 <= idle < max");
      }
      return PowerCurve.linear("configured", cpu.modelName(), idleWatts, maxWatts);
    }
    Optional<CcfCoefficients.Row> row = CcfCoefficients.lookup(cpu);
    if (row.isPresent()) {
      return PowerCurve.ccf(row.get(), threads, true);
    }
    if (tdp.isPresent()) {
      return PowerCurve.tdp(tdp.get(), cpu.modelName());
    }
    return PowerCurve.ccf(CcfCoefficients.average(), threads, false);
  }

  public PowerCurve curve() {
    return curve;
  }

  /** Watts at this utilisation of all online CPUs (0 to 1). */
  public double watts(double utilisation) {
    return curve.at(utilisation);
  }

  /**
   * The sum over CPU packages of the long-term power limit (PL1, set to the TDP by default), else
   * of the constraint's max_power; empty without a powercap tree.
   */
  static Optional<Double> tdpWatts(Path sysfs) {
    Path powercap = sysfs.resolve("class").resolve("powercap");
    double sum = 0;
    try (DirectoryStream<Path> zones = Files.newDirectoryStream(powercap)) {
      for (Path zone : zones) {
        if (!PACKAGE_ZONE.matcher(zone.getFileName().toString()).matches()
            || !SysfsText.read(zone.resolve("name")).orElse("").startsWith("package")) {
          continue;
        }
        for (int i = 0; i < 4; i++) {
          String constraint = "constraint_" + i;
          if (SysfsText.read(zone.resolve(constraint + "_name")).orElse("").equals("long_term")) {
            Optional<Double> limit =
                SysfsText.read(zone.resolve(constraint + "_power_limit_uw"))
                    .or(() -> SysfsText.read(zone.resolve(constraint + "_max_power_uw")))
                    .map(Double::parseDouble)
                    .filter(w -> w > 0);
            if (limit.isPresent()) {
              sum += limit.get() / 1e6;
            }
            break;
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return sum > 0 ? Optional.of(sum) : Optional.empty();
  }
}
