package io.onescaphandre.contracts.bytes;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Sizes on the command line as Kubernetes quantities of bytes: a plain number, or a number with the
 * binary suffix {@code Ki}, {@code Mi} or {@code Gi} ({@code 256Mi}).
 */
public final class ByteSize implements ITypeConverter<Long> {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})(Ki|Mi|Gi)?");

  /**
   * @throws IllegalArgumentException when the text is not such a size
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size such as 1048576, 512Ki, 256Mi or 1Gi");
    }
    long value = Long.parseLong(m.group(1));
    int shift =
        m.group(2) == null
            ? 0
            : switch (m.group(2)) {
              case "Ki" -> 10;
              case "Mi" -> 20;
              default -> 30;
            };
    return value << shift;
  }

  /** The size for people: {@code 256 MiB}, {@code 1.5 MiB}, {@code 900 bytes}. */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    String[] units = {"KiB", "MiB", "GiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return (value == Math.rint(value)
            ? String.format(Locale.ROOT, "%.0f", value)
            : String.format(Locale.ROOT, "%.1f", value))
        + " "
        + units[unit];
  }

  @Override
  public Long convert(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
