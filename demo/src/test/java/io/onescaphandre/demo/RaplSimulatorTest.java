package io.onescaphandre.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.onescaphandre.simulation.SimulatedRaplTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tree the demo and e2e run: moving on its own thread until closed, never backwards. */
class RaplSimulatorTest {
  @TempDir Path sysfs;

  @Test
  void countersMoveOnTheirOwnAndStopWhenClosed() throws Exception {
    SimulatedRaplTree tree = SimulatedRaplTree.server(sysfs, 1);
    long start = packageCounter();
    try (RaplSimulator simulator =
        new RaplSimulator(tree, DemoMachine.WATTS, Path.of("/proc"), Duration.ofMillis(20))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> packageCounter() > start);
      assertThat(simulator.hostWatts()).as("between idle and busy").isBetween(38.0 + 6, 145.0 + 14);
      assertThat(simulator.failure()).isNull();
    }
    long atClose = packageCounter();
    // Still after close: unchanged for five of the simulator's 20 ms periods.
    await("the counter to stay still after close")
        .during(Duration.ofMillis(100))
        .atMost(Duration.ofSeconds(1))
        .until(() -> packageCounter() == atClose);
  }

  private long packageCounter() throws Exception {
    Path counter =
        sysfs.resolve("class/powercap").resolve(DemoMachine.PACKAGE).resolve("energy_uj");
    return Long.parseLong(Files.readString(counter).trim());
  }

  @Test
  void aTreeThatCannotBeWrittenStopsTheCountersAndSaysWhy() throws Exception {
    SimulatedRaplTree tree = SimulatedRaplTree.server(sysfs, 1);
    try (RaplSimulator simulator =
        new RaplSimulator(tree, DemoMachine.WATTS, Path.of("/proc"), Duration.ofMillis(20))) {
      try (Stream<Path> files = Files.walk(sysfs)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> simulator.failure() != null);
    }
  }
}
