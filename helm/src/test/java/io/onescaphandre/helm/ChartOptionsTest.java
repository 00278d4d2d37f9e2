package io.onescaphandre.helm;

import static io.onescaphandre.helm.ChartDefaultsTest.operatorContainer;
import static io.onescaphandre.helm.RenderedChart.values;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
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
    EnvVar namespace =
        operator.getEnv().stream()
            .filter(env -> env.getName().equals("ONE_SCAPHANDRE_LEADER_ELECTION_NAMESPACE"))
            .findFirst()
            .orElseThrow();
    assertThat(namespace.getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");

    Role leases = chart.only(Role.class);
    assertThat(chart.unknownFields()).isEmpty();
    assertThat(leases.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
    assertThat(leases.getRules())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
              assertThat(rule.getResources()).containsExactly("leases");
              assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "create", "update");
            });
    RoleBinding binding = chart.only(RoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(leases.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(subject -> assertThat(subject.getName()).isEqualTo("energy-one-scaphandre"));
  }

  @Test
  void oneReplicaHasNoLeasesRole() {
    assertThat(RenderedChart.renderDefaults().has("Role")).isFalse();
  }

  @Test
  void imagesArgumentsAndEnvironmentComeFromValues() {
    RenderedChart chart =
        RenderedChart.render(
            values(
                "image.repository", "registry.example.org/energy/one-scaphandre-operator",
                "image.tag", "0.2.0-rc1",
                "image.pullPolicy", "Always",
                "defaultAgentImage", "registry.example.org/energy/one-scaphandre-agent:0.2.0-rc1",
                "extraArgs[0]", "--verbose",
                "extraEnv[0].name", "JAVA_TOOL_OPTIONS",
                "extraEnv[0].value", "-XX:MaxRAMPercentage=70"));
    Container operator = operatorContainer(chart.only(Deployment.class));

    assertThat(operator.getImage())
        .isEqualTo("registry.example.org/energy/one-scaphandre-operator:0.2.0-rc1");
    assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
    assertThat(operator.getArgs())
        .containsExactly(
            "run",
            "--default-agent-image=registry.example.org/energy/one-scaphandre-agent:0.2.0-rc1",
            "--verbose");
    assertThat(operator.getEnv())
        .anySatisfy(
            env -> {
              assertThat(env.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
              assertThat(env.getValue()).isEqualTo("-XX:MaxRAMPercentage=70");
            });
  }

  @Test
  void podPlacementPullSecretsAndMetadataComeFromValues() {
    RenderedChart chart =
        RenderedChart.render(
            values(
                "imagePullSecrets[0].name",
                "registry-credentials",
                "priorityClassName",
                "system-cluster-critical",
                "nodeSelector.kubernetes\\.io/os",
                "linux",
                "tolerations[0].key",
                "node-role.kubernetes.io/control-plane",
                "tolerations[0].operator",
                "Exists",
                "tolerations[0].effect",
                "NoSchedule",
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key",
                "kubernetes.io/arch",
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator",
                "In",
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0]",
                "amd64",
                "podAnnotations.example\\.org/owner",
                "energy-team",
                "podLabels.team",
                "energy",
                "serviceAccount.annotations.example\\.org/role",
                "operator"));
    PodSpec pod = chart.only(Deployment.class).getSpec().getTemplate().getSpec();

    assertThat(chart.unknownFields()).isEmpty();
    assertThat(pod.getImagePullSecrets())
        .singleElement()
        .satisfies(secret -> assertThat(secret.getName()).isEqualTo("registry-credentials"));
    assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.getTolerations())
        .singleElement()
        .satisfies(
            toleration -> {
              assertThat(toleration.getKey()).isEqualTo("node-role.kubernetes.io/control-plane");
              assertThat(toleration.getEffect()).isEqualTo("NoSchedule");
            });
    assertThat(
            pod.getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()
                .get(0)
                .getMatchExpressions()
                .get(0)
                .getValues())
        .containsExactly("amd64");
    assertThat(chart.only(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("example.org/owner", "energy-team");
    assertThat(chart.only(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("team", "energy");
    assertThat(chart.only(Deployment.class).getSpec().getSelector().getMatchLabels())
        .doesNotContainKey("team");
    assertThat(chart.only(ServiceAccount.class).getMetadata().getAnnotations())
        .containsEntry("example.org/role", "operator");
  }

  @Test
  void serviceMonitorSelectsTheMetricsServiceAndCarriesThePrometheusSelectorLabels() {
    RenderedChart chart =
        RenderedChart.render(
            values(
                "serviceMonitor.enabled", true,
                "serviceMonitor.labels.release", "kube-prometheus-stack",
                "serviceMonitor.interval", "15s"));
    GenericKubernetesResource serviceMonitor =
        (GenericKubernetesResource) chart.only("ServiceMonitor");
    Service service = chart.only(Service.class);

    assertThat(serviceMonitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(serviceMonitor.getMetadata().getLabels())
        .containsEntry("release", "kube-prometheus-stack");
    Map<String, String> selector = serviceMonitor.get("spec", "selector", "matchLabels");
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selector);
    List<Map<String, Object>> endpoints = serviceMonitor.get("spec", "endpoints");
    assertThat(endpoints)
        .singleElement()
        .satisfies(
            endpoint -> {
              assertThat(endpoint).containsEntry("port", "metrics");
              assertThat(endpoint).containsEntry("interval", "15s");
            });
  }

  @Test
  void scaphandreMonitorFromValuesCarriesTheGivenSpec() {
    RenderedChart chart =
        RenderedChart.render(
            values(
                "monitor.enabled",
                true,
                "monitor.name",
                "opennebula-hosts",
                "monitor.spec.nodeSelector.one-scaphandre\\.io/opennebula-host",
                "kvm",
                "monitor.spec.prometheus.podMonitor.enabled",
                true));
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

    HasMetadata dashboard =
        RenderedChart.render(
                values(
                    "dashboard.namespace",
                    "grafana",
                    "dashboard.annotations.grafana_folder",
                    "Energy"))
            .only("ConfigMap");
    assertThat(dashboard.getMetadata().getNamespace()).isEqualTo("grafana");
    assertThat(dashboard.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Energy");
  }

  @Test
  void withoutRbacCreationAnExistingServiceAccountIsUsed() {
    RenderedChart chart =
        RenderedChart.render(
            values(
                "rbac.create",
                false,
                "serviceAccount.create",
                false,
                "serviceAccount.name",
                "preinstalled"));

    assertThat(chart.kinds()).doesNotContain("ServiceAccount", "ClusterRole", "ClusterRoleBinding");
    assertThat(
            chart.only(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("preinstalled");
  }

  @Test
  void theAdmissionPolicyBecomesOperatorFlags() {
    assertThat(operatorContainer(RenderedChart.renderDefaults().only(Deployment.class)).getArgs())
        .as("by default the operator's own defaults apply")
        .noneMatch(a -> a.startsWith("--allow"));
    RenderedChart chart =
        RenderedChart.renderWithValuesFile(
            """
        admission:
          allowedAgentImages: ["registry.example/one-scaphandre-agent@sha256:*", "hubblo/scaphandre:1.0.2"]
          allowedInitImages: []
          allowAgentExtraArgs: true
          allowPrivilegedPowerSources: true
          allowedOpenNebulaEndpoints: ["http://frontend:2633/RPC2"]
        openNebula:
          maxAnswerSize: 512Mi
        """);
    assertThat(operatorContainer(chart.only(Deployment.class)).getArgs())
        .containsExactly(
            "run",
            "--default-agent-image=one-scaphandre-agent:0.1.0",
            "--allowed-agent-images=registry.example/one-scaphandre-agent@sha256:*,hubblo/scaphandre:1.0.2",
            "--allowed-init-images=",
            "--allow-agent-extra-args",
            "--allow-privileged-power-sources",
            "--allowed-opennebula-endpoints=http://frontend:2633/RPC2",
            "--opennebula.max-answer-size=512Mi");
  }

  @Test
  void monitorNamespacesLimitWhereMonitorsAreReconciledAndWhichSecretsCanBeRead() {
    RenderedChart defaults = RenderedChart.renderDefaults();
    assertThat(defaults.only(ClusterRole.class).getRules())
        .anySatisfy(r -> assertThat(r.getResources()).containsExactly("secrets"));
    assertThat(defaults.has("ValidatingAdmissionPolicy")).isFalse();

    RenderedChart chart =
        RenderedChart.render(
            values("monitorNamespaces[0]", "energy", "monitorNamespaces[1]", "lab"));
    assertThat(operatorContainer(chart.only(Deployment.class)).getArgs())
        .contains("--namespaces=energy,lab");
    assertThat(chart.only(ClusterRole.class).getRules())
        .noneMatch(r -> r.getResources().contains("secrets"));
    assertThat(chart.all(Role.class))
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("energy", "lab");
    assertThat(chart.all(Role.class))
        .allSatisfy(
            r ->
                assertThat(r.getRules())
                    .singleElement()
                    .satisfies(
                        rule -> {
                          assertThat(rule.getResources()).containsExactly("secrets");
                          assertThat(rule.getVerbs()).containsExactly("get");
                        }));
    assertThat(chart.all(RoleBinding.class))
        .allSatisfy(
            b ->
                assertThat(b.getSubjects())
                    .singleElement()
                    .satisfies(
                        s -> assertThat(s.getNamespace()).isEqualTo(RenderedChart.NAMESPACE)));
    String policy =
        chart.manifests().substring(chart.manifests().indexOf("kind: ValidatingAdmissionPolicy\n"));
    assertThat(policy)
        .contains(
            "request.namespace in [\\\"energy\\\",\\\"lab\\\"]",
            "scaphandremonitors",
            "ScaphandreMonitors may only be created in the namespaces");
    assertThat(chart.has("ValidatingAdmissionPolicyBinding")).isTrue();
  }
}
