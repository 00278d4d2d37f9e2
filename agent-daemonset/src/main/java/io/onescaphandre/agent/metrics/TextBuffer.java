package io.onescaphandre.agent.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer for writing the exposition: ASCII copied as bytes, anything else encoded
 * as UTF-8. One per rendering, used by one thread.
 */
final class TextBuffer {
  private byte[] bytes;
  private int length;

  TextBuffer(int capacity) {
    bytes = new byte[capacity];
  }

  /** Appends {@code s} as is (names, help, fixed text). */
  TextBuffer append(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        length -= i;
        return appendUtf8(s);
      }
      bytes[length++] = (byte) c;
    }
    return this;
  }

  TextBuffer append(char c) {
    ensure(1);
    bytes[length++] = (byte) c;
    return this;
  }

  TextBuffer append(byte[] more) {
    ensure(more.length);
    System.arraycopy(more, 0, bytes, length, more.length);
    length += more.length;
    return this;
  }

  /** Appends a label value with the text formats' escapes: backslash, double quote, newline. */
  TextBuffer appendEscaped(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\\' || c == '"' || c == '\n' || c >= 0x80) {
        return appendEscapedSlowly(s);
      }
    }
    return append(s);
  }

  /**
   * Appends a sample value as the Prometheus client writes it: {@code +Inf}, {@code -Inf}, else
   * {@link Double#toString}.
   */
  TextBuffer appendValue(double value) {
    if (value == Double.POSITIVE_INFINITY) {
      return append("+Inf");
    }
    if (value == Double.NEGATIVE_INFINITY) {
      return append("-Inf");
    }
    return append(Double.toString(value));
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  private TextBuffer appendEscapedSlowly(String s) {
    StringBuilder escaped = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> escaped.append("\\\\");
        case '"' -> escaped.append("\\\"");
        case '\n' -> escaped.append("\\n");
        default -> escaped.append(c);
      }
    }
    return appendUtf8(escaped.toString());
  }

  private TextBuffer appendUtf8(String s) {
    return append(s.getBytes(StandardCharsets.UTF_8));
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
