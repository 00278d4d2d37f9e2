package io.onescaphandre.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The configuration the Prometheus Operator generates for a Prometheus resource: the Secret {@code
 * prometheus-<name>}, key {@code prometheus.yaml.gz}. Read, decompressed, and made runnable on this
 * host with the fewest changes: {@code kubeconfig_file} added to each Kubernetes service discovery
 * (there is no in-cluster service account here), the pod-name and shard placeholders filled,
 * rule_files pointed at a local folder. Nothing else is touched.
 */
public final class GeneratedPrometheusConfig {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private GeneratedPrometheusConfig() {}

  public static String secretName(String prometheusName) {
    return "prometheus-" + prometheusName;
  }

  /** Waits for the Secret, then returns the decompressed YAML. */
  public static String await(String namespace, String prometheusName, Duration timeout) {
    Secret secret =
        E2e.client()
            .secrets()
            .inNamespace(namespace)
            .withName(secretName(prometheusName))
            .waitUntilCondition(
                s ->
                    s != null
                        && s.getData() != null
                        && s.getData().containsKey("prometheus.yaml.gz"),
                timeout.toSeconds(),
                TimeUnit.SECONDS);
    return decompress(secret.getData().get("prometheus.yaml.gz"));
  }

  /** Reads the current config (null when the Secret does not exist yet). */
  public static String current(String namespace, String prometheusName) {
    Secret secret =
        E2e.client().secrets().inNamespace(namespace).withName(secretName(prometheusName)).get();
    return secret == null
            || secret.getData() == null
            || !secret.getData().containsKey("prometheus.yaml.gz")
        ? null
        : decompress(secret.getData().get("prometheus.yaml.gz"));
  }

  static String decompress(String base64Gzip) {
    byte[] gz = Base64.getDecoder().decode(base64Gzip);
    try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("the generated config is not gzip", e);
    }
  }

  public static JsonNode parse(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("the generated config is not YAML", e);
    }
  }

  /** Job names of the scrape configs, in order. */
  public static List<String> jobNames(String yaml) {
    List<String> names = new ArrayList<>();
    parse(yaml).path("scrape_configs").forEach(job -> names.add(job.path("job_name").asText()));
    return names;
  }

  public static JsonNode job(String yaml, String jobName) {
    for (JsonNode job : parse(yaml).path("scrape_configs")) {
      if (job.path("job_name").asText().equals(jobName)) {
        return job;
      }
    }
    return null;
  }

  /** The config made runnable on this host (see the class comment for every change). */
  public static String localize(String yaml, Path kubeconfig, Path ruleDir) {
    String filled = yaml.replace("$(POD_NAME)", "prometheus-e2e-0").replace("$(SHARD)", "0");
    ObjectNode root = (ObjectNode) parse(filled);
    for (JsonNode job : root.path("scrape_configs")) {
      for (JsonNode sd : job.path("kubernetes_sd_configs")) {
        ((ObjectNode) sd).put("kubeconfig_file", kubeconfig.toString());
      }
    }
    if (root.has("rule_files")) {
      ArrayNode rules = root.putArray("rule_files");
      rules.add(ruleDir.resolve("*.yaml").toString());
    }
    try {
      return YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
