package io.onescaphandre.operator.opennebula;

import static io.onescaphandre.operator.testsupport.Fixtures.NAMESPACE;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.onescaphandre.operator.api.OpenNebulaSpec;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.SecretKeyRef;
import io.onescaphandre.operator.opennebula.OpenNebulaException.Kind;
import io.onescaphandre.operator.status.Reasons;
import io.onescaphandre.operator.testsupport.MockCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reading spec.openNebula and its Secrets into connection settings, and every way it fails. */
class OpenNebulaMonitorSettingsTest {
  private static MockCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = MockCluster.start();
    client = cluster.client();
    secret("auth-data", Map.of("one_auth", "oneadmin:s3cret\n"), false);
    secret("auth-string", Map.of("one_auth", "serveradmin:token"), true);
    secret("auth-other-key", Map.of("credentials", "oneadmin:s3cret"), false);
    secret("auth-no-colon", Map.of("one_auth", "oneadmin"), false);
    secret(
        "ca",
        Map.of("ca.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
        false);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static void secret(String name, Map<String, String> values, boolean asStringData) {
    SecretBuilder b =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NAMESPACE)
            .addToLabels(MonitorOpenNebulaSettings.CREDENTIALS_LABEL, "true")
            .endMetadata();
    if (asStringData) {
      b.withStringData(values);
    } else {
      values.forEach(
          (k, v) ->
              b.addToData(
                  k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    }
    client.resource(b.build()).create();
  }

  private static ScaphandreMonitor monitorWith(String secret, String key) {
    ScaphandreMonitor m = monitor("lab");
    OpenNebulaSpec one = new OpenNebulaSpec();
    one.setEndpoint("https://frontend.example.org:2633/RPC2");
    one.setSecretRef(new SecretKeyRef(secret, key));
    one.setTimeout("1500ms");
    m.getSpec().setOpenNebula(one);
    return m;
  }

  @Test
  void theSessionComesFromTheSecretsDataAndTheTimeoutFromTheSpec() {
    MonitorOpenNebulaSettings.Result r =
        MonitorOpenNebulaSettings.read(client, monitorWith("auth-data", null));
    assertThat(r.ok()).isTrue();
    assertThat(r.settings().session()).isEqualTo("oneadmin:s3cret");
    assertThat(r.settings().endpoint()).hasToString("https://frontend.example.org:2633/RPC2");
    assertThat(r.settings().timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(r.settings().caPem()).isNull();
  }

  @Test
  void stringDataAndAnotherKeyWork() {
    assertThat(
            MonitorOpenNebulaSettings.read(client, monitorWith("auth-string", null))
                .settings()
                .session())
        .isEqualTo("serveradmin:token");
    assertThat(
            MonitorOpenNebulaSettings.read(client, monitorWith("auth-other-key", "credentials"))
                .settings()
                .session())
        .isEqualTo("oneadmin:s3cret");
  }

  @Test
  void theCaComesFromItsSecretUnderCaCrtByDefault() {
    ScaphandreMonitor m = monitorWith("auth-data", null);
    m.getSpec().getOpenNebula().getTls().setCaSecretRef(new SecretKeyRef("ca", null));
    assertThat(MonitorOpenNebulaSettings.read(client, m).settings().caPem())
        .startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void aMissingSecretOrKeyIsNamedWithItsNamespace() {
    MonitorOpenNebulaSettings.Result missing =
        MonitorOpenNebulaSettings.read(client, monitorWith("nope", null));
    assertThat(missing.ok()).isFalse();
    assertThat(missing.failureReason()).isEqualTo(Reasons.OPEN_NEBULA_SECRET_MISSING);
    assertThat(missing.failureMessage())
        .isEqualTo("Secret " + NAMESPACE + "/nope (spec.openNebula.secretRef) does not exist");

    MonitorOpenNebulaSettings.Result noKey =
        MonitorOpenNebulaSettings.read(client, monitorWith("auth-other-key", null));
    assertThat(noKey.failureReason()).isEqualTo(Reasons.OPEN_NEBULA_SECRET_MISSING);
    assertThat(noKey.failureMessage())
        .isEqualTo(
            "Secret "
                + NAMESPACE
                + "/auth-other-key (spec.openNebula.secretRef) has no key one_auth");

    ScaphandreMonitor noCa = monitorWith("auth-data", null);
    noCa.getSpec().getOpenNebula().getTls().setCaSecretRef(new SecretKeyRef("auth-data", "ca.pem"));
    assertThat(MonitorOpenNebulaSettings.read(client, noCa).failureMessage())
        .isEqualTo(
            "Secret "
                + NAMESPACE
                + "/auth-data (spec.openNebula.tls.caSecretRef) has no key ca.pem nor ca.crt");
  }

  @Test
  void aValueThatIsNotUserColonPasswordIsInvalidAndNotPrinted() {
    MonitorOpenNebulaSettings.Result r =
        MonitorOpenNebulaSettings.read(client, monitorWith("auth-no-colon", null));
    assertThat(r.failureReason()).isEqualTo(Reasons.OPEN_NEBULA_SETTINGS_INVALID);
    assertThat(r.failureMessage())
        .contains("Secret " + NAMESPACE + "/auth-no-colon key one_auth")
        .contains("user:password")
        .doesNotContain("oneadmin");
  }

  @Test
  void everyFailureKindHasAReason() {
    for (Kind kind : Kind.values()) {
      assertThat(MonitorOpenNebulaSettings.reasonOf(new OpenNebulaException(kind, "x")))
          .startsWith("OpenNebula");
    }
    assertThat(
            MonitorOpenNebulaSettings.reasonOf(new OpenNebulaException(Kind.AUTHENTICATION, "x")))
        .isEqualTo(Reasons.OPEN_NEBULA_AUTHENTICATION_FAILED);
    assertThat(MonitorOpenNebulaSettings.reasonOf(new OpenNebulaException(Kind.UNREACHABLE, "x")))
        .isEqualTo(Reasons.OPEN_NEBULA_UNREACHABLE);
  }
}
