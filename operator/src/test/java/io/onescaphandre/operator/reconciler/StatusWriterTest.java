package io.onescaphandre.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.ScaphandreMonitorStatus;
import io.onescaphandre.operator.reconciler.StatusWriter.Decision;
import io.onescaphandre.operator.reconciler.StatusWriter.Written;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * When a status is written: only when changed, at most once per interval, a new generation at once.
 */
class StatusWriterTest {
  private static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void anUnchangedStatusIsNeverWritten() {
    ScaphandreMonitor cached = cached("10", status(1, 3));
    assertThat(StatusWriter.decide(cached, null, status(1, 3), T0, INTERVAL))
        .isInstanceOf(Decision.Unchanged.class);
  }

  @Test
  void theFirstStatusAndOneLongAfterTheLastWriteAreWrittenAtOnce() {
    assertThat(StatusWriter.decide(cached("10", null), null, status(1, 0), T0, INTERVAL))
        .isInstanceOf(Decision.WriteNow.class);
    Written last = new Written(T0, status(1, 3), "9", "10");
    assertThat(
            StatusWriter.decide(
                cached("10", status(1, 3)), last, status(1, 4), T0.plus(INTERVAL), INTERVAL))
        .isInstanceOf(Decision.WriteNow.class);
  }

  @Test
  void aChangeSoonAfterAWriteWaitsForTheRestOfTheInterval() {
    Written last = new Written(T0, status(1, 3), "9", "10");
    assertThat(
            StatusWriter.decide(
                cached("10", status(1, 3)), last, status(1, 4), T0.plusSeconds(2), INTERVAL))
        .isEqualTo(new Decision.WriteLater(Duration.ofSeconds(3)));
  }

  @Test
  void aNewGenerationOfTheSpecIsAnsweredAtOnce() {
    Written last = new Written(T0, status(1, 3), "9", "10");
    assertThat(
            StatusWriter.decide(
                cached("11", status(1, 3)), last, status(2, 3), T0.plusSeconds(1), INTERVAL))
        .isInstanceOf(Decision.WriteNow.class);
  }

  @Test
  void whileTheCacheHasNotSeenTheLastWriteThatWriteCountsAsTheClustersStatus() {
    // The cache still has resourceVersion 9, the one the last write was made on top of.
    Written last = new Written(T0, status(1, 4), "9", "10");
    assertThat(
            StatusWriter.decide(
                cached("9", status(1, 3)), last, status(1, 4), T0.plusSeconds(10), INTERVAL))
        .isInstanceOf(Decision.Unchanged.class);
  }

  @Test
  void someoneElsesChangeToTheStatusIsRepaired() {
    Written last = new Written(T0, status(1, 4), "9", "10");
    // resourceVersion 12: the cache has seen our write and another one after it.
    assertThat(
            StatusWriter.decide(
                cached("12", status(1, 0)), last, status(1, 4), T0.plusSeconds(10), INTERVAL))
        .isInstanceOf(Decision.WriteNow.class);
  }

  private static ScaphandreMonitor cached(String resourceVersion, ScaphandreMonitorStatus status) {
    ScaphandreMonitor m = new ScaphandreMonitor();
    m.setMetadata(
        new ObjectMetaBuilder()
            .withName("lab")
            .withNamespace("ns")
            .withResourceVersion(resourceVersion)
            .build());
    m.setStatus(status);
    return m;
  }

  private static ScaphandreMonitorStatus status(long generation, int ready) {
    ScaphandreMonitorStatus s = new ScaphandreMonitorStatus();
    s.setObservedGeneration(generation);
    s.setReadyAgents(ready);
    return s;
  }
}
