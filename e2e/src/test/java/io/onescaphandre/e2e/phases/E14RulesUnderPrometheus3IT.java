package io.onescaphandre.e2e.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Phase 14: the rules' promtool unit tests under the Prometheus that users run. The helm module
 * runs them with the distribution's promtool (2.x) in every build; Prometheus 3 changed range
 * selection (left-open windows) and compares expected values to the last bit, so the same tests run
 * here with the promtool built beside the Prometheus 3 of this tier.
 */
class E14RulesUnderPrometheus3IT {
  private static final Path TESTS = Path.of("operator", "src", "test", "promtool");

  @BeforeAll
  static void binaries() {
    E2e.assumeControlPlane();
  }

  @Test
  void everyRulesUnitTestPassesUnderPrometheus3() throws Exception {
    List<String> command =
        new ArrayList<>(List.of(E2e.bin("promtool").toString(), "test", "rules"));
    try (Stream<Path> files = Files.list(E2e.repoRoot().resolve(TESTS))) {
      files
          .filter(f -> f.getFileName().toString().endsWith(".test.yaml"))
          .sorted()
          .map(Path::toString)
          .forEach(command::add);
    }
    assertThat(command).hasSizeGreaterThan(3);

    var result = Kubectl.Commands.run(command, null, 120);

    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
    assertThat(result.stdout() + result.stderr()).doesNotContain("FAILED");
  }
}
