package io.onescaphandre.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The PromQL of the Grafana dashboards the chart ships (every "expr" in its *.json files), with
 * Grafana's variables filled as a user's "All" selection would: interval variables by 1m, every
 * other $variable by a regex matching anything.
 */
public final class DashboardQueries {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DashboardQueries() {}

  public static List<String> of(Path chartDir) {
    Set<String> queries = new LinkedHashSet<>();
    try (Stream<Path> files = Files.walk(chartDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        collect(JSON.readTree(Files.readString(file)), queries);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ArrayList<>(queries);
  }

  private static void collect(JsonNode node, Set<String> queries) {
    if (node.isObject()) {
      JsonNode expr = node.get("expr");
      if (expr != null && expr.isTextual() && !expr.asText().isBlank()) {
        queries.add(fill(expr.asText()));
      }
      node.elements().forEachRemaining(child -> collect(child, queries));
    } else if (node.isArray()) {
      node.elements().forEachRemaining(child -> collect(child, queries));
    }
  }

  static String fill(String expr) {
    return expr.replaceAll("\\$\\{?__(rate_interval|interval|range)(:[a-z]+)?}?", "1m")
        .replaceAll("\\$\\{[A-Za-z0-9_]+(:[a-z]+)?}", ".*")
        .replaceAll("\\$[A-Za-z_][A-Za-z0-9_]*", ".*");
  }
}
