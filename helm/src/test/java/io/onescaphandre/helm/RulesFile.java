package io.onescaphandre.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The rules of operator/src/main/resources/rules/one-scaphandre.rules.yaml, read as plain YAML. */
record RulesFile(List<JsonNode> recordingRules, List<JsonNode> alertingRules) {

  static RulesFile read() throws IOException {
    JsonNode root = new YAMLMapper().readTree(ProjectPaths.rules().toFile());
    List<JsonNode> recording = new ArrayList<>();
    List<JsonNode> alerting = new ArrayList<>();
    for (JsonNode group : root.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        (rule.has("record") ? recording : alerting).add(rule);
      }
    }
    return new RulesFile(recording, alerting);
  }

  List<String> recordedNames() {
    return recordingRules.stream().map(rule -> rule.get("record").asText()).toList();
  }

  List<String> alertNames() {
    return alertingRules.stream().map(rule -> rule.get("alert").asText()).toList();
  }
}
