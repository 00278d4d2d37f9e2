package io.onescaphandre.contracts.duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Fuzzes the one duration grammar. Every build replays the committed corpus ({@code
 * src/test/resources/io/onescaphandre/contracts/duration/DurationsFuzzTestInputs/}); fuzzing itself
 * runs only when asked, time-boxed: {@code JAZZER_FUZZ=1 ./mvnw -pl contracts test
 * -Dtest=DurationsFuzzTest}.
 */
class DurationsFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void parseAgreesWithValidAndFormatsBack(FuzzedDataProvider data) {
    // Raw bytes as UTF-8, so that a corpus file is the very text it stands for.
    String text = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
    boolean valid = Durations.valid(text);
    Duration parsed;
    try {
      parsed = Durations.parse(text);
    } catch (IllegalArgumentException refused) {
      assertThat(valid).as("refused but valid: %s", text).isFalse();
      // The message quotes at most 40 characters of the text: a huge value never floods a log or an
      // Event.
      assertThat(refused.getMessage()).hasSizeLessThan(200);
      return;
    }
    assertThat(valid).as("parsed but not valid: %s", text).isTrue();
    assertThat(parsed.isNegative()).isFalse();
    if (parsed.compareTo(Duration.ofHours(1_000_000)) < 0) {
      assertThat(Durations.parse(Durations.format(parsed))).isEqualTo(parsed);
    } else {
      // Found by this fuzz test: 999999h999999m... parses to more than 999999 hours, which has no
      // shortest form in the grammar (an hour count of seven digits); format says so instead.
      assertThatThrownBy(() -> Durations.format(parsed))
          .isInstanceOf(IllegalArgumentException.class);
    }
    for (DurationField field : DurationField.specFields()) {
      boolean admitted = field.admits(parsed);
      try {
        assertThat(field.parse(text)).isEqualTo(parsed);
        assertThat(admitted).isTrue();
      } catch (IllegalArgumentException outOfBounds) {
        assertThat(admitted).isFalse();
        assertThat(outOfBounds.getMessage())
            .startsWith(field.name() + ": ")
            .endsWith(field.range());
      }
    }
  }
}
