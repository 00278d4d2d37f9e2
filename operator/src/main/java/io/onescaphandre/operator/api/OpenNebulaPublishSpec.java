package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the operator writes into OpenNebula itself ({@code spec.openNebula.publish}): the host power
 * attributes, with {@code one.host.update} in append mode, for installs that cannot add IM probes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenNebulaPublishSpec {
  public static final double DEFAULT_MIN_CHANGE_PERCENT = 5;

  @JsonPropertyDescription(
      "Write the host power attributes into each mapped host's TEMPLATE"
          + " (one.host.update, append); needs HOST ADMIN rights. Off by default.")
  @Default("false")
  private Boolean hostTemplate = false;

  @JsonPropertyDescription(
      "Which attributes to write (default all): POWER_STATE, POWER_W,"
          + " POWER_PERIOD_S, BUSY_CPUS, IDLE_POWER_W, MARGINAL_POWER_PER_CPU_W, ENERGY_KWH, ENERGY_SINCE.")
  private List<PublishedHostAttribute> attributes = allAttributes();

  @JsonPropertyDescription(
      "A host is written again only when a number moved by more than this"
          + " percentage of its written value (or POWER_STATE or ENERGY_SINCE changed). Default 5.")
  @Default("5")
  @Min(0)
  @Max(100)
  private Double minChangePercent = DEFAULT_MIN_CHANGE_PERCENT;

  private static List<PublishedHostAttribute> allAttributes() {
    return new ArrayList<>(Arrays.asList(PublishedHostAttribute.values()));
  }

  public Boolean getHostTemplate() {
    return hostTemplate;
  }

  public void setHostTemplate(Boolean hostTemplate) {
    this.hostTemplate = hostTemplate != null && hostTemplate;
  }

  public List<PublishedHostAttribute> getAttributes() {
    return attributes;
  }

  public void setAttributes(List<PublishedHostAttribute> attributes) {
    this.attributes = attributes == null || attributes.isEmpty() ? allAttributes() : attributes;
  }

  public Double getMinChangePercent() {
    return minChangePercent;
  }

  public void setMinChangePercent(Double minChangePercent) {
    this.minChangePercent =
        minChangePercent == null ? DEFAULT_MIN_CHANGE_PERCENT : minChangePercent;
  }
}
