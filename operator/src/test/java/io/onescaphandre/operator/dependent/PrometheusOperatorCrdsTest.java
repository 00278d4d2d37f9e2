package io.onescaphandre.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.onescaphandre.operator.testsupport.MockCluster;
import io.onescaphandre.operator.testsupport.MockClusterExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CRD lookups behind the Prometheus objects' activation conditions, against the mock API server
 * with a clock the test moves: why this class is kept instead of JOSDK's
 * CRDPresentActivationCondition (see its comment), each property a test.
 */
class PrometheusOperatorCrdsTest {
  private static final Duration RECHECK = Duration.ofSeconds(30);

  @RegisterExtension final MockClusterExtension mock = new MockClusterExtension();

  private MockCluster cluster;
  private KubernetesClient client;
  private final MovableClock clock = new MovableClock();
  private final PrometheusOperatorCrds crds = new PrometheusOperatorCrds(RECHECK, clock);

  @BeforeEach
  void start() {
    cluster = mock.cluster();
    client = cluster.client();
  }

  @Test
  void anAbsentCrdIsBelievedAbsentUntilTheRecheckInterval() {
    assertThat(crds.present(client, PrometheusOperatorCrds.POD_MONITORS)).isFalse();

    cluster.installCrd(PrometheusOperatorCrds.POD_MONITORS);
    clock.advance(RECHECK.minusSeconds(1));
    assertThat(crds.present(client, PrometheusOperatorCrds.POD_MONITORS))
        .as("not looked up again within the interval")
        .isFalse();

    clock.advance(Duration.ofSeconds(1));
    assertThat(crds.present(client, PrometheusOperatorCrds.POD_MONITORS)).isTrue();
  }

  @Test
  void aCrdInstalledAfterAHundredAbsentChecksIsStillFound() {
    for (int i = 0; i < 100; i++) {
      assertThat(crds.present(client, PrometheusOperatorCrds.SCRAPE_CONFIGS)).isFalse();
      clock.advance(RECHECK);
    }

    cluster.installCrd(PrometheusOperatorCrds.SCRAPE_CONFIGS);

    assertThat(crds.present(client, PrometheusOperatorCrds.SCRAPE_CONFIGS))
        .as("no limit on the checks, unlike JOSDK's 10")
        .isTrue();
  }

  @Test
  void aPresentCrdIsRememberedAndEachCrdIsAskedOnItsOwn() {
    cluster.installCrd(PrometheusOperatorCrds.PROMETHEUS_RULES);
    assertThat(crds.present(client, PrometheusOperatorCrds.PROMETHEUS_RULES)).isTrue();
    assertThat(crds.present(client, PrometheusOperatorCrds.POD_MONITORS)).isFalse();

    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(PrometheusOperatorCrds.PROMETHEUS_RULES)
        .delete();
    assertThat(crds.present(client, PrometheusOperatorCrds.PROMETHEUS_RULES))
        .as("remembered: no lookup per reconcile once found")
        .isTrue();
  }

  @Test
  void eachOperatorHasItsOwnAnswersUnlikeAJvmWideCache() {
    cluster.installCrd(PrometheusOperatorCrds.POD_MONITORS);
    assertThat(crds.present(client, PrometheusOperatorCrds.POD_MONITORS)).isTrue();

    try (MockCluster other = MockCluster.start()) {
      PrometheusOperatorCrds otherOperators = new PrometheusOperatorCrds(RECHECK, clock);
      assertThat(otherOperators.present(other.client(), PrometheusOperatorCrds.POD_MONITORS))
          .as("another API server without the CRD")
          .isFalse();
    }
  }

  @Test
  void anUnreachableApiServerIsAnAbsentCrdNotAFailedReconcile() {
    try (KubernetesClient nowhere =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:1") // nothing listens: connection refused
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build()) {
      assertThat(crds.present(nowhere, PrometheusOperatorCrds.POD_MONITORS)).isFalse();
    }
  }

  private static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
