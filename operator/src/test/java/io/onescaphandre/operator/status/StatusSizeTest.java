package io.onescaphandre.operator.status;

import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.onescaphandre.operator.api.Condition;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.ScaphandreMonitorStatus;
import io.onescaphandre.operator.hostid.HostIdResolution;
import io.onescaphandre.operator.hostid.ResolvedNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The status stays small whatever the cluster: counts for every node, rows for at most 100 (those
 * needing attention first), condition messages that list ten problems and count the rest. Which
 * rows are chosen is {@link StatusFactoryTest}'s; this test measures the bytes.
 */
class StatusSizeTest {
  private static final int LIMIT_BYTES = 256 * 1024;
  private static final ScaphandreMonitor M = monitor("lab");

  @Test
  void atTwentyThousandNodesAllInTroubleTheStatusStaysUnder256KB() {
    int n = 20_000;
    List<ResolvedNode> nodes = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = String.format("kvm-a-rather-long-node-name-in-rack-%05d.example.org", i);
      String message =
          "node "
              + name
              + " is labelled one-scaphandre.io/host-id="
              + i
              + " outside this monitor but static says "
              + (i + 1)
              + "; the label is left alone and the node unmapped";
      nodes.add(new ResolvedNode(name, "10.0.0.1", null, null, message));
      problems.add(message);
    }
    ScaphandreMonitorStatus status = build(new HostIdResolution(nodes, problems), Map.of());

    int bytes =
        new KubernetesSerialization().asJson(status).getBytes(StandardCharsets.UTF_8).length;
    assertThat(bytes).isLessThan(LIMIT_BYTES);
    assertThat(status.getSelectedNodes()).isEqualTo(n);
    assertThat(status.getNodesNeedingAttention()).isEqualTo(n);
    assertThat(status.getNodes()).hasSize(ScaphandreMonitorStatus.MAX_NODE_ROWS);
    assertThat(status.getNodesNotListed()).isEqualTo(n - ScaphandreMonitorStatus.MAX_NODE_ROWS);
    assertThat(status.condition(Condition.DEGRADED).orElseThrow().getMessage())
        .contains("and " + (n - 10) + " more problems");
  }

  private static ScaphandreMonitorStatus build(HostIdResolution resolution, Map<String, Pod> pods) {
    return new StatusFactory()
        .build(
            new StatusInputs(1L, List.of(), resolution, pods, null, List.of(), null),
            null,
            Instant.parse("2026-01-01T00:00:00Z"));
  }
}
