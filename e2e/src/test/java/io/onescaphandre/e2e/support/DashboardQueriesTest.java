package io.onescaphandre.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardQueriesTest {
  @Test
  void fillsGrafanaVariablesAsAnAllSelection() {
    assertThat(
            DashboardQueries.fill(
                "sum by (one_vm_id) (rate(opennebula_vm_energy_joules_total{host_id=~\"$host_id\"}[$__rate_interval]))"))
        .isEqualTo(
            "sum by (one_vm_id) (rate(opennebula_vm_energy_joules_total{host_id=~\".*\"}[1m]))");
    assertThat(DashboardQueries.fill("x{node=~\"${node:regex}\"}[${__interval}]"))
        .isEqualTo("x{node=~\".*\"}[1m]");
  }

  @Test
  void collectsEveryExprOfEveryDashboardOnce(@TempDir Path chart) throws Exception {
    Files.createDirectories(chart.resolve("dashboards"));
    Files.writeString(
        chart.resolve("dashboards/a.json"),
        """
        {"panels":[{"targets":[{"expr":"up"},{"expr":"opennebula_host_power_watts"}]},
                   {"panels":[{"targets":[{"expr":"up"}]}]}]}
        """);
    assertThat(DashboardQueries.of(chart)).containsExactly("up", "opennebula_host_power_watts");
  }
}
