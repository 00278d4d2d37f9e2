package io.onescaphandre.helm;

import static io.onescaphandre.helm.ChartDefaultsTest.operatorContainer;
import static io.onescaphandre.helm.RenderedChart.values;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code helm template} with values other than the defaults: each toggle does what it says. */
class ChartOptionsTest {

  @Test
  void severalReplicasTurnOnLeaderElectionWithFlagEnvAndALeasesRole() {
    RenderedChart chart = RenderedChart.render(values("replicas", 3));
    Container operator = operatorContainer(chart.only(Deployment.class));

    assertThat(chart.only(Deployment.class).getSpec().getReplicas()).isEqualTo(3);
    assertThat(operator.getArgs()).contains("--leader-election");
    EnvVar namespace = operator.getEnv().stream()
        .filter(env -> env.getName().equals("ONE_SCAPHANDRE_LEADER_ELECTION_NAMESPACE"))
        .findFirst().orElseThrow();
    assertThat(namespace.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");

    Role leases = chart.only(Role.class);
    assertThat(leases.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
    assertThat(leases.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
      assertThat(rule.getResources()).containsExactly("leases");
      assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "create", "update");
    });
    RoleBinding binding = chart.only(RoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(leases.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement()
        .satisfies(subject -> assertThat(subject.getName()).isEqualTo("energy-one-scaphandre"));
  }

  @Test
  void oneReplicaHasNoLeasesRole() {
    assertThat(RenderedChart.renderDefaults().has("Role")).isFalse();
  }

  @Test
  void imagesArgumentsAndEnvironmentComeFromValues() {
    RenderedChart chart = RenderedChart.render(values(
        "image.repository", "registry.example.org/energy/one-scaphandre-operator",
        "image.tag", "0.2.0-rc1",
        "image.pullPolicy", "Always",
        "defaultAgentImage", "registry.example.org/energy/one-scaphandre-agent:0.2.0-rc1",
        "extraArgs[0]", "--verbose",
        "extraEnv[0].name", "JAVA_TOOL_OPTIONS",
        "extraEnv[0].value", "-XX:MaxRAMPercentage=70"));
    Container operator = operatorContainer(chart.only(Deployment.class));

    assertThat(operator.getImage()).isEqualTo("registry.example.org/energy/one-scaphandre-operator:0.2.0-rc1");
    assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
    assertThat(operator.getArgs()).containsExactly(
        "run", "--default-agent-image=registry.example.org/energy/one-scaphandre-agent:0.2.0-rc1", "--verbose");
    assertThat(operator.getEnv()).anySatisfy(env -> {
      assertThat(env.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
      assertThat(env.getValue()).isEqualTo("-XX:MaxRAMPercentage=70");
    });
  }

  @Test
  void serviceMonitorSelectsTheMetricsServiceAndCarriesThePrometheusSelectorLabels() {
    RenderedChart chart = RenderedChart.render(values(
        "serviceMonitor.enabled", true,
        "serviceMonitor.labels.release", "kube-prometheus-stack",
        "serviceMonitor.interval", "15s"));
    GenericKubernetesResource serviceMonitor = (GenericKubernetesResource) chart.only("ServiceMonitor");
    Service service = chart.only(Service.class);

    assertThat(serviceMonitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(serviceMonitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    Map<String, String> selector = serviceMonitor.get("spec", "selector", "matchLabels");
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selector);
    List<Map<String, Object>> endpoints = serviceMonitor.get("spec", "endpoints");
    assertThat(endpoints).singleElement().satisfies(endpoint -> {
      assertThat(endpoint).containsEntry("port", "metrics");
      assertThat(endpoint).containsEntry("interval", "15s");
    });
  }

  @Test
  void scaphandreMonitorFromValuesCarriesTheGivenSpec() {
    RenderedChart chart = RenderedChart.render(values(
        "monitor.enabled", true,
        "monitor.name", "opennebula-hosts",
        "monitor.spec.nodeSelector.one-scaphandre\\.io/opennebula-host", "kvm",
        "monitor.spec.prometheus.podMonitor.enabled", true));
    GenericKubernetesResource monitor = (GenericKubernetesResource) chart.only("ScaphandreMonitor");

    assertThat(monitor.getApiVersion()).isEqualTo("one-scaphandre.io/v1alpha1");
    assertThat(monitor.getMetadata().getName()).isEqualTo("opennebula-hosts");
    assertThat(monitor.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
    Map<String, String> nodeSelector = monitor.get("spec", "nodeSelector");
    assertThat(nodeSelector).containsExactly(Map.entry("one-scaphandre.io/opennebula-host", "kvm"));
    Boolean podMonitor = monitor.get("spec", "prometheus", "podMonitor", "enabled");
    assertThat(podMonitor).isTrue();
  }

  @Test
  void dashboardCanBeDisabledOrPlacedInGrafanasNamespace() {
    assertThat(RenderedChart.render(values("dashboard.enabled", false)).has("ConfigMap")).isFalse();

    HasMetadata dashboard = RenderedChart.render(values(
        "dashboard.namespace", "grafana", "dashboard.annotations.grafana_folder", "Energy")).only("ConfigMap");
    assertThat(dashboard.getMetadata().getNamespace()).isEqualTo("grafana");
    assertThat(dashboard.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Energy");
  }

  @Test
  void withoutRbacCreationAnExistingServiceAccountIsUsed() {
    RenderedChart chart = RenderedChart.render(values(
        "rbac.create", false, "serviceAccount.create", false, "serviceAccount.name", "preinstalled"));

    assertThat(chart.kinds()).doesNotContain("ServiceAccount", "ClusterRole", "ClusterRoleBinding");
    assertThat(chart.only(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("preinstalled");
  }
}
