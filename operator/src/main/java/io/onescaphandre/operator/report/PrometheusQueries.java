package io.onescaphandre.operator.report;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Instant queries against Prometheus' HTTP API ({@code POST /api/v1/query}), vector results only.
 * Every failure (unreachable, HTTP error, an {@code "status":"error"} answer, another result type)
 * is a {@link ReportException} saying what to check.
 */
final class PrometheusQueries {
  /** One element of an instant vector. */
  record Sample(Map<String, String> labels, double value) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Duration timeout;
  private final HttpClient http;
  private final String bearerToken;

  /**
   * @param bearerToken sent as {@code Authorization: Bearer}, or null
   */
  PrometheusQueries(URI base, Duration timeout, String bearerToken) {
    this.bearerToken = bearerToken;
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text : text + "/");
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  List<Sample> vector(String query, Instant at) {
    String form =
        "query="
            + URLEncoder.encode(query, StandardCharsets.UTF_8)
            + "&time="
            + at.getEpochSecond();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(base.resolve("api/v1/query"))
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (bearerToken != null) {
      builder.header("Authorization", "Bearer " + bearerToken);
    }
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ReportException(
          "Prometheus at " + base + " did not answer (" + e + "). Check --prometheus.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReportException("interrupted while asking Prometheus");
    }
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw new ReportException(
          "Prometheus at "
              + base
              + " refused the request (HTTP "
              + response.statusCode()
              + "). Check --bearer-token-file.");
    }
    JsonNode root;
    try {
      root = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new ReportException(
          "Prometheus at "
              + base
              + " answered HTTP "
              + response.statusCode()
              + " with something that is not its API's JSON. Check --prometheus (the server's base URL,"
              + " e.g. http://prometheus:9090).");
    }
    if (!"success".equals(root.path("status").asText())) {
      throw new ReportException(
          "Prometheus refused the query "
              + query
              + ": "
              + root.path("errorType").asText("HTTP " + response.statusCode())
              + ": "
              + root.path("error").asText());
    }
    JsonNode data = root.path("data");
    if (!"vector".equals(data.path("resultType").asText())) {
      throw new ReportException(
          "Prometheus answered "
              + query
              + " with a "
              + data.path("resultType").asText()
              + ", not a vector");
    }
    List<Sample> samples = new ArrayList<>();
    for (JsonNode element : data.path("result")) {
      Map<String, String> labels = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = element.path("metric").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> label = it.next();
        labels.put(label.getKey(), label.getValue().asText());
      }
      double value = Double.parseDouble(element.path("value").path(1).asText("NaN"));
      samples.add(new Sample(labels, value));
    }
    return samples;
  }
}
