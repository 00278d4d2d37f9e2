package io.onescaphandre.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Conventions of the rules file that promtool does not check. */
class RulesFileTest {

  private static RulesFile rules;
  private static String unitTests;

  @BeforeAll
  static void read() throws IOException {
    rules = RulesFile.read();
    List<String> texts = new ArrayList<>();
    try (Stream<Path> files = Files.list(ProjectPaths.promtoolTests())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".test.yaml")).toList()) {
        texts.add(Files.readString(file));
      }
    }
    unitTests = String.join("\n", texts);
  }

  @Test
  void recordedNamesFollowLevelMetricOperations() {
    assertThat(rules.recordedNames())
        .isNotEmpty()
        .allMatch(name -> name.matches("[a-z_]+:[a-z_]+:[a-z0-9_]+"), "level:metric:operations")
        .doesNotHaveDuplicates();
  }

  @Test
  void everyAlertHasASeverityASummaryADescriptionAndARunbook() {
    assertThat(rules.alertingRules())
        .isNotEmpty()
        .allSatisfy(
            rule -> {
              assertThat(rule.path("labels").path("severity").asText())
                  .isIn("info", "warning", "critical");
              JsonNode annotations = rule.path("annotations");
              for (String annotation : List.of("summary", "description", "runbook")) {
                assertThat(annotations.path(annotation).asText())
                    .as("%s of %s", annotation, rule.get("alert"))
                    .isNotBlank();
              }
              assertThat(rule.path("for").asText()).as("for of %s", rule.get("alert")).isNotBlank();
            });
  }

  @Test
  void everyRecordedSeriesAndEveryAlertIsExercisedByAPromtoolUnitTest() {
    // The name may stand inside a larger expression (a tolerance check such as abs(x / v - 1)).
    assertThat(rules.recordedNames())
        .allSatisfy(
            name ->
                assertThat(unitTests)
                    .containsPattern("expr: [^\n]*" + java.util.regex.Pattern.quote(name)));
    assertThat(rules.alertNames())
        .allSatisfy(name -> assertThat(unitTests).contains("alertname: " + name));
  }

  @Test
  void coversBothAgentFlavoursAndTheJoins() {
    String expressions =
        String.join(
            "\n", rules.recordingRules().stream().map(rule -> rule.get("expr").asText()).toList());
    assertThat(expressions)
        .contains(
            "opennebula_host_power_watts", "scaph_host_power_microwatts",
            "opennebula_vm_power_watts", "scaph_process_power_consumption_microwatts",
            "opennebula_host_energy_joules_total", "opennebula_vm_energy_joules_total",
            "opennebula_vm_info", "kube_pod_info");
  }
}
