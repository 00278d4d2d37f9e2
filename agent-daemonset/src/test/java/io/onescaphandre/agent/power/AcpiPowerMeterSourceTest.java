package io.onescaphandre.agent.power;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** hwmon trees as kernels lay them out, with the good and the bogus values seen in the field. */
class AcpiPowerMeterSourceTest {
  @TempDir Path sysfs;

  private final PlausibleWatts plausible = new PlausibleWatts(PlausibleWatts.DEFAULT_MAX_WATTS);

  /** hwmon0 is a CPU temperature chip, hwmon3 the ACPI power meter (numbers are not stable). */
  private Path meter(String hwmon, String subdir) throws IOException {
    Path cpu = sysfs.resolve("class/hwmon/hwmon0");
    Files.createDirectories(cpu);
    Files.writeString(cpu.resolve("name"), "coretemp\n");
    Files.writeString(cpu.resolve("temp1_input"), "45000\n");
    Path dir = sysfs.resolve("class/hwmon").resolve(hwmon).resolve(subdir);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("name"), "power_meter\n");
    return dir;
  }

  @Test
  void readsTheAverageInMicrowattsWithItsInterval() throws IOException {
    Path dir = meter("hwmon3", "");
    Files.writeString(dir.resolve("power1_average"), "245000000\n");
    Files.writeString(dir.resolve("power1_average_interval"), "1000\n");
    WattReading reading = new AcpiPowerMeterSource(sysfs, plausible).read();
    assertThat(reading.state()).isEqualTo(SourceState.OK);
    assertThat(reading.watts()).isEqualTo(245.0);
    assertThat(reading.windowSeconds()).isEqualTo(1.0);
  }

  @Test
  void findsTheAttributesUnderDeviceOnOlderKernelsAndFallsBackToInput() throws IOException {
    Path dir = meter("hwmon1", "device");
    Files.writeString(dir.resolve("power1_input"), "187500000\n");
    WattReading reading = new AcpiPowerMeterSource(sysfs, plausible).read();
    assertThat(reading.state()).isEqualTo(SourceState.OK);
    assertThat(reading.watts()).isEqualTo(187.5);
    assertThat(reading.windowSeconds()).isZero();
  }

  /** 4294967295000 µW (Kepler #1049), 160 kW (#1774), 4.29 MW (lm-sensors #460), 0 W, negative. */
  @ParameterizedTest
  @ValueSource(strings = {"4294967295000", "160000000000", "4290000000000", "0", "-5000000"})
  void rejectsTheBogusValuesSeenInTheField(String microwatts) throws IOException {
    Path dir = meter("hwmon2", "");
    Files.writeString(dir.resolve("power1_average"), microwatts + "\n");
    WattReading reading = new AcpiPowerMeterSource(sysfs, plausible).read();
    assertThat(reading.state()).isEqualTo(SourceState.INVALID);
    assertThat(reading.watts()).isZero();
  }

  @Test
  void aLowerFleetCeilingRejectsMore() throws IOException {
    Path dir = meter("hwmon2", "");
    Files.writeString(dir.resolve("power1_average"), "2500000000\n");
    assertThat(new AcpiPowerMeterSource(sysfs, plausible).read().state()).isEqualTo(SourceState.OK);
    assertThat(new AcpiPowerMeterSource(sysfs, new PlausibleWatts(2000)).read().state())
        .isEqualTo(SourceState.INVALID);
  }

  @Test
  void noMeterIsAbsentAndAMeterThatAppearsLaterIsFound() throws IOException {
    AcpiPowerMeterSource source = new AcpiPowerMeterSource(sysfs, plausible);
    assertThat(source.read().state()).isEqualTo(SourceState.ABSENT);
    Path dir = meter("hwmon5", "");
    Files.writeString(dir.resolve("power1_average"), "300000000\n");
    SourceState state = SourceState.ABSENT;
    for (int i = 0; i < 40 && state != SourceState.OK; i++) {
      state = source.read().state();
    }
    assertThat(state).isEqualTo(SourceState.OK);
  }

  @Test
  void aFirmwareErrorIsAStateAndAGarbageValueIsInvalid() throws IOException {
    Path dir = meter("hwmon4", "");
    // EIO from the firmware method: a read error, here a directory where the file should be.
    Files.createDirectories(dir.resolve("power1_average"));
    assertThat(new AcpiPowerMeterSource(sysfs, plausible).read().state())
        .isEqualTo(SourceState.UNREACHABLE);
    Files.delete(dir.resolve("power1_average"));
    Files.writeString(dir.resolve("power1_average"), "n/a\n");
    assertThat(new AcpiPowerMeterSource(sysfs, plausible).read().state())
        .isEqualTo(SourceState.INVALID);
  }

  @Test
  void aMeterThatGoesAwayIsAbsent() throws IOException {
    Path dir = meter("hwmon4", "");
    Files.writeString(dir.resolve("power1_average"), "300000000\n");
    AcpiPowerMeterSource source = new AcpiPowerMeterSource(sysfs, plausible);
    assertThat(source.read().state()).isEqualTo(SourceState.OK);
    Files.delete(dir.resolve("power1_average"));
    assertThat(source.read().state()).isEqualTo(SourceState.ABSENT);
  }
}
