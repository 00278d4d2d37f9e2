package io.onescaphandre.e2e.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.onescaphandre.contracts.duration.DurationConverter;
import io.onescaphandre.contracts.duration.DurationField;
import io.onescaphandre.contracts.duration.DurationFields;
import io.onescaphandre.contracts.duration.Durations;
import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.Figures;
import io.onescaphandre.e2e.support.Kubectl;
import io.onescaphandre.e2e.support.Parts;
import io.onescaphandre.e2e.support.SharedFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Phase 13 (issue 15, item 3): the one duration grammar on the real kube-apiserver. Invalid
 * durations are refused by the API server itself, with the CRD's message naming the field and the
 * range; and over a sample of values around every field's bounds, what the server admits the agent
 * (its --interval converter) and the operator (SpecValidator, render) parse, and what it refuses
 * they refuse. Server-side dry runs: nothing is stored.
 */
class E13DurationGrammarIT {
  private static final String NAMESPACE = "e2e-durations";

  @BeforeAll
  static void crd() {
    E2e.assumeControlPlane();
    Parts.assumeOperator();
    Kubectl.applyServerSide(Parts.scaphandreMonitorCrd().toString(), null).assertSuccess();
    Kubectl.run(
            "wait",
            "--for=condition=Established",
            "--timeout=60s",
            "crd/scaphandremonitors.one-scaphandre.io")
        .assertSuccess();
    SharedFixtures.ensureNamespace(NAMESPACE);
  }

  @Test
  void invalidDurationsAreRefusedByTheApiServerNamingFieldAndRange() {
    Map<DurationField, List<String>> refused =
        Map.of(
            DurationFields.AGENT_INTERVAL,
                List.of("1ms", "0s", "999999999999h", "1d", "1.5s", "30s1m"),
            DurationFields.PROMETHEUS_INTERVAL, List.of("500ms", "2h", "1w"),
            DurationFields.OPENNEBULA_TIMEOUT, List.of("999ms", "6m"),
            DurationFields.OPENNEBULA_REFRESH_INTERVAL, List.of("1s", "25h"));
    refused.forEach(
        (field, values) ->
            values.forEach(
                value -> {
                  Kubectl.Result result =
                      Kubectl.runWithInput(
                          yaml(monitor("refused", field, value)),
                          "apply",
                          "--dry-run=server",
                          "-f",
                          "-");
                  assertThat(result.exitCode())
                      .as("%s=%s: %s", field.name(), value, result.stdout())
                      .isNotZero();
                  assertThat(result.stderr())
                      .as("%s=%s", field.name(), value)
                      .contains(
                          "ScaphandreMonitor \"refused\" is invalid",
                          field.name(),
                          "from " + field.range());
                }));
    // The value issue 15 saw crash-loop every agent is admitted, and the agent reads it.
    Kubectl.runWithInput(
            yaml(monitor("admitted", DurationFields.AGENT_INTERVAL, "1m30s")),
            "apply",
            "--dry-run=server",
            "-f",
            "-")
        .assertSuccess();
    assertThat(new DurationConverter.AgentInterval().convert("1m30s"))
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void whatTheServerAdmitsTheParsersAdmitAndNothingElse() {
    Random random = new Random(12);
    int checked = 0;
    int admitted = 0;
    long start = System.nanoTime();
    for (DurationField field : DurationField.specFields()) {
      for (String value : samples(field, random)) {
        boolean serverAdmits = serverAdmits(monitor("sample", field, value));
        boolean parsersAdmit = parses(field, value);
        assertThat(parsersAdmit)
            .as("%s='%s': the API server admits it: %s", field.name(), value, serverAdmits)
            .isEqualTo(serverAdmits);
        checked++;
        admitted += serverAdmits ? 1 : 0;
      }
    }
    Figures.record("durations", "values checked against the API server", checked, "values");
    Figures.record("durations", "of which admitted", admitted, "values");
    Figures.record(
        "durations", "dry-run create per value", (System.nanoTime() - start) / 1e6 / checked, "ms");
    assertThat(admitted).isBetween(checked / 10, checked - checked / 10);
  }

  private static boolean parses(DurationField field, String value) {
    try {
      if (field.equals(DurationFields.AGENT_INTERVAL)) {
        new DurationConverter.AgentInterval().convert(value);
      } else {
        field.parse(value);
      }
      return true;
    } catch (RuntimeException refused) {
      return false;
    }
  }

  private static boolean serverAdmits(GenericKubernetesResource monitor) {
    try {
      E2e.client().resource(monitor).dryRun().create();
      return true;
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as(e.getMessage()).isEqualTo(422);
      return false;
    }
  }

  /**
   * Both bounds, a millisecond and a second either side, a spread across the range, near misses.
   */
  private static List<String> samples(DurationField field, Random random) {
    Set<String> samples = new LinkedHashSet<>();
    for (Duration edge : List.of(field.min(), field.max())) {
      for (long delta : new long[] {-1000, -1, 0, 1, 1000}) {
        if (!edge.plusMillis(delta).isNegative()) {
          samples.add(Durations.format(edge.plusMillis(delta)));
        }
      }
    }
    samples.addAll(List.of("0s", "1d", "1.5s", "1m1m", "30s1m", "PT10S", "2s ", "1000000h", "01m"));
    double low = Math.log(Math.max(1, field.min().toMillis() / 4));
    double high = Math.log(field.max().toMillis() * 4.0);
    while (samples.size() < 40) {
      samples.add(
          Durations.format(
              Duration.ofMillis((long) Math.exp(low + random.nextDouble() * (high - low)))));
    }
    return new ArrayList<>(samples);
  }

  private static String yaml(GenericKubernetesResource monitor) {
    return E2e.client().getKubernetesSerialization().asYaml(monitor);
  }

  private static GenericKubernetesResource monitor(String name, DurationField field, String value) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("nodeSelector", Map.of("one-scaphandre.io/e2e", "durations"));
    Map<String, Object> openNebula = new LinkedHashMap<>();
    openNebula.put("endpoint", "http://frontend.example:2633/RPC2");
    openNebula.put("secretRef", Map.of("name", "one-auth"));
    spec.put("openNebula", openNebula);
    String[] path = field.name().substring("spec.".length()).split("\\.");
    @SuppressWarnings("unchecked")
    Map<String, Object> parent =
        (Map<String, Object>) spec.computeIfAbsent(path[0], k -> new LinkedHashMap<>());
    parent.put(path[1], value);
    GenericKubernetesResource monitor = new GenericKubernetesResource();
    monitor.setApiVersion("one-scaphandre.io/v1alpha1");
    monitor.setKind("ScaphandreMonitor");
    monitor.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(name)
            .withNamespace(NAMESPACE)
            .build());
    monitor.setAdditionalProperty("spec", spec);
    return monitor;
  }
}
