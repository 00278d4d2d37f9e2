package io.onescaphandre.operator.reconciler;

import static io.onescaphandre.operator.testsupport.Fixtures.agentPod;
import static io.onescaphandre.operator.testsupport.Fixtures.kvmNode;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static io.onescaphandre.operator.testsupport.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.readiness.Readiness;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.hostid.AgentReport;
import io.onescaphandre.operator.hostid.NodeSelection;
import org.junit.jupiter.api.Test;

/** The pruned caches keep what the operator reads, and only changes of that cause reconciles. */
class CachedObjectsTest {
  private static final ScaphandreMonitor M = monitor("lab");

  @Test
  void aPrunedNodeKeepsLabelsTaintsAddressesAndOnlyOurAnnotations() {
    Node node =
        new NodeBuilder(kvmNode("kvm-1", "10.0.0.1"))
            .editMetadata()
            .withResourceVersion("7")
            .addToAnnotations(MonitorNames.LABELLED_BY_ANNOTATION, "ns/lab")
            .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
            .addNewManagedField()
            .withManager("kubelet")
            .endManagedField()
            .endMetadata()
            .editOrNewSpec()
            .addNewTaint()
            .withKey("dedicated")
            .withEffect("NoSchedule")
            .endTaint()
            .endSpec()
            .editStatus()
            .addNewImage()
            .addToNames("registry/big:1")
            .withSizeBytes(1L << 30)
            .endImage()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();

    Node pruned = CachedNodes.prune(node);

    assertThat(pruned.getMetadata().getLabels()).isEqualTo(node.getMetadata().getLabels());
    assertThat(pruned.getMetadata().getAnnotations())
        .containsOnlyKeys(MonitorNames.LABELLED_BY_ANNOTATION);
    assertThat(pruned.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(pruned.getMetadata().getManagedFields()).isEmpty();
    assertThat(pruned.getSpec().getTaints()).isEqualTo(node.getSpec().getTaints());
    assertThat(pruned.getStatus().getImages()).isEmpty();
    assertThat(pruned.getStatus().getConditions()).isEmpty();
    assertThat(NodeSelection.address(pruned)).isEqualTo("10.0.0.1");
  }

  @Test
  void aHeartbeatConcernsNoMonitorALabelDoes() {
    Node before = kvmNode("kvm-1", "10.0.0.1");
    Node heartbeat =
        new NodeBuilder(before)
            .editMetadata()
            .withResourceVersion("8")
            .endMetadata()
            .editStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withLastHeartbeatTime("2026-01-01T00:00:10Z")
            .endCondition()
            .endStatus()
            .build();
    Node relabelled =
        new NodeBuilder(before)
            .editMetadata()
            .addToLabels(MonitorNames.HOST_ID_LABEL, "3")
            .endMetadata()
            .build();
    Node otherAnnotation =
        new NodeBuilder(before).editMetadata().addToAnnotations("x", "y").endMetadata().build();

    assertThat(CachedNodes.concernsMonitors(CachedNodes.prune(before), heartbeat)).isFalse();
    assertThat(CachedNodes.concernsMonitors(CachedNodes.prune(before), otherAnnotation)).isFalse();
    assertThat(CachedNodes.concernsMonitors(CachedNodes.prune(before), relabelled)).isTrue();
  }

  @Test
  void aPrunedPodKeepsItsNodeReadinessAndReport() {
    Pod pod =
        new PodBuilder(agentPod(M, "kvm-1", report(4L, "ok"), true))
            .editSpec()
            .addNewContainer()
            .withName("agent")
            .withImage("agent:1")
            .endContainer()
            .endSpec()
            .editStatus()
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();

    Pod pruned = CachedAgentPods.prune(pod);

    assertThat(pruned.getSpec().getNodeName()).isEqualTo("kvm-1");
    assertThat(pruned.getSpec().getContainers()).isEmpty();
    assertThat(pruned.getStatus().getConditions())
        .singleElement()
        .satisfies(c -> assertThat(c.getType()).isEqualTo("Ready"));
    assertThat(AgentReport.of(pruned)).isEqualTo(AgentReport.of(pod));
    assertThat(pruned.getMetadata().getLabels()).isEqualTo(pod.getMetadata().getLabels());
    assertThat(pruned.getMetadata().getCreationTimestamp())
        .isEqualTo(pod.getMetadata().getCreationTimestamp());
  }

  @Test
  void onlyReadinessReportNodeAndDeletionOfAPodConcernMonitors() {
    Pod before = agentPod(M, "kvm-1", report(4L, "ok"), false);
    Pod pulled =
        new PodBuilder(before)
            .editStatus()
            .addNewContainerStatus()
            .withName("agent")
            .withImage("agent:1")
            .withImageID("sha256:1")
            .endContainerStatus()
            .endStatus()
            .build();
    Pod ready = agentPod(M, "kvm-1", report(4L, "ok"), true);
    Pod otherReport = agentPod(M, "kvm-1", report(5L, "ok"), false);
    Pod deleting =
        new PodBuilder(before)
            .editMetadata()
            .withDeletionTimestamp("2026-01-01T00:00:00Z")
            .endMetadata()
            .build();

    Pod unknown =
        new PodBuilder(before)
            .editStatus()
            .editFirstCondition()
            .withStatus("Unknown")
            .endCondition()
            .endStatus()
            .build();

    Pod cached = CachedAgentPods.prune(before);
    assertThat(CachedAgentPods.concernsMonitors(cached, pulled)).isFalse();
    assertThat(CachedAgentPods.concernsMonitors(cached, unknown))
        .as("not ready either way: False and Unknown are the same to a monitor")
        .isFalse();
    assertThat(Readiness.isPodReady(CachedAgentPods.prune(ready)))
        .as("the pruned pod reads as ready as the pod did")
        .isTrue();
    assertThat(CachedAgentPods.concernsMonitors(cached, ready)).isTrue();
    assertThat(CachedAgentPods.concernsMonitors(cached, otherReport)).isTrue();
    assertThat(CachedAgentPods.concernsMonitors(cached, deleting)).isTrue();
  }
}
