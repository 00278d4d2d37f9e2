package io.onescaphandre.operator.opennebula;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders scrape targets as a Prometheus job (a YAML list holding one {@code scrape_configs}
 * entry, ready to paste under {@code scrape_configs:}) or as a {@code file_sd_configs} JSON file.
 * Each host is its own group so it carries its own {@code host_id} / {@code one_host_id} labels.
 */
public final class PrometheusJobRenderer {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PrometheusJobRenderer() {}

  /** One target per KVM/QEMU/LXC host, {@code <host NAME>:<port>}, ordered by host id. */
  public static List<ScrapeTarget> targetsOf(List<OneHost> hosts, int port) {
    return hosts.stream()
        .filter(OneHost::isMonitorable)
        .sorted(Comparator.comparingInt(OneHost::id))
        .map(h -> new ScrapeTarget(ScrapeTarget.address(h.name(), port), h.id(), h.clusterName()))
        .toList();
  }

  public static String yaml(String jobName, List<ScrapeTarget> targets) {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("job_name", jobName);
    job.put("static_configs", groups(targets));
    return write(YAML, List.of(job));
  }

  public static String fileSd(List<ScrapeTarget> targets) {
    return write(JSON, groups(targets)) + "\n";
  }

  private static List<Map<String, Object>> groups(List<ScrapeTarget> targets) {
    List<Map<String, Object>> groups = new ArrayList<>();
    for (ScrapeTarget target : targets) {
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("host_id", Integer.toString(target.hostId()));
      labels.put("one_host_id", Integer.toString(target.hostId()));
      if (target.cluster() != null && !target.cluster().isEmpty()) {
        labels.put("cluster", target.cluster());
      }
      Map<String, Object> group = new LinkedHashMap<>();
      group.put("targets", List.of(target.address()));
      group.put("labels", labels);
      groups.add(group);
    }
    return groups;
  }

  private static String write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
