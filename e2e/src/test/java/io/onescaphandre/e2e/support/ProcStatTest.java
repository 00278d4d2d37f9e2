package io.onescaphandre.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatTest {
  @Test
  void readsUtimeAndStimeAfterACommandHoldingSpacesAndParentheses() {
    String stat =
        "4242 (CPU 0/TCG) (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 100 0 0";
    assertThat(ProcStat.cpuSecondsOfStatLine(stat)).isEqualTo(3.0);
  }

  @Test
  void aVanishedProcessHasNoMemoryOrCpu() {
    assertThat(ProcStat.rssKib(Integer.MAX_VALUE)).isZero();
    assertThat(ProcStat.cpuSeconds(Integer.MAX_VALUE)).isZero();
  }
}
