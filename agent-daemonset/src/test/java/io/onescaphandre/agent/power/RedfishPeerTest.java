package io.onescaphandre.agent.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redfish source against sushy-tools' static emulator (sushy-static, PyPI) serving a mockup on
 * loopback: a rack server with the legacy Power resource (Dell-like: a one-minute average), and a
 * blade with only PowerSubsystem and two supplies.
 */
class RedfishPeerTest {
  @TempDir Path dir;

  private Path mockup;
  private Peers.Peer emulator;
  private URI base;
  private Path user;
  private Path password;
  private final PlausibleWatts plausible = new PlausibleWatts(PlausibleWatts.DEFAULT_MAX_WATTS);

  private void write(String resource, String json) throws IOException {
    Path file = mockup.resolve(resource).resolve("index.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, json);
  }

  private void rackServer(String power) throws IOException {
    write(
        "",
        """
        {"@odata.id": "/redfish/v1", "Id": "RootService", "RedfishVersion": "1.15.0",
         "Chassis": {"@odata.id": "/redfish/v1/Chassis"}}""");
    write(
        "Chassis",
        """
        {"@odata.id": "/redfish/v1/Chassis", "Members@odata.count": 1,
         "Members": [{"@odata.id": "/redfish/v1/Chassis/System.Embedded.1"}]}""");
    write(
        "Chassis/System.Embedded.1",
        """
        {"@odata.id": "/redfish/v1/Chassis/System.Embedded.1", "Id": "System.Embedded.1",
         "ChassisType": "RackMount", "Power": {"@odata.id": "/redfish/v1/Chassis/System.Embedded.1/Power"}}""");
    write("Chassis/System.Embedded.1/Power", power);
  }

  private static String legacyPower(int consumed, int average) {
    return """
        {"@odata.id": "/redfish/v1/Chassis/System.Embedded.1/Power", "Id": "Power",
         "PowerControl": [{"MemberId": "PowerControl", "Name": "System Power Control",
           "PowerConsumedWatts": %d, "PowerCapacityWatts": 1100,
           "PowerMetrics": {"IntervalInMin": 1, "MinConsumedWatts": 250, "MaxConsumedWatts": 420,
                            "AverageConsumedWatts": %d}}]}"""
        .formatted(consumed, average);
  }

  @BeforeEach
  void start() throws Exception {
    Path python = Peers.python();
    Peers.requireModule("sushy_tools");
    mockup = dir.resolve("mockup");
    rackServer(legacyPower(389, 372));
    user = dir.resolve("username");
    password = dir.resolve("password");
    Files.writeString(user, "monitor\n");
    Files.writeString(password, "bmc-pass\n");
    int port = Peers.freeTcpPort();
    base = URI.create("http://127.0.0.1:" + port);
    emulator =
        new Peers.Peer(
            dir.resolve("sushy.log"),
            python.resolve("../sushy-static").normalize().toString(),
            "-i",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-m",
            mockup.toString());
    HttpClient client = HttpClient.newHttpClient();
    try {
      await("sushy-static to answer")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!emulator.process.isAlive()) {
                  throw new IllegalStateException("sushy-static exited");
                }
                return answers(client, base.resolve("/redfish/v1"));
              });
    } catch (ConditionTimeoutException | IllegalStateException e) {
      throw new AssertionError("sushy-static did not start: " + emulator.output(), e);
    }
  }

  private static boolean answers(HttpClient client, URI uri) throws InterruptedException {
    try {
      return client
              .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException notListeningYet) {
      return false;
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (emulator != null) {
      emulator.close();
    }
  }

  private RedfishSource source(BmcEndpoint endpoint) {
    return new RedfishSource(
        new RedfishSettings(endpoint, user, password, null, null, Duration.ofSeconds(5)),
        plausible);
  }

  @Test
  void readsTheOneMinuteAverageWithItsWindowAndSendsCredentials() throws IOException {
    WattReading reading = source(BmcEndpoint.of(base)).read();
    assertThat(reading.state()).as(reading.message()).isEqualTo(SourceState.OK);
    assertThat(reading.watts()).isEqualTo(372);
    assertThat(reading.windowSeconds()).isEqualTo(60);
    assertThat(emulator.output()).contains("Authorization: Basic ");
  }

  @Test
  void followsTheBmcAndFallsBackToTheCurrentValueWithoutMetrics() throws IOException {
    RedfishSource source = source(BmcEndpoint.of(base));
    assertThat(source.read().watts()).isEqualTo(372);
    write("Chassis/System.Embedded.1/Power", legacyPower(401, 398));
    assertThat(source.read().watts()).isEqualTo(398);
    write(
        "Chassis/System.Embedded.1/Power",
        """
        {"PowerControl": [{"MemberId": "0", "PowerConsumedWatts": 305}]}""");
    WattReading current = source.read();
    assertThat(current.watts()).isEqualTo(305);
    assertThat(current.windowSeconds()).isZero();
  }

  @Test
  void aBladeWithPowerSubsystemGivesTheSumOfItsSuppliesInputs() throws IOException {
    write(
        "Chassis/System.Embedded.1",
        """
        {"@odata.id": "/redfish/v1/Chassis/System.Embedded.1", "Id": "System.Embedded.1",
         "PowerSubsystem": {"@odata.id": "/redfish/v1/Chassis/System.Embedded.1/PowerSubsystem"}}""");
    write(
        "Chassis/System.Embedded.1/PowerSubsystem",
        """
        {"@odata.id": "/redfish/v1/Chassis/System.Embedded.1/PowerSubsystem", "CapacityWatts": 2400,
         "PowerSupplies": {"@odata.id": "/redfish/v1/Chassis/System.Embedded.1/PowerSubsystem/PowerSupplies"}}""");
    write(
        "Chassis/System.Embedded.1/PowerSubsystem/PowerSupplies",
        """
        {"Members": [{"@odata.id": "/redfish/v1/Chassis/System.Embedded.1/PowerSubsystem/PowerSupplies/PSU1"},
                     {"@odata.id": "/redfish/v1/Chassis/System.Embedded.1/PowerSubsystem/PowerSupplies/PSU2"}]}""");
    for (String psu : new String[] {"PSU1", "PSU2"}) {
      String path = "/redfish/v1/Chassis/System.Embedded.1/PowerSubsystem/PowerSupplies/" + psu;
      write(
          path.substring("/redfish/v1/".length()),
          """
          {"@odata.id": "%s", "PowerCapacityWatts": 1200, "Metrics": {"@odata.id": "%s/Metrics"}}"""
              .formatted(path, path));
      write(
          path.substring("/redfish/v1/".length()) + "/Metrics",
          """
          {"InputPowerWatts": {"Reading": 210.5}, "OutputPowerWatts": {"Reading": 195.0}}""");
    }
    WattReading reading = source(BmcEndpoint.of(base)).read();
    assertThat(reading.state()).as(reading.message()).isEqualTo(SourceState.OK);
    assertThat(reading.watts()).isEqualTo(421);
  }

  @Test
  void aBogusReadingIsRejected() throws IOException {
    write("Chassis/System.Embedded.1/Power", legacyPower(0, 160_000));
    assertThat(source(BmcEndpoint.of(base)).read().state()).isEqualTo(SourceState.INVALID);
  }

  @Test
  void theEndpointComesFromThisNodesLineAndTheCredentialsFromFiles() throws IOException {
    Path endpoints = dir.resolve("endpoints");
    Files.writeString(endpoints, "# node=BMC\nkvm-1=" + base + "\nkvm-2=http://192.0.2.1\n");
    assertThat(source(BmcEndpoint.fromFile(endpoints, "kvm-1")).read().watts()).isEqualTo(372);
    WattReading other = source(BmcEndpoint.fromFile(endpoints, "kvm-3")).read();
    assertThat(other.state()).isEqualTo(SourceState.ABSENT);
    WattReading noCredentials =
        new RedfishSource(
                new RedfishSettings(
                    BmcEndpoint.of(base),
                    dir.resolve("missing"),
                    dir.resolve("missing"),
                    null,
                    null,
                    Duration.ofSeconds(5)),
                plausible)
            .read();
    assertThat(noCredentials.state()).isEqualTo(SourceState.UNREADABLE);
    assertThat(noCredentials.message()).contains("one-scaphandre.io/bmc-credentials");
  }

  @Test
  void aStoppedBmcIsUnreachable() throws Exception {
    RedfishSource source = source(BmcEndpoint.of(base));
    assertThat(source.read().usable()).isTrue();
    emulator.close();
    emulator = null;
    assertThat(source.read().state()).isEqualTo(SourceState.UNREACHABLE);
  }

  /**
   * https with the BMC's self-signed certificate: trusted through --redfish.ca-file, refused
   * without.
   */
  @Test
  void tlsIsVerifiedAgainstTheGivenCertificate() throws Exception {
    Path key = dir.resolve("bmc.key");
    Path cert = dir.resolve("bmc.crt");
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=bmc",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString())
            .redirectErrorStream(true)
            .start();
    Peers.require(
        openssl.waitFor() == 0 && Files.exists(cert), "openssl to make a test certificate");
    int port = Peers.freeTcpPort();
    URI https = URI.create("https://127.0.0.1:" + port);
    try (Peers.Peer tls =
        new Peers.Peer(
            dir.resolve("sushy-tls.log"),
            Peers.python().resolve("../sushy-static").normalize().toString(),
            "-i",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-m",
            mockup.toString(),
            "-c",
            cert.toString(),
            "-k",
            key.toString())) {
      RedfishSource trusting =
          new RedfishSource(
              new RedfishSettings(
                  BmcEndpoint.of(https), user, password, cert, null, Duration.ofSeconds(5)),
              plausible);
      WattReading reading =
          await("the TLS peer to answer")
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(200))
              .pollDelay(Duration.ZERO)
              .until(trusting::read, r -> r.usable() || !tls.process.isAlive());
      assertThat(reading.state())
          .as(reading.message() + " / " + tls.output())
          .isEqualTo(SourceState.OK);
      assertThat(reading.watts()).isEqualTo(372);
      WattReading untrusted = source(BmcEndpoint.of(https)).read();
      assertThat(untrusted.state()).isEqualTo(SourceState.UNREACHABLE);
    }
  }

  @Test
  void refusedCredentialsAreUnreadableAndNeverEchoed() throws IOException {
    HttpServer refusing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    refusing.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(401, -1);
          exchange.close();
        });
    refusing.start();
    try {
      WattReading reading =
          source(BmcEndpoint.of(URI.create("http://127.0.0.1:" + refusing.getAddress().getPort())))
              .read();
      assertThat(reading.state()).isEqualTo(SourceState.UNREADABLE);
      assertThat(reading.message())
          .contains("401")
          .doesNotContain("bmc-pass")
          .doesNotContain("monitor");
    } finally {
      refusing.stop(0);
    }
  }
}
