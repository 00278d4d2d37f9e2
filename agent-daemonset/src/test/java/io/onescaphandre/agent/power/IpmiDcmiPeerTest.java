package io.onescaphandre.agent.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ipmitool from Debian against a BMC on loopback (pyghmi's BMC emulation with the DCMI power
 * reading added, src/test/resources/peers/dcmi_bmc.py), over IPMI v2 lanplus: the same ipmitool
 * command and parser as in-band, only the interface differs.
 */
class IpmiDcmiPeerTest {
  @TempDir Path dir;

  private Peers.Peer bmc;
  private int port;
  private Path readingFile;
  private Path passwordFile;
  private final PlausibleWatts plausible = new PlausibleWatts(PlausibleWatts.DEFAULT_MAX_WATTS);

  @BeforeEach
  void startBmc() throws Exception {
    String ipmitool = Peers.ipmitool();
    Peers.requireModule("pyghmi");
    Path script = Path.of("src/test/resources/peers/dcmi_bmc.py").toAbsolutePath();
    readingFile = dir.resolve("reading");
    Files.writeString(readingFile, "245 active\n");
    passwordFile = dir.resolve("password");
    Files.writeString(passwordFile, "s3cret-bmc\n");
    port = Peers.freeUdpPort();
    bmc =
        new Peers.Peer(
            dir.resolve("bmc.log"),
            Peers.python().toString(),
            script.toString(),
            Integer.toString(port),
            readingFile.toString(),
            "monitor",
            "s3cret-bmc");
    // Ready when it answers: the first reading proves it.
    WattReading reading =
        await("the BMC peer to answer")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .pollDelay(Duration.ZERO)
            .until(
                () -> source(ipmitool, "monitor", passwordFile).read(),
                r -> r.usable() || !bmc.process.isAlive());
    assertThat(reading.usable()).as("BMC peer answers: %s / %s", reading, bmc.output()).isTrue();
  }

  @AfterEach
  void stopBmc() throws InterruptedException {
    if (bmc != null) {
      bmc.close();
    }
  }

  private IpmiDcmiSource source(String ipmitool, String user, Path password) {
    return new IpmiDcmiSource(
        new IpmiSettings(
            ipmitool, "lanplus", "127.0.0.1", port, user, password, Duration.ofSeconds(10), dir),
        plausible);
  }

  @Test
  void readsTheInstantaneousPowerAndFollowsItsChanges() throws IOException {
    IpmiDcmiSource source = source(Peers.ipmitool(), "monitor", passwordFile);
    WattReading first = source.read();
    assertThat(first.state()).isEqualTo(SourceState.OK);
    assertThat(first.watts()).isEqualTo(245);
    Files.writeString(readingFile, "318 active\n");
    assertThat(source.read().watts()).isEqualTo(318);
  }

  @Test
  void aDeactivatedMeterAndABogusValueAreNotUsed() throws IOException {
    IpmiDcmiSource source = source(Peers.ipmitool(), "monitor", passwordFile);
    Files.writeString(readingFile, "0 inactive\n");
    assertThat(source.read().state()).isEqualTo(SourceState.INVALID);
    Files.writeString(readingFile, "65535 active\n"); // all ones in the 16-bit field
    assertThat(
            new IpmiDcmiSource(
                    new IpmiSettings(
                        Peers.ipmitool(),
                        "lanplus",
                        "127.0.0.1",
                        port,
                        "monitor",
                        passwordFile,
                        Duration.ofSeconds(10),
                        dir),
                    new PlausibleWatts(20_000))
                .read()
                .state())
        .isEqualTo(SourceState.INVALID);
  }

  @Test
  void wrongCredentialsAreUnreadableAndNoBmcIsUnreachable() throws Exception {
    Path wrong = dir.resolve("wrong");
    Files.writeString(wrong, "not-the-password\n");
    WattReading refused = source(Peers.ipmitool(), "monitor", wrong).read();
    assertThat(refused.state())
        .as(refused.message())
        .isIn(SourceState.UNREADABLE, SourceState.UNREACHABLE);
    assertThat(refused.message()).doesNotContain("not-the-password").doesNotContain("s3cret");
    bmc.close();
    bmc = null;
    WattReading gone =
        new IpmiDcmiSource(
                new IpmiSettings(
                    Peers.ipmitool(),
                    "lanplus",
                    "127.0.0.1",
                    port,
                    "monitor",
                    passwordFile,
                    Duration.ofSeconds(30),
                    dir),
                plausible)
            .read();
    assertThat(gone.state()).isEqualTo(SourceState.UNREACHABLE);
  }

  @Test
  void inBandWithoutTheDeviceIsAbsentWithTheModulesToLoad() {
    WattReading reading =
        new IpmiDcmiSource(
                new IpmiSettings(
                    Peers.ipmitool(),
                    "open",
                    null,
                    0,
                    null,
                    null,
                    Duration.ofSeconds(5),
                    dir.resolve("dev")),
                plausible)
            .read();
    assertThat(reading.state()).isEqualTo(SourceState.ABSENT);
    assertThat(reading.message()).contains("ipmi_si").contains("ipmi_devintf");
  }

  @Test
  void theSamplerThreadNeverWaitsOnTheBmc() throws Exception {
    try (PolledSource polled =
        new PolledSource(
            source(Peers.ipmitool(), "monitor", passwordFile), Duration.ofMillis(200))) {
      await("the first poll of the BMC")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> polled.read().usable());
      assertThat(polled.read().watts()).isEqualTo(245);
    }
  }
}
