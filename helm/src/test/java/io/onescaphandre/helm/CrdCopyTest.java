package io.onescaphandre.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The chart installs the same CRD that the operator build generates into the repository's crds/.
 */
class CrdCopyTest {

  @Test
  void chartCopyIsTheScaphandreMonitorCrdOfTheInterfaces() throws Exception {
    CustomResourceDefinition crd =
        new KubernetesSerialization()
            .unmarshal(Files.readString(ProjectPaths.chartCrd()), CustomResourceDefinition.class);

    assertThat(crd.getSpec().getGroup()).isEqualTo("one-scaphandre.io");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("ScaphandreMonitor");
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("scaphandremonitors");
    assertThat(crd.getSpec().getNames().getShortNames()).contains("scaph");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getVersions())
        .anySatisfy(
            version -> {
              assertThat(version.getName()).isEqualTo("v1alpha1");
              assertThat(version.getStorage()).isTrue();
              assertThat(version.getSubresources().getStatus()).isNotNull();
            });
  }

  @Test
  void chartCopyIsIdenticalToTheGeneratedCrd() throws Exception {
    assumeTrue(
        Files.isRegularFile(ProjectPaths.generatedCrd()),
        "the operator build has not generated " + ProjectPaths.generatedCrd() + " yet");

    assertThat(Files.readString(ProjectPaths.chartCrd()))
        .as("copy %s to %s", ProjectPaths.generatedCrd(), ProjectPaths.chartCrd())
        .isEqualTo(Files.readString(ProjectPaths.generatedCrd()));
  }
}
