package io.onescaphandre.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.agent.metrics.MetricsPublisher;
import io.onescaphandre.contracts.hostid.HypervisorFilesHostIdFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostIdReporterTest {
  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

  @TempDir Path rootfs;

  @Test
  void seriesAppearsOnceOpenNebulaHasMonitoredTheHostAndFollowsItsId() throws Exception {
    MetricsPublisher publisher =
        new MetricsPublisher(MetricsPublisher.newRegistry(), rootfs.resolve("proc"));
    HostIdReporter reporter =
        new HostIdReporter(new HypervisorFilesHostIdFinder(rootfs), publisher);

    reporter.run();
    assertThat(publisher.scrape(TEXT)).doesNotContain("opennebula_agent_host_info{");

    Path config = rootfs.resolve("var/tmp/one_db/config");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config, "<MONITOR_CONFIGURATION><HOST_ID>4</HOST_ID></MONITOR_CONFIGURATION>");
    reporter.run();
    assertThat(publisher.scrape(TEXT))
        .contains(
            "opennebula_agent_host_info{host_id=\"4\",host_id_source=\"one_db_config\",hypervisor=\"\",one_host_id=\"4\"} 1\n");

    // The host deleted and added again under a new id.
    Files.writeString(
        config, "<MONITOR_CONFIGURATION><HOST_ID>9</HOST_ID></MONITOR_CONFIGURATION>");
    reporter.run();
    assertThat(publisher.scrape(TEXT)).contains("host_id=\"9\"").doesNotContain("host_id=\"4\"");

    // A broken file is no id, not a crash, and not the old id kept.
    Files.writeString(config, "<MONITOR_CONFIGURATION><HOST_ID>");
    reporter.run();
    assertThat(publisher.scrape(TEXT)).doesNotContain("opennebula_agent_host_info{");
  }
}
