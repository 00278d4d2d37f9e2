package io.onescaphandre.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoMachineTest {
  @Test
  void containerPathsAreMappedToThisMachineAndMissingFlagsAppended() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("--path.sysfs", "/tmp/sim/sys");
    values.put("--path.rootfs", "/tmp/sim/node");
    values.put("--path.procfs", "/proc");
    List<String> mapped =
        DemoMachine.mapArgs(
            List.of(
                "init",
                "--path.sysfs=/host/sys",
                "--path.rootfs",
                "/host",
                "--termination-message-path=/dev/termination-log"),
            values);
    assertThat(mapped)
        .containsExactly(
            "init",
            "--path.sysfs=/tmp/sim/sys",
            "--path.rootfs=/tmp/sim/node",
            "--termination-message-path=/dev/termination-log",
            "--path.procfs=/proc");
  }
}
