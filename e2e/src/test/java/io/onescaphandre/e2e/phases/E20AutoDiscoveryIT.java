package io.onescaphandre.e2e.phases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onescaphandre.e2e.support.AgentPodRunner;
import io.onescaphandre.e2e.support.DashboardQueries;
import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.Figures;
import io.onescaphandre.e2e.support.GeneratedPrometheusConfig;
import io.onescaphandre.e2e.support.Kubectl;
import io.onescaphandre.e2e.support.KubeletStandIn;
import io.onescaphandre.e2e.support.Loopback;
import io.onescaphandre.e2e.support.OpenNebulaNodes;
import io.onescaphandre.e2e.support.OperatorManagedPrometheus;
import io.onescaphandre.e2e.support.OperatorProcess;
import io.onescaphandre.e2e.support.Owned;
import io.onescaphandre.e2e.support.Parts;
import io.onescaphandre.e2e.support.ProcStat;
import io.onescaphandre.e2e.support.PromQl;
import io.onescaphandre.e2e.support.PrometheusServer;
import io.onescaphandre.e2e.support.QemuGuests;
import io.onescaphandre.e2e.support.SampleMonitor;
import io.onescaphandre.e2e.support.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Phase 20 (issue 9, and issue 6 step 3): Prometheus Operator auto-discovery end to end. Our
 * operator turns the sample monitor into a DaemonSet whose pods the real controller manager and
 * scheduler place on OpenNebula-host nodes; the kubelet stand-in (the only simulated step) runs our
 * agent jar for each on the node's own loopback address with the node's own RAPL tree; the real
 * Prometheus Operator selects our PodMonitor, ScrapeConfig and PrometheusRule for a Prometheus
 * shaped like kube-prometheus-stack's; a real Prometheus 3 runs that generated config and is
 * queried. Then churn as users cause it. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class E20AutoDiscoveryIT {
  private static final Duration WAIT = Duration.ofSeconds(150);

  /**
   * Which path scraped a series. The job label cannot tell them apart: the PodMonitor's jobLabel
   * and the ScrapeConfig's jobName both give job="one-scaphandre-agent" (docs/interfaces.md), and
   * before that the defaults were "<namespace>/<name>" and "scrapeConfig/<namespace>/<name>". The
   * Prometheus Operator gives every PodMonitor target a pod label; our ScrapeConfig's static groups
   * carry node and none have a pod label.
   */
  private static final String VIA_POD_MONITOR = "pod!=\"\"";

  private static final String VIA_SCRAPE_CONFIG = "pod=\"\",node!=\"\"";
  private static final Map<String, Integer> HOST_ID_FILES =
      Map.of(
          OpenNebulaNodes.nodeName(1),
          11,
          OpenNebulaNodes.nodeName(2),
          12,
          OpenNebulaNodes.nodeName(3),
          13);

  private static SampleMonitor monitor;
  private static String prometheusName;
  private static KubeletStandIn kubelet;
  private static AgentPodRunner agents;
  private static OperatorManagedPrometheus prometheus;
  private static List<QemuGuests.Guest> guests;
  private static Map<String, String> recordsLeftOut = Map.of();

  @BeforeAll
  static void wholePath() throws Exception {
    E2e.assumeControlPlane();
    Parts.assumeOperator();
    Parts.assumeAgent();
    prometheusName = SharedFixtures.kubePrometheusStackPrometheus();
    guests = SharedFixtures.guests().guests();
    Kubectl.applyServerSide(Parts.scaphandreMonitorCrd().toString(), null).assertSuccess();
    monitor = SampleMonitor.load(Loopback.freePort());
    SharedFixtures.ensureNamespace(monitor.namespace());
    for (int n = 1; n <= 2; n++) {
      Map<String, String> labels = new HashMap<>(monitor.nodeSelector());
      labels.put(OpenNebulaNodes.HOST_ID_LABEL, Integer.toString(10 + n));
      OpenNebulaNodes.ensure(n, labels);
    }
    OpenNebulaNodes.ensure(3, Map.of()); // not an OpenNebula host yet: the churn step labels it
    agents = new AgentPodRunner(HOST_ID_FILES);
    kubelet = new KubeletStandIn(monitor.namespace(), Owned.podLabels(monitor.name()), agents);
    OperatorProcess.ensureRunning();
    Kubectl.runWithInput(monitor.yaml(), "apply", "-f", "-").assertSuccess();
    Kubectl.run(
            "-n",
            monitor.namespace(),
            "patch",
            "scaph",
            monitor.name(),
            "--type=merge",
            "-p",
            SampleMonitor.ENABLE_SCRAPE_CONFIG_PATCH)
        .assertSuccess();
    Figures.recordText(
        "auto-discovery",
        "sample monitor (" + monitor.source() + ") patched with",
        SampleMonitor.ENABLE_SCRAPE_CONFIG_PATCH);
    Awaitility.await("our PodMonitor and ScrapeConfig jobs in the generated config")
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> ourJobs(currentConfig()).size() >= 2);
    prometheus =
        OperatorManagedPrometheus.start(SharedFixtures.MONITORING_NAMESPACE, prometheusName);
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (kubelet != null) {
      kubelet.close();
    }
    if (agents != null) {
      agents.closeTrees();
    }
  }

  @Test
  @Order(1)
  void generatedConfigHasOurJobsWithTheHostIdRelabelingsAndOurRules() throws Exception {
    String config = currentConfig();
    Figures.record(
        "auto-discovery",
        "generated config size",
        config.getBytes(StandardCharsets.UTF_8).length,
        "bytes");
    List<String> jobs = ourJobs(config);
    assertThat(jobs)
        .anyMatch(j -> j.startsWith("podMonitor/" + monitor.namespace() + "/"))
        .anyMatch(j -> j.startsWith("scrapeConfig/" + monitor.namespace() + "/"));
    JsonNode podJob =
        GeneratedPrometheusConfig.job(
            config,
            jobs.stream().filter(j -> j.startsWith("podMonitor/")).findFirst().orElseThrow());
    List<String> targets = new ArrayList<>();
    podJob.path("relabel_configs").forEach(r -> targets.add(r.path("target_label").asText()));
    assertThat(targets).contains("host_id", "one_host_id", "node");
    assertThat(podJob.path("relabel_configs").toString())
        .contains("__meta_kubernetes_node_label_one_scaphandre_io_host_id");
    JsonNode staticJob =
        GeneratedPrometheusConfig.job(
            config,
            jobs.stream().filter(j -> j.startsWith("scrapeConfig/")).findFirst().orElseThrow());
    assertThat(staticJob.path("static_configs").toString())
        .contains("host_id", Loopback.nodeAddress(1));

    var file = E2e.work("auto-discovery").resolve("generated.yaml");
    Files.writeString(file, config);
    var check =
        Kubectl.Commands.run(
            List.of(
                E2e.bin("promtool").toString(),
                "check",
                "config",
                "--syntax-only",
                file.toString()),
            null,
            60);
    assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();

    Awaitility.await("our PrometheusRule in the rule ConfigMap")
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                prometheus.ruleFiles().keySet().stream()
                    .anyMatch(k -> k.startsWith(monitor.namespace() + "-")));
  }

  @Test
  @Order(2)
  void everyAgentIsUpThroughKubernetesDiscovery() {
    PromQl api = prometheus.api();
    List<PromQl.Sample> up =
        api.await(
            "up{" + VIA_POD_MONITOR + ",namespace=\"" + monitor.namespace() + "\"} == 1",
            r -> r.size() == 2,
            WAIT);
    assertThat(up).extracting(s -> s.label("host_id")).containsExactlyInAnyOrder("11", "12");
    assertThat(up)
        .extracting(s -> s.label("node"))
        .containsExactlyInAnyOrder(OpenNebulaNodes.nodeName(1), OpenNebulaNodes.nodeName(2));
    assertThat(kubelet.failures()).isEmpty();
    List<PromQl.Sample> upStatic =
        api.await("up{" + VIA_SCRAPE_CONFIG + "} == 1", r -> r.size() == 2, WAIT);
    assertThat(upStatic).extracting(s -> s.label("host_id")).containsExactlyInAnyOrder("11", "12");
    Figures.recordText("auto-discovery", "job label of our targets", up.get(0).label("job"));
  }

  @Test
  @Order(3)
  void everySeriesOfOursCarriesTheHostIdOfItsNode() {
    PromQl api = prometheus.api();
    api.await("opennebula_host_power_watts", r -> r.size() >= 2, WAIT);
    assertThat(api.query("count({__name__=~\"(opennebula|scaph)_.+\", host_id=\"\"})")).isEmpty();
    assertThat(api.query("count by (host_id) (opennebula_host_power_watts)"))
        .extracting(s -> s.label("host_id"))
        .contains("11", "12");
    for (PromQl.Sample s : api.query("opennebula_host_power_watts")) {
      String expected = s.label("node").equals(OpenNebulaNodes.nodeName(1)) ? "11" : "12";
      assertThat(s.label("host_id")).as("host_id of %s", s.labels()).isEqualTo(expected);
      assertThat(s.label("one_host_id")).isEqualTo(expected);
    }
    Figures.record(
        "auto-discovery",
        "series per host (our agent, one job)",
        api.query("count({host_id=\"11\"," + VIA_POD_MONITOR + "})").get(0).value(),
        "series");
  }

  @Test
  @Order(4)
  void eachGuestHasItsVmSeriesAndBusierGuestsGetMorePower() {
    PromQl api = prometheus.api();
    for (QemuGuests.Guest guest : guests) {
      api.await(
          "opennebula_vm_power_watts{one_vm_id=\""
              + guest.vmId()
              + "\",vmname=\""
              + guest.vmName()
              + "\"}",
          r -> !r.isEmpty(),
          WAIT);
    }
    E04QemuGuestsIT.sleepSeconds(30); // a few samples at the agent's interval, for averages
    Map<String, Double> watts = new HashMap<>();
    for (PromQl.Sample s :
        api.query(
            "avg by (one_vm_id) (avg_over_time(opennebula_vm_power_watts{"
                + VIA_POD_MONITOR
                + "}[30s]))")) {
      watts.put(s.label("one_vm_id"), s.value());
    }
    List<QemuGuests.Guest> byDuty =
        guests.stream()
            .sorted((a, b) -> Integer.compare(b.dutyPercent(), a.dutyPercent()))
            .toList();
    for (QemuGuests.Guest g : byDuty) {
      Figures.record(
          "auto-discovery",
          g.vmName() + " (duty " + g.dutyPercent() + "%) power, mean over nodes and 30 s",
          watts.getOrDefault(Integer.toString(g.vmId()), Double.NaN),
          "W");
    }
    for (int i = 0; i + 1 < byDuty.size(); i++) {
      assertThat(watts.get(Integer.toString(byDuty.get(i).vmId())))
          .as("power by VM %s", watts)
          .isGreaterThan(watts.get(Integer.toString(byDuty.get(i + 1).vmId())));
    }
  }

  @Test
  @Order(5)
  void recordingRulesProduceSeries() {
    Map<String, String> records = new LinkedHashMap<>(); // record -> expr, in file order
    for (String file : prometheus.ruleFiles().values()) {
      GeneratedPrometheusConfig.parse(file)
          .path("groups")
          .forEach(
              group ->
                  group
                      .path("rules")
                      .forEach(
                          rule -> {
                            if (rule.hasNonNull("record")) {
                              records.put(rule.path("record").asText(), rule.path("expr").asText());
                            }
                          }));
    }
    Assumptions.assumeFalse(
        records.isEmpty(), Parts.MISSING + "recording rules (the PrometheusRule has none)");
    PromQl api = prometheus.api();
    Map<String, String> absent = inputsAbsentHere(api);
    Map<String, String> excluded = new LinkedHashMap<>();
    for (var record : records.entrySet()) {
      String why = whyExcluded(record.getValue(), absent, excluded);
      if (why != null) {
        excluded.put(record.getKey(), why);
        Figures.recordText("auto-discovery", "recording rule left out: " + record.getKey(), why);
      }
    }
    List<String> checked = records.keySet().stream().filter(r -> !excluded.containsKey(r)).toList();
    assertThat(checked)
        .as("recording rules this run can feed (left out: %s)", excluded)
        .isNotEmpty();
    List<String> empty = awaitData(api, checked, Duration.ofSeconds(120));
    assertThat(empty)
        .as("recording rules without series after 120 s (of %s; left out: %s)", checked, excluded)
        .isEmpty();
    Figures.record("auto-discovery", "recording rules with series", checked.size(), "rules");
    Figures.record(
        "auto-discovery",
        "recording rules left out (inputs absent here)",
        excluded.size(),
        "rules");
    recordsLeftOut = excluded;
  }

  @Test
  @Order(6)
  void everyDashboardQueryReturnsData() {
    Parts.assumeChart();
    List<String> queries = DashboardQueries.of(Parts.chartDir());
    Assumptions.assumeFalse(
        queries.isEmpty(), Parts.MISSING + "dashboards (no *.json with expr in the chart)");
    PromQl api = prometheus.api();
    Map<String, String> absent = inputsAbsentHere(api);
    List<String> checked = new ArrayList<>();
    for (String query : queries) {
      String why = whyExcluded(query, absent, recordsLeftOut);
      if (why != null) {
        Figures.recordText("auto-discovery", "dashboard query left out: " + query, why);
      } else {
        checked.add(query);
      }
    }
    assertThat(checked).as("dashboard queries this run can feed").isNotEmpty();
    List<String> empty = awaitData(api, checked, Duration.ofSeconds(90));
    assertThat(empty)
        .as("dashboard queries without data (of %d checked)", checked.size())
        .isEmpty();
    Figures.record("auto-discovery", "dashboard queries with data", checked.size(), "queries");
    Figures.record(
        "auto-discovery",
        "dashboard queries left out (inputs absent here)",
        queries.size() - checked.size(),
        "queries");
  }

  /**
   * Inputs this run cannot have, each with the reason, as long as Prometheus confirms they are
   * absent (an input that shows up is no longer excused). A rule or dashboard query reading one of
   * them, or reading a recorded series that is itself left out, is left out and listed in the
   * figures.
   */
  private static Map<String, String> inputsAbsentHere(PromQl api) {
    Map<String, String[]> candidates = new LinkedHashMap<>();
    candidates.put(
        "opennebula_vm_info",
        new String[] {
          "opennebula_vm_info",
          "exported by the operator from the OpenNebula API; there is no OpenNebula front-end in this run"
        });
    candidates.put(
        "opennebula_pod_",
        new String[] {
          "{__name__=~\"opennebula_pod_.+\"}",
          "no Kubernetes pod runs on the simulated hosts (the kubelet stand-in starts processes, not pod cgroups)"
        });
    candidates.put(
        "ALERTS",
        new String[] {
          "ALERTS{alertstate=\"firing\"}",
          "has series only while an alert fires; none fires in a healthy run"
        });
    Map<String, String> absent = new LinkedHashMap<>();
    candidates.forEach(
        (token, check) -> {
          if (api.query(check[0]).isEmpty()) {
            absent.put(token, check[1]);
          }
        });
    return absent;
  }

  private static String whyExcluded(
      String expr, Map<String, String> absentInputs, Map<String, String> excludedRecords) {
    for (var input : absentInputs.entrySet()) {
      if (expr.contains(input.getKey())) {
        return "reads " + input.getKey() + ": " + input.getValue();
      }
    }
    for (var record : excludedRecords.entrySet()) {
      if (expr.contains(record.getKey())) {
        return "reads " + record.getKey() + ", left out (" + record.getValue() + ")";
      }
    }
    return null;
  }

  /** Polls every query until each has returned data once; returns those that never did. */
  private static List<String> awaitData(PromQl api, List<String> queries, Duration timeout) {
    List<String> pending = new CopyOnWriteArrayList<>(queries);
    try {
      await("data for every query")
          .atMost(timeout)
          .pollInterval(Duration.ofSeconds(2))
          .pollDelay(Duration.ZERO)
          .until(
              () -> {
                pending.removeIf(q -> hasData(api, q));
                return pending.isEmpty();
              });
    } catch (ConditionTimeoutException someNever) {
      // the caller reports which
    }
    return List.copyOf(pending);
  }

  private static boolean hasData(PromQl api, String query) {
    try {
      return !api.query(query).isEmpty();
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Test
  @Order(7)
  void aNodeLabelledAsOpenNebulaHostGetsAnAgentThatIsScraped() {
    long start = System.nanoTime();
    Map<String, String> labels = new HashMap<>(monitor.nodeSelector());
    labels.put(OpenNebulaNodes.HOST_ID_LABEL, "13");
    OpenNebulaNodes.ensure(3, labels);
    prometheus
        .api()
        .await(
            "opennebula_host_power_watts{host_id=\"13\"," + VIA_POD_MONITOR + "}",
            r -> !r.isEmpty(),
            WAIT);
    Figures.record(
        "auto-discovery",
        "node labelled -> first sample in Prometheus (PodMonitor)",
        (System.nanoTime() - start) / 1e9,
        "s");
    prometheus
        .api()
        .await(
            "opennebula_host_power_watts{host_id=\"13\"," + VIA_SCRAPE_CONFIG + "}",
            r -> !r.isEmpty(),
            WAIT);
    Figures.record(
        "auto-discovery",
        "node labelled -> first sample in Prometheus (ScrapeConfig)",
        (System.nanoTime() - start) / 1e9,
        "s");
  }

  @Test
  @Order(8)
  void aHostIdChangeReachesNewSeries() {
    long start = System.nanoTime();
    Kubectl.run(
            "label",
            "node",
            OpenNebulaNodes.nodeName(2),
            OpenNebulaNodes.HOST_ID_LABEL + "=22",
            "--overwrite")
        .assertSuccess();
    prometheus
        .api()
        .await(
            "opennebula_host_power_watts{host_id=\"22\"," + VIA_POD_MONITOR + "}",
            r -> !r.isEmpty(),
            WAIT);
    Figures.record(
        "auto-discovery",
        "host-id change -> first series with the new id (PodMonitor)",
        (System.nanoTime() - start) / 1e9,
        "s");
    prometheus
        .api()
        .await(
            "opennebula_host_power_watts{host_id=\"22\"," + VIA_SCRAPE_CONFIG + "}",
            r -> !r.isEmpty(),
            WAIT);
    Figures.record(
        "auto-discovery",
        "host-id change -> first series with the new id (ScrapeConfig)",
        (System.nanoTime() - start) / 1e9,
        "s");
  }

  @Test
  @Order(9)
  void thePlainJobServesPrometheusServersTheOperatorDoesNotManage() {
    var configMap =
        E2e.client()
            .configMaps()
            .inNamespace(monitor.namespace())
            .withLabels(Owned.labels(monitor.name()))
            .list()
            .getItems()
            .stream()
            .filter(
                cm ->
                    cm.getData() != null
                        && cm.getData().values().stream().anyMatch(v -> v.contains("job_name")))
            .findFirst()
            .orElseThrow();
    String plain =
        configMap.getData().values().stream()
            .filter(v -> v.contains("job_name"))
            .findFirst()
            .orElseThrow();
    String config =
        "global: {scrape_interval: 5s}\n"
            + (plain.contains("scrape_configs:")
                ? plain
                : "scrape_configs:\n"
                    + (plain.trim().startsWith("-")
                        ? plain
                        : "- " + plain.trim().replace("\n", "\n  "))
                    + "\n");
    try (PrometheusServer plainPrometheus = PrometheusServer.start("plain", config, Map.of())) {
      List<PromQl.Sample> up = plainPrometheus.api().await("up == 1", r -> r.size() >= 3, WAIT);
      assertThat(up).extracting(s -> s.label("host_id")).contains("11", "22", "13");
      plainPrometheus
          .api()
          .await("opennebula_host_power_watts{host_id=\"11\"}", r -> !r.isEmpty(), WAIT);
    }
  }

  @Test
  @Order(10)
  void aDisabledScrapeConfigLeavesNothingBehind() {
    String ns = monitor.namespace();
    long start = System.nanoTime();
    Kubectl.run(
            "-n",
            ns,
            "patch",
            "scaph",
            monitor.name(),
            "--type=merge",
            "-p",
            "{\"spec\":{\"prometheus\":{\"scrapeConfig\":{\"enabled\":false}}}}")
        .assertSuccess();
    Awaitility.await("the ScrapeConfig and its job gone, the PodMonitor's job kept")
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                Owned.list(Owned.SCRAPECONFIG, ns, monitor.name()).isEmpty()
                    && ourJobs(currentConfig()).stream()
                        .noneMatch(j -> j.startsWith("scrapeConfig/"))
                    && ourJobs(currentConfig()).stream()
                        .anyMatch(j -> j.startsWith("podMonitor/")));
    Figures.record(
        "auto-discovery",
        "scrapeConfig disabled -> its job gone from the generated config",
        (System.nanoTime() - start) / 1e9,
        "s");
    // Prometheus drops the scrape pool on reload. It writes no staleness markers for a removed job,
    // so
    // the last samples stay visible for the 5 min lookback: checked are the active targets and that
    // no
    // sample newer than 15 s comes from that path, while the PodMonitor path keeps all three
    // agents.
    String pool = "scrapeConfig/" + ns + "/";
    Awaitility.await("Prometheus no longer scrapes the ScrapeConfig's targets")
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              List<String> pools = new ArrayList<>();
              prometheus
                  .api()
                  .activeTargets()
                  .forEach(t -> pools.add(t.path("scrapePool").asText()));
              return pools.stream().noneMatch(p -> p.startsWith(pool))
                  && pools.stream().anyMatch(p -> p.startsWith("podMonitor/"));
            });
    prometheus
        .api()
        .await("count_over_time(up{" + VIA_SCRAPE_CONFIG + "}[15s])", List::isEmpty, WAIT);
    assertThat(prometheus.api().query("up{" + VIA_POD_MONITOR + "} == 1")).hasSize(3);
  }

  @Test
  @Order(11)
  void deletingTheMonitorRemovesItsJobsFromTheGeneratedConfig() {
    Figures.record(
        "auto-discovery",
        "kube-apiserver RSS with everything loaded",
        ProcStat.rssKib(
                Long.parseLong(
                    System.getenv().getOrDefault("ONE_SCAPHANDRE_E2E_APISERVER_PID", "0")))
            / 1024.0,
        "MiB");
    Figures.record(
        "auto-discovery",
        "our operator RSS",
        OperatorProcess.ensureRunning().rssKib() / 1024.0,
        "MiB");
    Figures.record(
        "auto-discovery",
        "Prometheus Operator RSS",
        SharedFixtures.prometheusOperator().rssKib() / 1024.0,
        "MiB");
    long start = System.nanoTime();
    Kubectl.run("-n", monitor.namespace(), "delete", "scaph", monitor.name(), "--timeout=120s")
        .assertSuccess();
    Awaitility.await("our jobs leave the generated config")
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> ourJobs(currentConfig()).isEmpty());
    Figures.record(
        "auto-discovery",
        "monitor deleted -> jobs gone from the generated config",
        (System.nanoTime() - start) / 1e9,
        "s");
  }

  private static String currentConfig() {
    String config =
        GeneratedPrometheusConfig.current(SharedFixtures.MONITORING_NAMESPACE, prometheusName);
    return config == null ? "" : config;
  }

  private static List<String> ourJobs(String config) {
    if (config.isEmpty()) {
      return List.of();
    }
    return GeneratedPrometheusConfig.jobNames(config).stream()
        .filter(
            j ->
                j.startsWith("podMonitor/" + monitor.namespace() + "/")
                    || j.startsWith("scrapeConfig/" + monitor.namespace() + "/"))
        .toList();
  }
}
