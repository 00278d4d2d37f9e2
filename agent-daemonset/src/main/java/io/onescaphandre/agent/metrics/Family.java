package io.onescaphandre.agent.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One metric name of the agent: its help, type and label names. {@link #points()} collects one
 * sample's series into the Prometheus client's model, which its exposition writers render; a series
 * absent from a sample is simply not there (a stopped VM's series disappears), with no meter to
 * register or remove.
 */
final class Family {
  enum Type {
    GAUGE,
    COUNTER,
    /** A gauge whose value is always 1 and whose labels carry the facts ({@code _info}). */
    INFO
  }

  private final MetricMetadata metadata;
  private final Type type;
  private final String[] labelNames;

  /**
   * @param name without {@code _total} for a counter, without {@code _info} for an info family
   */
  Family(String name, String help, Type type, String... labelNames) {
    this.metadata = new MetricMetadata(name, help);
    this.type = type;
    this.labelNames = labelNames;
  }

  Points points() {
    return new Points();
  }

  /** The series of one sample; a label set given twice keeps its last value. */
  final class Points {
    private final Map<Labels, Double> values = new HashMap<>();

    Points add(double value, String... labelValues) {
      if (labelValues.length != labelNames.length) {
        throw new IllegalArgumentException(
            metadata.getName() + " expects labels " + List.of(labelNames));
      }
      values.put(
          labelValues.length == 0 ? Labels.EMPTY : Labels.of(labelNames, labelValues), value);
      return this;
    }

    /** The family with these series, or nothing when there is none (no HELP without a series). */
    void addTo(List<MetricSnapshot> out) {
      if (values.isEmpty()) {
        return;
      }
      switch (type) {
        case GAUGE -> {
          List<GaugeSnapshot.GaugeDataPointSnapshot> points = new ArrayList<>(values.size());
          values.forEach(
              (l, v) -> points.add(new GaugeSnapshot.GaugeDataPointSnapshot(v, l, null)));
          out.add(new GaugeSnapshot(metadata, points));
        }
        case COUNTER -> {
          List<CounterSnapshot.CounterDataPointSnapshot> points = new ArrayList<>(values.size());
          values.forEach(
              (l, v) -> points.add(new CounterSnapshot.CounterDataPointSnapshot(v, l, null, 0L)));
          out.add(new CounterSnapshot(metadata, points));
        }
        case INFO -> {
          List<InfoSnapshot.InfoDataPointSnapshot> points = new ArrayList<>(values.size());
          values.keySet().forEach(l -> points.add(new InfoSnapshot.InfoDataPointSnapshot(l)));
          out.add(new InfoSnapshot(metadata, points));
        }
      }
    }
  }
}
