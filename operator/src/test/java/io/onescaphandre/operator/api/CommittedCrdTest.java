package io.onescaphandre.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * crds/ holds the CRD generated from the Java classes; the build copies it there (and into the
 * chart) at process-classes, so this fails only when the copy went wrong; a commit that forgot the
 * copied file is caught by .ci/run's git diff.
 */
class CommittedCrdTest {
  static final String FILE = "scaphandremonitors.one-scaphandre.io-v1.yml";
  static final String REGENERATE =
      "./mvnw -B -pl operator -am process-classes (it copies the CRD into crds/"
          + " and helm/one-scaphandre/crds/)";

  @Test
  void committedCrdIsTheGeneratedOne() throws IOException {
    Path generated = Path.of("target/classes/META-INF/fabric8", FILE);
    Path committed = Path.of("../crds", FILE);
    assertThat(generated).as("the crd-generator-maven-plugin output").exists();
    assertThat(committed).as("committed CRD; create it with: " + REGENERATE).exists();
    assertThat(Files.readString(committed))
        .as("crds/%s is stale; regenerate it with: %s", FILE, REGENERATE)
        .isEqualTo(Files.readString(generated));
  }

  @Test
  void crdHasTheNamesOfTheInterfaces() throws IOException {
    String crd = Files.readString(Path.of("../crds", FILE));
    assertThat(crd)
        .contains(
            "group: \"one-scaphandre.io\"",
            "kind: \"ScaphandreMonitor\"",
            "plural: \"scaphandremonitors\"",
            "- \"scaph\"",
            "scope: \"Namespaced\"",
            "name: \"v1alpha1\"");
    assertThat(crd)
        .contains(
            "self.all(k, self[k] >= 0 && self[k] <= 2147483647)",
            "maximum: 65535.0",
            "- \"scaphandre\"");
  }

  @Test
  void theChartHoldsTheSameCrd() throws IOException {
    assertThat(Files.readString(Path.of("../helm/one-scaphandre/crds", FILE)))
        .as("the chart's CRD; " + REGENERATE)
        .isEqualTo(Files.readString(Path.of("../crds", FILE)));
  }

  @Test
  void everyValidationRuleReasonIsOneTheApiServerAccepts() throws IOException {
    // kube-apiserver refuses the whole CRD for any other reason (found by the e2e run).
    String crd = Files.readString(Path.of("../crds", FILE));
    java.util.regex.Matcher reasons =
        java.util.regex.Pattern.compile("reason: \"([^\"]+)\"").matcher(crd);
    java.util.List<String> found = new java.util.ArrayList<>();
    while (reasons.find()) {
      found.add(reasons.group(1));
    }
    assertThat(found)
        .isNotEmpty()
        .allSatisfy(
            r ->
                assertThat(r)
                    .isIn(
                        "FieldValueInvalid",
                        "FieldValueForbidden",
                        "FieldValueRequired",
                        "FieldValueDuplicate"));
  }

  @Test
  void aNewMonitorCarriesNoDefaultSpec() {
    // JOSDK adds its finalizer by force-applying a new instance: a default spec would overwrite the
    // user's.
    String json =
        new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
            .asJson(new ScaphandreMonitor());
    assertThat(json).doesNotContain("\"spec\"");
    assertThat(new ScaphandreMonitor().withDefaultSpecIfMissing().getSpec().getAgent().getPort())
        .isEqualTo(8080);
  }
}
