package io.onescaphandre.agent.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * One complete sample's exposition, rendered once (when the sample was published) in both text
 * formats and served as bytes by every scrape until the next sample. The gzip form of a format is
 * made by the first scrape that accepts gzip and kept for the others: a sample nobody scrapes with
 * gzip costs no compression. Immutable apart from that memo; safe to share between threads.
 */
public final class Exposition {
  private final byte[] text;
  private final byte[] openMetrics;
  private volatile byte[] textGzip;
  private volatile byte[] openMetricsGzip;

  Exposition(byte[] text, byte[] openMetrics) {
    this.text = text;
    this.openMetrics = openMetrics;
  }

  /** The body in Prometheus text 0.0.4, or OpenMetrics 1.0 when {@code openMetrics}. */
  public byte[] body(boolean openMetrics) {
    return openMetrics ? this.openMetrics : text;
  }

  /** The same, gzip-compressed. */
  public byte[] gzipped(boolean openMetrics) {
    // Two scrapes at once may both compress: the same bytes, one of them kept. No lock needed.
    if (openMetrics) {
      byte[] done = openMetricsGzip;
      return done != null ? done : (openMetricsGzip = gzip(this.openMetrics));
    }
    byte[] done = textGzip;
    return done != null ? done : (textGzip = gzip(text));
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
