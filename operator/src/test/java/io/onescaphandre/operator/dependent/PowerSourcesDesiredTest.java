package io.onescaphandre.operator.dependent;

import static io.onescaphandre.operator.testsupport.Fixtures.kvmNode;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.PowerSourceType;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.reconciler.SpecValidator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * spec.power in the agents' pods: arguments, BMC endpoints, the opted-in credentials, privileges.
 */
class PowerSourcesDesiredTest {
  private static Container agent(DaemonSet ds) {
    return ds.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Container init(DaemonSet ds) {
    return ds.getSpec().getTemplate().getSpec().getInitContainers().get(0);
  }

  private static Node annotated(Node node, String address) {
    return new NodeBuilder(node)
        .editMetadata()
        .addToAnnotations(MonitorNames.BMC_ADDRESS_ANNOTATION, address)
        .endMetadata()
        .build();
  }

  private static Secret secret(String name, Map<String, String> labels) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .addToStringData("username", "monitor")
        .addToStringData("password", "pw")
        .build();
  }

  @Test
  void byDefaultEverythingMeasurableWithoutPrivilegeThenTheEstimate() {
    ScaphandreMonitor m = monitor("lab");
    DaemonSet ds = AgentDaemonSetDependent.desiredFor(m, AgentImages.BUILTIN, BmcAccess.NONE);
    assertThat(agent(ds).getArgs()).contains("--power.sources=redfish,acpi,rapl,estimate");
    assertThat(init(ds).getArgs()).contains("--power.sources=redfish,acpi,rapl,estimate");
    assertThat(agent(ds).getSecurityContext().getPrivileged()).isFalse();
    assertThat(ds.getSpec().getTemplate().getSpec().getVolumes())
        .extracting(Volume::getName)
        .doesNotContain("bmc-endpoints", "bmc-credentials");
  }

  @Test
  void orderAndSettingsReachTheAgentAndIpmiMakesItPrivileged() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec()
        .getPower()
        .setSources(List.of(PowerSourceType.IPMI, PowerSourceType.RAPL, PowerSourceType.ESTIMATE));
    m.getSpec().getPower().setRemainderPolicy("vcpu");
    m.getSpec().getPower().setMaxWatts(3000);
    DaemonSet ds = AgentDaemonSetDependent.desiredFor(m, AgentImages.BUILTIN, BmcAccess.NONE);
    assertThat(agent(ds).getArgs())
        .contains(
            "--power.sources=ipmi,rapl,estimate",
            "--power.remainder-policy=vcpu",
            "--power.max-watts=3000");
    assertThat(agent(ds).getSecurityContext().getPrivileged()).isTrue();
    assertThat(init(ds).getArgs()).contains("--power.sources=ipmi,rapl,estimate");
  }

  @Test
  void endpointsFromAnnotationsWinAndOnlySelectedNodesAreListed() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec()
        .getPower()
        .getRedfish()
        .setEndpoints(
            Map.of("kvm-1", "10.0.0.1", "kvm-2", "bmc-2.example:8443", "not-selected", "10.9.9.9"));
    Node kvm1 = annotated(kvmNode("kvm-1", "192.0.2.1"), "https://bmc-1.example");
    Node kvm2 =
        annotated(kvmNode("kvm-2", "192.0.2.2"), "evil\nkvm-1=attacker"); // not an address: ignored
    BmcAccess access = BmcAccess.resolve(m, List.of(kvm1, kvm2), name -> null);
    assertThat(access.endpoints())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("kvm-1", "https://bmc-1.example", "kvm-2", "bmc-2.example:8443"));
    ConfigMap cm = BmcEndpointsConfigMapDependent.desiredFor(m, access);
    assertThat(cm.getMetadata().getName()).isEqualTo("lab-bmc-endpoints");
    assertThat(cm.getData().get("endpoints"))
        .contains("kvm-1=https://bmc-1.example\n")
        .contains("kvm-2=bmc-2.example:8443\n")
        .doesNotContain("attacker")
        .doesNotContain("10.9.9.9");
    assertThat(access.credentialsSecret()).isNull();
    assertThat(access.problem()).contains("credentialsSecret");
  }

  @Test
  void aSecretIsMountedOnlyWhenItOptedIn() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getPower().getRedfish().setEndpoints(Map.of("kvm-1", "10.0.0.1"));
    m.getSpec().getPower().getRedfish().setCredentialsSecret("bmc");
    List<Node> nodes = List.of(kvmNode("kvm-1", "192.0.2.1"));

    BmcAccess notOptedIn = BmcAccess.resolve(m, nodes, name -> secret(name, Map.of()));
    assertThat(notOptedIn.credentialsSecret()).isNull();
    assertThat(notOptedIn.problem()).contains(MonitorNames.BMC_CREDENTIALS_LABEL);
    DaemonSet without = AgentDaemonSetDependent.desiredFor(m, AgentImages.BUILTIN, notOptedIn);
    assertThat(without.getSpec().getTemplate().getSpec().getVolumes())
        .extracting(Volume::getName)
        .contains("bmc-endpoints")
        .doesNotContain("bmc-credentials");
    assertThat(agent(without).getArgs()).noneMatch(a -> a.startsWith("--redfish.password-file"));

    BmcAccess optedIn =
        BmcAccess.resolve(
            m, nodes, name -> secret(name, Map.of(MonitorNames.BMC_CREDENTIALS_LABEL, "true")));
    assertThat(optedIn.credentialsSecret()).isEqualTo("bmc");
    DaemonSet with = AgentDaemonSetDependent.desiredFor(m, AgentImages.BUILTIN, optedIn);
    Volume credentials =
        with.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals("bmc-credentials"))
            .findFirst()
            .orElseThrow();
    assertThat(credentials.getSecret().getSecretName()).isEqualTo("bmc");
    assertThat(credentials.getSecret().getDefaultMode()).isEqualTo(0400);
    for (Container c : List.of(agent(with), init(with))) {
      assertThat(c.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("NODE_NAME"));
      assertThat(c.getArgs())
          .contains(
              "--redfish.endpoints-file=/etc/one-scaphandre/bmc-endpoints/endpoints",
              "--redfish.username-file=/etc/one-scaphandre/bmc-credentials/username",
              "--redfish.password-file=/etc/one-scaphandre/bmc-credentials/password");
      assertThat(c.getVolumeMounts())
          .anySatisfy(
              v -> {
                assertThat(v.getName()).isEqualTo("bmc-credentials");
                assertThat(v.getReadOnly()).isTrue();
              });
    }
    // The Secret's content never reaches the pod template.
    assertThat(with.toString()).doesNotContain("pw");
  }

  @Test
  void withoutRedfishNothingOfTheBmcIsRead() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getPower().setSources(List.of(PowerSourceType.RAPL, PowerSourceType.ESTIMATE));
    m.getSpec().getPower().getRedfish().setCredentialsSecret("bmc");
    BmcAccess access =
        BmcAccess.resolve(
            m,
            List.of(annotated(kvmNode("kvm-1", "192.0.2.1"), "10.0.0.1")),
            name -> {
              throw new AssertionError("no Secret is read when redfish is not a source");
            });
    assertThat(access).isEqualTo(BmcAccess.NONE);
  }

  @Test
  void invalidPowerSpecsAreClearProblems() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getPower().setSources(List.of(PowerSourceType.RAPL, PowerSourceType.RAPL));
    m.getSpec().getPower().getRedfish().setEndpoints(Map.of("kvm-1", "http://bmc/ --password x"));
    var estimate = new io.onescaphandre.operator.api.PowerSpec.EstimateSpec();
    estimate.setIdleWatts(300.0);
    estimate.setMaxWatts(200.0);
    m.getSpec().getPower().setEstimate(estimate);
    assertThat(SpecValidator.validate(m))
        .anySatisfy(p -> assertThat(p).contains("more than once"))
        .anySatisfy(p -> assertThat(p).contains("power.redfish.endpoints.kvm-1"))
        .anySatisfy(p -> assertThat(p).contains("idleWatts must be"));
  }
}
