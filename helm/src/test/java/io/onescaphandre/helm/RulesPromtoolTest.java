package io.onescaphandre.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator's rules file passes {@code promtool check rules} and its unit tests ({@code promtool
 * test rules}).
 */
class RulesPromtoolTest {

  @Test
  void rulesFileIsValid() throws Exception {
    Promtool.Result result =
        Promtool.require()
            .run(ProjectPaths.root(), "check", "rules", ProjectPaths.rules().toString());

    assertThat(result.succeeded()).as(result.output()).isTrue();
    assertThat(result.output()).contains("SUCCESS");
  }

  static Stream<Path> unitTestFiles() throws IOException {
    try (Stream<Path> files = Files.list(ProjectPaths.promtoolTests())) {
      List<Path> tests =
          files
              .filter(file -> file.getFileName().toString().endsWith(".test.yaml"))
              .sorted()
              .toList();
      assertThat(tests).as("promtool unit tests in %s", ProjectPaths.promtoolTests()).isNotEmpty();
      return tests.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unitTestFiles")
  void unitTestsPass(Path testFile) throws Exception {
    Promtool.Result result =
        Promtool.require()
            .run(testFile.getParent(), "test", "rules", testFile.getFileName().toString());

    assertThat(result.succeeded()).as(result.output()).isTrue();
    assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
  }
}
