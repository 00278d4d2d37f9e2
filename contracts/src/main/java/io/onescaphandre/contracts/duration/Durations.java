package io.onescaphandre.contracts.duration;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of the project: what the CRD admits ({@link #PATTERN}), what the
 * operator, {@code render}, {@code generate-conf} and the agent parse. Prometheus-style, a whole
 * number per unit, units from the largest down, each at most once: {@code 2s}, {@code 1m30s},
 * {@code 500ms}, {@code 2h}, {@code 1h0m5s}.
 *
 * <p>The units are {@code h}, {@code m}, {@code s} and {@code ms}: the strings that are Prometheus
 * durations and Go durations alike, so that the API server's CEL {@code duration()} (Go's grammar)
 * reads every admitted value as this class does; a day is written {@code 24h}. At most six digits a
 * unit: the largest value (999999h999999m999999s999999ms) stays far inside CEL's and Java's ranges,
 * so no admitted value overflows anywhere.
 */
public final class Durations {
  /**
   * The grammar as a regular expression that Java and the API server's RE2 read alike (no
   * look-around, no back-references). It also matches the empty string: {@link #MIN_LENGTH} refuses
   * it.
   */
  public static final String PATTERN =
      "^(?:([0-9]{1,6})h)?(?:([0-9]{1,6})m)?(?:([0-9]{1,6})s)?(?:([0-9]{1,6})ms)?$";

  /** The shortest duration, {@code 1s}, has two characters. */
  public static final int MIN_LENGTH = 2;

  /**
   * The longest string the grammar admits has 29 characters; the CRD's maxLength also bounds CEL's
   * cost.
   */
  public static final int MAX_LENGTH = 32;

  /** How an error message shows the grammar. */
  public static final String GRAMMAR_HINT =
      "a duration such as 2s, 1m30s or 500ms (whole numbers; units h, m, s, ms,"
          + " largest first, each once)";

  private static final Pattern GRAMMAR = Pattern.compile(PATTERN);
  private static final long[] UNIT_MILLIS = {3_600_000L, 60_000L, 1_000L, 1L};

  private Durations() {}

  /** Whether the text is in the grammar (bounds aside). */
  public static boolean valid(String text) {
    return text != null
        && text.length() >= MIN_LENGTH
        && text.length() <= MAX_LENGTH
        && GRAMMAR.matcher(text).matches();
  }

  /**
   * Parses a duration of the grammar; {@code 0s} is a duration (the callers' bounds refuse it).
   *
   * @throws IllegalArgumentException quoting the text and showing the grammar
   */
  public static Duration parse(String text) {
    if (text == null || text.length() < MIN_LENGTH || text.length() > MAX_LENGTH) {
      throw notADuration(text);
    }
    Matcher m = GRAMMAR.matcher(text);
    if (!m.matches()) {
      throw notADuration(text);
    }
    long millis = 0;
    for (int unit = 0; unit < UNIT_MILLIS.length; unit++) {
      String amount = m.group(unit + 1);
      if (amount != null) {
        millis += Long.parseLong(amount) * UNIT_MILLIS[unit];
      }
    }
    return Duration.ofMillis(millis);
  }

  /**
   * The shortest text of the grammar for a duration ({@code 90s} gives {@code 1m30s}, zero gives
   * {@code 0s}).
   *
   * @throws IllegalArgumentException for a negative duration, one with a fraction of a millisecond
   *     or one of a million hours or more, which the grammar cannot say
   */
  public static String format(Duration duration) {
    if (duration.isNegative()
        || duration.getNano() % 1_000_000 != 0
        || duration.compareTo(Duration.ofHours(1_000_000)) >= 0) {
      throw new IllegalArgumentException(duration + " cannot be written as " + GRAMMAR_HINT);
    }
    if (duration.isZero()) {
      return "0s";
    }
    long rest = duration.toMillis();
    String[] units = {"h", "m", "s", "ms"};
    StringBuilder text = new StringBuilder();
    for (int unit = 0; unit < UNIT_MILLIS.length; unit++) {
      long amount = rest / UNIT_MILLIS[unit];
      rest %= UNIT_MILLIS[unit];
      if (amount > 0) {
        text.append(amount).append(units[unit]);
      }
    }
    return text.toString();
  }

  private static IllegalArgumentException notADuration(String text) {
    String shown =
        text == null
            ? "nothing"
            : "'" + (text.length() > 40 ? text.substring(0, 40) + "...'" : text + "'");
    return new IllegalArgumentException(shown + " is not " + GRAMMAR_HINT);
  }
}
