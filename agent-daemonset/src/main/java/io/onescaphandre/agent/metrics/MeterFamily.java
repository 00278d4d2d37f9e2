package io.onescaphandre.agent.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * All series of one metric name whose label sets come and go: a stopped VM's series must disappear
 * from the output, so meters absent from an update are removed from the registry. Updated only
 * under the publisher's write lock, read by scrapes under its read lock.
 */
final class MeterFamily {
  enum Type {
    GAUGE,
    COUNTER
  }

  private final MeterRegistry registry;
  private final String name;
  private final String help;
  private final Type type;
  private final String[] labels;
  private final Map<List<String>, Series> series = new HashMap<>();

  MeterFamily(MeterRegistry registry, String name, String help, Type type, String... labels) {
    this.registry = registry;
    this.name = name;
    this.help = help;
    this.type = type;
    this.labels = labels;
  }

  /** Sets every series present in {@code values} and removes the others. */
  void update(Map<List<String>, Double> values) {
    for (Iterator<Map.Entry<List<String>, Series>> it = series.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<List<String>, Series> entry = it.next();
      if (!values.containsKey(entry.getKey())) {
        registry.remove(entry.getValue().meter);
        it.remove();
      }
    }
    values.forEach(
        (labelValues, value) -> series.computeIfAbsent(labelValues, this::register).value = value);
  }

  /** One unlabelled series, or none when {@code value} is null. */
  void updateSingle(Double value) {
    update(value == null ? Map.of() : Map.of(List.of(), value));
  }

  void clear() {
    update(Map.of());
  }

  int size() {
    return series.size();
  }

  private Series register(List<String> labelValues) {
    if (labelValues.size() != labels.length) {
      throw new IllegalArgumentException(name + " expects labels " + List.of(labels));
    }
    Tags tags = Tags.empty();
    for (int i = 0; i < labels.length; i++) {
      tags = tags.and(labels[i], labelValues.get(i));
    }
    Series s = new Series();
    s.meter =
        type == Type.GAUGE
            ? Gauge.builder(name, s, x -> x.value)
                .description(help)
                .tags(tags)
                .strongReference(true)
                .register(registry)
            : FunctionCounter.builder(name, s, x -> x.value)
                .description(help)
                .tags(tags)
                .register(registry);
    return s;
  }

  private static final class Series {
    Meter meter;
    double value;
  }
}
