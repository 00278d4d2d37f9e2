package io.onescaphandre.agent.init;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A kernel release such as {@code 6.1.0-18-amd64} or {@code 4.18.0-513.el8.x86_64}. */
public record KernelRelease(String text, int major, int minor) {
  private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

  /** Parses a release; major and minor are 0 when the text is not a version. */
  public static KernelRelease parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    Matcher m = VERSION.matcher(trimmed);
    return m.find()
        ? new KernelRelease(trimmed, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))
        : new KernelRelease(trimmed, 0, 0);
  }

  public boolean known() {
    return major > 0;
  }

  public boolean atLeast(int wantedMajor, int wantedMinor) {
    return major > wantedMajor || major == wantedMajor && minor >= wantedMinor;
  }
}
