package io.onescaphandre.agent.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * One complete sample's exposition, served as bytes by every scrape until the next sample. Each
 * format is rendered at most once per sample: the one the scrapers asked for last is rendered when
 * the sample is published (Prometheus asks for OpenMetrics, curl for text 0.0.4), the other by the
 * first scrape that asks for it; the gzip form of a format by the first scrape that accepts gzip. A
 * sample nobody scrapes in a format costs no rendering in it. Safe to share between threads: two
 * scrapes that render the same thing at once make the same bytes, one copy is kept.
 */
public final class Exposition {
  /** Which format the scrapers asked for last; shared by the expositions of one publisher. */
  static final class Preference {
    private volatile boolean openMetrics;

    boolean openMetrics() {
      return openMetrics;
    }
  }

  private final List<Block> families;
  private final int sizeHint;
  private final Preference preference;
  private volatile byte[] text;
  private volatile byte[] openMetrics;
  private volatile byte[] textGzip;
  private volatile byte[] openMetricsGzip;

  /** Renders the format of {@code preference} now; the other waits for a scrape asking for it. */
  /**
   * @param families every family served, in the Prometheus client's order (by name)
   * @param sizeHint bytes the last rendering took, to size the buffer
   */
  Exposition(List<Block> families, int sizeHint, Preference preference) {
    this.families = families;
    this.sizeHint = sizeHint;
    this.preference = preference;
    body(preference.openMetrics);
  }

  /** The body in Prometheus text 0.0.4, or OpenMetrics 1.0 when {@code openMetrics}. */
  public byte[] body(boolean openMetrics) {
    if (preference.openMetrics != openMetrics) {
      preference.openMetrics = openMetrics;
    }
    if (openMetrics) {
      byte[] done = this.openMetrics;
      return done != null ? done : (this.openMetrics = write(true));
    }
    byte[] done = text;
    return done != null ? done : (text = write(false));
  }

  /** Bytes of the format rendered so far (a size hint for the next sample's buffer). */
  int size() {
    byte[] done = openMetrics != null ? openMetrics : text;
    return done == null ? sizeHint : done.length;
  }

  /** The same, gzip-compressed. */
  public byte[] gzipped(boolean openMetrics) {
    byte[] body = body(openMetrics);
    if (openMetrics) {
      byte[] done = openMetricsGzip;
      return done != null ? done : (openMetricsGzip = gzip(body));
    }
    byte[] done = textGzip;
    return done != null ? done : (textGzip = gzip(body));
  }

  private byte[] write(boolean openMetrics) {
    TextBuffer out = new TextBuffer(sizeHint + sizeHint / 8 + 1024);
    for (Block family : families) {
      family.write(out, openMetrics);
    }
    if (openMetrics) {
      out.append("# EOF\n");
    }
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 6 + 64);
    // Fastest level: the text of repeated label names compresses well at any level, and the
    // compression is on the scrape's path.
    try (GZIPOutputStream gzip =
        new GZIPOutputStream(out, 8192) {
          {
            def.setLevel(Deflater.BEST_SPEED);
          }
        }) {
      gzip.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
