package io.onescaphandre.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Prometheus' HTTP API: instant queries, targets, with bounded waiting. */
public final class PromQl {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  public record Sample(Map<String, String> labels, double value) {
    public String label(String name) {
      return labels.get(name);
    }
  }

  public PromQl(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public List<Sample> query(String promql) {
    JsonNode data = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    return parseVector(data);
  }

  /** Polls the query every second until the result satisfies the predicate; returns that result. */
  public List<Sample> await(String promql, Predicate<List<Sample>> ok, Duration timeout) {
    AtomicReference<List<Sample>> last = new AtomicReference<>(List.of());
    AtomicReference<RuntimeException> lastError = new AtomicReference<>();
    try {
      return Awaitility.await("the query " + promql)
          .atMost(timeout)
          .pollInterval(Duration.ofSeconds(1))
          .pollDelay(Duration.ZERO)
          .until(
              () -> {
                try {
                  last.set(query(promql));
                  lastError.set(null);
                } catch (RuntimeException e) {
                  lastError.set(e);
                }
                return last.get();
              },
              result -> lastError.get() == null && ok.test(result));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "after "
              + timeout
              + " the query "
              + promql
              + " still gives "
              + last.get()
              + (lastError.get() != null
                  ? " (last error: " + lastError.get().getMessage() + ")"
                  : ""),
          e);
    }
  }

  /** Active targets: scrape pool, health, scrape URL and discovered labels. */
  public JsonNode activeTargets() {
    return get("/api/v1/targets?state=active").path("activeTargets");
  }

  static List<Sample> parseVector(JsonNode data) {
    List<Sample> samples = new ArrayList<>();
    String type = data.path("resultType").asText();
    if (!"vector".equals(type)) {
      throw new IllegalStateException("expected a vector result, got " + type);
    }
    for (JsonNode item : data.path("result")) {
      Map<String, String> labels = new LinkedHashMap<>();
      item.path("metric")
          .fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      samples.add(new Sample(labels, Double.parseDouble(item.path("value").get(1).asText())));
    }
    return samples;
  }

  private JsonNode get(String pathAndQuery) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
            .timeout(Duration.ofSeconds(20))
            .GET()
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        throw new IllegalStateException(
            "Prometheus answered " + response.statusCode() + ": " + response.body());
      }
      return body.path("data");
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot reach Prometheus at " + baseUrl + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
