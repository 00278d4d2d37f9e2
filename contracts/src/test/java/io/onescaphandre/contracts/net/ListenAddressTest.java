package io.onescaphandre.contracts.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

class ListenAddressTest {

  @Test
  void theNodeExporterForms() {
    assertThat(ListenAddress.parse(":8080")).isEqualTo(new InetSocketAddress(8080));
    assertThat(ListenAddress.parse(":8080").getAddress().isAnyLocalAddress()).isTrue();
    assertThat(ListenAddress.parse("127.0.0.1:0")).isEqualTo(new InetSocketAddress("127.0.0.1", 0));
    assertThat(ListenAddress.parse("[::1]:8081").getAddress().getHostAddress())
        .isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(ListenAddress.parse("[::1]:8081").getPort()).isEqualTo(8081);
    assertThat(ListenAddress.parse("localhost:9100").getHostString()).isEqualTo("localhost");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "8080|is not [HOST]:PORT", "host:|the port '' is not a number",
            ":http|the port 'http' is not a number",
        ":+80|is not a number", ":65536|outside 0-65535", ":99999999999|is not a number",
        "::1:8080|write an IPv6 host in brackets", "[::1:8080|unbalanced brackets",
            "::1]:8080|unbalanced brackets",
        "[:80|unbalanced brackets"
      })
  void refusesWithTheReason(String text, String reason) {
    assertThatThrownBy(() -> ListenAddress.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining(reason);
    assertThatThrownBy(() -> new ListenAddress.Converter().convert(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining(reason);
  }
}
