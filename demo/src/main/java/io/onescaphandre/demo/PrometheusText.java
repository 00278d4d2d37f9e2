package io.onescaphandre.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The samples of a Prometheus text exposition (format 0.0.4): enough to read the agent's /metrics.
 * Comments and type lines are skipped; a malformed line is an error, so a format change is noticed.
 */
public final class PrometheusText {
  /** One sample: metric name, labels in order of appearance, value. */
  public record Sample(String name, Map<String, String> labels, double value) {
    public String label(String key) {
      return labels.getOrDefault(key, "");
    }
  }

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = Collections.unmodifiableList(samples);
  }

  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    int lineNumber = 0;
    for (String line : text.split("\n")) {
      lineNumber++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      try {
        samples.add(parseLine(l));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "line " + lineNumber + " is not a Prometheus sample: " + l, e);
      }
    }
    return new PrometheusText(samples);
  }

  private static Sample parseLine(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("no metric name");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        while (line.charAt(i) == ' ' || line.charAt(i) == ',') {
          i++;
        }
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        String key = line.substring(i, eq).strip();
        i = eq + 1;
        if (line.charAt(i) != '"') {
          throw new IllegalArgumentException("label value of " + key + " is not quoted");
        }
        i++;
        StringBuilder value = new StringBuilder();
        while (line.charAt(i) != '"') {
          char c = line.charAt(i);
          if (c == '\\') {
            char next = line.charAt(++i);
            value.append(next == 'n' ? '\n' : next);
          } else {
            value.append(c);
          }
          i++;
        }
        i++;
        labels.put(key, value.toString());
      }
    }
    String[] rest = line.substring(i).strip().split("\\s+");
    return new Sample(name, Collections.unmodifiableMap(labels), parseValue(rest[0]));
  }

  private static double parseValue(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  public List<Sample> samples() {
    return samples;
  }

  /** Every sample of a metric. */
  public List<Sample> all(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The value of a metric without labels (or the first of its series). */
  public Optional<Double> value(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).map(Sample::value).findFirst();
  }

  /** Sum over every series of a metric; 0 when it has none. */
  public double sum(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).mapToDouble(Sample::value).sum();
  }
}
