package io.onescaphandre.agent.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcStatTest {
  private static ProcStat parse(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return ProcStat.parse(b, b.length);
  }

  @Test
  void commWithSpacesAndParentheses() {
    ProcStat s =
        parse(
            "4711 (a) b (c) d) S 1 4711 4711 0 -1 4194560 10 0 0 0 250 50 7 3 20 0 3 0 123456 0 0\n");
    assertThat(s.pid()).isEqualTo(4711);
    assertThat(s.comm()).isEqualTo("a) b (c) d");
    assertThat(s.ppid()).isEqualTo(1);
    assertThat(s.cpuTicks()).isEqualTo(300);
    assertThat(s.startTime()).isEqualTo(123456);
    assertThat(s.kernelThread()).isFalse();
  }

  @Test
  void timesOnlyPathAgreesWithTheFullParse() {
    String line =
        "4711 (x) 1 2 3) S 1 4711 4711 0 -1 4194560 10 0 0 0 250 50 7 3 20 0 3 0 123456 0 0\n";
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    long[] times = new long[2];
    assertThat(ProcStat.parseTimes(b, b.length, times)).isTrue();
    assertThat(times).containsExactly(300, 123456);
    byte[] truncated = "12 (bash) S 1 12 12 0 -1 0 0 0 0 0 5 5".getBytes(StandardCharsets.UTF_8);
    assertThat(ProcStat.parseTimes(truncated, truncated.length, times)).isFalse();
    assertThat(ProcStat.parseTimes(new byte[0], 0, times)).isFalse();
  }

  @Test
  void kernelThreadByFlagOrParent() {
    assertThat(
            parse("1005 (vhost-1000) S 2 0 0 0 -1 2129984 0 0 0 0 1 2 0 0 20 0 1 0 500 0 0")
                .kernelThread())
        .isTrue();
    assertThat(
            parse("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 2 0 0")
                .kernelThread())
        .isTrue();
  }

  @Test
  void truncatedContentIsRejected() {
    assertThat(parse("")).isNull();
    assertThat(parse("12 (bash) S 1 12")).isNull();
    assertThat(parse("garbage")).isNull();
  }

  @Test
  void cpuTimesExcludeGuestWhichIsInsideUser() {
    byte[] b =
        ("cpu  100 10 50 1000 20 5 5 2 80 0\ncpu0 50 5 25 500 10 2 2 1 40 0\n"
                + "cpu1 50 5 25 500 10 3 3 1 40 0\nintr 1 2\n")
            .getBytes(StandardCharsets.US_ASCII);
    CpuTimes t = CpuTimes.parse(b, b.length);
    assertThat(t.busyTicks()).isEqualTo(100 + 10 + 50 + 5 + 5 + 2);
    assertThat(t.totalTicks()).isEqualTo(172 + 1000 + 20);
    assertThat(t.cpuCount()).isEqualTo(2);
  }

  @Test
  void commandLines() {
    CommandLine qemu =
        cmd(
            "/usr/libexec/qemu-kvm",
            "-name",
            "guest=one-123,debug-threads=on",
            "-smp",
            "cpus=6,maxcpus=8,sockets=1");
    assertThat(qemu.kvmVmId()).isEqualTo("123");
    assertThat(qemu.vcpus()).isEqualTo(6);
    assertThat(cmd("qemu-system-x86_64", "-name", "one-5").kvmVmId()).isEqualTo("5");
    assertThat(cmd("qemu-system-x86_64", "-name", "guest=one-5").vcpus()).isEqualTo(1);
    assertThat(cmd("qemu-system-x86_64", "-name", "guest=notone-5").kvmVmId()).isNull();
    assertThat(cmd("vim", "guest=one-5").kvmVmId()).isNull();
    CommandLine monitor = cmd("[lxc monitor] /var/lib/lxc one-12");
    assertThat(monitor.lxcVmId()).isEqualTo("12");
    assertThat(cmd("x".repeat(500)).display()).hasSize(CommandLine.DISPLAY_LIMIT);
  }

  private static CommandLine cmd(String... argv) {
    byte[] b = (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8);
    return CommandLine.parse(b, b.length);
  }
}
