package io.onescaphandre.e2e.support;

import io.onescaphandre.demo.PrometheusText;
import io.onescaphandre.demo.PrometheusText.Sample;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A scrape of a /metrics endpoint, parsed into samples by the demo's Prometheus text parser, so
 * that the demo and e2e read the exposition format the same way.
 */
public final class MetricsText {
  private final String body;
  private final List<Sample> samples;

  MetricsText(String body) {
    this.body = body;
    this.samples = PrometheusText.parse(body).samples();
  }

  public static MetricsText scrape(String url) {
    try {
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(3))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + response.statusCode());
      }
      return new MetricsText(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("cannot scrape " + url + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  public int bytes() {
    return body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  public List<Sample> samples() {
    return samples;
  }

  public List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }
}
