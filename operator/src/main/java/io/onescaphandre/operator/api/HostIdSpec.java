package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How each node gets its OpenNebula host id: the first source that knows it wins. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostIdSpec {
  public static final List<HostIdSourceType> DEFAULT_SOURCES =
      List.of(
          HostIdSourceType.NODE_LABEL, HostIdSourceType.STATIC, HostIdSourceType.HYPERVISOR_FILES);

  @JsonPropertyDescription(
      "Ordered sources: nodeLabel, static, hypervisorFiles, openNebulaApi."
          + " Default: nodeLabel, static, hypervisorFiles.")
  @Size(max = 4)
  @ValidationRule(
      value = "self.all(s, self.exists_one(t, t == s))",
      message = "each host id source may be listed once",
      reason = "FieldValueDuplicate")
  private List<HostIdSourceType> sources = new ArrayList<>(DEFAULT_SOURCES);

  @JsonPropertyDescription("Node name to OpenNebula host id.")
  // 256 keeps the O(n^2) uniqueness rule under the API server's CEL cost limits; larger fleets
  // label their nodes or use openNebulaApi.
  @Size(max = 256)
  // OpenNebula's ids are C ints: contracts' HostId holds 0 to Integer.MAX_VALUE.
  @ValidationRule(
      value = "self.all(k, self[k] >= 0 && self[k] <= " + Integer.MAX_VALUE + ")",
      message = "host ids are from 0 to " + Integer.MAX_VALUE + " (OpenNebula's)",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "self.all(k, self.filter(j, self[j] == self[k]).size() == 1)",
      message = "two nodes in hostId.static have the same host id",
      reason = "FieldValueDuplicate")
  @JsonProperty("static")
  private Map<String, Long> staticIds = new LinkedHashMap<>();

  public List<HostIdSourceType> getSources() {
    return sources;
  }

  public void setSources(List<HostIdSourceType> sources) {
    this.sources = sources == null ? new ArrayList<>(DEFAULT_SOURCES) : sources;
  }

  public Map<String, Long> getStaticIds() {
    return staticIds;
  }

  public void setStaticIds(Map<String, Long> staticIds) {
    this.staticIds = staticIds == null ? new LinkedHashMap<>() : staticIds;
  }
}
