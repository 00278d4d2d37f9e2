package io.onescaphandre.e2e.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's sample ScaphandreMonitor (the first fenced YAML block with kind ScaphandreMonitor),
 * or the e2e module's sample-monitor.yaml while the README has none, adapted to this run only where
 * the run needs it: the agent port (a free one instead of 8080, which other programs here may hold)
 * and the release label on the Prometheus objects (so kube-prometheus-stack's selectors match).
 */
public final class SampleMonitor {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern FENCED_YAML =
      Pattern.compile("```ya?ml\\s*\\n(.*?)```", Pattern.DOTALL);

  private final ObjectNode monitor;
  private final String source;

  private SampleMonitor(ObjectNode monitor, String source) {
    this.monitor = monitor;
    this.source = source;
  }

  public static SampleMonitor load(int port) {
    String readme = readQuietly(E2e.repoRoot().resolve("README.md"));
    Matcher blocks = FENCED_YAML.matcher(readme);
    while (blocks.find()) {
      String block = blocks.group(1);
      if (block.contains("kind: ScaphandreMonitor")) {
        return new SampleMonitor(parse(block), "README.md").adapt(port);
      }
    }
    return new SampleMonitor(
            parse(SharedFixtures.resource("sample-monitor.yaml")), "e2e sample-monitor.yaml")
        .adapt(port);
  }

  private SampleMonitor adapt(int port) {
    ObjectNode meta = monitor.with("metadata");
    if (!meta.hasNonNull("namespace")) {
      meta.put("namespace", "one-scaphandre");
    }
    ObjectNode spec = monitor.with("spec");
    spec.with("agent").put("port", port);
    ObjectNode prometheus = spec.with("prometheus");
    for (String kind : new String[] {"podMonitor", "scrapeConfig", "rules"}) {
      if (prometheus.has(kind)) {
        prometheus.with(kind).with("labels").put("release", "kube-prometheus-stack");
      }
    }
    return this;
  }

  public String name() {
    return monitor.path("metadata").path("name").asText();
  }

  public String namespace() {
    return monitor.path("metadata").path("namespace").asText();
  }

  public String source() {
    return source;
  }

  /**
   * Whether the sample itself enables the ScrapeConfig (the README's leaves it off: PodMonitor or
   * ScrapeConfig).
   */
  public boolean scrapeConfigEnabled() {
    return monitor
        .path("spec")
        .path("prometheus")
        .path("scrapeConfig")
        .path("enabled")
        .asBoolean(false);
  }

  /**
   * What the run changes after applying the sample, through the API as a user would: the
   * ScrapeConfig on (both discovery paths are tested side by side) and a 5 s scrape interval
   * (shorter waits).
   */
  public static final String ENABLE_SCRAPE_CONFIG_PATCH =
      "{\"spec\":{\"prometheus\":{\"interval\":\"5s\",\"scrapeConfig\":{\"enabled\":true}}}}";

  /** The labels a node needs to be selected by the monitor's nodeSelector (empty: every node). */
  public Map<String, String> nodeSelector() {
    Map<String, String> labels = new LinkedHashMap<>();
    monitor
        .path("spec")
        .path("nodeSelector")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  public String yaml() {
    try {
      return YAML.writeValueAsString(monitor);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy with one spec field replaced, e.g. an invalid port, as YAML. */
  public String yamlWith(String name, String agentField, Object value) {
    ObjectNode copy = monitor.deepCopy();
    copy.with("metadata").put("name", name);
    copy.with("spec").with("agent").putPOJO(agentField, value);
    try {
      return YAML.writeValueAsString(copy);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode parse(String yaml) {
    try {
      return (ObjectNode) YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("the sample monitor is not YAML", e);
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
