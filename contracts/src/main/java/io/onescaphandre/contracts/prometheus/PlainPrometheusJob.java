package io.onescaphandre.contracts.prometheus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plain Prometheus scrape job of the agents, for Prometheus servers that no Prometheus Operator
 * manages: what the operator's ConfigMap holds and what {@code generate-conf} prints (as the
 * original generate_conf.sh did). Each target is its own static group, so that it carries its own
 * host id.
 *
 * @param scrapeInterval written as {@code scrape_interval} when not null (else Prometheus' global
 *     one)
 * @param metricsPath written as {@code metrics_path} when not null
 */
public record PlainPrometheusJob(
    String jobName, String scrapeInterval, String metricsPath, List<ScrapeTarget> targets) {

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public PlainPrometheusJob {
    if (jobName == null || jobName.isBlank()) {
      throw new IllegalArgumentException("a Prometheus job needs a job_name");
    }
    targets = List.copyOf(targets);
  }

  /** A YAML list holding the one job, ready to paste under {@code scrape_configs:}. */
  public String yaml() {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("job_name", jobName);
    if (scrapeInterval != null) {
      job.put("scrape_interval", scrapeInterval);
    }
    if (metricsPath != null) {
      job.put("metrics_path", metricsPath);
    }
    job.put("static_configs", staticConfigs(targets));
    return write(YAML, List.of(job));
  }

  /** The targets as a {@code file_sd_configs} JSON file. */
  public static String fileSd(List<ScrapeTarget> targets) {
    return write(JSON, staticConfigs(targets)) + "\n";
  }

  private static List<Map<String, Object>> staticConfigs(List<ScrapeTarget> targets) {
    return targets.stream()
        .map(
            target -> {
              Map<String, Object> group = new LinkedHashMap<>();
              group.put("targets", List.of(target.address()));
              group.put("labels", target.labels());
              return group;
            })
        .toList();
  }

  private static String write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
