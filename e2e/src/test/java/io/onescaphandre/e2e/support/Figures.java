package io.onescaphandre.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Measurements of the run (times, memory, series counts) for docs/benchmarks/e2e.md: appended as
 * tab-separated lines {@code phase name value unit} to figures.tsv in the work directory, which
 * run.sh prints at the end. Recorded, never asserted against a time budget.
 */
public final class Figures {
  private Figures() {}

  public static synchronized void record(String phase, String name, double value, String unit) {
    String line = String.format(Locale.ROOT, "%s\t%s\t%.3f\t%s%n", phase, name, value, unit);
    System.out.print("FIGURE " + line);
    Path file = E2e.work("").resolve("figures.tsv");
    try {
      Files.writeString(
          file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void recordText(String phase, String name, String text) {
    String line = phase + "\t" + name + "\t" + text.replace('\t', ' ').replace('\n', ' ') + "\t-\n";
    System.out.print("FIGURE " + line);
    try {
      Files.writeString(
          E2e.work("").resolve("figures.tsv"),
          line,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
