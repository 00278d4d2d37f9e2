package io.onescaphandre.agent.power;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ACPI power meter (ACPI000D, driver {@code acpi_power_meter}): a hwmon device named {@code
 * power_meter} whose {@code power1_average} (µW, averaged over {@code power1_average_interval} ms)
 * is the whole node's power as the firmware, often through the BMC, measures it. hwmon numbers are
 * not stable, so the device is found by its name; {@code power1_input} is the fallback of drivers
 * that only give an instantaneous value. Every value passes {@link PlausibleWatts}.
 */
public final class AcpiPowerMeterSource implements WattSource {
  static final String DRIVER_NAME = "power_meter";

  /** Look for a meter that was not there (module loaded later) at most this often, in reads. */
  private static final int REDISCOVER_EVERY = 30;

  private final Path hwmonClass;
  private final PlausibleWatts plausible;
  private Path meter;
  private int readsSinceDiscovery = REDISCOVER_EVERY;

  public AcpiPowerMeterSource(Path sysfs, PlausibleWatts plausible) {
    this.hwmonClass = sysfs.resolve("class").resolve("hwmon");
    this.plausible = plausible;
  }

  @Override
  public PowerSourceName name() {
    return PowerSourceName.ACPI;
  }

  @Override
  public WattReading read() {
    if (meter == null) {
      if (readsSinceDiscovery++ < REDISCOVER_EVERY) {
        return WattReading.failed(
            SourceState.ABSENT, "no hwmon device named power_meter under " + hwmonClass);
      }
      readsSinceDiscovery = 0;
      meter = discover();
      if (meter == null) {
        return WattReading.failed(
            SourceState.ABSENT, "no hwmon device named power_meter under " + hwmonClass);
      }
    }
    try {
      Path file = meter.resolve("power1_average");
      String interval = null;
      if (Files.exists(file)) {
        interval = SysfsText.read(meter.resolve("power1_average_interval")).orElse(null);
      } else {
        file = meter.resolve("power1_input");
      }
      long microwatts = Long.parseLong(Files.readString(file).trim());
      double window = 0;
      if (interval != null) {
        try {
          window = Math.max(0, Long.parseLong(interval) / 1000.0);
        } catch (NumberFormatException e) {
          window = 0;
        }
      }
      return plausible.check(microwatts / 1e6, window, file.toString());
    } catch (AccessDeniedException e) {
      return WattReading.failed(
          SourceState.UNREADABLE, e.getFile() + " is not readable by the agent");
    } catch (NoSuchFileException e) {
      meter = null;
      return WattReading.failed(SourceState.ABSENT, "the power meter went away: " + e.getFile());
    } catch (IOException e) {
      // The driver returns EIO or ENODATA when the firmware method fails.
      return WattReading.failed(
          SourceState.UNREACHABLE, "reading the power meter failed: " + e.getMessage());
    } catch (NumberFormatException e) {
      return WattReading.failed(SourceState.INVALID, "the power meter's value is not a number");
    }
  }

  /** The directory holding power1_*: hwmonN itself, or hwmonN/device on older kernels. */
  Path discover() {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(hwmonClass, "hwmon*")) {
      for (Path entry : entries) {
        for (Path dir : List.of(entry, entry.resolve("device"))) {
          if (SysfsText.read(dir.resolve("name")).filter(DRIVER_NAME::equals).isPresent()
              && (Files.exists(dir.resolve("power1_average"))
                  || Files.exists(dir.resolve("power1_input")))) {
            found.add(dir);
            break;
          }
        }
      }
    } catch (IOException e) {
      return null;
    }
    // One meter per node: with several (rare), the lowest-numbered, as every other tool does.
    found.sort(null);
    return found.isEmpty() ? null : found.get(0);
  }
}
