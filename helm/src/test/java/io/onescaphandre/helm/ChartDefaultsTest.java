package io.onescaphandre.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code helm template} with the chart's default values. */
class ChartDefaultsTest {

  private static RenderedChart chart;

  @BeforeAll
  static void render() {
    chart = RenderedChart.renderDefaults();
  }

  @Test
  void rendersTheOperatorAndItsAccessButNoOptionalObjects() {
    assertThat(chart.kinds())
        .containsExactlyInAnyOrder(
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Service",
            "Deployment",
            "ConfigMap");
    assertThat(chart.objects())
        .filteredOn(object -> !object.getKind().startsWith("Cluster"))
        .allSatisfy(
            object ->
                assertThat(object.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE));
  }

  @Test
  void everyRenderedFieldIsKnownToTheKubernetesModel() {
    assertThat(chart.unknownFields()).isEmpty();
  }

  @Test
  void operatorRunsWithTheDefaultImagesAndOneReplicaWithoutLeaderElection() {
    Deployment deployment = chart.only(Deployment.class);
    Container operator = operatorContainer(deployment);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(operator.getImage()).isEqualTo("one-scaphandre-operator:0.1.0");
    assertThat(operator.getArgs())
        .containsExactly("run", "--default-agent-image=one-scaphandre-agent:0.1.0");
    assertThat(operator.getEnv())
        .extracting(EnvVar::getName)
        .doesNotContain("ONE_SCAPHANDRE_LEADER_ELECTION_NAMESPACE");
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(chart.only(ServiceAccount.class).getMetadata().getName());
  }

  @Test
  void operatorIsNonRootWithAReadOnlyRootFilesystemAndNoCapabilities() {
    PodSpec pod = chart.only(Deployment.class).getSpec().getTemplate().getSpec();
    Container operator = operatorContainer(chart.only(Deployment.class));

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isNotZero();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operator.getVolumeMounts())
        .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
    assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(operator.getResources().getLimits()).containsKey("memory");
  }

  @Test
  void probesAndMetricsUseTheNamedPorts() {
    Container operator = operatorContainer(chart.only(Deployment.class));

    assertThat(operator.getPorts())
        .extracting(port -> port.getName() + "=" + port.getContainerPort())
        .containsExactlyInAnyOrder("metrics=8080", "health=8081");
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");

    Service service = chart.only(Service.class);
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(port -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("metrics"));
    assertThat(chart.only(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
  }

  @Test
  void dashboardConfigMapCarriesTheGrafanaSidecarLabelAndTheChartsDashboard() throws Exception {
    ConfigMap dashboard = chart.only(ConfigMap.class);

    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    ObjectMapper json = new ObjectMapper();
    JsonNode rendered = json.readTree(dashboard.getData().get("one-scaphandre.json"));
    assertThat(rendered).isEqualTo(json.readTree(ProjectPaths.dashboard().toFile()));
  }

  static Container operatorContainer(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(container -> container.getName().equals("operator"))
        .findFirst()
        .orElseThrow();
  }
}
