package io.onescaphandre.operator.reconciler;

import io.onescaphandre.contracts.duration.DurationField;
import io.onescaphandre.contracts.duration.DurationFields;
import io.onescaphandre.operator.api.AgentSpec;
import io.onescaphandre.operator.api.HostIdSourceType;
import io.onescaphandre.operator.api.OpenNebulaSpec;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.ScaphandreMonitorSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The checks of the CRD schema, again in Java: API servers without CEL (old versions, the mock
 * server, {@code render} on a file) must not turn a bad spec into bad objects. Each problem is one
 * sentence.
 */
public final class SpecValidator {
  private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");
  private static final int MAX_LABEL_VALUE = 63;

  private SpecValidator() {}

  public static List<String> validate(ScaphandreMonitor monitor) {
    List<String> problems = new ArrayList<>();
    String name = monitor.getMetadata().getName();
    if (name != null && name.length() > MAX_LABEL_VALUE) {
      problems.add("metadata.name must be at most 63 characters: it is the agents' instance label");
    }
    ScaphandreMonitorSpec spec = monitor.getSpec();
    if (spec == null) {
      problems.add("spec is missing");
      return problems;
    }
    checkAgent(spec.getAgent(), problems);
    checkHostIds(spec, problems);
    if (spec.getOpenNebula() != null) {
      checkOpenNebula(spec.getOpenNebula(), problems);
    }
    checkPower(spec.getPower(), problems);
    checkDuration(DurationFields.PROMETHEUS_INTERVAL, spec.getPrometheus().getInterval(), problems);
    return problems;
  }

  private static void checkAgent(AgentSpec agent, List<String> problems) {
    if (agent.getPort() < 1 || agent.getPort() > 65535) {
      problems.add("agent.port " + agent.getPort() + " is outside 1-65535");
    }
    checkDuration(DurationFields.AGENT_INTERVAL, agent.getInterval(), problems);
    if (!PULL_POLICIES.contains(agent.getImagePullPolicy())) {
      problems.add(
          "agent.imagePullPolicy '"
              + agent.getImagePullPolicy()
              + "' is not Always, IfNotPresent or Never");
    }
    if (agent.getExtraArgs().stream().anyMatch(a -> a == null || a.isBlank())) {
      problems.add("agent.extraArgs must not hold empty arguments");
    }
  }

  private static void checkHostIds(ScaphandreMonitorSpec spec, List<String> problems) {
    List<HostIdSourceType> sources = spec.getHostId().getSources();
    if (sources.contains(null)) {
      problems.add("hostId.sources holds an unknown source");
    }
    if (new HashSet<>(sources).size() != sources.size()) {
      problems.add("hostId.sources lists a source more than once: " + sources);
    }
    if (sources.contains(HostIdSourceType.OPEN_NEBULA_API) && spec.getOpenNebula() == null) {
      problems.add("hostId.sources lists openNebulaApi but spec.openNebula is not set");
    }
    Map<Long, List<String>> nodesById = new TreeMap<>();
    new TreeMap<>(spec.getHostId().getStaticIds())
        .forEach(
            (node, id) -> {
              if (id == null || id < 0 || id > Integer.MAX_VALUE) {
                problems.add(
                    "hostId.static."
                        + node
                        + " is "
                        + id
                        + ": host ids are from 0 to "
                        + Integer.MAX_VALUE);
              } else {
                nodesById.computeIfAbsent(id, k -> new ArrayList<>()).add(node);
              }
            });
    nodesById.forEach(
        (id, nodes) -> {
          if (nodes.size() > 1) {
            problems.add(
                "hostId.static gives host id "
                    + id
                    + " to several nodes: "
                    + String.join(", ", nodes));
          }
        });
  }

  private static void checkPower(
      io.onescaphandre.operator.api.PowerSpec power, List<String> problems) {
    List<io.onescaphandre.operator.api.PowerSourceType> sources = power.getSources();
    if (sources != null) {
      if (sources.stream().anyMatch(java.util.Objects::isNull)) {
        problems.add("power.sources holds an unknown source (rapl, acpi, ipmi, redfish, estimate)");
      } else if (Set.copyOf(sources).size() != sources.size()) {
        problems.add(
            "power.sources lists a source more than once: "
                + sources.stream()
                    .map(io.onescaphandre.operator.api.PowerSourceType::wireName)
                    .toList());
      }
    }
    var estimate = power.getEstimate();
    if (estimate != null && (estimate.getIdleWatts() == null) != (estimate.getMaxWatts() == null)) {
      problems.add("power.estimate.idleWatts and maxWatts go together");
    } else if (estimate != null
        && estimate.getIdleWatts() != null
        && !(estimate.getIdleWatts() >= 0 && estimate.getIdleWatts() < estimate.getMaxWatts())) {
      problems.add("power.estimate.idleWatts must be at least 0 and below maxWatts");
    }
    power
        .getRedfish()
        .getEndpoints()
        .forEach(
            (node, address) -> {
              if (address == null
                  || !io.onescaphandre.operator.dependent.BmcAccess.validAddress(address)) {
                problems.add(
                    "power.redfish.endpoints."
                        + node
                        + " '"
                        + address
                        + "' is not host[:port] or http(s)://host[:port]");
              }
            });
  }

  private static void checkOpenNebula(OpenNebulaSpec one, List<String> problems) {
    if (one.getEndpoint() == null || !one.getEndpoint().matches("https?://.+")) {
      problems.add("openNebula.endpoint must be an http(s) URL such as http://frontend:2633/RPC2");
    }
    if (one.getSecretRef() == null
        || one.getSecretRef().getName() == null
        || one.getSecretRef().getName().isBlank()) {
      problems.add("openNebula.secretRef.name is required");
    }
    checkDuration(DurationFields.OPENNEBULA_REFRESH_INTERVAL, one.getRefreshInterval(), problems);
    checkDuration(DurationFields.OPENNEBULA_TIMEOUT, one.getTimeout(), problems);
  }

  /**
   * The CRD's CEL rule of the field, again: the same grammar and bounds, from the same constants.
   */
  private static void checkDuration(DurationField field, String value, List<String> problems) {
    try {
      field.parse(value);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
  }
}
