package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.onescaphandre.operator.api.OpenNebulaPublishSpec;
import io.onescaphandre.operator.api.OpenNebulaSpec;
import io.onescaphandre.operator.api.PublishedHostAttribute;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.SecretKeyRef;
import io.onescaphandre.operator.testsupport.Fixtures;
import io.onescaphandre.operator.testsupport.MockCluster;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * spec.openNebula.publish against the test XML-RPC server with oned's one.host.update merge
 * semantics.
 */
class HostPowerPublisherTest {
  private static final String AGENT_0 =
      """
      POWER_STATE="ok"
      POWER_W="212.4"
      POWER_PERIOD_S="300"
      BUSY_CPUS="6.20"
      IDLE_POWER_W="95.0"
      MARGINAL_POWER_PER_CPU_W="18.93"
      ENERGY_KWH="51.204400"
      ENERGY_SINCE="1765000000"
      """;

  private FakeOpenNebula one;
  private XmlRpcOpenNebulaClient client;

  @BeforeEach
  void start() throws Exception {
    one = new FakeOpenNebula().statefulHosts(OpenNebulaFixtures.HOSTS);
    client = new XmlRpcOpenNebulaClient(one.settings());
  }

  @AfterEach
  void stop() {
    one.close();
  }

  private long updates() {
    return one.methodsCalled().stream().filter("one.host.update"::equals).count();
  }

  private static String withPower(String text, String watts) {
    return text.replaceFirst("POWER_W=\"[^\"]*\"", "POWER_W=\"" + watts + "\"");
  }

  @Test
  void writesEveryAttributeOnceKeepsTheRestOfTheTemplateAndStaysValidAgainstTheXsds()
      throws Exception {
    HostPowerPublisher publisher = new HostPowerPublisher(client);
    HostPowerPublisher.Result result =
        publisher.publish(
            new TreeMap<>(
                Map.of(0, Optional.of(AGENT_0), 3, Optional.of(withPower(AGENT_0, "150.0")))),
            new OpenNebulaPublishSpec());

    assertThat(result.written()).containsExactly(0, 3);
    Map<String, String> host0 = one.hostPool().template(0);
    assertThat(host0)
        .containsEntry("POWER_W", "212.4")
        .containsEntry("IDLE_POWER_W", "95.0")
        .containsEntry("MARGINAL_POWER_PER_CPU_W", "18.93")
        .containsEntry("ENERGY_KWH", "51.204400")
        .containsEntry("POWER_STATE", "ok")
        .containsEntry("POWER_PERIOD_S", "300")
        // append: what the probes of OpenNebula wrote stays
        .containsEntry("HOSTNAME", "kvm-a.example.org")
        .containsEntry("CPUSPEED", "2400");
    assertThat(one.hostPool().template(3)).containsEntry("POWER_W", "150.0");
    assertThat(one.hostPool().updates).allMatch(u -> u.contains(":1:")); // type 1, append
    assertThatCode(() -> XsdValidation.validate(one.hostPool().poolXml(), "host_pool.xsd"))
        .doesNotThrowAnyException();
    assertThatCode(() -> XsdValidation.validate(one.hostPool().hostXml(0), "host.xsd"))
        .doesNotThrowAnyException();
    // and the client reads back what it wrote
    assertThat(client.hostTemplate(0))
        .containsEntry("POWER_W", "212.4")
        .containsEntry("ARCH", "x86_64");
  }

  @Test
  void writesAgainOnlyWhenAValueMovedBeyondTheThreshold() {
    HostPowerPublisher publisher = new HostPowerPublisher(client);
    OpenNebulaPublishSpec spec = new OpenNebulaPublishSpec(); // 5 %
    publisher.publish(Map.of(0, Optional.of(AGENT_0)), spec);
    long afterFirst = updates();

    // 4 % more power, the period and the energy a little further: nothing written, ten times over
    for (int i = 0; i < 10; i++) {
      HostPowerPublisher.Result r =
          publisher.publish(
              Map.of(
                  0,
                  Optional.of(
                      withPower(AGENT_0, "220.9")
                          .replace("POWER_PERIOD_S=\"300\"", "POWER_PERIOD_S=\"301\"")
                          .replace("51.204400", "51.250000"))),
              spec);
      assertThat(r.unchanged()).containsExactly(0);
    }
    assertThat(updates()).isEqualTo(afterFirst);
    assertThat(one.hostPool().template(0)).containsEntry("POWER_W", "212.4");

    // 6 % more: written, with every attribute of that moment
    assertThat(
            publisher.publish(Map.of(0, Optional.of(withPower(AGENT_0, "225.2"))), spec).written())
        .containsExactly(0);
    assertThat(updates()).isEqualTo(afterFirst + 1);
    assertThat(one.hostPool().template(0)).containsEntry("POWER_W", "225.2");

    // the agent restarted: its energy counts from a new origin, written whatever the numbers
    publisher.publish(
        Map.of(0, Optional.of(withPower(AGENT_0, "225.2").replace("1765000000", "1765100000"))),
        spec);
    assertThat(updates()).isEqualTo(afterFirst + 2);
  }

  @Test
  void anOperatorRestartReadsTheTemplateAndWritesNothingThatDidNotMove() {
    new HostPowerPublisher(client)
        .publish(Map.of(0, Optional.of(AGENT_0)), new OpenNebulaPublishSpec());
    long before = updates();
    HostPowerPublisher restarted =
        new HostPowerPublisher(new XmlRpcOpenNebulaClient(one.settings()));
    assertThat(
            restarted
                .publish(
                    Map.of(0, Optional.of(withPower(AGENT_0, "213.0"))),
                    new OpenNebulaPublishSpec())
                .unchanged())
        .containsExactly(0);
    assertThat(updates()).isEqualTo(before);
    assertThat(one.methodsCalled()).contains("one.host.info");
  }

  @Test
  void anAgentThatDoesNotAnswerIsAStateWrittenOnceNotAPowerOfZero() {
    HostPowerPublisher publisher = new HostPowerPublisher(client);
    publisher.publish(Map.of(0, Optional.of(AGENT_0)), new OpenNebulaPublishSpec());
    publisher.publish(Map.of(0, Optional.empty()), new OpenNebulaPublishSpec());
    publisher.publish(Map.of(0, Optional.empty()), new OpenNebulaPublishSpec());
    assertThat(updates()).isEqualTo(2);
    assertThat(one.hostPool().template(0))
        .containsEntry("POWER_STATE", "agent-unreachable")
        .containsEntry("POWER_W", "212.4");
  }

  @Test
  void onlyTheChosenAttributesAreWritten() {
    OpenNebulaPublishSpec spec = new OpenNebulaPublishSpec();
    spec.setAttributes(
        List.of(PublishedHostAttribute.POWER_W, PublishedHostAttribute.MARGINAL_POWER_PER_CPU_W));
    spec.setMinChangePercent(0.0);
    new HostPowerPublisher(client).publish(Map.of(12, Optional.of(AGENT_0)), spec);
    assertThat(one.hostPool().updates)
        .containsExactly("12:1:POWER_W=\"212.4\"\nMARGINAL_POWER_PER_CPU_W=\"18.93\"\n");
  }

  @Test
  void withoutHostAdminRightsTheFailureNamesTheRightAndNothingElseStops() {
    HostPowerPublisher publisher =
        new HostPowerPublisher(
            new XmlRpcOpenNebulaClient(
                one.settings(FakeOpenNebula.VIEWER_SESSION, java.time.Duration.ofSeconds(5))));
    HostPowerPublisher.Result r =
        publisher.publish(
            new TreeMap<>(Map.of(0, Optional.of(AGENT_0), 99, Optional.of(AGENT_0))),
            new OpenNebulaPublishSpec());
    assertThat(r.written()).isEmpty();
    assertThat(r.failed().get(0))
        .contains("Not authorized to perform ADMIN HOST [0]")
        .contains("HOST/* USE+ADMIN");
    assertThat(r.failed().get(99)).contains("Error getting host [99]");
    assertThat(one.hostPool().template(0)).doesNotContainKey("POWER_W");
  }

  @Test
  void somethingElseThanTheAgentAnsweringIsRefused() {
    HostPowerPublisher.Result r =
        new HostPowerPublisher(client)
            .publish(Map.of(0, Optional.of("<html>hello</html>\n")), new OpenNebulaPublishSpec());
    assertThat(r.failed().get(0)).contains("not KEY=\"VALUE\"");
    assertThat(updates()).isZero();
    // a value with a quote cannot break out of the template either
    assertThat(
            new HostPowerPublisher(client)
                .publish(
                    Map.of(0, Optional.of("POWER_W=\"1\"\nX=\"a\" Y=\"b\"\n")),
                    new OpenNebulaPublishSpec())
                .failed())
        .containsKey(0);
    // nor can a value that is not what the agent serves
    assertThat(
            new HostPowerPublisher(client)
                .publish(
                    Map.of(0, Optional.of("POWER_W=\"-1e308\"\n")), new OpenNebulaPublishSpec())
                .failed()
                .get(0))
        .contains("POWER_W=\"-1e308\", not a non-negative number");
    assertThat(
            new HostPowerPublisher(client)
                .publish(
                    Map.of(0, Optional.of("POWER_STATE=\"OK <b>\"\n")), new OpenNebulaPublishSpec())
                .failed()
                .get(0))
        .contains("not a state");
    assertThat(updates()).isZero();
  }

  @Test
  void theServiceAsksEachAgentPodForItsRefreshIntervalAndWritesToTheHostOfItsNode()
      throws Exception {
    AtomicReference<String> asked = new AtomicReference<>();
    HttpServer agent =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    agent.createContext(
        "/opennebula/host",
        exchange -> {
          asked.set(exchange.getRequestURI().toString());
          byte[] body = AGENT_0.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    agent.start();
    try (MockCluster cluster = MockCluster.start()) {
      var k8s = cluster.client();
      k8s.nodes()
          .resource(Fixtures.withHostIdLabel(Fixtures.kvmNode("node-a", "10.0.0.1"), 3))
          .create();
      ScaphandreMonitor monitor = Fixtures.monitor("opennebula");
      monitor.getSpec().getAgent().setPort(agent.getAddress().getPort());
      OpenNebulaSpec spec = new OpenNebulaSpec();
      spec.setEndpoint(one.endpoint().toString());
      spec.setSecretRef(new SecretKeyRef("one-auth", "one_auth"));
      spec.setRefreshInterval("2m");
      spec.getPublish().setHostTemplate(true);
      monitor.getSpec().setOpenNebula(spec);
      k8s.resource(monitor).create();
      k8s.secrets()
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("one-auth")
                  .withNamespace(monitor.getMetadata().getNamespace())
                  .addToLabels(MonitorOpenNebulaSettings.CREDENTIALS_LABEL, "true")
                  .endMetadata()
                  .addToStringData("one_auth", FakeOpenNebula.SESSION)
                  .build())
          .create();
      Pod pod =
          new PodBuilder(Fixtures.agentPod(monitor, "node-a", Fixtures.report(3L, "ok"), true))
              .editStatus()
              .withPhase("Running")
              .withPodIP("127.0.0.1")
              .endStatus()
              .build();
      k8s.pods().resource(pod).create();

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (HostPowerPublishService service =
          new HostPowerPublishService(
              registry,
              k8s,
              Set.of(),
              java.time.Duration.ofMinutes(5),
              XmlRpcOpenNebulaClient::new)) {
        Map<String, HostPowerPublisher.Result> results = service.refresh();
        assertThat(results.values())
            .singleElement()
            .satisfies(r -> assertThat(r.written()).containsExactly(3));
        assertThat(asked.get()).isEqualTo("/opennebula/host?period=120");
        assertThat(one.hostPool().template(3))
            .containsEntry("POWER_W", "212.4")
            .containsEntry("HOSTNAME", "kvm-b.example.org");
        // the next refresh: nothing moved, nothing written
        service.refresh();
        assertThat(updates()).isEqualTo(1);
        assertThat(
                registry
                    .get(HostPowerPublishService.UPDATES)
                    .tag("result", "written")
                    .counter()
                    .count())
            .isEqualTo(1);
        assertThat(
                registry
                    .get(HostPowerPublishService.UPDATES)
                    .tag("result", "unchanged")
                    .counter()
                    .count())
            .isEqualTo(1);

        // publish off: the service leaves OpenNebula alone
        monitor =
            k8s.resources(ScaphandreMonitor.class)
                .inNamespace(monitor.getMetadata().getNamespace())
                .withName("opennebula")
                .get();
        monitor.getSpec().getOpenNebula().getPublish().setHostTemplate(false);
        k8s.resource(monitor).update();
        assertThat(service.refresh()).isEmpty();
      }
    } finally {
      agent.stop(0);
    }
  }
}
