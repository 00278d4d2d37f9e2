package io.onescaphandre.agent.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The curve each CPU gets, and the estimate's error against a simulated true server (README,
 * "Accuracy").
 */
class EstimateSourceTest {
  static final String CASCADE_LAKE =
      """
      processor	: 0
      vendor_id	: GenuineIntel
      cpu family	: 6
      model		: 85
      model name	: Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz
      stepping	: 7

      processor	: 1
      vendor_id	: GenuineIntel
      """;

  @Test
  void aKnownMicroarchitectureGetsCcfWattsPerThread() {
    PowerCurve curve =
        EstimateSource.choose(CpuInfo.parse(CASCADE_LAKE), Optional.of(410.0), 96, null, null);
    assertThat(curve.basis()).isEqualTo("ccf");
    assertThat(curve.cpu()).isEqualTo("Cascade Lake");
    assertThat(curve.at(0)).isCloseTo(0.69 * 96, within(1e-9));
    assertThat(curve.at(1)).isCloseTo(4.06 * 96, within(1e-9));
    assertThat(curve.at(0.5)).isCloseTo((0.69 + 4.06) / 2 * 96, within(1e-9));
    assertThat(curve.at(7)).isEqualTo(curve.at(1)); // clamped
  }

  @Test
  void microarchitecturesByFamilyAndModel() {
    assertThat(
            CcfCoefficients.microarchitecture(
                CpuInfo.parse(CASCADE_LAKE.replace("stepping	: 7", "stepping	: 4"))))
        .isEqualTo("Skylake");
    assertThat(
            CcfCoefficients.microarchitecture(
                CpuInfo.parse("vendor_id : AuthenticAMD\ncpu family : 25\nmodel : 17\n")))
        .isEqualTo("EPYC 4th Gen");
    assertThat(
            CcfCoefficients.microarchitecture(
                CpuInfo.parse("vendor_id : AuthenticAMD\ncpu family : 25\nmodel : 1\n")))
        .isEqualTo("EPYC 3rd Gen");
    assertThat(
            CcfCoefficients.microarchitecture(
                CpuInfo.parse("vendor_id : AuthenticAMD\ncpu family : 23\nmodel : 49\n")))
        .isEqualTo("EPYC 2nd Gen");
    assertThat(
            CcfCoefficients.microarchitecture(
                CpuInfo.parse(
                    "processor : 0\nBogoMIPS : 50.00\nCPU implementer : 0x41\nCPU part : 0xd0c\n")))
        .isEqualTo("Graviton");
    assertThat(
            CcfCoefficients.microarchitecture(
                CpuInfo.parse("vendor_id : GenuineIntel\ncpu family : 6\nmodel : 143\n")))
        .isEqualTo("Sapphire Rapids");
    assertThat(CcfCoefficients.microarchitecture(CpuInfo.unknown())).isNull();
  }

  @Test
  void anUnknownCpuUsesTheTdpFromPowercapElseTheCcfAverage(@TempDir Path sysfs) throws IOException {
    CpuInfo unknown =
        CpuInfo.parse(
            "vendor_id : GenuineIntel\ncpu family : 6\nmodel : 200\nmodel name : Future\n");
    for (int pkg = 0; pkg < 2; pkg++) {
      Path zone = sysfs.resolve("class/powercap/intel-rapl:" + pkg);
      Files.createDirectories(zone);
      Files.writeString(zone.resolve("name"), "package-" + pkg + "\n");
      Files.writeString(zone.resolve("constraint_0_name"), "long_term\n");
      Files.writeString(zone.resolve("constraint_0_power_limit_uw"), "150000000\n");
      Files.writeString(zone.resolve("constraint_1_name"), "short_term\n");
      Files.writeString(zone.resolve("constraint_1_power_limit_uw"), "180000000\n");
    }
    Files.createDirectories(sysfs.resolve("class/powercap/intel-rapl:0:0"));
    Files.writeString(sysfs.resolve("class/powercap/intel-rapl:0:0/name"), "dram\n");
    Optional<Double> tdp = EstimateSource.tdpWatts(sysfs);
    assertThat(tdp).contains(300.0);
    PowerCurve curve = EstimateSource.choose(unknown, tdp, 64, null, null);
    assertThat(curve.basis()).isEqualTo("tdp");
    assertThat(curve.at(0)).isCloseTo(0.12 * 300, within(1e-9));
    assertThat(curve.at(0.1)).isCloseTo(0.32 * 300, within(1e-9));
    assertThat(curve.at(0.3)).isCloseTo((0.32 + 0.75) / 2 * 300, within(1e-9));
    assertThat(curve.at(1)).isCloseTo(1.02 * 300, within(1e-9));

    PowerCurve average =
        EstimateSource.choose(
            unknown, EstimateSource.tdpWatts(sysfs.resolve("none")), 8, null, null);
    assertThat(average.basis()).isEqualTo("ccf-average");
    assertThat(average.at(0)).isCloseTo(0.74 * 8, within(1e-9));
    assertThat(average.at(1)).isCloseTo(3.5 * 8, within(1e-9));
  }

  @Test
  void configuredWattsWinAndAreChecked() {
    PowerCurve curve =
        EstimateSource.choose(CpuInfo.parse(CASCADE_LAKE), Optional.empty(), 96, 90.0, 410.0);
    assertThat(curve.basis()).isEqualTo("configured");
    assertThat(curve.at(0.25)).isEqualTo(170);
    assertThatThrownBy(
            () -> EstimateSource.choose(CpuInfo.unknown(), Optional.empty(), 4, 90.0, null))
        .hasMessageContaining("go together");
    assertThatThrownBy(
            () -> EstimateSource.choose(CpuInfo.unknown(), Optional.empty(), 4, 300.0, 200.0))
        .hasMessageContaining("idle < max");
  }

  /**
   * The estimate against a simulated true server: a 96-thread Cascade Lake whose idle is 15 % above
   * and full load 10 % below CCF's average for its microarchitecture, with the concave load curve
   * of SPECpower results (P = idle + (max - idle) ln(1 + 3u) / ln 4). The README's "Accuracy"
   * quotes these figures: mean absolute error 12.3 % over loads 0, 10 ... 100 %, at most 23.1 % (at
   * 10 % load), and -15.1 % on the energy of a day whose load swings between 10 and 60 %.
   */
  @Test
  void errorAgainstASimulatedTrueCurve() {
    EstimateSource estimate =
        new EstimateSource(
            EstimateSource.choose(CpuInfo.parse(CASCADE_LAKE), Optional.empty(), 96, null, null));
    double trueIdle = 0.69 * 96 * 1.15;
    double trueMax = 4.06 * 96 * 0.90;
    java.util.function.DoubleUnaryOperator truth =
        u -> trueIdle + (trueMax - trueIdle) * Math.log(1 + 3 * u) / Math.log(4);
    double sum = 0;
    double max = 0;
    for (int i = 0; i <= 10; i++) {
      double u = i / 10.0;
      double error = Math.abs(estimate.watts(u) - truth.applyAsDouble(u)) / truth.applyAsDouble(u);
      sum += error;
      max = Math.max(max, error);
    }
    double trueEnergy = 0;
    double estimatedEnergy = 0;
    for (int minute = 0; minute < 1440; minute++) {
      double u = 0.35 + 0.25 * Math.sin(2 * Math.PI * minute / 1440);
      trueEnergy += truth.applyAsDouble(u) * 60;
      estimatedEnergy += estimate.watts(u) * 60;
    }
    assertThat(sum / 11).isCloseTo(0.123, within(0.001));
    assertThat(max).isCloseTo(0.231, within(0.001));
    assertThat((estimatedEnergy - trueEnergy) / trueEnergy).isCloseTo(-0.151, within(0.001));
  }
}
