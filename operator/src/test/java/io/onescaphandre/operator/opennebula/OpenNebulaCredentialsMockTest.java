package io.onescaphandre.operator.opennebula;

import static io.onescaphandre.operator.testsupport.Fixtures.NAMESPACE;
import static io.onescaphandre.operator.testsupport.Fixtures.kvmNode;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.onescaphandre.operator.admission.OpenNebulaEndpoints;
import io.onescaphandre.operator.api.Condition;
import io.onescaphandre.operator.api.HostIdSourceType;
import io.onescaphandre.operator.api.OpenNebulaSpec;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.SecretKeyRef;
import io.onescaphandre.operator.opennebula.OpenNebulaFixtures.HostFixture;
import io.onescaphandre.operator.status.Reasons;
import io.onescaphandre.operator.testsupport.MockCluster;
import io.onescaphandre.operator.testsupport.MonitorAssert;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whoever may create a monitor cannot make the operator read a Secret that did not opt in, nor send
 * a session to an endpoint the admin did not allow; and nothing of any Secret reaches the status,
 * the Events or the operator's log (stdout and stderr, captured for the whole test). Mock API
 * server, SSA off, fake oned on loopback.
 */
class OpenNebulaCredentialsMockTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** Values no message would contain by chance. */
  private static final String NOT_OPTED_IN = "oneadmin:NotOptedIn-7f3a91";

  private static final String OPTED_IN_WRONG = "oneadmin:WrongPass-c61e02";
  private static final String OPTED_IN_FOREIGN = "oneadmin:ForeignEndpoint-5d7b44";

  private FakeOpenNebula allowed;
  private FakeOpenNebula foreign;
  private MockCluster cluster;
  private KubernetesClient client;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private PrintStream stdout;
  private PrintStream stderr;

  @BeforeEach
  void start() throws Exception {
    stdout = System.out;
    stderr = System.err;
    System.setOut(new PrintStream(tee(stdout), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(tee(stderr), true, StandardCharsets.UTF_8));
    List<HostFixture> hosts =
        List.of(new HostFixture(5, "kvm-a", "kvm-a", "kvm", "kvm", 2, 0, "default"));
    allowed =
        new FakeOpenNebula().answerBody("one.hostpool.info", OpenNebulaFixtures.hostPool(hosts));
    foreign =
        new FakeOpenNebula().answerBody("one.hostpool.info", OpenNebulaFixtures.hostPool(hosts));
    cluster = MockCluster.start();
    client = cluster.client();
    client.nodes().resource(kvmNode("kvm-a", "10.0.0.1")).create();
    OpenNebulaConnections connections =
        new OpenNebulaConnections(
            s -> new XmlRpcOpenNebulaClient(s, RetryPolicy.NONE, RetryPolicy.Sleeper.THREAD),
            Clock.systemUTC());
    cluster.runOperator(
        new OpenNebulaApiHostDirectory(
            client, connections, OpenNebulaEndpoints.of(List.of(allowed.endpoint().toString()))));
  }

  private OutputStream tee(PrintStream original) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        original.write(b);
        synchronized (log) {
          log.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) {
        original.write(b, off, len);
        synchronized (log) {
          log.write(b, off, len);
        }
      }
    };
  }

  @AfterEach
  void stop() {
    cluster.close();
    allowed.close();
    foreign.close();
    System.setOut(stdout);
    System.setErr(stderr);
  }

  private void secret(String name, String session, boolean optedIn) {
    SecretBuilder secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NAMESPACE)
            .endMetadata()
            .addToData(
                "one_auth",
                Base64.getEncoder().encodeToString(session.getBytes(StandardCharsets.UTF_8)));
    if (optedIn) {
      secret
          .editMetadata()
          .addToLabels(MonitorOpenNebulaSettings.CREDENTIALS_LABEL, "true")
          .endMetadata();
    }
    client.resource(secret.build()).create();
  }

  private void monitorUsing(String name, URI endpoint, String secret) {
    ScaphandreMonitor m = monitor(name);
    m.getSpec().getHostId().setSources(new ArrayList<>(List.of(HostIdSourceType.OPEN_NEBULA_API)));
    OpenNebulaSpec one = new OpenNebulaSpec();
    one.setEndpoint(endpoint.toString());
    one.setSecretRef(new SecretKeyRef(secret, null));
    one.setTimeout("2s");
    m.getSpec().setOpenNebula(one);
    client.resource(m).create();
  }

  private ScaphandreMonitor current(String name) {
    return client.resources(ScaphandreMonitor.class).inNamespace(NAMESPACE).withName(name).get();
  }

  @Test
  void onlyOptedInSecretsAreUsedOnlyForAllowedEndpointsAndNoSecretLeaks() {
    secret("not-opted-in", NOT_OPTED_IN, false);
    secret("wrong-session", OPTED_IN_WRONG, true);
    secret("for-foreign", OPTED_IN_FOREIGN, true);
    monitorUsing("takes-any-secret", allowed.endpoint(), "not-opted-in");
    monitorUsing("wrong-session", allowed.endpoint(), "wrong-session");
    monitorUsing("sends-elsewhere", foreign.endpoint(), "for-foreign");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              MonitorAssert.assertThat(current("takes-any-secret"))
                  .hasCondition(
                      Condition.DEGRADED, Condition.TRUE, Reasons.OPEN_NEBULA_SECRET_NOT_OPTED_IN)
                  .conditionMessageContains(
                      Condition.DEGRADED, "Secret " + NAMESPACE + "/not-opted-in")
                  .conditionMessageContains(
                      Condition.DEGRADED, MonitorOpenNebulaSettings.CREDENTIALS_LABEL + "=true");
              MonitorAssert.assertThat(current("wrong-session"))
                  .hasCondition(
                      Condition.DEGRADED,
                      Condition.TRUE,
                      Reasons.OPEN_NEBULA_AUTHENTICATION_FAILED);
              MonitorAssert.assertThat(current("sends-elsewhere"))
                  .hasCondition(
                      Condition.DEGRADED, Condition.TRUE, Reasons.OPEN_NEBULA_ENDPOINT_NOT_ALLOWED)
                  .conditionMessageContains(Condition.DEGRADED, foreign.endpoint().toString())
                  .conditionMessageContains(Condition.DEGRADED, OpenNebulaEndpoints.FLAG);
            });
    cluster.awaitQuiet(Duration.ofMillis(500));

    // The not-opted-in session was never sent; the foreign endpoint was never called and its Secret
    // never fetched.
    assertThat(allowed.calls).extracting(FakeOpenNebula.Call::session).containsOnly(OPTED_IN_WRONG);
    assertThat(foreign.calls).isEmpty();
    assertThat(cluster.operatorRequestsSinceLastCall())
        .noneMatch(r -> r.contains("/secrets/for-foreign"));

    String status =
        JSON.asJson(client.resources(ScaphandreMonitor.class).inNamespace(NAMESPACE).list());
    String events = JSON.asJson(client.v1().events().inNamespace(NAMESPACE).list());
    assertThat(events)
        .contains(
            Reasons.OPEN_NEBULA_SECRET_NOT_OPTED_IN, Reasons.OPEN_NEBULA_ENDPOINT_NOT_ALLOWED);
    String logged;
    synchronized (log) {
      logged = log.toString(StandardCharsets.UTF_8);
    }
    for (String session : List.of(NOT_OPTED_IN, OPTED_IN_WRONG, OPTED_IN_FOREIGN)) {
      String password = session.substring(session.indexOf(':') + 1);
      String base64 = Base64.getEncoder().encodeToString(session.getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, String> place :
          Map.of("status", status, "Events", events, "log", logged).entrySet()) {
        assertThat(place.getValue())
            .as("%s holds nothing of the Secret %s", place.getKey(), session)
            .doesNotContain(password)
            .doesNotContain(base64);
      }
    }
  }
}
