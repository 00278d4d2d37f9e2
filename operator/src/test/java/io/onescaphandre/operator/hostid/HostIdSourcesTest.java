package io.onescaphandre.operator.hostid;

import static io.onescaphandre.operator.testsupport.Fixtures.agentPod;
import static io.onescaphandre.operator.testsupport.Fixtures.kvmNode;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static io.onescaphandre.operator.testsupport.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.onescaphandre.contracts.hostid.HostId;
import io.onescaphandre.contracts.init.InitReport;
import io.onescaphandre.operator.api.HostIdSourceType;
import io.onescaphandre.operator.api.OpenNebulaSpec;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.SecretKeyRef;
import io.onescaphandre.operator.status.Reasons;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The order of the host id sources, hypervisorFiles from the init report, and openNebulaApi's turn.
 */
class HostIdSourcesTest {
  private static final List<Node> NODES =
      List.of(kvmNode("kvm-1", "10.0.0.1"), kvmNode("kvm-2", "10.0.0.2"));

  private static ScaphandreMonitor monitorWith(HostIdSourceType... sources) {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getHostId().setSources(new ArrayList<>(List.of(sources)));
    OpenNebulaSpec one = new OpenNebulaSpec();
    one.setEndpoint("http://frontend:2633/RPC2");
    one.setSecretRef(new SecretKeyRef("one-auth", null));
    m.getSpec().setOpenNebula(one);
    return m;
  }

  @Test
  void hypervisorFilesTakesTheHostIdOfTheInitReport() {
    ScaphandreMonitor m = monitorWith(HostIdSourceType.HYPERVISOR_FILES);
    Map<String, Pod> pods =
        Map.of(
            "kvm-1", agentPod(m, "kvm-1", report(12L, "ok"), true),
            "kvm-2", agentPod(m, "kvm-2", report(null, "ok"), true));

    HostIdResolution r =
        HostIdResolver.resolve(m, NODES, pods, OpenNebulaHostDirectory.Lookup.empty());

    assertThat(r.nodes())
        .extracting(ResolvedNode::nodeName, ResolvedNode::hostId, ResolvedNode::source)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "kvm-1", new HostId(12), HostIdSourceType.HYPERVISOR_FILES),
            org.assertj.core.groups.Tuple.tuple("kvm-2", null, null));
    assertThat(r.nodes().get(1).message()).isEqualTo("no host id from [hypervisorFiles]");
    assertThat(r.mapped()).containsExactly(new MappedNode("kvm-1", new HostId(12), "10.0.0.1"));
    assertThat(r.problems()).isEmpty();
  }

  @Test
  void theReportOfAnInitThatRanBeforeARestartCounts() {
    ScaphandreMonitor m = monitorWith(HostIdSourceType.HYPERVISOR_FILES);
    Pod restarted =
        new PodBuilder(agentPod(m, "kvm-1", report(7L, "ok"), false))
            .editStatus()
            .editInitContainerStatus(0)
            .withNewLastState()
            .withNewTerminated()
            .withExitCode(0)
            .withMessage(report(7L, "ok"))
            .endTerminated()
            .endLastState()
            .withNewState()
            .withNewWaiting()
            .withReason("PodInitializing")
            .endWaiting()
            .endState()
            .endInitContainerStatus()
            .endStatus()
            .build();

    assertThat(AgentReport.of(restarted))
        .hasValueSatisfying(rep -> assertThat(rep.hostId()).isEqualTo(new HostId(7)));
    assertThat(
            HostIdResolver.resolve(
                    m,
                    NODES.subList(0, 1),
                    Map.of("kvm-1", restarted),
                    OpenNebulaHostDirectory.Lookup.empty())
                .mapped())
        .containsExactly(new MappedNode("kvm-1", new HostId(7), "10.0.0.1"));
  }

  @Test
  void logsInsteadOfAReportOrANegativeIdGiveNoHostId() {
    assertThat(InitReport.parse("modprobe intel_rapl_common failed\n")).isEmpty();
    assertThat(InitReport.parse("{\"version\":1,\"hostId\":-1,\"hostIdSource\":\"one_db_config\"}"))
        .hasValueSatisfying(
            rep -> {
              assertThat(rep.hostId()).isNull();
              assertThat(rep.hostIdSource()).isNull();
            });
    assertThat(
            InitReport.parse("{\"version\":1,\"hostId\":3,\"hypervisor\":\"lxc\",\"future\":true}"))
        .hasValueSatisfying(rep -> assertThat(rep.hypervisor()).isEqualTo("lxc"));
  }

  @Test
  void openNebulaIsAskedOnlyAboutNodesTheEarlierSourcesLeftWithoutId() {
    ScaphandreMonitor m = monitorWith(HostIdSourceType.STATIC, HostIdSourceType.OPEN_NEBULA_API);
    m.getSpec().getHostId().setStaticIds(new LinkedHashMap<>(Map.of("kvm-1", 1L)));

    assertThat(names(HostIdResolver.askOpenNebulaAbout(m, NODES, Map.of())))
        .containsExactly("kvm-2");
    HostIdResolution r =
        HostIdResolver.resolve(
            m,
            NODES,
            Map.of(),
            new OpenNebulaHostDirectory.Lookup(Map.of("kvm-2", new HostId(2)), List.of()));

    assertThat(r.mapped())
        .containsExactly(
            new MappedNode("kvm-1", new HostId(1), "10.0.0.1"),
            new MappedNode("kvm-2", new HostId(2), "10.0.0.2"));
    assertThat(r.nodes().get(1).source()).isEqualTo(HostIdSourceType.OPEN_NEBULA_API);
    assertThat(r.sourceFailed()).isFalse();
  }

  @Test
  void whenOpenNebulaFailsTheNextSourceStillMapsAndTheFailureReasonIsKept() {
    ScaphandreMonitor m =
        monitorWith(HostIdSourceType.OPEN_NEBULA_API, HostIdSourceType.HYPERVISOR_FILES);
    Map<String, Pod> pods = Map.of("kvm-1", agentPod(m, "kvm-1", report(4L, "ok"), true));

    assertThat(names(HostIdResolver.askOpenNebulaAbout(m, NODES, pods)))
        .containsExactly("kvm-1", "kvm-2");
    HostIdResolution r =
        HostIdResolver.resolve(
            m,
            NODES,
            pods,
            new OpenNebulaHostDirectory.Lookup(
                Map.of(),
                List.of("openNebulaApi: Cannot reach OpenNebula"),
                Reasons.OPEN_NEBULA_UNREACHABLE));

    assertThat(r.mapped()).containsExactly(new MappedNode("kvm-1", new HostId(4), "10.0.0.1"));
    assertThat(r.sourceFailureReason()).isEqualTo(Reasons.OPEN_NEBULA_UNREACHABLE);
    assertThat(r.problems()).containsExactly("openNebulaApi: Cannot reach OpenNebula");
  }

  @Test
  void anIdClaimedByTwoSourcesForTwoNodesMapsNeitherAndNamesBoth() {
    ScaphandreMonitor m = monitorWith(HostIdSourceType.STATIC, HostIdSourceType.OPEN_NEBULA_API);
    m.getSpec().getHostId().setStaticIds(new LinkedHashMap<>(Map.of("kvm-1", 5L)));

    HostIdResolution r =
        HostIdResolver.resolve(
            m,
            NODES,
            Map.of(),
            new OpenNebulaHostDirectory.Lookup(Map.of("kvm-2", new HostId(5)), List.of()));

    assertThat(r.mapped()).isEmpty();
    assertThat(r.problems())
        .containsExactly(
            "host id 5 is claimed by nodes kvm-1 (static) and kvm-2 (openNebulaApi); none of them is mapped");
    assertThat(r.sourceFailed()).isFalse();
  }

  @Test
  void withoutOpenNebulaApiAmongTheSourcesOpenNebulaIsAskedAboutNoNode() {
    assertThat(
            HostIdResolver.askOpenNebulaAbout(
                monitorWith(HostIdSourceType.STATIC), NODES, Map.of()))
        .isEmpty();
  }

  private static List<String> names(List<Node> nodes) {
    return nodes.stream().map(n -> n.getMetadata().getName()).toList();
  }
}
