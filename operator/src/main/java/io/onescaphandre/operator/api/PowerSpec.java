package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which power sources the agents read, in precedence order for the host total, and their settings.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PowerSpec {
  /**
   * Everything measurable without extra privileges, whole-node meters first, then the estimate.
   * {@code ipmi} is left out: in-band IPMI needs a privileged agent container.
   */
  public static final List<PowerSourceType> DEFAULT_SOURCES =
      List.of(
          PowerSourceType.REDFISH,
          PowerSourceType.ACPI,
          PowerSourceType.RAPL,
          PowerSourceType.ESTIMATE);

  @JsonPropertyDescription(
      "Sources read by the agents, in precedence order for the host total (the"
          + " first usable one makes it): rapl, acpi, ipmi, redfish, estimate. Default: redfish, acpi,"
          + " rapl, estimate. ipmi reads /dev/ipmi0 and makes the agent container privileged.")
  private List<PowerSourceType> sources;

  @JsonPropertyDescription(
      "How the platform remainder (whole-node power above RAPL's CPU and DRAM)"
          + " is divided: proportional (default: in proportion to the CPU attribution) or vcpu (by the"
          + " VMs' allocated vCPUs; the unallocated share stays unattributed).")
  @Pattern("^(proportional|vcpu)$")
  private String remainderPolicy;

  @JsonPropertyDescription(
      "Whole-node readings above this many watts are firmware faults and rejected (default 20000).")
  @Min(10)
  @Max(1000000)
  private Integer maxWatts;

  private RedfishSpec redfish = new RedfishSpec();
  private EstimateSpec estimate;

  /** The sources in effect: the spec's, else the default. */
  @JsonIgnore
  public List<PowerSourceType> effectiveSources() {
    return sources == null || sources.isEmpty() ? DEFAULT_SOURCES : sources;
  }

  @JsonIgnore
  public boolean reads(PowerSourceType source) {
    return effectiveSources().contains(source);
  }

  /**
   * The sources in effect that need a privileged agent container: {@code ipmi} (in-band IPMI opens
   * /dev/ipmi0, which the device cgroup of an unprivileged container denies). The DaemonSet runs
   * the agent privileged exactly when this is not empty, and the admission policy refuses it unless
   * the cluster admin allows it.
   */
  @JsonIgnore
  public List<PowerSourceType> privilegedSources() {
    return effectiveSources().stream().filter(s -> s == PowerSourceType.IPMI).toList();
  }

  public List<PowerSourceType> getSources() {
    return sources;
  }

  public void setSources(List<PowerSourceType> sources) {
    this.sources = sources;
  }

  public String getRemainderPolicy() {
    return remainderPolicy;
  }

  public void setRemainderPolicy(String remainderPolicy) {
    this.remainderPolicy = remainderPolicy;
  }

  public Integer getMaxWatts() {
    return maxWatts;
  }

  public void setMaxWatts(Integer maxWatts) {
    this.maxWatts = maxWatts;
  }

  public RedfishSpec getRedfish() {
    return redfish;
  }

  public void setRedfish(RedfishSpec redfish) {
    this.redfish = redfish == null ? new RedfishSpec() : redfish;
  }

  public EstimateSpec getEstimate() {
    return estimate;
  }

  public void setEstimate(EstimateSpec estimate) {
    this.estimate = estimate;
  }

  /** The BMCs' Redfish services. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RedfishSpec {
    @JsonPropertyDescription(
        "BMC address of each node by node name (host[:port] or https://host[:port]);"
            + " a node's one-scaphandre.io/bmc-address annotation wins over this map.")
    private Map<String, String> endpoints = new LinkedHashMap<>();

    @JsonPropertyDescription(
        "Name of a Secret in the monitor's namespace with keys username and password."
            + " It is used only when it carries the label one-scaphandre.io/bmc-credentials: \"true\".")
    private String credentialsSecret;

    @JsonPropertyDescription(
        "Chassis id to read (default: the first chassis with a power reading).")
    private String chassis;

    public Map<String, String> getEndpoints() {
      return endpoints;
    }

    public void setEndpoints(Map<String, String> endpoints) {
      this.endpoints = endpoints == null ? new LinkedHashMap<>() : endpoints;
    }

    public String getCredentialsSecret() {
      return credentialsSecret;
    }

    public void setCredentialsSecret(String credentialsSecret) {
      this.credentialsSecret = credentialsSecret;
    }

    public String getChassis() {
      return chassis;
    }

    public void setChassis(String chassis) {
      this.chassis = chassis;
    }
  }

  /** The estimate's curve, when the nodes' idle and full-load power are known. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class EstimateSpec {
    @JsonPropertyDescription(
        "Idle power of a node in watts (with maxWatts: a straight line between them).")
    @Min(0)
    private Double idleWatts;

    @JsonPropertyDescription("Full-load power of a node in watts.")
    @Min(1)
    private Double maxWatts;

    public Double getIdleWatts() {
      return idleWatts;
    }

    public void setIdleWatts(Double idleWatts) {
      this.idleWatts = idleWatts;
    }

    public Double getMaxWatts() {
      return maxWatts;
    }

    public void setMaxWatts(Double maxWatts) {
      this.maxWatts = maxWatts;
    }
  }
}
