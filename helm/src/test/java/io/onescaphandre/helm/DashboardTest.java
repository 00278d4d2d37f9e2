package io.onescaphandre.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Grafana dashboard: its variables, and every PromQL expression in it parsed by promtool. */
class DashboardTest {

  /**
   * What Grafana puts in place of the dashboard's variables, so that promtool sees plain PromQL.
   */
  private static final Map<String, String> GRAFANA_VARIABLES =
      Map.of(
          "$__rate_interval", "5m",
          "$__interval", "1m",
          "$__range", "6h",
          "$cluster", ".*",
          "$host", ".*",
          "$vm", ".*");

  private static final Pattern LABEL_VALUES =
      Pattern.compile("^label_values\\((.+),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\)$");
  private static final Pattern RECORDED_NAME = Pattern.compile("\\b[a-z_]+:[a-z_]+:[a-z0-9_]+\\b");

  private static JsonNode dashboard;
  private static List<String> expressions;

  @BeforeAll
  static void read() throws IOException {
    dashboard = new ObjectMapper().readTree(ProjectPaths.dashboard().toFile());
    expressions = new ArrayList<>();
    collectPanelExpressions(dashboard.path("panels"), expressions);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        Matcher labelValues = LABEL_VALUES.matcher(variable.path("query").path("query").asText());
        assertThat(labelValues.matches())
            .as("variable %s uses label_values(selector, label)", variable.get("name"))
            .isTrue();
        expressions.add(labelValues.group(1));
      }
    }
  }

  private static void collectPanelExpressions(JsonNode panels, List<String> into) {
    for (JsonNode panel : panels) {
      panel.path("targets").forEach(target -> into.add(target.path("expr").asText()));
      collectPanelExpressions(panel.path("panels"), into);
    }
  }

  @Test
  void hasClusterHostAndVmVariablesAndTheAskedPanels() {
    List<String> variables = new ArrayList<>();
    dashboard
        .path("templating")
        .path("list")
        .forEach(variable -> variables.add(variable.path("name").asText()));
    assertThat(variables).contains("datasource", "cluster", "host", "vm");

    List<String> titles = new ArrayList<>();
    dashboard.path("panels").forEach(panel -> titles.add(panel.path("title").asText()));
    assertThat(titles)
        .contains(
            "Total power",
            "Power per host",
            "Top VMs by power",
            "Top VMs by energy, last 24 h",
            "Energy per user, last 24 h",
            "Energy per group, last 24 h",
            "Agent state");
    assertThat(expressions).allSatisfy(expression -> assertThat(expression).isNotBlank());
  }

  @Test
  void readsOnlySeriesThatTheRulesRecord() throws IOException {
    Set<String> referenced = new TreeSet<>();
    expressions.forEach(
        expression ->
            RECORDED_NAME.matcher(expression).results().forEach(m -> referenced.add(m.group())));

    assertThat(referenced).isNotEmpty();
    assertThat(RulesFile.read().recordedNames()).containsAll(referenced);
  }

  @Test
  void everyExpressionParses(@TempDir Path temporary) throws Exception {
    Promtool promtool = Promtool.require();
    ObjectNode root = new ObjectMapper().createObjectNode();
    ArrayNode rules =
        root.putArray("groups").addObject().put("name", "dashboard-expressions").putArray("rules");
    for (int i = 0; i < expressions.size(); i++) {
      String expression = expressions.get(i);
      for (Map.Entry<String, String> variable : GRAFANA_VARIABLES.entrySet()) {
        expression = expression.replace(variable.getKey(), variable.getValue());
      }
      assertThat(expression).as("every Grafana variable replaced").doesNotContain("$");
      rules
          .addObject()
          .put("record", "dashboard:expression_" + i + ":check")
          .put("expr", expression);
    }
    Path ruleFile = temporary.resolve("dashboard-expressions.rules.yaml");
    new YAMLMapper().writeValue(ruleFile.toFile(), root);

    Promtool.Result result = promtool.run(temporary, "check", "rules", ruleFile.toString());

    assertThat(result.succeeded()).as(result.output()).isTrue();
    assertThat(result.output()).contains("SUCCESS: " + expressions.size() + " rules found");
  }
}
