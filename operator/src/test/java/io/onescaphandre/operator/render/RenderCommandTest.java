package io.onescaphandre.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.onescaphandre.operator.OperatorMain;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RenderCommandTest {
  private static final String MONITOR =
      """
      apiVersion: one-scaphandre.io/v1alpha1
      kind: ScaphandreMonitor
      metadata:
        name: lab
        namespace: monitoring
      spec:
        nodeSelector:
          one-scaphandre.io/opennebula-host: "true"
        agent:
          port: 9101
        hostId:
          sources: [nodeLabel, static, hypervisorFiles]
          static:
            kvm-2: 12
        prometheus:
          podMonitor: {enabled: true, labels: {release: kube-prometheus-stack}}
          scrapeConfig: {enabled: true}
      """;

  /**
   * kvm-1 labelled by someone else, kvm-2 static, kvm-3 from its agent's report, kvm-4 unknown, web
   * not selected.
   */
  private static final String NODE_LIST =
      """
      apiVersion: v1
      kind: NodeList
      items:
      - metadata:
          name: kvm-3
          labels: {one-scaphandre.io/opennebula-host: "true"}
        status:
          addresses: [{type: InternalIP, address: 10.0.0.3}]
      - apiVersion: v1
        kind: Node
        metadata:
          name: kvm-1
          labels: {one-scaphandre.io/opennebula-host: "true", one-scaphandre.io/host-id: "11"}
        status:
          addresses: [{type: Hostname, address: kvm-1}, {type: InternalIP, address: 10.0.0.1}]
      - metadata:
          name: kvm-2
          labels: {one-scaphandre.io/opennebula-host: "true"}
        status:
          addresses: [{type: InternalIP, address: 10.0.0.2}]
      - metadata:
          name: kvm-4
          labels: {one-scaphandre.io/opennebula-host: "true"}
        status:
          addresses: [{type: InternalIP, address: 10.0.0.4}]
      - metadata:
          name: web
        status:
          addresses: [{type: InternalIP, address: 10.0.0.9}]
      """;

  private static final String REPORT =
      "{\"version\":1,\"hostId\":13,\"hostIdSource\":\"one_db_config\","
          + "\"hostIdFile\":\"/var/tmp/one_db/config\",\"hypervisor\":\"kvm\",\"rapl\":\"ok\","
          + "\"raplZones\":[\"package-0\"],\"message\":\"RAPL readable, host id 13\"}\n";

  @TempDir Path dir;
  private Path monitor;
  private Path nodes;
  private Path report;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void files() throws IOException {
    monitor = Files.writeString(dir.resolve("monitor.yaml"), MONITOR);
    nodes = Files.writeString(dir.resolve("nodes.yaml"), NODE_LIST);
    report = Files.writeString(dir.resolve("kvm-3.json"), REPORT);
  }

  private int render(String... args) {
    CommandLine cli =
        OperatorMain.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("render"));
    all.addAll(List.of(args));
    return cli.execute(all.toArray(String[]::new));
  }

  private static List<JsonNode> documents(String yaml) throws IOException {
    try (MappingIterator<JsonNode> it =
        new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
      return it.readAll();
    }
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  @Test
  void printsEveryObjectTheOperatorWouldApplyInOrder() throws IOException {
    int code =
        render(
            "--monitor",
            monitor.toString(),
            "--nodes",
            nodes.toString(),
            "--agent-report",
            "kvm-3=" + report);
    assertThat(code).as(err.toString()).isZero();
    List<JsonNode> docs = documents(out.toString());
    assertThat(docs)
        .extracting(d -> d.path("kind").asText() + "/" + d.path("metadata").path("name").asText())
        .containsExactly(
            "ServiceAccount/lab-agent",
            "DaemonSet/lab-agent",
            "ConfigMap/lab-prometheus-job",
            "PodMonitor/lab",
            "ScrapeConfig/lab",
            "PrometheusRule/lab",
            "Node/kvm-2",
            "Node/kvm-3");
    assertThat(docs.subList(0, 6))
        .allSatisfy(
            d -> {
              assertThat(d.path("metadata").path("namespace").asText()).isEqualTo("monitoring");
              assertThat(
                      d.path("metadata")
                          .path("labels")
                          .path("app.kubernetes.io/managed-by")
                          .asText())
                  .isEqualTo("one-scaphandre-operator");
            });

    JsonNode ds = docs.get(1).path("spec").path("template").path("spec");
    assertThat(ds.path("containers").get(0).path("image").asText())
        .isEqualTo("one-scaphandre-agent:0.1.0");
    assertThat(ds.path("containers").get(0).path("ports").get(0).path("hostPort").asInt())
        .isEqualTo(9101);
    assertThat(docs.get(3).path("metadata").path("labels").path("release").asText())
        .isEqualTo("kube-prometheus-stack");

    // kvm-1 by its own label, kvm-2 static, kvm-3 from the agent's report; kvm-4 has none.
    JsonNode scrape = docs.get(4).path("spec");
    assertThat(scrape.path("jobName").asText()).isEqualTo("one-scaphandre-agent");
    assertThat(
            StreamSupport.stream(scrape.path("staticConfigs").spliterator(), false)
                .map(
                    g ->
                        texts(g.path("targets")).get(0)
                            + " "
                            + g.path("labels").path("host_id").asText()
                            + " "
                            + g.path("labels").path("node").asText()))
        .containsExactly(
            "10.0.0.1:9101 11 kvm-1", "10.0.0.2:9101 12 kvm-2", "10.0.0.3:9101 13 kvm-3");
    String job = docs.get(2).path("data").path("prometheus-job.yaml").asText();
    assertThat(new YAMLMapper().readTree(job).get(0).path("static_configs")).hasSize(3);

    // Only the labels the operator sets: kvm-1's came from elsewhere and is left alone.
    JsonNode kvm3 = docs.get(7).path("metadata");
    assertThat(kvm3.path("labels").path("one-scaphandre.io/host-id").asText()).isEqualTo("13");
    assertThat(kvm3.path("annotations").path("one-scaphandre.io/host-id-source").asText())
        .isEqualTo("hypervisorFiles");
    assertThat(kvm3.path("annotations").path("one-scaphandre.io/labelled-by").asText())
        .isEqualTo("monitoring/lab");
    assertThat(
            docs.get(6).path("metadata").path("labels").path("one-scaphandre.io/host-id").asText())
        .isEqualTo("12");
    assertThat(err.toString()).contains("node kvm-4 has no host id");
  }

  @Test
  void printsPlainYamlWhoseStringsStayStrings() throws IOException {
    assertThat(render("--monitor", monitor.toString(), "--nodes", nodes.toString())).isZero();
    String yaml = out.toString();
    // Readable: no quotes where YAML needs none ...
    assertThat(yaml).contains("kind: DaemonSet\n", "kind: PodMonitor\n", "name: lab-agent\n");
    // ... but a label value "true" or a host id "12" read back as strings, not a boolean or a
    // number.
    List<JsonNode> docs = documents(yaml);
    JsonNode selector = docs.get(1).path("spec").path("template").path("spec").path("nodeSelector");
    assertThat(selector.path("one-scaphandre.io/opennebula-host").isTextual()).isTrue();
    JsonNode kvm2 =
        docs.stream()
            .filter(d -> d.path("metadata").path("name").asText().equals("kvm-2"))
            .findFirst()
            .orElseThrow();
    assertThat(kvm2.path("metadata").path("labels").path("one-scaphandre.io/host-id").isTextual())
        .isTrue();
  }

  @Test
  void outputIsTheSameEveryTimeAndForAStreamOfNodes() throws IOException {
    assertThat(render("--monitor", monitor.toString(), "--nodes", nodes.toString())).isZero();
    String first = out.toString();
    out.getBuffer().setLength(0);
    StringBuilder stream = new StringBuilder();
    for (JsonNode node : documents(NODE_LIST).get(0).path("items")) {
      stream
          .append("---\n")
          .append(new YAMLMapper().writeValueAsString(node).replaceFirst("^---\n", ""));
    }
    Path streamFile = Files.writeString(dir.resolve("stream.yaml"), stream.toString());
    assertThat(render("--monitor", monitor.toString(), "--nodes", streamFile.toString())).isZero();
    assertThat(out.toString()).isEqualTo(first);
    assertThat(first).startsWith("---\n");
  }

  @Test
  void theDefaultAgentImageCanBeChangedAsInRun() throws IOException {
    assertThat(
            render(
                "--monitor",
                monitor.toString(),
                "--nodes",
                nodes.toString(),
                "--default-agent-image",
                "registry.example/agent:2"))
        .isZero();
    JsonNode pod = documents(out.toString()).get(1).path("spec").path("template").path("spec");
    assertThat(pod.path("containers").get(0).path("image").asText())
        .isEqualTo("registry.example/agent:2");
    assertThat(pod.path("initContainers").get(0).path("image").asText())
        .isEqualTo("registry.example/agent:2");
  }

  @Test
  void redfishEndpointsAndOnlyTheNamedOptedInSecretAreRendered() throws IOException {
    Files.writeString(
        monitor,
        MONITOR
            + """
          power:
            redfish:
              endpoints: {kvm-2: 10.0.10.2, web: 10.0.10.9}
              credentialsSecret: bmc
        """);
    assertThat(render("--monitor", monitor.toString(), "--nodes", nodes.toString())).isZero();
    assertThat(err.toString()).contains("warning: redfish power source: Secret bmc not found");
    assertThat(out.toString())
        .contains("name: lab-bmc-endpoints")
        .contains("kvm-2=10.0.10.2")
        .doesNotContain("10.0.10.9")
        .doesNotContain("secretName: bmc");

    out.getBuffer().setLength(0);
    assertThat(
            render(
                "--monitor",
                monitor.toString(),
                "--nodes",
                nodes.toString(),
                "--bmc-credentials-secret",
                "bmc"))
        .isZero();
    assertThat(out.toString())
        .contains("secretName: bmc")
        .contains("--redfish.password-file=/etc/one-scaphandre/bmc-credentials/password");
  }

  @Test
  void anInvalidSpecPrintsItsProblemsAndNothingElse() throws IOException {
    Files.writeString(
        monitor, MONITOR.replace("port: 9101", "port: 70000").replace("kvm-2: 12", "kvm-2: -1"));
    assertThat(render("--monitor", monitor.toString(), "--nodes", nodes.toString())).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .contains("invalid spec: agent.port 70000 is outside 1-65535")
        .contains("hostId.static.kvm-2 is -1");
  }

  @Test
  void durationsAreReadAsTheCrdAndTheAgentReadThem() throws IOException {
    // 1m30s passes the CRD and render, and the agent reads the flag render gives it as 90 s.
    Files.writeString(monitor, MONITOR.replace("port: 9101", "port: 9101\n    interval: 1m30s"));
    assertThat(render("--monitor", monitor.toString(), "--nodes", nodes.toString())).isZero();
    String flag =
        documents(out.toString()).stream()
            .filter(d -> d.path("kind").asText().equals("DaemonSet"))
            .findFirst()
            .orElseThrow()
            .at("/spec/template/spec/containers/0/args")
            .toString();
    assertThat(flag).contains("--interval=1m30s");
    assertThat(
            new io.onescaphandre.contracts.duration.DurationConverter.AgentInterval()
                .convert("1m30s"))
        .isEqualTo(java.time.Duration.ofSeconds(90));

    // What the CRD refuses, render refuses with the same field and range.
    out.getBuffer().setLength(0);
    Files.writeString(monitor, MONITOR.replace("port: 9101", "port: 9101\n    interval: 1ms"));
    assertThat(render("--monitor", monitor.toString(), "--nodes", nodes.toString())).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .contains("invalid spec: spec.agent.interval: 1ms is outside 500ms to 5m");
  }

  @Test
  void aFileOfTheWrongKindIsAUsageError() throws IOException {
    Files.writeString(nodes, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
    assertThat(render("--monitor", monitor.toString(), "--nodes", nodes.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("expected Nodes, found kind 'Pod'");
    assertThat(render("--monitor", nodes.toString(), "--nodes", nodes.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("expected kind ScaphandreMonitor");
  }

  @Test
  void oversizeInputsAreRefusedBeforeParsing() throws IOException {
    // A 10 MB monitor, as in issue 15 (it took 39 s and 377 MB before it was refused).
    Path huge = dir.resolve("huge.yaml");
    StringBuilder big = new StringBuilder(MONITOR).append("  # ");
    big.append("x".repeat(10_000_000)).append('\n');
    Files.writeString(huge, big);
    assertThat(render("--monitor", huge.toString(), "--nodes", nodes.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "--monitor " + huge,
            "is 9.5 MiB, larger than the cap of 1.5 MiB",
            "refused before reading it");
    assertThat(out.toString()).isEmpty();

    Path bigNodes =
        Files.writeString(dir.resolve("nodes-big.yaml"), NODE_LIST + "#" + "x".repeat(2048) + "\n");
    assertThat(
            render(
                "--monitor",
                monitor.toString(),
                "--nodes",
                bigNodes.toString(),
                "--max-nodes-size=1Ki"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--nodes " + bigNodes, "--max-nodes-size");

    Path bigReport = Files.writeString(dir.resolve("big-report.json"), REPORT + " ".repeat(5000));
    assertThat(
            render(
                "--monitor",
                monitor.toString(),
                "--nodes",
                nodes.toString(),
                "--agent-report",
                "kvm-3=" + bigReport))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--agent-report " + bigReport, "larger than the cap of 4 KiB");
  }

  @Test
  void aNodeListLargerThanYamlsDefaultLimitIsRead() throws IOException {
    StringBuilder list = new StringBuilder("apiVersion: v1\nkind: NodeList\nitems:\n");
    String padding = "x".repeat(2000);
    for (int i = 0; i < 2500; i++) {
      list.append("- metadata:\n    name: kvm-")
          .append(i)
          .append("\n    labels: {one-scaphandre.io/opennebula-host: \"true\"}\n")
          .append("    annotations: {pad: ")
          .append(padding)
          .append("}\n");
    }
    Path many = Files.writeString(dir.resolve("many.yaml"), list);
    assertThat(Files.size(many)).isGreaterThan(3 << 20);
    assertThat(render("--monitor", monitor.toString(), "--nodes", many.toString()))
        .as(err.toString())
        .isZero();
  }

  @Test
  void aMonitorTheAdminsPolicyRefusesIsNotRendered() throws IOException {
    Path foreign =
        Files.writeString(
            dir.resolve("foreign.yaml"),
            MONITOR.replace(
                "  agent:\n",
                "  agent:\n    image: evil.example/miner:1\n    extraArgs: [--verbose]\n"));
    assertThat(render("--monitor", foreign.toString(), "--nodes", nodes.toString())).isEqualTo(3);
    assertThat(err.toString())
        .contains(
            "refused (AgentImageNotAllowed): agent image evil.example/miner:1",
            "refused (ExtraArgsNotAllowed)");
    assertThat(out.toString()).isEmpty();

    assertThat(
            renderAllowed(
                foreign,
                "--allowed-agent-images=evil.example/*",
                "--allowed-init-images=evil.example/*",
                "--allow-agent-extra-args"))
        .contains("image: evil.example/miner:1");
  }

  @Test
  void ipmiIsRenderedOnlyWithTheAdminsConsentToAPrivilegedAgent() throws IOException {
    Path ipmi =
        Files.writeString(
            dir.resolve("ipmi.yaml"),
            MONITOR.replace("  agent:\n", "  power:\n    sources: [ipmi, rapl]\n  agent:\n"));
    assertThat(render("--monitor", ipmi.toString(), "--nodes", nodes.toString())).isEqualTo(3);
    assertThat(err.toString())
        .contains("refused (PrivilegedPowerSourceNotAllowed)", "--allow-privileged-power-sources");
    assertThat(out.toString()).isEmpty();

    assertThat(renderAllowed(ipmi, "--allow-privileged-power-sources"))
        .contains("privileged: true", "ipmi");
  }

  /** What a fresh render of the monitor prints with the admin's flags; it must succeed. */
  private String renderAllowed(Path monitorFile, String... admissionFlags) {
    StringWriter fresh = new StringWriter();
    CommandLine cli =
        OperatorMain.commandLine().setOut(new PrintWriter(fresh)).setErr(new PrintWriter(err));
    List<String> args =
        new ArrayList<>(
            List.of("render", "--monitor", monitorFile.toString(), "--nodes", nodes.toString()));
    args.addAll(List.of(admissionFlags));
    assertThat(cli.execute(args.toArray(String[]::new))).as(err.toString()).isZero();
    return fresh.toString();
  }
}
