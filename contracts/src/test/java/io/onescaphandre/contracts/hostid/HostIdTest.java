package io.onescaphandre.contracts.hostid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostIdTest {

  @Test
  void isTheDecimalNumberInLabelsAndJson() throws Exception {
    HostId id = HostId.parse("12");
    assertThat(id).isEqualTo(new HostId(12)).isEqualTo(HostId.of(12L));
    assertThat(id).hasToString("12");
    assertThat(new ObjectMapper().writeValueAsString(id)).isEqualTo("12");
    assertThat(new ObjectMapper().readValue("12", HostId.class)).isEqualTo(id);
    assertThat(HostId.parse("0").value()).isZero();
    assertThat(HostId.parse("2147483647").value()).isEqualTo(Integer.MAX_VALUE);
    assertThat(new HostId(3)).isLessThan(new HostId(10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1", "+1", "1.0", "0x1", "2147483648", "99999999999", " 1", "one"})
  void refusesWhatOnedCouldNotHaveGiven(String text) {
    assertThatThrownBy(() -> HostId.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void negativeAndOversizeNumbersAreRefused() {
    assertThatThrownBy(() -> new HostId(-1)).hasMessageContaining("negative");
    assertThatThrownBy(() -> HostId.of(1L << 31)).hasMessageContaining("outside");
  }
}
