package io.onescaphandre.operator.testsupport;

import io.onescaphandre.operator.api.Condition;
import io.onescaphandre.operator.api.NodeStatus;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.ScaphandreMonitorStatus;
import org.assertj.core.api.AbstractAssert;

/** AssertJ assertions on a monitor's status, shared by unit and mock-server tests. */
public final class MonitorAssert extends AbstractAssert<MonitorAssert, ScaphandreMonitorStatus> {

  private MonitorAssert(ScaphandreMonitorStatus actual) {
    super(actual, MonitorAssert.class);
  }

  public static MonitorAssert assertThat(ScaphandreMonitorStatus status) {
    return new MonitorAssert(status);
  }

  public static MonitorAssert assertThat(ScaphandreMonitor monitor) {
    return new MonitorAssert(monitor == null ? null : monitor.getStatus());
  }

  public MonitorAssert hasCondition(String type, String status, String reason) {
    isNotNull();
    Condition c = actual.condition(type).orElse(null);
    if (c == null) {
      failWithMessage("expected condition %s but conditions were %s", type, actual.getConditions());
      return this;
    }
    if (!status.equals(c.getStatus()) || !reason.equals(c.getReason())) {
      failWithMessage("expected %s=%s (%s) but was %s", type, status, reason, c);
    }
    if (c.getLastTransitionTime() == null || c.getMessage() == null) {
      failWithMessage("condition %s lacks a message or lastTransitionTime: %s", type, c);
    }
    return this;
  }

  public MonitorAssert conditionMessageContains(String type, String text) {
    isNotNull();
    String message = actual.condition(type).map(Condition::getMessage).orElse("");
    if (!message.contains(text)) {
      failWithMessage("expected %s's message to contain <%s> but was <%s>", type, text, message);
    }
    return this;
  }

  public MonitorAssert hasNode(String name, Long hostId, String source) {
    isNotNull();
    NodeStatus row =
        actual.getNodes().stream().filter(n -> name.equals(n.getName())).findFirst().orElse(null);
    if (row == null) {
      failWithMessage(
          "expected a status row for node %s, rows: %s",
          name, actual.getNodes().stream().map(NodeStatus::getName).toList());
      return this;
    }
    if (!java.util.Objects.equals(hostId, row.getHostId())
        || !java.util.Objects.equals(source, row.getHostIdSource())) {
      failWithMessage(
          "expected node %s to have host id %s from %s but had %s from %s (%s)",
          name, hostId, source, row.getHostId(), row.getHostIdSource(), row.getMessage());
    }
    return this;
  }

  public MonitorAssert hasMappedHosts(int n) {
    isNotNull();
    if (actual.getMappedHosts() == null || actual.getMappedHosts() != n) {
      failWithMessage("expected %s mapped hosts but was %s", n, actual.getMappedHosts());
    }
    return this;
  }

  public MonitorAssert observedGeneration(long generation) {
    isNotNull();
    if (actual.getObservedGeneration() == null || actual.getObservedGeneration() != generation) {
      failWithMessage(
          "expected observedGeneration %s but was %s", generation, actual.getObservedGeneration());
    }
    return this;
  }
}
