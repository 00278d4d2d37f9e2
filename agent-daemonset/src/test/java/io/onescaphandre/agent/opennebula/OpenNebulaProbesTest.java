package io.onescaphandre.agent.opennebula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import io.onescaphandre.agent.RunCommand;
import io.onescaphandre.agent.sampling.SamplingHealth;
import io.onescaphandre.agent.web.MetricsServer;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IM probes of {@code opennebula/remotes/im/}, run as OpenNebula runs them (executable, the
 * MONITOR_CONFIGURATION on stdin) with Debian's Ruby against the agent's HTTP server on a simulated
 * host; their output read as OpenNebula's monitor reads it. Needs {@code ruby}: skipped without it,
 * failed without it when CI=true.
 */
class OpenNebulaProbesTest {
  private static final Path REMOTES =
      Path.of("..", "opennebula", "remotes", "im").toAbsolutePath().normalize();
  private static final String CONFIG =
      "<MONITOR_CONFIGURATION><HOST_ID>3</HOST_ID><PROBES_PERIOD>"
          + "<BEACON_HOST>30</BEACON_HOST><SYSTEM_HOST>%d</SYSTEM_HOST><MONITOR_HOST>120</MONITOR_HOST>"
          + "<STATE_VM>5</STATE_VM><MONITOR_VM>%d</MONITOR_VM></PROBES_PERIOD></MONITOR_CONFIGURATION>\n";

  @TempDir Path root;
  private SimulatedProbeHost sim;

  @BeforeEach
  void rubyIsThere() throws Exception {
    boolean ruby =
        Files.isExecutable(Path.of("/usr/bin/ruby"))
            || Files.isExecutable(Path.of("/usr/local/bin/ruby"));
    if ("true".equals(System.getenv("CI"))) {
      assertThat(ruby).as("ruby (Debian package ruby) runs the IM probes in this test").isTrue();
    }
    Assumptions.assumeTrue(ruby, "ruby is not installed");
    sim = new SimulatedProbeHost(root, 8);
    for (int i = 0; i < 41; i++) {
      sim.step(2.0, 1 + i % 5, 40, 10);
    }
  }

  @Test
  void probesAreShippedExecutableInOpenNebulasLayout() throws IOException {
    for (String hv : List.of("kvm", "lxc")) {
      for (String dir : List.of("host/system", "vm/monitor")) {
        Path probe = REMOTES.resolve(hv + "-probes.d/" + dir + "/one_scaphandre.rb");
        assertThat(Files.getPosixFilePermissions(probe))
            .contains(
                PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_EXECUTE);
      }
    }
  }

  @Test
  void hostProbePrintsWhatTheAgentServesForItsPeriodAsATemplate() throws Exception {
    try (MetricsServer agent = agent(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      for (String hv : List.of("kvm", "lxc")) {
        Run run =
            probe(
                hv,
                "host/system",
                Map.of("ONE_SCAPHANDRE_AGENT_URL", "http://127.0.0.1:" + agent.port()),
                30,
                30);
        assertThat(run.exit()).isZero();
        assertThat(run.stdout()).isEqualTo(get(agent, "/opennebula/host?period=30"));
        Map<String, String> template = OneTemplate.singles(run.stdout());
        assertThat(template).containsKeys(ProbeText.HOST_KEYS.toArray(String[]::new));
        assertThat(template.get("POWER_STATE")).isEqualTo("ok");
        assertThat(Double.parseDouble(template.get("POWER_W")))
            .isCloseTo(sim.meanWatts(15), within(0.05));
        assertThat(template.get("POWER_PERIOD_S")).isEqualTo("30");
        assertThat(Double.parseDouble(template.get("IDLE_POWER_W"))).isCloseTo(40, within(0.05));
        assertThat(Double.parseDouble(template.get("MARGINAL_POWER_PER_CPU_W")))
            .isCloseTo(10, within(0.005));
        assertThat(Double.parseDouble(template.get("ENERGY_KWH")))
            .isCloseTo(sim.totalJoules() / 3.6e6, within(1e-6));
        assertThat(template.get("ENERGY_SINCE")).isEqualTo("1765000000");
      }
      // The period comes from stdin: SYSTEM_HOST=600 is longer than the history, so all of it.
      Run longer =
          probe(
              "kvm",
              "host/system",
              Map.of("ONE_SCAPHANDRE_AGENT_URL", "http://127.0.0.1:" + agent.port()),
              600,
              30);
      assertThat(OneTemplate.singles(longer.stdout()).get("POWER_PERIOD_S")).isEqualTo("78");
    }
  }

  @Test
  void vmProbePrintsBase64MonitorBlocksThatDecodeToEachVmsPowerAndEnergy() throws Exception {
    try (MetricsServer agent = agent(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      for (String hv : List.of("kvm", "lxc")) {
        Run run =
            probe(
                hv,
                "vm/monitor",
                Map.of("ONE_SCAPHANDRE_AGENT_URL", "http://127.0.0.1:" + agent.port() + "/"),
                600,
                20);
        assertThat(run.exit()).isZero();
        assertThat(run.stdout()).isEqualTo(get(agent, "/opennebula/vms?period=20"));
        assertThat(run.stdout())
            .matches(
                "(?s)VM = \\[ ID=\"7\", MONITOR=\"[A-Za-z0-9+/=]+\" \\]\n"
                    + "VM = \\[ ID=\"12\", MONITOR=\"[A-Za-z0-9+/=]+\" \\]\n");
        Map<Integer, Map<String, String>> vms = OneTemplate.vms(run.stdout());
        assertThat(vms.get(7)).containsOnlyKeys("POWER_W", "ENERGY_KWH");
        assertThat(Double.parseDouble(vms.get(7).get("POWER_W")))
            .isCloseTo(sim.vmMeanWatts("7", 10), within(0.005));
        assertThat(Double.parseDouble(vms.get(12).get("POWER_W")))
            .isCloseTo(sim.vmMeanWatts("12", 10), within(0.005));
        assertThat(Double.parseDouble(vms.get(12).get("ENERGY_KWH")))
            .isCloseTo(sim.vmJoules("12") / 3.6e6, within(1e-6));
      }
    }
  }

  @Test
  void withoutTheVariableTheProbeFindsTheAgentOnLoopback() throws Exception {
    try (MetricsServer agent = agent(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Run run =
          probe(
              "kvm",
              "host/system",
              Map.of("ONE_SCAPHANDRE_AGENT_PORT", Integer.toString(agent.port())),
              30,
              30);
      assertThat(OneTemplate.singles(run.stdout()).get("POWER_STATE")).isEqualTo("ok");
    }
  }

  @Test
  void withoutTheVariableTheProbeFindsAHostPortOnTheNodesAddressWhenLoopbackDoesNotAnswer()
      throws Exception {
    InetAddress nodeAddress = routeSource();
    Assumptions.assumeTrue(
        nodeAddress != null && !nodeAddress.isLoopbackAddress(),
        "this machine has no address on a default route");
    // Bound to the node's address only: 127.0.0.1 on that port refuses, as under CNI portmap.
    try (MetricsServer agent = agent(new InetSocketAddress(nodeAddress, 0))) {
      Run run =
          probe(
              "kvm",
              "vm/monitor",
              Map.of("ONE_SCAPHANDRE_AGENT_PORT", Integer.toString(agent.port())),
              30,
              30);
      assertThat(run.exit()).isZero();
      assertThat(OneTemplate.vms(run.stdout())).containsOnlyKeys(7, 12);
    }
  }

  @Test
  void anAgentThatIsDownGivesAHarmlessStateAndExitZero() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Map<String, String> env = Map.of("ONE_SCAPHANDRE_AGENT_URL", "http://127.0.0.1:" + port);
    Run host = probe("kvm", "host/system", env, 600, 30);
    assertThat(host.exit()).isZero();
    assertThat(host.stdout()).isEqualTo("POWER_STATE=\"agent-unreachable\"\n");
    Run vms = probe("lxc", "vm/monitor", env, 600, 30);
    assertThat(vms.exit()).isZero();
    assertThat(vms.stdout()).isEmpty();
  }

  @Test
  void somethingElseAnsweringOnThePortIsNotPrinted() throws Exception {
    HttpServer other =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    other.createContext(
        "/",
        exchange -> {
          byte[] body = "<html>hello</html>\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    other.start();
    try {
      Map<String, String> env =
          Map.of("ONE_SCAPHANDRE_AGENT_URL", "http://127.0.0.1:" + other.getAddress().getPort());
      assertThat(probe("kvm", "host/system", env, 600, 30).stdout())
          .isEqualTo("POWER_STATE=\"agent-unreachable\"\n");
      assertThat(probe("kvm", "vm/monitor", env, 600, 30).stdout()).isEmpty();
    } finally {
      other.stop(0);
    }
  }

  @Test
  void aHostWithoutRaplSaysSoInItsTemplate() throws Exception {
    SimulatedProbeHost noRapl = new SimulatedProbeHost(root.resolve("norapl"), 4, false);
    noRapl.step(2, 1, 0, 0);
    noRapl.step(2, 1, 0, 0);
    try (MetricsServer agent =
        new MetricsServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            null,
            new SamplingHealth(System::nanoTime, 1_000_000_000L, 3))) {
      RunCommand.serveProbes(agent, new ProbeEndpoints(noRapl.feed));
      agent.start();
      Run run =
          probe(
              "kvm",
              "host/system",
              Map.of("ONE_SCAPHANDRE_AGENT_URL", "http://127.0.0.1:" + agent.port()),
              600,
              30);
      assertThat(run.stdout()).isEqualTo("POWER_STATE=\"rapl-absent\"\n");
    }
  }

  private MetricsServer agent(InetSocketAddress address) throws IOException {
    MetricsServer server =
        new MetricsServer(address, null, new SamplingHealth(System::nanoTime, 1_000_000_000L, 3));
    RunCommand.serveProbes(server, new ProbeEndpoints(sim.feed));
    server.start();
    return server;
  }

  private static String get(MetricsServer agent, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static InetAddress routeSource() {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(InetAddress.getByName("198.51.100.1"), 9);
      return socket.getLocalAddress();
    } catch (IOException e) {
      return null;
    }
  }

  record Run(int exit, String stdout, String stderr) {}

  private static Run probe(
      String hypervisor, String dir, Map<String, String> env, int systemPeriod, int vmPeriod)
      throws Exception {
    Path probe = REMOTES.resolve(hypervisor + "-probes.d/" + dir + "/one_scaphandre.rb");
    // As monitord-client.rb runs it: the path itself (its shebang), the hypervisor as argument.
    ProcessBuilder builder = new ProcessBuilder(probe.toString(), hypervisor);
    Map<String, String> environment = builder.environment();
    environment.remove("ONE_SCAPHANDRE_AGENT_URL");
    environment.remove("ONE_SCAPHANDRE_AGENT_PORT");
    environment.putAll(new HashMap<>(env));
    Process process = builder.start();
    process
        .getOutputStream()
        .write(String.format(CONFIG, systemPeriod, vmPeriod).getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the probe ends").isTrue();
    return new Run(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
