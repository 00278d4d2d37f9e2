package io.onescaphandre.operator.status;

import static io.onescaphandre.operator.testsupport.Fixtures.agentPod;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static io.onescaphandre.operator.testsupport.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.onescaphandre.contracts.hostid.HostId;
import io.onescaphandre.operator.admission.PolicyViolation;
import io.onescaphandre.operator.api.Condition;
import io.onescaphandre.operator.api.HostIdSourceType;
import io.onescaphandre.operator.api.NodeStatus;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.ScaphandreMonitorStatus;
import io.onescaphandre.operator.hostid.HostIdResolution;
import io.onescaphandre.operator.hostid.ResolvedNode;
import io.onescaphandre.operator.testsupport.MonitorAssert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every rule of {@link StatusFactory}, one test each, on inputs made by one small builder ({@link
 * World}): a healthy cluster of two mapped nodes with ready agents unless a test says otherwise.
 * The factory is a pure function, so these are plain unit tests; the mock-server tests only check
 * that the reconciler feeds it and writes its result.
 */
class StatusFactoryTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");
  private static final ScaphandreMonitor M = monitor("lab");

  /** The inputs of one reconcile, built up by a test. */
  private static final class World {
    private long generation = 1;
    private final List<String> specProblems = new ArrayList<>();
    private final List<PolicyViolation> violations = new ArrayList<>();
    private final List<ResolvedNode> nodes = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private String sourceFailureReason;
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private DaemonSet daemonSet;
    private final List<String> missingCrds = new ArrayList<>();
    private String reconcileError;

    /** Two static-mapped nodes, a ready agent on each (RAPL ok), the DaemonSet rolled out. */
    static World healthy() {
      return new World()
          .mapped("kvm-1", 11)
          .mapped("kvm-2", 12)
          .agent("kvm-1", true, "ok")
          .agent("kvm-2", true, "ok")
          .daemonSet(2, 2);
    }

    /** Nothing selected, nothing created yet. */
    static World empty() {
      return new World();
    }

    World generation(long g) {
      generation = g;
      return this;
    }

    World mapped(String node, int hostId) {
      return mapped(node, hostId, HostIdSourceType.STATIC);
    }

    World mapped(String node, int hostId, HostIdSourceType source) {
      nodes.add(new ResolvedNode(node, "10.0.0.1", new HostId(hostId), source, null));
      return this;
    }

    World unmapped(String node, String why) {
      nodes.add(new ResolvedNode(node, "10.0.0.1", null, null, why));
      return this;
    }

    World agent(String node, boolean ready, String rapl) {
      return pod(node, agentPod(M, node, report(1L, rapl), ready));
    }

    World pod(String node, Pod pod) {
      pods.put(node, pod);
      return this;
    }

    /** A rolled-out DaemonSet: generation observed, every pod updated. */
    World daemonSet(int desired, int ready) {
      return daemonSet(desired, ready, desired, 1L, 1L);
    }

    World daemonSet(int desired, int ready, int updated, long generation, long observed) {
      daemonSet =
          new DaemonSetBuilder()
              .withNewMetadata()
              .withName("lab-agent")
              .withGeneration(generation)
              .endMetadata()
              .withNewStatus()
              .withDesiredNumberScheduled(desired)
              .withNumberReady(ready)
              .withUpdatedNumberScheduled(updated)
              .withObservedGeneration(observed)
              .endStatus()
              .build();
      return this;
    }

    World daemonSet(DaemonSet ds) {
      daemonSet = ds;
      return this;
    }

    World specProblem(String p) {
      specProblems.add(p);
      return this;
    }

    World violation(String reason, String message) {
      violations.add(new PolicyViolation(reason, message));
      return this;
    }

    World hostIdProblem(String p) {
      problems.add(p);
      return this;
    }

    World sourceFailed(String reason) {
      sourceFailureReason = reason;
      return this;
    }

    World missingCrd(String crd) {
      missingCrds.add(crd);
      return this;
    }

    World reconcileError(String e) {
      reconcileError = e;
      return this;
    }

    StatusInputs inputs() {
      return new StatusInputs(
          generation,
          specProblems,
          new HostIdResolution(nodes, problems, sourceFailureReason),
          pods,
          daemonSet,
          missingCrds,
          reconcileError,
          violations);
    }

    ScaphandreMonitorStatus build() {
      return build(null, T0);
    }

    ScaphandreMonitorStatus build(ScaphandreMonitorStatus previous, Instant now) {
      return new StatusFactory().build(inputs(), previous, now);
    }
  }

  private static Condition condition(ScaphandreMonitorStatus status, String type) {
    return status.condition(type).orElseThrow();
  }

  @Test
  void theConditionsAreReadyProgressingDegradedInThatOrder() {
    assertThat(World.healthy().build().getConditions())
        .extracting(Condition::getType)
        .containsExactly(Condition.READY, Condition.PROGRESSING, Condition.DEGRADED);
  }

  @Test
  void observedGenerationIsTheGenerationReconciled() {
    assertThat(World.healthy().generation(7).build().getObservedGeneration()).isEqualTo(7L);
  }

  @Nested
  class Ready {
    @Test
    void trueWhenEveryDesiredAgentIsReady() {
      MonitorAssert.assertThat(World.healthy().build())
          .hasCondition(Condition.READY, Condition.TRUE, Reasons.AGENTS_READY)
          .conditionMessageContains(Condition.READY, "2/2 agents ready, 2 hosts mapped");
    }

    @Test
    void falseWhileAnAgentIsNotReady() {
      MonitorAssert.assertThat(World.healthy().daemonSet(2, 1).build())
          .hasCondition(Condition.READY, Condition.FALSE, Reasons.AGENTS_NOT_READY)
          .conditionMessageContains(Condition.READY, "1/2 agents ready");
    }

    @Test
    void falseWhileNodesAreSelectedButNoAgentIsScheduledYet() {
      World w = World.empty().mapped("kvm-1", 11);
      MonitorAssert.assertThat(w.build())
          .hasCondition(Condition.READY, Condition.FALSE, Reasons.AGENTS_NOT_READY)
          .conditionMessageContains(Condition.READY, "0/0 agents ready");
    }

    @Test
    void falseWhenNoNodeIsSelected() {
      MonitorAssert.assertThat(World.empty().build())
          .hasCondition(Condition.READY, Condition.FALSE, Reasons.NO_NODES_SELECTED)
          .conditionMessageContains(Condition.READY, "no node matches the monitor's nodeSelector");
    }

    @Test
    void anInvalidSpecSaysEveryProblem() {
      World w = World.healthy().specProblem("port 0 is out of range").specProblem("bad interval");
      MonitorAssert.assertThat(w.build())
          .hasCondition(Condition.READY, Condition.FALSE, Reasons.INVALID_SPEC)
          .conditionMessageContains(Condition.READY, "port 0 is out of range; bad interval");
    }

    @Test
    void aPolicyViolationGivesItsReasonAndEveryViolationsMessage() {
      World w =
          World.healthy()
              .violation(Reasons.AGENT_IMAGE_NOT_ALLOWED, "agent image evil:1 is not allowed")
              .violation(Reasons.EXTRA_ARGS_NOT_ALLOWED, "extraArgs are not allowed");
      MonitorAssert.assertThat(w.build())
          .hasCondition(Condition.READY, Condition.FALSE, Reasons.AGENT_IMAGE_NOT_ALLOWED)
          .conditionMessageContains(
              Condition.READY, "agent image evil:1 is not allowed; extraArgs are not allowed");
    }

    @Test
    void anInvalidSpecComesBeforeAPolicyViolation() {
      World w =
          World.healthy()
              .violation(Reasons.AGENT_IMAGE_NOT_ALLOWED, "agent image evil:1 is not allowed")
              .specProblem("bad interval");
      MonitorAssert.assertThat(w.build())
          .hasCondition(Condition.READY, Condition.FALSE, Reasons.INVALID_SPEC)
          .hasCondition(Condition.PROGRESSING, Condition.FALSE, Reasons.INVALID_SPEC)
          .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.INVALID_SPEC)
          .conditionMessageContains(
              Condition.DEGRADED, "bad interval; agent image evil:1 is not allowed");
    }
  }

  @Nested
  class Progressing {
    @Test
    void trueCreatingWhileThereIsNoDaemonSet() {
      World w = World.empty().mapped("kvm-1", 11);
      MonitorAssert.assertThat(w.build())
          .hasCondition(Condition.PROGRESSING, Condition.TRUE, Reasons.CREATING)
          .conditionMessageContains(Condition.PROGRESSING, "creating the agent DaemonSet");
    }

    @Test
    void falseStableOnceRolledOut() {
      MonitorAssert.assertThat(World.healthy().build())
          .hasCondition(Condition.PROGRESSING, Condition.FALSE, Reasons.STABLE)
          .conditionMessageContains(Condition.PROGRESSING, "agent DaemonSet rolled out");
    }

    @Test
    void trueRollingOutWhileTheDaemonSetHasNoStatus() {
      DaemonSet created =
          new DaemonSetBuilder()
              .withNewMetadata()
              .withName("lab-agent")
              .withGeneration(1L)
              .endMetadata()
              .build();
      ScaphandreMonitorStatus status = World.healthy().daemonSet(created).build();
      MonitorAssert.assertThat(status)
          .hasCondition(Condition.PROGRESSING, Condition.TRUE, Reasons.ROLLING_OUT);
      assertThat(status.getReadyAgentsOfDesired()).isEqualTo("0/0");
    }

    @Test
    void trueRollingOutUntilTheDaemonSetControllerSawTheNewGeneration() {
      MonitorAssert.assertThat(World.healthy().daemonSet(2, 2, 2, 3L, 2L).build())
          .hasCondition(Condition.PROGRESSING, Condition.TRUE, Reasons.ROLLING_OUT);
    }

    @Test
    void trueRollingOutWhileAPodRunsTheOldTemplate() {
      MonitorAssert.assertThat(World.healthy().daemonSet(2, 2, 1, 2L, 2L).build())
          .hasCondition(Condition.PROGRESSING, Condition.TRUE, Reasons.ROLLING_OUT);
    }

    @Test
    void trueRollingOutWhileAnUpdatedPodIsNotReady() {
      MonitorAssert.assertThat(World.healthy().daemonSet(2, 1).build())
          .hasCondition(Condition.PROGRESSING, Condition.TRUE, Reasons.ROLLING_OUT)
          .conditionMessageContains(Condition.PROGRESSING, "rolling out: 1/2 ready");
    }

    @Test
    void falseWaitingForAValidSpec() {
      MonitorAssert.assertThat(World.healthy().specProblem("bad interval").build())
          .hasCondition(Condition.PROGRESSING, Condition.FALSE, Reasons.INVALID_SPEC)
          .conditionMessageContains(Condition.PROGRESSING, "waiting for a valid spec");
    }

    @Test
    void falseWhileThePolicyRefusesTheMonitorSayingTheDaemonSetIsLeftAsItWas() {
      World w =
          World.healthy().violation(Reasons.EXTRA_ARGS_NOT_ALLOWED, "extraArgs are not allowed");
      MonitorAssert.assertThat(w.build())
          .hasCondition(Condition.PROGRESSING, Condition.FALSE, Reasons.EXTRA_ARGS_NOT_ALLOWED)
          .conditionMessageContains(Condition.PROGRESSING, "the agent DaemonSet is left as it was");
    }
  }

  @Nested
  class Degraded {
    @Test
    void falseAsExpectedWhenEveryNodeIsMapped() {
      MonitorAssert.assertThat(World.healthy().build())
          .hasCondition(Condition.DEGRADED, Condition.FALSE, Reasons.AS_EXPECTED)
          .conditionMessageContains(Condition.DEGRADED, "all selected nodes mapped");
    }

    @Test
    void anAgentNotReadyOrWithoutRaplIsNotDegraded() {
      // Those are node rows needing attention and Ready=False; Degraded is about configuration.
      World w = World.healthy().agent("kvm-1", false, "unreadable").daemonSet(2, 1);
      MonitorAssert.assertThat(w.build())
          .hasCondition(Condition.DEGRADED, Condition.FALSE, Reasons.AS_EXPECTED);
    }

    @Test
    void trueReconcileErrorWithTheError() {
      World w = World.healthy().reconcileError("the API server said 500");
      MonitorAssert.assertThat(w.build())
          .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.RECONCILE_ERROR)
          .conditionMessageContains(Condition.DEGRADED, "the API server said 500");
    }

    @Test
    void trueHostIdConflictListingTheConflicts() {
      World w =
          World.healthy()
              .unmapped("kvm-3", "labelled 13 but static says 14")
              .hostIdProblem("node kvm-3 is labelled 13 but static says 14");
      ScaphandreMonitorStatus status = w.build();
      MonitorAssert.assertThat(status)
          .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.HOST_ID_CONFLICT)
          .conditionMessageContains(Condition.DEGRADED, "node kvm-3 is labelled 13");
      // The conflict already names the unmapped node: no second "have no host id yet" sentence.
      assertThat(condition(status, Condition.DEGRADED).getMessage())
          .doesNotContain("no host id yet");
    }

    @Test
    void aFailedSourceGivesItsOwnReason() {
      World w =
          World.healthy()
              .unmapped("kvm-3", "OpenNebula unreachable")
              .hostIdProblem("OpenNebula at http://frontend:2633/RPC2 did not answer")
              .sourceFailed(Reasons.OPEN_NEBULA_UNREACHABLE);
      MonitorAssert.assertThat(w.build())
          .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.OPEN_NEBULA_UNREACHABLE)
          .conditionMessageContains(Condition.DEGRADED, "did not answer");
    }

    @Test
    void tenProblemsAreListedAndTheRestCounted() {
      World w = World.healthy();
      for (int i = 1; i <= StatusFactory.MAX_LISTED + 5; i++) {
        w.hostIdProblem("problem " + i);
      }
      String message = condition(w.build(), Condition.DEGRADED).getMessage();
      assertThat(message)
          .contains("problem 1; ", "problem " + StatusFactory.MAX_LISTED + "; ")
          .doesNotContain("problem " + (StatusFactory.MAX_LISTED + 1))
          .endsWith("and 5 more problems");
    }

    @Test
    void exactlyTenProblemsAreAllListedWithoutACount() {
      World w = World.healthy();
      for (int i = 1; i <= StatusFactory.MAX_LISTED; i++) {
        w.hostIdProblem("problem " + i);
      }
      assertThat(condition(w.build(), Condition.DEGRADED).getMessage())
          .endsWith("problem " + StatusFactory.MAX_LISTED)
          .doesNotContain("more problems");
    }

    @Test
    void trueWhenPrometheusOperatorCrdsAreMissingNamingThem() {
      World w =
          World.healthy()
              .missingCrd("podmonitors.monitoring.coreos.com")
              .missingCrd("prometheusrules.monitoring.coreos.com");
      MonitorAssert.assertThat(w.build())
          .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.PROMETHEUS_OPERATOR_MISSING)
          .conditionMessageContains(
              Condition.DEGRADED,
              "Prometheus Operator CRDs missing: podmonitors.monitoring.coreos.com,"
                  + " prometheusrules.monitoring.coreos.com; the other objects are reconciled");
    }

    @Test
    void trueHostIdsMissingCountingTheUnmappedNodes() {
      World w = World.healthy().unmapped("kvm-3", "no source knows kvm-3");
      MonitorAssert.assertThat(w.build())
          .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.HOST_IDS_MISSING)
          .conditionMessageContains(
              Condition.DEGRADED, "1 of 3 selected nodes have no host id yet: kvm-3");
    }

    @Test
    void tenUnmappedNodesAreNamedAndTheRestCounted() {
      World w = World.empty();
      for (int i = 0; i < 25; i++) {
        w.unmapped(String.format("kvm-%02d", i), "unknown");
      }
      String message = condition(w.build(), Condition.DEGRADED).getMessage();
      assertThat(message)
          .isEqualTo(
              "25 of 25 selected nodes have no host id yet: kvm-00, kvm-01, kvm-02, kvm-03,"
                  + " kvm-04, kvm-05, kvm-06, kvm-07, kvm-08, kvm-09 and 15 more");
    }

    @Test
    void theMostSeriousProblemGivesTheReasonAndTheMessageSaysThemAll() {
      World w =
          World.healthy()
              .violation(Reasons.INIT_IMAGE_NOT_ALLOWED, "init image evil:1 is not allowed")
              .reconcileError("the API server said 500")
              .missingCrd("podmonitors.monitoring.coreos.com")
              .unmapped("kvm-3", "unknown");
      ScaphandreMonitorStatus status = w.build();
      MonitorAssert.assertThat(status)
          .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.INIT_IMAGE_NOT_ALLOWED);
      assertThat(condition(status, Condition.DEGRADED).getMessage())
          .containsSubsequence(
              "init image evil:1 is not allowed",
              "; the API server said 500",
              "; Prometheus Operator CRDs missing",
              "; 1 of 3 selected nodes have no host id yet: kvm-3");
    }

    @Test
    void aReconcileErrorComesBeforeHostIdProblemsAndMissingCrds() {
      World w =
          World.healthy()
              .reconcileError("boom")
              .hostIdProblem("conflict")
              .missingCrd("podmonitors.monitoring.coreos.com");
      MonitorAssert.assertThat(w.build())
          .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.RECONCILE_ERROR);
    }

    @Test
    void hostIdProblemsComeBeforeMissingCrds() {
      World w =
          World.healthy().hostIdProblem("conflict").missingCrd("podmonitors.monitoring.coreos.com");
      MonitorAssert.assertThat(w.build())
          .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.HOST_ID_CONFLICT);
    }
  }

  @Nested
  class Counts {
    @Test
    void agentsAndNodesAreCounted() {
      World w =
          World.healthy().unmapped("kvm-3", "unknown").agent("kvm-2", false, "ok").daemonSet(3, 1);
      ScaphandreMonitorStatus status = w.build();
      assertThat(status.getDesiredAgents()).isEqualTo(3);
      assertThat(status.getReadyAgents()).isEqualTo(1);
      assertThat(status.getReadyAgentsOfDesired()).isEqualTo("1/3");
      assertThat(status.getSelectedNodes()).isEqualTo(3);
      assertThat(status.getMappedHosts()).isEqualTo(2);
      // kvm-2: agent not ready; kvm-3: no host id and no agent.
      assertThat(status.getNodesNeedingAttention()).isEqualTo(2);
    }

    @Test
    void withoutADaemonSetEveryAgentCountIsZero() {
      ScaphandreMonitorStatus status = World.empty().build();
      assertThat(status.getDesiredAgents()).isZero();
      assertThat(status.getReadyAgents()).isZero();
      assertThat(status.getReadyAgentsOfDesired()).isEqualTo("0/0");
      assertThat(status.getSelectedNodes()).isZero();
      assertThat(status.getMappedHosts()).isZero();
      assertThat(status.getNodes()).isEmpty();
      assertThat(status.getNodesNotListed()).isNull();
    }
  }

  @Nested
  class NodeRows {
    @Test
    void aRowSaysTheHostIdItsSourceTheAgentAndWhatInitFound() {
      World w =
          World.empty()
              .mapped("kvm-1", 11, HostIdSourceType.HYPERVISOR_FILES)
              .pod("kvm-1", agentPod(M, "kvm-1", report(11L, "ok", "acpi"), true))
              .daemonSet(1, 1);
      assertThat(w.build().getNodes())
          .singleElement()
          .satisfies(
              row -> {
                assertThat(row.getName()).isEqualTo("kvm-1");
                assertThat(row.getHostId()).isEqualTo(11L);
                assertThat(row.getHostIdSource()).isEqualTo("hypervisorFiles");
                assertThat(row.getAgentReady()).isTrue();
                assertThat(row.getRapl()).isEqualTo("ok");
                assertThat(row.getPowerSource()).isEqualTo("acpi");
                assertThat(row.getMessage()).isNull();
                assertThat(StatusFactory.needsAttention(row)).isFalse();
              });
    }

    @Test
    void aNodeWithoutAnAgentPodHasNoAgentAndNoInitReport() {
      World w = World.empty().unmapped("kvm-1", "no source knows kvm-1");
      assertThat(w.build().getNodes())
          .singleElement()
          .satisfies(
              row -> {
                assertThat(row.getHostId()).isNull();
                assertThat(row.getHostIdSource()).isNull();
                assertThat(row.getAgentReady()).isFalse();
                assertThat(row.getRapl()).isNull();
                assertThat(row.getPowerSource()).isNull();
                assertThat(row.getMessage()).isEqualTo("no source knows kvm-1");
                assertThat(StatusFactory.needsAttention(row)).isTrue();
              });
    }

    @Test
    void aPodWhoseInitHasNotReportedYetHasNoRaplState() {
      Pod starting =
          new PodBuilder(agentPod(M, "kvm-1", "", false))
              .editStatus()
              .withInitContainerStatuses()
              .endStatus()
              .build();
      World w = World.empty().mapped("kvm-1", 11).pod("kvm-1", starting);
      NodeStatus row = w.build().getNodes().get(0);
      assertThat(row.getRapl()).isNull();
      assertThat(row.getPowerSource()).isNull();
      assertThat(row.getAgentReady()).isFalse();
    }

    @Test
    void aTerminationMessageThatIsNoReportIsIgnored() {
      World w =
          World.empty()
              .mapped("kvm-1", 11)
              .pod("kvm-1", agentPod(M, "kvm-1", "panic: cannot open /sys", true));
      NodeStatus row = w.build().getNodes().get(0);
      assertThat(row.getRapl()).isNull();
      assertThat(row.getAgentReady()).isTrue();
      assertThat(StatusFactory.needsAttention(row)).isFalse();
    }

    @Test
    void aPodWithoutAReadyConditionIsNotReady() {
      Pod noConditions =
          new PodBuilder(agentPod(M, "kvm-1", report(11L, "ok"), true))
              .editStatus()
              .withConditions()
              .endStatus()
              .build();
      World w = World.empty().mapped("kvm-1", 11).pod("kvm-1", noConditions);
      assertThat(w.build().getNodes().get(0).getAgentReady()).isFalse();
    }

    @ParameterizedTest(name = "RAPL {0}, power from {1}, agent ready {2}: attention {3}")
    @CsvSource({
      "ok,         rapl,     true,  false",
      "degraded,   rapl,     true,  true",
      "unreadable, estimate, true,  true",
      "absent,     ipmi,     true,  true",
      "ok,         rapl,     false, true",
    })
    void theInitReportsRaplStateAndPowerSourceAreShownAndJudged(
        String rapl, String powerSource, boolean ready, boolean attention) {
      World w =
          World.empty()
              .mapped("kvm-1", 11)
              .pod("kvm-1", agentPod(M, "kvm-1", report(11L, rapl, powerSource), ready));
      ScaphandreMonitorStatus status = w.build();
      NodeStatus row = status.getNodes().get(0);
      assertThat(row.getRapl()).isEqualTo(rapl);
      assertThat(row.getPowerSource()).isEqualTo(powerSource);
      assertThat(StatusFactory.needsAttention(row)).isEqualTo(attention);
      assertThat(status.getNodesNeedingAttention()).isEqualTo(attention ? 1 : 0);
    }

    @Test
    void aSmallClusterHasARowForEveryNodeSortedByName() {
      World w = World.empty();
      for (int i = 0; i < 3; i++) {
        w.mapped("kvm-" + i, i, HostIdSourceType.HYPERVISOR_FILES).agent("kvm-" + i, true, "ok");
      }
      ScaphandreMonitorStatus status = w.build();
      assertThat(status.getNodes())
          .extracting(NodeStatus::getName)
          .containsExactly("kvm-0", "kvm-1", "kvm-2");
      assertThat(status.getNodesNeedingAttention()).isZero();
      assertThat(status.getNodesNotListed()).isNull();
    }

    @Test
    void aHundredNodesAllHaveRows() {
      ScaphandreMonitorStatus status = healthyNodes(ScaphandreMonitorStatus.MAX_NODE_ROWS).build();
      assertThat(status.getNodes()).hasSize(ScaphandreMonitorStatus.MAX_NODE_ROWS);
      assertThat(status.getNodesNotListed()).isNull();
    }

    @Test
    void beyondAHundredNodesTheRowsStopAndTheRestAreCounted() {
      ScaphandreMonitorStatus status =
          healthyNodes(ScaphandreMonitorStatus.MAX_NODE_ROWS + 1).build();
      assertThat(status.getNodes()).hasSize(ScaphandreMonitorStatus.MAX_NODE_ROWS);
      assertThat(status.getNodesNotListed()).isEqualTo(1);
      assertThat(status.getSelectedNodes()).isEqualTo(ScaphandreMonitorStatus.MAX_NODE_ROWS + 1);
      assertThat(status.getNodes())
          .extracting(NodeStatus::getName)
          .as("the first 100 by name when none needs attention")
          .endsWith(String.format("kvm-%04d", ScaphandreMonitorStatus.MAX_NODE_ROWS - 1));
    }

    @Test
    void beyondAHundredNodesTheNodesNeedingAttentionAreListedFirst() {
      World w = World.empty();
      for (int i = 0; i < 1000; i++) {
        String name = String.format("kvm-%04d", i);
        w.mapped(name, i, HostIdSourceType.HYPERVISOR_FILES);
        // Every 100th agent is not ready (10), every 250th has no RAPL (4, two of them also not
        // ready): 12.
        w.agent(name, i % 100 != 0, i % 250 == 0 ? "absent" : "ok");
      }
      ScaphandreMonitorStatus status = w.build();

      assertThat(status.getNodesNeedingAttention()).isEqualTo(12);
      List<NodeStatus> rows = status.getNodes();
      assertThat(rows).hasSize(ScaphandreMonitorStatus.MAX_NODE_ROWS);
      assertThat(rows).extracting(NodeStatus::getName).isSorted();
      assertThat(rows.stream().filter(StatusFactory::needsAttention)).hasSize(12);
      assertThat(rows)
          .extracting(NodeStatus::getName)
          .contains("kvm-0250", "kvm-0500", "kvm-0750", "kvm-0900");
      assertThat(status.getNodesNotListed()).isEqualTo(900);
      assertThat(status.getSelectedNodes()).isEqualTo(1000);
    }

    private World healthyNodes(int n) {
      World w = World.empty();
      for (int i = 0; i < n; i++) {
        String name = String.format("kvm-%04d", i);
        w.mapped(name, i).agent(name, true, "ok");
      }
      return w.daemonSet(n, n);
    }
  }

  @Nested
  class Transitions {
    @Test
    void aFirstStatusStampsEveryConditionWithNowInWholeSeconds() {
      ScaphandreMonitorStatus status =
          World.healthy().build(null, Instant.parse("2026-01-01T00:00:00.987654Z"));
      assertThat(status.getConditions())
          .extracting(Condition::getLastTransitionTime)
          .containsOnly("2026-01-01T00:00:00Z");
    }

    @Test
    void anUnchangedWorldGivesAnEqualStatusSoNothingIsWritten() {
      ScaphandreMonitorStatus first = World.healthy().build(null, T0);
      ScaphandreMonitorStatus again = World.healthy().build(first, T1);
      assertThat(again).isEqualTo(first).hasSameHashCodeAs(first);
    }

    @Test
    void theTransitionTimeStaysWhileTheStatusStaysEvenIfReasonAndMessageChange() {
      ScaphandreMonitorStatus rolling = World.healthy().daemonSet(2, 0).build(null, T0);
      ScaphandreMonitorStatus halfway = World.healthy().daemonSet(2, 1).build(rolling, T1);
      Condition ready = condition(halfway, Condition.READY);
      assertThat(ready.getMessage()).isEqualTo("1/2 agents ready");
      assertThat(ready.getLastTransitionTime()).isEqualTo(T0.toString());

      ScaphandreMonitorStatus invalid = World.healthy().specProblem("bad").build(halfway, T1);
      assertThat(condition(invalid, Condition.READY).getReason()).isEqualTo(Reasons.INVALID_SPEC);
      assertThat(condition(invalid, Condition.READY).getLastTransitionTime())
          .isEqualTo(T0.toString());
    }

    @Test
    void aConditionThatFlipsTakesTheNewTime() {
      ScaphandreMonitorStatus rolling = World.healthy().daemonSet(2, 1).build(null, T0);
      ScaphandreMonitorStatus ready = World.healthy().build(rolling, T1);
      assertThat(condition(ready, Condition.READY).getLastTransitionTime())
          .isEqualTo(T1.toString());
      assertThat(condition(ready, Condition.PROGRESSING).getLastTransitionTime())
          .isEqualTo(T1.toString());
      assertThat(condition(ready, Condition.DEGRADED).getLastTransitionTime())
          .as("Degraded stayed False")
          .isEqualTo(T0.toString());
    }

    @Test
    void aConditionThePreviousStatusLackedTakesTheNewTime() {
      ScaphandreMonitorStatus previous = World.healthy().build(null, T0);
      previous.setConditions(
          new ArrayList<>(
              previous.getConditions().stream()
                  .filter(c -> !Condition.DEGRADED.equals(c.getType()))
                  .toList()));
      ScaphandreMonitorStatus next = World.healthy().build(previous, T1);
      assertThat(condition(next, Condition.DEGRADED).getLastTransitionTime())
          .isEqualTo(T1.toString());
      assertThat(condition(next, Condition.READY).getLastTransitionTime()).isEqualTo(T0.toString());
    }
  }

  @Nested
  class WithError {
    @Test
    void withoutAPreviousStatusOnlyDegradedIsSaid() {
      ScaphandreMonitorStatus status =
          new StatusFactory().withError(null, 4L, "the API server said 500", T0);
      assertThat(status.getObservedGeneration()).isEqualTo(4L);
      assertThat(status.getConditions())
          .singleElement()
          .isEqualTo(
              new Condition(
                  Condition.DEGRADED,
                  Condition.TRUE,
                  Reasons.RECONCILE_ERROR,
                  "the API server said 500",
                  T0.toString()));
    }

    @Test
    void theLastObservedStatusIsKeptAndOnlyDegradedReplaced() {
      ScaphandreMonitorStatus previous = World.healthy().generation(3).build(null, T0);
      ScaphandreMonitorStatus copyOfPrevious = World.healthy().generation(3).build(null, T0);

      ScaphandreMonitorStatus status = new StatusFactory().withError(previous, 4L, "boom", T1);

      assertThat(status.getObservedGeneration()).isEqualTo(4L);
      assertThat(status.getNodes()).isEqualTo(previous.getNodes());
      assertThat(status.getReadyAgentsOfDesired()).isEqualTo("2/2");
      assertThat(status.getMappedHosts()).isEqualTo(2);
      assertThat(condition(status, Condition.READY))
          .isEqualTo(condition(previous, Condition.READY));
      assertThat(status.getConditions())
          .filteredOn(c -> Condition.DEGRADED.equals(c.getType()))
          .singleElement()
          .isEqualTo(
              new Condition(
                  Condition.DEGRADED,
                  Condition.TRUE,
                  Reasons.RECONCILE_ERROR,
                  "boom",
                  T1.toString()));
      assertThat(previous).as("the previous status is not changed").isEqualTo(copyOfPrevious);
    }

    @Test
    void aDegradedMonitorKeepsItsTransitionTime() {
      ScaphandreMonitorStatus previous =
          World.healthy().missingCrd("podmonitors.monitoring.coreos.com").build(null, T0);
      ScaphandreMonitorStatus status = new StatusFactory().withError(previous, 1L, "boom", T1);
      assertThat(condition(status, Condition.DEGRADED).getLastTransitionTime())
          .isEqualTo(T0.toString());
      assertThat(condition(status, Condition.DEGRADED).getReason())
          .isEqualTo(Reasons.RECONCILE_ERROR);
    }
  }
}
