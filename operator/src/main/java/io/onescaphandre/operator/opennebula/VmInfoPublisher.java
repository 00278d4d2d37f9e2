package io.onescaphandre.operator.opennebula;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;

/**
 * Publishes the rows of {@code opennebula_vm_info}. Micrometer's Prometheus naming strips an {@code
 * _info} suffix from gauges (the series would come out as {@code opennebula_vm}), so on a
 * Prometheus registry the rows are a native Prometheus Info metric named {@code opennebula_vm},
 * which the exposition writes as {@code opennebula_vm_info{…} 1}. Other registries get a MultiGauge
 * named {@code opennebula_vm_info}.
 */
interface VmInfoPublisher extends AutoCloseable {
  String HELP = "OpenNebula VM running on a host (value 1), for joins by one_vm_id";

  void publish(List<VmInfoRow> rows);

  @Override
  void close();

  static VmInfoPublisher forRegistry(MeterRegistry registry) {
    PrometheusMeterRegistry prometheus = findPrometheus(registry);
    return prometheus != null
        ? new PrometheusInfo(prometheus.getPrometheusRegistry())
        : new MicrometerMultiGauge(registry);
  }

  private static PrometheusMeterRegistry findPrometheus(MeterRegistry registry) {
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      return prometheus;
    }
    if (registry instanceof CompositeMeterRegistry composite) {
      for (MeterRegistry member : composite.getRegistries()) {
        PrometheusMeterRegistry found = findPrometheus(member);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** A collector asked at each scrape; holds an immutable list swapped on each refresh. */
  final class PrometheusInfo implements VmInfoPublisher, Collector {
    private static final String NAME = "opennebula_vm";
    private final PrometheusRegistry registry;
    private volatile List<VmInfoRow> rows = List.of();

    PrometheusInfo(PrometheusRegistry registry) {
      this.registry = registry;
      registry.register(this);
    }

    @Override
    public void publish(List<VmInfoRow> newRows) {
      rows = List.copyOf(newRows);
    }

    @Override
    public MetricSnapshot collect() {
      InfoSnapshot.Builder snapshot = InfoSnapshot.builder().name(NAME).help(HELP);
      for (VmInfoRow row : rows) {
        snapshot.dataPoint(
            InfoSnapshot.InfoDataPointSnapshot.builder()
                .labels(Labels.of(VmInfoRow.LABEL_NAMES, row.values()))
                .build());
      }
      return snapshot.build();
    }

    @Override
    public String getPrometheusName() {
      return NAME;
    }

    @Override
    public void close() {
      registry.unregister(this);
    }
  }

  /** For registries other than Prometheus; rows absent from a refresh are removed. */
  final class MicrometerMultiGauge implements VmInfoPublisher {
    private final MultiGauge gauge;

    MicrometerMultiGauge(MeterRegistry registry) {
      gauge = MultiGauge.builder("opennebula_vm_info").description(HELP).register(registry);
    }

    @Override
    public void publish(List<VmInfoRow> rows) {
      gauge.register(rows.stream().map(row -> MultiGauge.Row.of(tags(row), 1)).toList(), true);
    }

    private static Tags tags(VmInfoRow row) {
      Tags tags = Tags.empty();
      List<String> values = row.values();
      for (int i = 0; i < values.size(); i++) {
        tags = tags.and(VmInfoRow.LABEL_NAMES.get(i), values.get(i));
      }
      return tags;
    }

    @Override
    public void close() {
      gauge.register(List.of(), true);
    }
  }
}
