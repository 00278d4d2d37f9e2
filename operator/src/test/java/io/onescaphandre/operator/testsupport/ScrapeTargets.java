package io.onescaphandre.operator.testsupport;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.ScrapeConfig;
import io.onescaphandre.operator.dependent.PlainJobConfigMapDependent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The targets of a ScrapeConfig or of the plain job, each as "address host_id node", in their
 * order: the two must always agree.
 */
public final class ScrapeTargets {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ScrapeTargets() {}

  public static List<String> of(ScrapeConfig scrapeConfig) {
    return scrapeConfig.getSpec().getStaticConfigs().stream()
        .flatMap(
            g ->
                g.getTargets().stream()
                    .map(
                        t ->
                            t
                                + " "
                                + g.getLabels().get("host_id")
                                + " "
                                + g.getLabels().get("node")))
        .toList();
  }

  @SuppressWarnings("unchecked")
  public static List<String> of(ConfigMap plainJob) {
    try {
      List<Map<String, Object>> jobs =
          YAML.readValue(
              plainJob.getData().get(PlainJobConfigMapDependent.DATA_KEY),
              new TypeReference<>() {});
      List<Map<String, Object>> groups =
          (List<Map<String, Object>>) jobs.get(0).get("static_configs");
      return groups.stream()
          .flatMap(
              g -> {
                Map<String, String> labels = (Map<String, String>) g.get("labels");
                return ((List<String>) g.get("targets"))
                    .stream().map(t -> t + " " + labels.get("host_id") + " " + labels.get("node"));
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
