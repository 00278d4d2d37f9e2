package io.onescaphandre.operator.hostid;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.onescaphandre.operator.api.MonitorNames;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one-line JSON the agent's init container leaves as its termination message
 * (docs/interfaces.md): what it found on the host, since the agent has no API access.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentReport(Integer version, Long hostId, String hostIdSource, String hostIdFile,
    String hypervisor, String rapl, List<String> raplZones, String cpuVendor, String kernel,
    List<String> modulesLoaded, String powerSource, String message) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The report of the pod's init container, from its current or last terminated state. */
  public static Optional<AgentReport> of(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getInitContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getInitContainerStatuses().stream()
        .filter(s -> MonitorNames.INIT_CONTAINER_NAME.equals(s.getName()))
        .findFirst()
        .flatMap(AgentReport::terminationMessage)
        .flatMap(AgentReport::parse);
  }

  /** Parses one report; anything that is not a JSON object (e.g. logs of a failed init) is no report. */
  public static Optional<AgentReport> parse(String message) {
    String line = message.strip();
    if (!line.startsWith("{")) {
      return Optional.empty();
    }
    try {
      AgentReport report = JSON.readValue(line, AgentReport.class);
      if (report.hostId() != null && report.hostId() < 0) {
        return Optional.of(report.withoutHostId());
      }
      return Optional.of(report);
    } catch (java.io.IOException notAReport) {
      return Optional.empty();
    }
  }

  private AgentReport withoutHostId() {
    return new AgentReport(version, null, null, hostIdFile, hypervisor, rapl, raplZones, cpuVendor,
        kernel, modulesLoaded, powerSource, message);
  }

  private static Optional<String> terminationMessage(ContainerStatus status) {
    return Stream.of(status.getState(), status.getLastState())
        .filter(java.util.Objects::nonNull)
        .map(ContainerState::getTerminated)
        .filter(java.util.Objects::nonNull)
        .map(t -> t.getMessage())
        .filter(m -> m != null && !m.isBlank())
        .findFirst();
  }
}
