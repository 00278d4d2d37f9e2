package io.onescaphandre.agent.power;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The BMC's DCMI power reading through {@code ipmitool}: whole-node power in integer watts,
 * refreshed by the BMC about once a second. ipmitool is the tool every distribution ships and that
 * operators already trust with their BMCs; Java has no in-band IPMI library, and the ioctl
 * interface of {@code /dev/ipmi0} is not reachable without native code.
 */
public final class IpmiDcmiSource implements WattSource {
  private final IpmiSettings settings;
  private final PlausibleWatts plausible;

  public IpmiDcmiSource(IpmiSettings settings, PlausibleWatts plausible) {
    this.settings = settings;
    this.plausible = plausible;
  }

  @Override
  public PowerSourceName name() {
    return PowerSourceName.IPMI;
  }

  @Override
  public WattReading read() {
    if (settings.inBand() && settings.devices().stream().noneMatch(Files::exists)) {
      return WattReading.failed(
          SourceState.ABSENT,
          "no IPMI device ("
              + settings.devices().get(0)
              + "): load ipmi_si and ipmi_devintf, or the node has no BMC");
    }
    Process process;
    try {
      process =
          new ProcessBuilder(settings.command())
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
    } catch (IOException e) {
      return WattReading.failed(
          SourceState.ABSENT, "cannot run " + settings.ipmitool() + ": " + e.getMessage());
    }
    try {
      process.getOutputStream().close();
      CompletableFuture<String> out = drain(process.getInputStream());
      CompletableFuture<String> err = drain(process.getErrorStream());
      if (!process.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return WattReading.failed(
            SourceState.UNREACHABLE, "ipmitool did not answer within " + settings.timeout());
      }
      String stdout = out.get(1, TimeUnit.SECONDS);
      String stderr = err.get(1, TimeUnit.SECONDS);
      if (process.exitValue() != 0) {
        return classifyFailure(stderr.isBlank() ? stdout : stderr);
      }
      return DcmiPowerReading.parse(stdout, plausible);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return WattReading.failed(SourceState.UNREACHABLE, "interrupted");
    } catch (Exception e) {
      process.destroyForcibly();
      return WattReading.failed(SourceState.UNREACHABLE, "ipmitool failed: " + e);
    }
  }

  /** Sorts ipmitool's complaints into states; the message is ipmitool's own first line. */
  static WattReading classifyFailure(String stderr) {
    String text = stderr.toLowerCase(Locale.ROOT);
    String first = stderr.strip().lines().findFirst().orElse("ipmitool failed");
    if (text.contains("permission denied")) {
      return WattReading.failed(SourceState.UNREADABLE, first);
    }
    if (text.contains("could not open device")) {
      return WattReading.failed(SourceState.ABSENT, first);
    }
    if (text.contains("invalid user name")
        || text.contains("unauthorized name")
        || text.contains("rakp")
        || text.contains("password")) {
      return WattReading.failed(
          SourceState.UNREADABLE, "the BMC refused the credentials: " + first);
    }
    if (text.contains("invalid command") || text.contains("dcmi request failed")) {
      return WattReading.failed(
          SourceState.ABSENT, "the BMC does not answer the DCMI power reading: " + first);
    }
    return WattReading.failed(SourceState.UNREACHABLE, first);
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        });
  }
}
