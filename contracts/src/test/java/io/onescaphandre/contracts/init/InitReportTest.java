package io.onescaphandre.contracts.init;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.contracts.hostid.HostId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InitReportTest {
  static final InitReport FULL =
      new InitReport(
          1,
          new HostId(12),
          "one_db_config",
          "/var/tmp/one_db/config",
          "kvm",
          "ok",
          List.of("package-0", "dram", "package-1"),
          "GenuineIntel",
          "6.1.0-18-amd64",
          List.of("intel_rapl_common"),
          "rapl",
          java.util.Map.of("rapl", "ok"),
          "RAPL readable, host id 12 from /var/tmp/one_db/config");

  @Test
  void writesTheLineOfTheInterfacesDocument() {
    assertThat(FULL.toJson())
        .isEqualTo(
            "{\"version\":1,\"hostId\":12,\"hostIdSource\":\"one_db_config\","
                + "\"hostIdFile\":\"/var/tmp/one_db/config\",\"hypervisor\":\"kvm\",\"rapl\":\"ok\","
                + "\"raplZones\":[\"package-0\",\"dram\",\"package-1\"],\"cpuVendor\":\"GenuineIntel\","
                + "\"kernel\":\"6.1.0-18-amd64\",\"modulesLoaded\":[\"intel_rapl_common\"],"
                + "\"powerSource\":\"rapl\",\"powerSources\":{\"rapl\":\"ok\"},"
                + "\"message\":\"RAPL readable, host id 12 from /var/tmp/one_db/config\"}");
  }

  @Test
  void readsBackWhatItWrites() {
    assertThat(InitReport.parse(FULL.toJson())).contains(FULL);
    InitReport none =
        new InitReport(
            1, null, null, null, null, "absent", List.of(), null, null, List.of(), null, null, "x");
    assertThat(none.toJson()).contains("\"hostId\":null");
    assertThat(InitReport.parse(none.toJson() + "\n")).contains(none);
  }

  @Test
  void logsOfAFailedInitAreNoReport() {
    assertThat(InitReport.parse("modprobe intel_rapl_common failed\n")).isEmpty();
    assertThat(InitReport.parse("{not json")).isEmpty();
    assertThat(InitReport.parse(null)).isEmpty();
  }

  @Test
  void anImpossibleHostIdIsNoHostIdAndNoSourceButTheRestStays() {
    for (String id : List.of("-1", "2147483648", "99999999999999")) {
      InitReport report =
          InitReport.parse(
                  "{\"version\":1,\"hostId\":"
                      + id
                      + ",\"hostIdSource\":\"one_db_config\",\"rapl\":\"ok\"}")
              .orElseThrow();
      assertThat(report.hostId()).isNull();
      assertThat(report.hostIdSource()).isNull();
      assertThat(report.rapl()).isEqualTo("ok");
    }
  }

  @Test
  void unknownFieldsOfALaterVersionAreIgnored() {
    assertThat(
            InitReport.parse("{\"version\":2,\"hostId\":3,\"hypervisor\":\"lxc\",\"future\":true}"))
        .hasValueSatisfying(
            r -> {
              assertThat(r.hostId()).isEqualTo(new HostId(3));
              assertThat(r.version()).isEqualTo(2);
            });
  }

  @Test
  void aLongMessageIsCutSoThatTheLineFitsTheKubeletsLimit() {
    InitReport chatty =
        new InitReport(
            1,
            new HostId(1),
            "im_status_db",
            "/f",
            "kvm",
            "ok",
            List.of(),
            null,
            null,
            List.of(),
            null,
            null,
            "é".repeat(5000));
    String line = chatty.toJson();
    assertThat(line.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(InitReport.MAX_BYTES);
    assertThat(InitReport.parse(line))
        .hasValueSatisfying(
            r -> {
              assertThat(r.hostId()).isEqualTo(new HostId(1));
              assertThat(r.message()).endsWith("[cut]");
            });
  }
}
