package io.onescaphandre.e2e.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.SharedFixtures;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Phase 2: the Prometheus Operator's CRDs from its own module, server-side applied, are
 * Established.
 */
class E02PrometheusOperatorCrdsIT {
  @BeforeAll
  static void controlPlane() {
    E2e.assumeControlPlane();
  }

  @Test
  void prometheusOperatorCrdsAreEstablished() throws Exception {
    var names = SharedFixtures.ensurePrometheusOperatorCrds();
    assertThat(names)
        .contains(
            "podmonitors.monitoring.coreos.com",
            "scrapeconfigs.monitoring.coreos.com",
            "prometheusrules.monitoring.coreos.com",
            "prometheuses.monitoring.coreos.com");
    // The reason for server-side apply: client-side apply keeps a last-applied annotation, limited
    // to 256 KiB.
    long largest =
        Files.size(
            SharedFixtures.prometheusOperatorCrdDir()
                .resolve("monitoring.coreos.com_prometheuses.yaml"));
    assertThat(largest).isGreaterThan(256 * 1024);
    var crd =
        E2e.client()
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("prometheuses.monitoring.coreos.com")
            .get();
    assertThat(crd.getMetadata().getAnnotations())
        .doesNotContainKey("kubectl.kubernetes.io/last-applied-configuration");
  }
}
