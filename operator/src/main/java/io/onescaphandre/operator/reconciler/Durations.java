package io.onescaphandre.operator.reconciler;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations of the spec ("2s", "1m30s", "500ms"). */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("([0-9]+(\\.[0-9]+)?(ms|s|m|h))+");
  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

  private Durations() {}

  public static boolean valid(String text) {
    return text != null && WHOLE.matcher(text).matches();
  }

  /** @throws IllegalArgumentException naming the text when it is not a duration */
  public static Duration parse(String text) {
    if (!valid(text)) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 30s, 5m or 1h30m");
    }
    Matcher m = PART.matcher(text);
    double millis = 0;
    while (m.find()) {
      double n = Double.parseDouble(m.group(1));
      millis += switch (m.group(2)) {
        case "ms" -> n;
        case "s" -> n * 1_000;
        case "m" -> n * 60_000;
        default -> n * 3_600_000;
      };
    }
    return Duration.ofMillis(Math.round(millis));
  }
}
