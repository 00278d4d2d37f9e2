package io.onescaphandre.operator.dependent;

import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.ScrapeConfig;
import io.onescaphandre.contracts.hostid.HostId;
import io.onescaphandre.operator.api.AgentFlavor;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.hostid.MappedNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * desired() of the ServiceAccount, PodMonitor, ScrapeConfig, plain-job ConfigMap and
 * PrometheusRule.
 */
class PrometheusObjectsDesiredTest {
  private static final List<MappedNode> NODES =
      List.of(
          new MappedNode("kvm-1", new HostId(11), "10.0.0.1"),
          new MappedNode("kvm-2", new HostId(12), "fd00::2"));

  @Test
  void serviceAccountIsNamedAfterTheAgentsAndLabelled() {
    ServiceAccount sa = AgentServiceAccountDependent.desiredFor(monitor("lab"));
    assertThat(sa.getMetadata().getName()).isEqualTo("lab-agent");
    assertThat(sa.getMetadata().getNamespace()).isEqualTo("one-scaphandre");
    assertThat(sa.getMetadata().getLabels())
        .containsEntry(MonitorNames.MANAGED_BY_LABEL, MonitorNames.OPERATOR_NAME);
  }

  @Test
  void podMonitorAttachesNodeMetadataAndTurnsTheNodeLabelIntoHostIds() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec()
        .getPrometheus()
        .getPodMonitor()
        .setLabels(
            new LinkedHashMap<>(
                Map.of("release", "kube-prometheus-stack", MonitorNames.NAME_LABEL, "not-this")));
    PodMonitor pm = PodMonitorDependent.desiredFor(m);
    assertThat(pm.getMetadata().getLabels())
        .containsOnly(
            Map.entry("release", "kube-prometheus-stack"),
            Map.entry(MonitorNames.NAME_LABEL, "one-scaphandre-agent"),
            Map.entry(MonitorNames.INSTANCE_LABEL, "lab"),
            Map.entry(MonitorNames.MANAGED_BY_LABEL, "one-scaphandre-operator"));
    assertThat(pm.getSpec().getJobLabel()).isEqualTo(MonitorNames.NAME_LABEL);
    assertThat(pm.getSpec().getAttachMetadata().getNode()).isTrue();
    assertThat(pm.getSpec().getSelector().getMatchLabels())
        .containsOnly(
            Map.entry(MonitorNames.NAME_LABEL, "one-scaphandre-agent"),
            Map.entry(MonitorNames.INSTANCE_LABEL, "lab"));
    var endpoint = pm.getSpec().getPodMetricsEndpoints().get(0);
    assertThat(endpoint.getPort()).isEqualTo("metrics");
    assertThat(endpoint.getRelabelings())
        .extracting(r -> r.getSourceLabels().get(0) + "->" + r.getTargetLabel())
        .containsExactly(
            "__meta_kubernetes_node_label_one_scaphandre_io_host_id->host_id",
            "__meta_kubernetes_node_label_one_scaphandre_io_host_id->one_host_id",
            "__meta_kubernetes_pod_node_name->node");
    assertThat(endpoint.getMetricRelabelings()).isEmpty();
    assertThat(pm.getSpec().getFallbackScrapeProtocol())
        .as("our agent sends its Content-Type")
        .isNull();
  }

  @Test
  void scaphandreFlavourIsScrapedDespiteItsBlankContentType() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getAgent().setFlavor(AgentFlavor.SCAPHANDRE);
    assertThat(PodMonitorDependent.desiredFor(m).getSpec().getFallbackScrapeProtocol())
        .isEqualTo("PrometheusText0.0.4");
    assertThat(ScrapeConfigDependent.desiredFor(m, NODES).getSpec().getFallbackScrapeProtocol())
        .isEqualTo("PrometheusText0.0.4");
    assertThat(
            ScrapeConfigDependent.desiredFor(monitor("lab"), NODES)
                .getSpec()
                .getFallbackScrapeProtocol())
        .isNull();
  }

  @Test
  void scaphandreFlavourDerivesVmLabelsFromTheCmdlineWhateverTheEmulator() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getAgent().setFlavor(AgentFlavor.SCAPHANDRE);
    List<RelabelConfig> rules =
        PodMonitorDependent.desiredFor(m)
            .getSpec()
            .getPodMetricsEndpoints()
            .get(0)
            .getMetricRelabelings();
    String cmdline = "/usr/bin/qemu-system-x86_64 -name guest=one-42,debug-threads=on -S";
    Map<String, String> labels = new LinkedHashMap<>(Map.of("cmdline", cmdline, "pid", "7"));
    for (RelabelConfig r : rules) {
      Pattern regex = Pattern.compile(r.getRegex());
      if ("labeldrop".equals(r.getAction())) {
        labels.keySet().removeIf(k -> regex.matcher(k).matches());
      } else {
        Matcher match = regex.matcher(labels.getOrDefault(r.getSourceLabels().get(0), ""));
        if (match.matches()) {
          labels.put(r.getTargetLabel(), r.getReplacement().replace("$1", match.group(1)));
        }
      }
    }
    assertThat(labels)
        .containsOnly(
            Map.entry("pid", "7"), Map.entry("one_vm_id", "42"), Map.entry("vmname", "one-42"));
  }

  @Test
  void scrapeConfigHasOneStaticGroupPerMappedNodeUnderTheAgentsJob() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getAgent().setPort(9101);
    ScrapeConfig sc = ScrapeConfigDependent.desiredFor(m, NODES);
    assertThat(sc.getSpec().getJobName()).isEqualTo("one-scaphandre-agent");
    assertThat(sc.getSpec().getStaticConfigs()).hasSize(2);
    assertThat(sc.getSpec().getStaticConfigs().get(0).getTargets())
        .containsExactly("10.0.0.1:9101");
    assertThat(sc.getSpec().getStaticConfigs().get(0).getLabels())
        .containsOnly(
            Map.entry("host_id", "11"), Map.entry("one_host_id", "11"), Map.entry("node", "kvm-1"));
    assertThat(sc.getSpec().getStaticConfigs().get(1).getTargets())
        .containsExactly("[fd00::2]:9101");
    assertThat(ScrapeConfigDependent.desiredFor(m, List.of()).getSpec().getStaticConfigs())
        .isEmpty();
  }

  @Test
  void plainJobIsAPrometheusScrapeConfigsEntryWithTheSameTargets() throws Exception {
    ConfigMap cm = PlainJobConfigMapDependent.desiredFor(monitor("lab"), NODES);
    assertThat(cm.getMetadata().getName()).isEqualTo("lab-prometheus-job");
    List<Map<String, Object>> jobs =
        new ObjectMapper(new YAMLFactory())
            .readValue(
                cm.getData().get(PlainJobConfigMapDependent.DATA_KEY), new TypeReference<>() {});
    assertThat(jobs)
        .singleElement()
        .satisfies(
            job -> {
              assertThat(job)
                  .containsEntry("job_name", "one-scaphandre-agent")
                  .containsEntry("metrics_path", "/metrics");
              assertThat(job.get("static_configs"))
                  .isEqualTo(
                      List.of(
                          Map.of(
                              "targets",
                              List.of("10.0.0.1:8080"),
                              "labels",
                              Map.of("host_id", "11", "one_host_id", "11", "node", "kvm-1")),
                          Map.of(
                              "targets",
                              List.of("[fd00::2]:8080"),
                              "labels",
                              Map.of("host_id", "12", "one_host_id", "12", "node", "kvm-2"))));
            });
  }

  @Test
  void prometheusRuleCarriesTheShippedRulesWhoseAlertsSelectTheAgentsJob() {
    PrometheusRule rule = PrometheusRuleDependent.desiredFor(monitor("lab"));
    assertThat(rule.getSpec().getGroups()).isEqualTo(RulesFile.shipped().groups()).isNotEmpty();
    List<String> jobSelectors =
        rule.getSpec().getGroups().stream()
            .flatMap(g -> g.getRules().stream())
            .map(Rule::getExpr)
            .map(e -> e.getStrVal())
            .flatMap(
                e -> Pattern.compile("job=\"([^\"]*)\"").matcher(e).results().map(r -> r.group(1)))
            .distinct()
            .toList();
    assertThat(jobSelectors).containsExactly(PlainJobConfigMapDependent.JOB_NAME);
  }
}
