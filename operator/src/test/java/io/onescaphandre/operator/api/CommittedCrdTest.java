package io.onescaphandre.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** crds/ holds the CRD generated from the Java classes; this fails when someone forgot to copy it. */
class CommittedCrdTest {
  static final String FILE = "scaphandremonitors.one-scaphandre.io-v1.yml";
  static final String REGENERATE = "./mvnw -B -pl operator process-classes && cp operator/target/classes/META-INF/fabric8/"
      + FILE + " crds/";

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
    assertThat(crd).contains("group: \"one-scaphandre.io\"", "kind: \"ScaphandreMonitor\"",
        "plural: \"scaphandremonitors\"", "- \"scaph\"", "scope: \"Namespaced\"", "name: \"v1alpha1\"");
    assertThat(crd).contains("self.all(k, self[k] >= 0)", "maximum: 65535.0", "- \"scaphandre\"");
  }
}
