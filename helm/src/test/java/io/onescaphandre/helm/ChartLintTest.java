package io.onescaphandre.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

class ChartLintTest {

  @Test
  void strictLintFindsNothingToComplainAbout() {
    LintResult result = new Helm(ProjectPaths.chart()).lint().strict().call();

    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .as("no warnings or errors, only informational notes")
        .noneMatch(message -> message.contains("[WARNING]") || message.contains("[ERROR]"));
  }
}
