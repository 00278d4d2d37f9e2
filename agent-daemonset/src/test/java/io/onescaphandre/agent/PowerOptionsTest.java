package io.onescaphandre.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onescaphandre.agent.attribution.RemainderPolicy;
import io.onescaphandre.agent.power.HostPower;
import io.onescaphandre.agent.power.HostPowerSample;
import io.onescaphandre.agent.power.PowerOptions;
import io.onescaphandre.agent.power.PowerSourceName;
import io.onescaphandre.agent.power.SourceState;
import io.onescaphandre.agent.power.SourceStatus;
import io.onescaphandre.agent.rapl.RaplState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The run flags of the power sources, as the DaemonSet passes them. */
class PowerOptionsTest {
  @TempDir Path root;

  private static PowerOptions parse(String... args) {
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs(args);
    return run.power;
  }

  @Test
  void theDefaultsServeAnEstimateOnAHostWithNothingMeasurable() throws Exception {
    Path procfs = root.resolve("proc");
    Files.createDirectories(procfs);
    Files.writeString(
        procfs.resolve("stat"),
        "cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 50 0 50 400 0 0 0 0 0 0\n"
            + "cpu1 50 0 50 400 0 0 0 0 0 0\n");
    PowerOptions options = parse();
    assertThat(RemainderPolicy.parse(options.remainderPolicyName()))
        .isEqualTo(RemainderPolicy.PROPORTIONAL);
    try (HostPower power = options.hostPower(procfs, root.resolve("sys"))) {
      assertThat(power.order())
          .containsExactly(
              PowerSourceName.REDFISH,
              PowerSourceName.ACPI,
              PowerSourceName.RAPL,
              PowerSourceName.ESTIMATE);
      power.measure(0, RaplState.ABSENT, null, 0, 0);
      HostPowerSample s = power.measure(1_000_000_000L, RaplState.ABSENT, null, 1, 0);
      assertThat(s.totalSource()).isEqualTo(PowerSourceName.ESTIMATE);
      // No cpuinfo: CCF's average at idle, 2 threads x 0.74 W.
      assertThat(s.hostJoules()).isEqualTo(2 * 0.74);
      // Redfish is polled on its own thread: no reading yet (stale) or no address (absent).
      assertThat(s.sources().get(0).state()).isIn(SourceState.STALE, SourceState.ABSENT);
      assertThat(s.sources().subList(1, 4))
          .extracting(SourceStatus::state)
          .containsExactly(SourceState.ABSENT, SourceState.ABSENT, SourceState.OK);
    }
  }

  @Test
  void badFlagsAreClearErrors() {
    assertThatThrownBy(() -> parse("--power.sources=rapl,wattmeter").hostPower(root, root))
        .hasMessageContaining("unknown power source 'wattmeter'");
    assertThatThrownBy(
            () ->
                RemainderPolicy.parse(parse("--power.remainder-policy=fair").remainderPolicyName()))
        .hasMessageContaining("proportional or vcpu");
    assertThatThrownBy(
            () -> parse("--power.sources=ipmi", "--ipmi.interface=lanplus").hostPower(root, root))
        .hasMessageContaining("needs --ipmi.host");
    assertThatThrownBy(() -> parse("--power.max-watts=0").hostPower(root, root))
        .hasMessageContaining("--power.max-watts");
    assertThatThrownBy(
            () ->
                parse("--power.sources=redfish", "--redfish.endpoint=ftp://bmc")
                    .hostPower(root, root))
        .hasMessageContaining("host[:port]");
  }
}
