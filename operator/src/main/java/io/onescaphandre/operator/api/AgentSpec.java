package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.onescaphandre.contracts.duration.DurationFields;
import io.onescaphandre.contracts.duration.Durations;
import java.util.ArrayList;
import java.util.List;

/** The node agent of every selected host. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.port) || (self.port >= 1 && self.port <= 65535)",
    message = "agent.port must be between 1 and 65535",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.flavor) || self.flavor in ['builtin', 'scaphandre']",
    message = "agent.flavor must be builtin or scaphandre",
    reason = "FieldValueInvalid")
public class AgentSpec {
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_INTERVAL = "2s";

  @JsonPropertyDescription(
      "builtin (our agent, the default) or scaphandre (upstream Scaphandre image).")
  @Default("builtin")
  private AgentFlavor flavor = AgentFlavor.BUILTIN;

  @JsonPropertyDescription("Agent image; empty means the pinned default of the flavour.")
  private String image;

  @JsonPropertyDescription(
      "Image of the privileged init container; empty means the flavour's default.")
  private String initImage;

  @JsonPropertyDescription("Always, IfNotPresent or Never.")
  @Default("IfNotPresent")
  @Pattern("^(Always|IfNotPresent|Never)$")
  private String imagePullPolicy = "IfNotPresent";

  @JsonPropertyDescription("Port of /metrics, also the hostPort reachable on the node's address.")
  @Default("8080")
  @Min(1)
  @Max(65535)
  private Integer port = DEFAULT_PORT;

  @JsonPropertyDescription(
      "Sampling interval of the agent, a duration such as 2s, 1m30s or 500ms, from "
          + DurationFields.AGENT_INTERVAL_MIN
          + " to "
          + DurationFields.AGENT_INTERVAL_MAX
          + ".")
  @Default(DEFAULT_INTERVAL)
  @Pattern(Durations.PATTERN)
  @Size(min = Durations.MIN_LENGTH, max = Durations.MAX_LENGTH)
  @ValidationRule(
      value = DurationFields.AGENT_INTERVAL_RULE,
      message = DurationFields.AGENT_INTERVAL_MESSAGE,
      reason = "FieldValueInvalid")
  private String interval = DEFAULT_INTERVAL;

  @JsonPropertyDescription("Resources of the long-running agent container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Extra arguments appended to the agent's command line.")
  private List<String> extraArgs = new ArrayList<>();

  public AgentFlavor getFlavor() {
    return flavor;
  }

  public void setFlavor(AgentFlavor flavor) {
    this.flavor = flavor == null ? AgentFlavor.BUILTIN : flavor;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getInitImage() {
    return initImage;
  }

  public void setInitImage(String initImage) {
    this.initImage = initImage;
  }

  public String getImagePullPolicy() {
    return imagePullPolicy;
  }

  public void setImagePullPolicy(String imagePullPolicy) {
    this.imagePullPolicy = imagePullPolicy == null ? "IfNotPresent" : imagePullPolicy;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port == null ? DEFAULT_PORT : port;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval == null ? DEFAULT_INTERVAL : interval;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public List<String> getExtraArgs() {
    return extraArgs;
  }

  public void setExtraArgs(List<String> extraArgs) {
    this.extraArgs = extraArgs == null ? new ArrayList<>() : extraArgs;
  }
}
