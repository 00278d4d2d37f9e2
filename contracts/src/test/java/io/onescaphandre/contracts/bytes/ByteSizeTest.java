package io.onescaphandre.contracts.bytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
  @Test
  void sizesAreBytesOrBinaryMultiples() {
    assertThat(ByteSize.parse("1048576")).isEqualTo(1L << 20);
    assertThat(ByteSize.parse("512Ki")).isEqualTo(512L << 10);
    assertThat(ByteSize.parse(" 256Mi ")).isEqualTo(256L << 20);
    assertThat(ByteSize.parse("2Gi")).isEqualTo(2L << 30);
    for (String bad : new String[] {"", "1.5Mi", "256MB", "-1", "Mi", "1 Mi"}) {
      assertThatThrownBy(() -> ByteSize.parse(bad)).as(bad).hasMessageContaining("is not a size");
    }
  }

  @Test
  void sizesArePrintedForPeople() {
    assertThat(ByteSize.format(900)).isEqualTo("900 bytes");
    assertThat(ByteSize.format(1_572_864)).isEqualTo("1.5 MiB");
    assertThat(ByteSize.format(256L << 20)).isEqualTo("256 MiB");
    assertThat(ByteSize.format(4096)).isEqualTo("4 KiB");
  }
}
