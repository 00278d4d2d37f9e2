package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.onescaphandre.contracts.duration.DurationFields;
import io.onescaphandre.contracts.duration.Durations;

/** How to reach OpenNebula's XML-RPC API (host id source openNebulaApi, VM metadata). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenNebulaSpec {
  public static final String DEFAULT_TIMEOUT = "10s";
  public static final String DEFAULT_REFRESH_INTERVAL = "5m";

  @JsonPropertyDescription("XML-RPC endpoint, e.g. http://frontend:2633/RPC2.")
  @Required
  @Pattern("^https?://.+")
  private String endpoint;

  @JsonPropertyDescription("Secret holding user:password as in one_auth (default key one_auth).")
  @Required
  private SecretKeyRef secretRef;

  private TlsSpec tls = new TlsSpec();

  @JsonPropertyDescription(
      "Timeout of one XML-RPC call, a duration such as 10s, from "
          + DurationFields.OPENNEBULA_TIMEOUT_MIN
          + " to "
          + DurationFields.OPENNEBULA_TIMEOUT_MAX
          + ".")
  @Default(DEFAULT_TIMEOUT)
  @Pattern(Durations.PATTERN)
  @Size(min = Durations.MIN_LENGTH, max = Durations.MAX_LENGTH)
  @ValidationRule(
      value = DurationFields.OPENNEBULA_TIMEOUT_RULE,
      message = DurationFields.OPENNEBULA_TIMEOUT_MESSAGE,
      reason = "FieldValueInvalid")
  private String timeout = DEFAULT_TIMEOUT;

  @JsonPropertyDescription(
      "How often the host and VM pools are read again, a duration such as 5m, from "
          + DurationFields.OPENNEBULA_REFRESH_INTERVAL_MIN
          + " to "
          + DurationFields.OPENNEBULA_REFRESH_INTERVAL_MAX
          + ".")
  @Default(DEFAULT_REFRESH_INTERVAL)
  @Pattern(Durations.PATTERN)
  @Size(min = Durations.MIN_LENGTH, max = Durations.MAX_LENGTH)
  @ValidationRule(
      value = DurationFields.OPENNEBULA_REFRESH_INTERVAL_RULE,
      message = DurationFields.OPENNEBULA_REFRESH_INTERVAL_MESSAGE,
      reason = "FieldValueInvalid")
  private String refreshInterval = DEFAULT_REFRESH_INTERVAL;

  @JsonPropertyDescription("What to write into OpenNebula: host power attributes (off by default).")
  private OpenNebulaPublishSpec publish = new OpenNebulaPublishSpec();

  public OpenNebulaPublishSpec getPublish() {
    return publish;
  }

  public void setPublish(OpenNebulaPublishSpec publish) {
    this.publish = publish == null ? new OpenNebulaPublishSpec() : publish;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public SecretKeyRef getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretKeyRef secretRef) {
    this.secretRef = secretRef;
  }

  public TlsSpec getTls() {
    return tls;
  }

  public void setTls(TlsSpec tls) {
    this.tls = tls == null ? new TlsSpec() : tls;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  public String getRefreshInterval() {
    return refreshInterval;
  }

  public void setRefreshInterval(String refreshInterval) {
    this.refreshInterval = refreshInterval == null ? DEFAULT_REFRESH_INTERVAL : refreshInterval;
  }

  /** TLS towards OpenNebula. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class TlsSpec {
    @JsonPropertyDescription("Accept any server certificate (testing only).")
    @Default("false")
    private Boolean insecureSkipVerify = false;

    @JsonPropertyDescription(
        "Secret holding the CA certificate (PEM) that signed OpenNebula's certificate.")
    private SecretKeyRef caSecretRef;

    public Boolean getInsecureSkipVerify() {
      return insecureSkipVerify;
    }

    public void setInsecureSkipVerify(Boolean insecureSkipVerify) {
      this.insecureSkipVerify = insecureSkipVerify != null && insecureSkipVerify;
    }

    public SecretKeyRef getCaSecretRef() {
      return caSecretRef;
    }

    public void setCaSecretRef(SecretKeyRef caSecretRef) {
      this.caSecretRef = caSecretRef;
    }
  }
}
