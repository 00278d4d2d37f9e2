package io.onescaphandre.contracts.hostid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HypervisorFilesHostIdFinderTest {
  /** Shaped like what monitord's client writes on OpenNebula 7 (abridged). */
  static final String CONFIG_7X =
      "<MONITOR_CONFIGURATION><ADDRESS><![CDATA[auto]]></ADDRESS><HOST_ID>12</HOST_ID>"
          + "<NETWORK><ADDRESS><![CDATA[::]]></ADDRESS><PORT><![CDATA[4124]]></PORT></NETWORK>"
          + "<PROBES_PERIOD><BEACON_HOST><![CDATA[30]]></BEACON_HOST></PROBES_PERIOD>"
          + "</MONITOR_CONFIGURATION>\n";

  @TempDir Path root;

  private Path write(String relative, String content, Instant modified) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, FileTime.from(modified));
    return file;
  }

  private static final Instant OLD = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NEW = Instant.parse("2026-11-25T10:00:00Z");

  private LocalHostId find() {
    return new HypervisorFilesHostIdFinder(root).find();
  }

  @Test
  void theOpenNebula7ConfigFileComesFirst() throws IOException {
    Path config = write("var/tmp/one_db/config", CONFIG_7X, OLD);
    write("var/tmp/one/im/status_kvm_12.db", "", OLD);
    write("var/tmp/one/im/status_kvm_5.db", "", NEW);

    LocalHostId id = find();

    assertThat(id.hostId()).isEqualTo(new HostId(12));
    assertThat(id.source()).isEqualTo(LocalHostId.Source.ONE_DB_CONFIG);
    assertThat(id.source().label()).isEqualTo("one_db_config");
    assertThat(id.file()).isEqualTo(config);
    assertThat(id.hypervisor()).contains(Hypervisor.KVM);
    assertThat(id.ignored())
        .singleElement()
        .asString()
        .contains("status_kvm_5.db")
        .contains("differs");
  }

  @Test
  void withOnlyTheConfigTheHypervisorIsUnknown() throws IOException {
    write("var/tmp/one_db/config", CONFIG_7X, OLD);

    assertThat(find().hypervisor()).isEmpty();
  }

  @Test
  void oldStyleStatusDbGivesIdAndHypervisor() throws IOException {
    Path db = write("var/tmp/one/im/status_qemu_4.db", "", OLD);

    LocalHostId id = find();

    assertThat(id)
        .isEqualTo(
            new LocalHostId(
                new HostId(4),
                LocalHostId.Source.IM_STATUS_DB,
                db,
                Optional.of(Hypervisor.KVM),
                java.util.List.of()));
  }

  @Test
  void anLxcHostsStatusDb() throws IOException {
    write("var/tmp/one/im/status_lxc_21.db", "", OLD);

    assertThat(find().hypervisor()).contains(Hypervisor.LXC);
    assertThat(find().hostId()).isEqualTo(new HostId(21));
  }

  @Test
  void theFreshDbWinsOverAStaleOne() throws IOException {
    write("var/tmp/one/im/status_kvm_3.db", "", OLD);
    write("var/tmp/one/im/status_kvm_9.db", "", NEW);

    LocalHostId id = find();

    assertThat(id.hostId()).isEqualTo(new HostId(9));
    assertThat(id.ignored())
        .singleElement()
        .asString()
        .contains("status_kvm_3.db")
        .contains("older");
  }

  @Test
  void aWalFileMakesItsDbFresh() throws IOException {
    write("var/tmp/one/im/status_kvm_3.db", "", OLD);
    write("var/tmp/one/im/status_kvm_3.db-wal", "", NEW.plusSeconds(5));
    write("var/tmp/one/im/status_kvm_3.db-shm", "", NEW.plusSeconds(5));
    write("var/tmp/one/im/status_kvm_9.db", "", NEW);

    assertThat(find().hostId()).isEqualTo(new HostId(3));
  }

  @Test
  void walShmAndJournalFilesAloneAreNoHostId() throws IOException {
    write("var/tmp/one/im/status_kvm_8.db-wal", "", NEW);
    write("var/tmp/one/im/status_kvm_8.db-shm", "", NEW);
    write("var/tmp/one/im/status_kvm_8.db-journal", "", NEW);
    write("var/tmp/one/im/status_vcenter_2.db", "", NEW);

    assertThatThrownBy(this::find).isInstanceOf(HostIdNotFoundException.class);
  }

  @Test
  void equallyFreshDbsForDifferentIdsAreAnErrorNotAGuess() throws IOException {
    write("var/tmp/one/im/status_kvm_3.db", "", NEW);
    write("var/tmp/one/im/status_kvm_9.db", "", NEW);

    assertThatThrownBy(this::find)
        .hasMessageContaining("status_kvm_3.db")
        .hasMessageContaining("status_kvm_9.db")
        .hasMessageContaining("onehost sync");
  }

  @Test
  void kvmAndQemuDbsOfTheSameIdAgree() throws IOException {
    write("var/tmp/one/im/status_kvm_6.db", "", NEW);
    write("var/tmp/one/im/status_qemu_6.db", "", NEW);

    assertThat(find().hostId()).isEqualTo(new HostId(6));
  }

  @Test
  void aConfigWithoutHostIdOrWithADtdFallsBackToTheStatusDb(@TempDir Path elsewhere)
      throws IOException {
    Path secret = Files.writeString(elsewhere.resolve("secret"), "77");
    write(
        "var/tmp/one_db/config",
        "<!DOCTYPE M [<!ENTITY x SYSTEM \""
            + secret.toUri()
            + "\">]><MONITOR_CONFIGURATION><HOST_ID>&x;</HOST_ID></MONITOR_CONFIGURATION>",
        NEW);
    write("var/tmp/one/im/status_kvm_5.db", "", OLD);

    LocalHostId id = find();

    assertThat(id.hostId()).isEqualTo(new HostId(5));
    assertThat(id.ignored()).singleElement().asString().contains("config").contains("DOCTYPE");
  }

  @Test
  void aConfigWithAGarbageHostIdIsReportedAndSkipped() throws IOException {
    write(
        "var/tmp/one_db/config",
        "<MONITOR_CONFIGURATION><HOST_ID>-1</HOST_ID></MONITOR_CONFIGURATION>",
        NEW);

    assertThatThrownBy(this::find)
        .isInstanceOfSatisfying(
            HostIdNotFoundException.class,
            e -> {
              assertThat(e.getMessage()).contains("HOST_ID '-1' is not a host id");
            });
  }

  @Test
  void nothingAtAllSaysWhatWasLookedFor() {
    assertThatThrownBy(this::find)
        .isInstanceOfSatisfying(
            HostIdNotFoundException.class,
            e ->
                assertThat(e.getMessage())
                    .contains(root.resolve("var/tmp/one_db/config").toString())
                    .contains("status_<kvm|qemu|lxc>_<id>.db")
                    .contains("--path.rootfs"));
  }

  @Test
  void aTieOnlyCountsWhenTheIdsDiffer() throws IOException {
    write("var/tmp/one/im/status_kvm_3.db", "", OLD);
    write("var/tmp/one/im/status_kvm_3.db-wal", "", NEW);
    write("var/tmp/one/im/status_kvm_9.db", "", NEW);

    assertThatThrownBy(this::find)
        .isInstanceOf(HostIdNotFoundException.class)
        .hasMessageContaining("written at the same time");
  }

  @Test
  void theConfigTakesTheHypervisorOfItsOwnIdsDbNotOfTheNewest() throws IOException {
    write("var/tmp/one_db/config", CONFIG_7X, OLD);
    write("var/tmp/one/im/status_lxc_12.db", "", OLD);
    write("var/tmp/one/im/status_kvm_5.db", "", NEW);

    assertThat(find().hypervisor()).contains(Hypervisor.LXC);
  }

  @Test
  void anOlderWalDoesNotMakeItsDbStale() throws IOException {
    write("var/tmp/one/im/status_kvm_3.db", "", NEW.plusSeconds(10));
    write("var/tmp/one/im/status_kvm_3.db-wal", "", OLD);
    write("var/tmp/one/im/status_kvm_9.db", "", NEW);

    assertThat(find().hostId()).isEqualTo(new HostId(3));
  }

  @Test
  void anOversizeConfigIsReportedNotParsed() throws IOException {
    write(
        "var/tmp/one_db/config",
        "<MONITOR_CONFIGURATION><HOST_ID>12</HOST_ID>"
            + " ".repeat(1 << 20)
            + "</MONITOR_CONFIGURATION>",
        NEW);
    write("var/tmp/one/im/status_kvm_5.db", "", OLD);

    LocalHostId id = find();

    assertThat(id.hostId()).isEqualTo(new HostId(5));
    assertThat(id.ignored()).singleElement().asString().contains("larger than the cap of 1 MiB");
  }
}
