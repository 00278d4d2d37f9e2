package io.onescaphandre.agent.power;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code /proc/cpuinfo} says about the first CPU: enough to name its microarchitecture.
 *
 * @param vendor {@code GenuineIntel}, {@code AuthenticAMD}, {@code HygonGenuine}, or {@code ARM}
 *     for arm64 (which has no vendor_id)
 * @param family, model, stepping as decimal numbers (-1 when absent)
 * @param modelName the marketing name, or "" (arm64 has none)
 * @param armPart the arm64 "CPU part" (such as 0xd0c), or -1
 */
public record CpuInfo(
    String vendor, int family, int model, int stepping, String modelName, int armPart) {

  public static CpuInfo unknown() {
    return new CpuInfo("", -1, -1, -1, "", -1);
  }

  public static CpuInfo read(Path procfs) {
    try {
      return parse(Files.readString(procfs.resolve("cpuinfo")));
    } catch (IOException e) {
      return unknown();
    }
  }

  static CpuInfo parse(String text) {
    String vendor = "";
    int family = -1;
    int model = -1;
    int stepping = -1;
    String modelName = "";
    int armPart = -1;
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        if (!vendor.isEmpty() || armPart >= 0) {
          break; // the first processor is enough
        }
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      try {
        switch (key) {
          case "vendor_id" -> vendor = value;
          case "cpu family" -> family = Integer.parseInt(value);
          case "model" -> model = Integer.parseInt(value);
          case "stepping" -> stepping = Integer.parseInt(value);
          case "model name" -> modelName = value;
          case "cpu part" -> {
            armPart = Integer.decode(value);
            vendor = vendor.isEmpty() ? "ARM" : vendor;
          }
          default -> {}
        }
      } catch (NumberFormatException e) {
        // A field this parser does not understand leaves the microarchitecture unknown.
      }
    }
    return new CpuInfo(vendor, family, model, stepping, modelName, armPart);
  }
}
