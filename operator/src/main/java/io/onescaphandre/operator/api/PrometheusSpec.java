package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.onescaphandre.contracts.duration.DurationFields;
import io.onescaphandre.contracts.duration.Durations;

/**
 * Which scrape objects to make. The PodMonitor is the default path; the ScrapeConfig scrapes the
 * same agents by node address, so enable one of the two for a given Prometheus, not both.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrometheusSpec {
  public static final String DEFAULT_INTERVAL = "30s";

  @JsonPropertyDescription("PodMonitor (monitoring.coreos.com/v1); enabled by default.")
  private ObjectSpec podMonitor = new ObjectSpec(true);

  @JsonPropertyDescription(
      "ScrapeConfig (monitoring.coreos.com/v1alpha1) with one static group per"
          + " mapped node; disabled by default.")
  private ObjectSpec scrapeConfig = new ObjectSpec(false);

  @JsonPropertyDescription("PrometheusRule with the recording rules; enabled by default.")
  private ObjectSpec rules = new ObjectSpec(true);

  @JsonPropertyDescription("ConfigMap holding a plain Prometheus job; enabled by default.")
  private ObjectSpec plainConfig = new ObjectSpec(true);

  @JsonPropertyDescription(
      "Scrape interval, a duration such as 30s or 1m, from "
          + DurationFields.PROMETHEUS_INTERVAL_MIN
          + " to "
          + DurationFields.PROMETHEUS_INTERVAL_MAX
          + ".")
  @Default(DEFAULT_INTERVAL)
  @Pattern(Durations.PATTERN)
  @Size(min = Durations.MIN_LENGTH, max = Durations.MAX_LENGTH)
  @ValidationRule(
      value = DurationFields.PROMETHEUS_INTERVAL_RULE,
      message = DurationFields.PROMETHEUS_INTERVAL_MESSAGE,
      reason = "FieldValueInvalid")
  private String interval = DEFAULT_INTERVAL;

  public ObjectSpec getPodMonitor() {
    return podMonitor;
  }

  public void setPodMonitor(ObjectSpec podMonitor) {
    this.podMonitor = podMonitor == null ? new ObjectSpec(true) : podMonitor.withDefault(true);
  }

  public ObjectSpec getScrapeConfig() {
    return scrapeConfig;
  }

  public void setScrapeConfig(ObjectSpec scrapeConfig) {
    this.scrapeConfig =
        scrapeConfig == null ? new ObjectSpec(false) : scrapeConfig.withDefault(false);
  }

  public ObjectSpec getRules() {
    return rules;
  }

  public void setRules(ObjectSpec rules) {
    this.rules = rules == null ? new ObjectSpec(true) : rules.withDefault(true);
  }

  public ObjectSpec getPlainConfig() {
    return plainConfig;
  }

  public void setPlainConfig(ObjectSpec plainConfig) {
    this.plainConfig = plainConfig == null ? new ObjectSpec(true) : plainConfig.withDefault(true);
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval == null ? DEFAULT_INTERVAL : interval;
  }

  /** One Prometheus object: whether to make it and the labels its Prometheus selects it by. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ObjectSpec {
    @JsonPropertyDescription("Whether the operator makes this object.")
    private Boolean enabled;

    @JsonPropertyDescription("Labels put on the object, e.g. release: kube-prometheus-stack.")
    private java.util.Map<String, String> labels = new java.util.LinkedHashMap<>();

    public ObjectSpec() {}

    public ObjectSpec(boolean enabled) {
      this.enabled = enabled;
    }

    ObjectSpec withDefault(boolean defaultEnabled) {
      if (enabled == null) {
        enabled = defaultEnabled;
      }
      return this;
    }

    public Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(Boolean enabled) {
      this.enabled = enabled;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isOn() {
      return Boolean.TRUE.equals(enabled);
    }

    public java.util.Map<String, String> getLabels() {
      return labels;
    }

    public void setLabels(java.util.Map<String, String> labels) {
      this.labels = labels == null ? new java.util.LinkedHashMap<>() : labels;
    }
  }
}
