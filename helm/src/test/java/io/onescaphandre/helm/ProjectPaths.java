package io.onescaphandre.helm;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the files under test live, relative to the repository root (surefire passes it as {@code
 * project.root}).
 */
final class ProjectPaths {

  private ProjectPaths() {}

  static Path root() {
    Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("helm"))) {
      throw new IllegalStateException("not the one-scaphandre repository root: " + root);
    }
    return root;
  }

  static Path chart() {
    return root().resolve("helm/one-scaphandre");
  }

  static Path chartCrd() {
    return chart().resolve("crds/scaphandremonitors.one-scaphandre.io-v1.yml");
  }

  static Path generatedCrd() {
    return root().resolve("crds/scaphandremonitors.one-scaphandre.io-v1.yml");
  }

  static Path dashboard() {
    return chart().resolve("dashboards/one-scaphandre.json");
  }

  static Path rules() {
    return root().resolve("operator/src/main/resources/rules/one-scaphandre.rules.yaml");
  }

  static Path promtoolTests() {
    return root().resolve("operator/src/test/promtool");
  }
}
