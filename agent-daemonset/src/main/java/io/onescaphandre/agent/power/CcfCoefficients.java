package io.onescaphandre.agent.power;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Cloud Carbon Footprint's SPECpower-derived watts per hardware thread by CPU microarchitecture
 * ({@code power/ccf-coefficients.csv}, Apache-2.0, credited there), and the mapping of a CPU's
 * family and model numbers to those microarchitectures.
 */
public final class CcfCoefficients {
  /** Watts per hardware thread at active idle and at full load. */
  public record Row(String microarchitecture, double minWatts, double maxWatts) {}

  public static final String AVERAGE = "average";
  private static final Map<String, Row> ROWS = load();

  private CcfCoefficients() {}

  public static Row average() {
    return ROWS.get(AVERAGE);
  }

  /** The row of this CPU's microarchitecture, empty when it is not one CCF has figures for. */
  public static Optional<Row> lookup(CpuInfo cpu) {
    return Optional.ofNullable(microarchitecture(cpu)).map(ROWS::get);
  }

  /**
   * Family/model numbers of Intel's and AMD's server parts (and the client parts sharing their
   * cores).
   */
  static String microarchitecture(CpuInfo cpu) {
    switch (cpu.vendor()) {
      case "GenuineIntel" -> {
        if (cpu.family() != 6) {
          return null;
        }
        return switch (cpu.model()) {
          case 60, 63, 69, 70 -> "Haswell";
          case 61, 71, 79, 86 -> "Broadwell";
          // Skylake-SP, Cascade Lake (stepping 5-7) and Cooper Lake (10-11) share model 85.
          case 85 -> cpu.stepping() >= 5 ? "Cascade Lake" : "Skylake";
          case 78, 94, 142, 158, 165, 166 -> "Skylake";
          case 106, 108, 125, 126 -> "Ice Lake";
          case 143 -> "Sapphire Rapids";
          case 207 -> "Emerald Rapids";
          case 173, 174 -> "Granite Rapids";
          default -> null;
        };
      }
      case "AuthenticAMD", "HygonGenuine" -> {
        if (cpu.family() == 0x17) {
          // Zen 2 (Rome, model 0x31); Zen/Zen+ EPYC (Naples) has no CCF figures of its own and
          // is counted as the nearest generation CCF has.
          return "EPYC 2nd Gen";
        }
        if (cpu.family() == 0x19) {
          int m = cpu.model();
          return m <= 0x0f || m >= 0x20 && m <= 0x5f ? "EPYC 3rd Gen" : "EPYC 4th Gen";
        }
        return null;
      }
      case "ARM" -> {
        // Neoverse N1 (Graviton2, Ampere Altra) and V1 (Graviton3): CCF counts them as Graviton.
        return cpu.armPart() == 0xd0c || cpu.armPart() == 0xd40 ? "Graviton" : null;
      }
      default -> {
        return null;
      }
    }
  }

  private static Map<String, Row> load() {
    Map<String, Row> rows = new LinkedHashMap<>();
    try (InputStream in = CcfCoefficients.class.getResourceAsStream("/power/ccf-coefficients.csv");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      boolean header = true;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        if (header) {
          header = false;
          continue;
        }
        String[] f = line.split(",");
        rows.put(f[0], new Row(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(rows);
  }
}
