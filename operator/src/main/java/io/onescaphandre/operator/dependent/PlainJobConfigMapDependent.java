package io.onescaphandre.operator.dependent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.hostid.MappedNode;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ConfigMap holding the scrape job as a plain Prometheus scrape_configs entry (what the original
 * generate_conf.sh printed), for Prometheus servers the Prometheus Operator does not manage.
 */
@KubernetesDependent(informer = @Informer(labelSelector = MonitorNames.MANAGED_SELECTOR))
public class PlainJobConfigMapDependent extends OwnedDependent<ConfigMap> {
  public static final String DATA_KEY = "prometheus-job.yaml";
  /** The agents' job label everywhere the operator writes a scrape job (the alerts select it). */
  public static final String JOB_NAME = MonitorNames.AGENT_APP;

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

  public PlainJobConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  public ConfigMap desiredFrom(ScaphandreMonitor monitor, DesiredInputs inputs) {
    return desiredFor(monitor, inputs.mappedNodes());
  }

  public static ConfigMap desiredFor(ScaphandreMonitor monitor, List<MappedNode> mappedNodes) {
    return new ConfigMapBuilder()
        .withMetadata(MonitorResources.metadata(monitor, MonitorResources.plainJobConfigMapName(monitor),
            monitor.getSpec().getPrometheus().getPlainConfig().getLabels()))
        .addToData(DATA_KEY, jobYaml(monitor, mappedNodes))
        .build();
  }

  /** A YAML list holding one job, ready to paste under scrape_configs. */
  public static String jobYaml(ScaphandreMonitor monitor, List<MappedNode> mappedNodes) {
    int port = monitor.getSpec().getAgent().getPort();
    List<Map<String, Object>> groups = mappedNodes.stream()
        .map(n -> {
          Map<String, Object> group = new LinkedHashMap<>();
          group.put("targets", List.of(ScrapeConfigDependent.target(n.address(), port)));
          group.put("labels", ScrapeConfigDependent.targetLabels(n));
          return group;
        })
        .toList();
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("job_name", JOB_NAME);
    job.put("scrape_interval", monitor.getSpec().getPrometheus().getInterval());
    job.put("metrics_path", "/metrics");
    job.put("static_configs", groups);
    try {
      return YAML.writeValueAsString(List.of(job));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
