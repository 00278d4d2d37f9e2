package io.onescaphandre.agent.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One of Micrometer's families (JVM, process, the sample timer), written by the Prometheus client's
 * own writers, as Micrometer's registry did; each format's bytes made once, when first needed.
 */
final class MeterBlock implements Block {
  private static final ExpositionFormatWriter TEXT = PrometheusTextFormatWriter.create();
  private static final ExpositionFormatWriter OPENMETRICS = OpenMetricsTextFormatWriter.create();
  private static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.US_ASCII);

  private final MetricSnapshot meter;
  private volatile byte[] text;
  private volatile byte[] openMetrics;

  MeterBlock(MetricSnapshot meter) {
    this.meter = meter;
  }

  @Override
  public String sortName() {
    return meter.getMetadata().getPrometheusName();
  }

  @Override
  public void write(TextBuffer out, boolean openMetrics) {
    if (openMetrics) {
      byte[] done = this.openMetrics;
      out.append(done != null ? done : (this.openMetrics = withoutEof(render(OPENMETRICS))));
    } else {
      byte[] done = text;
      out.append(done != null ? done : (text = render(TEXT)));
    }
  }

  private byte[] render(ExpositionFormatWriter writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try {
      writer.write(bytes, MetricSnapshots.of(meter));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The OpenMetrics writer ends each exposition with {@code # EOF}: the whole one ends once. */
  private static byte[] withoutEof(byte[] bytes) {
    int end = bytes.length - EOF.length;
    return end >= 0 && Arrays.equals(bytes, end, bytes.length, EOF, 0, EOF.length)
        ? Arrays.copyOf(bytes, end)
        : bytes;
  }
}
