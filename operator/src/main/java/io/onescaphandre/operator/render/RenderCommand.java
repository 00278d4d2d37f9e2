package io.onescaphandre.operator.render;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.onescaphandre.contracts.bytes.BoundedFiles;
import io.onescaphandre.contracts.bytes.ByteSize;
import io.onescaphandre.operator.admission.AdmissionOptions;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.hostid.OpenNebulaHostDirectory;
import io.onescaphandre.operator.reconciler.MonitorPlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code render}: what the operator would write for a monitor and a set of Nodes, with no cluster,
 * through the reconciler's own {@link MonitorPlan}. Owner references (added when applying, from the
 * monitor's uid) are not printed; the Prometheus Operator objects are printed as if their CRDs were
 * installed.
 */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Print, as a YAML stream, every object the operator would apply for a"
          + " ScaphandreMonitor and a list of Nodes: the owned objects in the order the operator applies"
          + " them, then the host-id labels it would put on Nodes (Nodes holding only those).",
      "The openNebulaApi host id source is not consulted (no network)."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:the objects were printed",
      "1:the monitor's spec is invalid (problems on stderr)",
      "2:invalid options, unreadable or oversize files",
      "3:the operator's admission policy refuses the monitor (reasons on stderr)"
    })
public final class RenderCommand implements Callable<Integer> {
  static final int EXIT_INVALID_SPEC = 1;
  static final int EXIT_REFUSED_BY_POLICY = 3;

  /** etcd's default request limit: no ScaphandreMonitor the API server stores is larger. */
  public static final long MAX_MONITOR_BYTES = 1_572_864;

  /** The kubelet keeps at most 4096 bytes of a termination message, where the init report lives. */
  public static final long MAX_AGENT_REPORT_BYTES = 4096;

  public static final String DEFAULT_MAX_NODES_SIZE = "64Mi";

  /** Built on first use: an oversize input is refused without paying for the serializers. */
  private static final class Printers {
    static final KubernetesSerialization KUBE = new KubernetesSerialization();
    static final YAMLMapper READABLE_YAML =
        new YAMLMapper(
            YAMLFactory.builder()
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .disable(YAMLGenerator.Feature.SPLIT_LINES)
                .build());
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--monitor",
      required = true,
      paramLabel = "FILE",
      description = "The ScaphandreMonitor (YAML or JSON).")
  Path monitorFile;

  @Option(
      names = "--nodes",
      required = true,
      paramLabel = "FILE",
      description = "The Nodes: a NodeList (kubectl get nodes -o yaml) or a YAML stream of Nodes.")
  Path nodesFile;

  @Option(
      names = "--agent-report",
      paramLabel = "NODE=FILE",
      mapFallbackValue = "",
      description =
          "The init container's JSON report of the agent on NODE (the hypervisorFiles source);"
              + " repeatable.")
  Map<String, Path> agentReports = new LinkedHashMap<>();

  @Option(
      names = "--bmc-credentials-secret",
      paramLabel = "NAME",
      description =
          "A Secret of the monitor's namespace that carries the label"
              + " one-scaphandre.io/bmc-credentials=true (render reads no cluster: name the opted-in ones); repeatable.")
  List<String> optedInSecrets = new ArrayList<>();

  @Mixin AdmissionOptions admission = new AdmissionOptions();

  @Option(
      names = "--max-nodes-size",
      paramLabel = "SIZE",
      converter = ByteSize.class,
      defaultValue = DEFAULT_MAX_NODES_SIZE,
      description =
          "Largest --nodes file read (bytes, or with Ki, Mi, Gi; default ${DEFAULT-VALUE}, about 5,000"
              + " nodes as kubectl prints them). The monitor file may be at most 1.5 MiB (what the API server"
              + " stores), an agent report 4 KiB (what the kubelet keeps).")
  long maxNodesBytes = ByteSize.parse(DEFAULT_MAX_NODES_SIZE);

  @Override
  public Integer call() throws IOException {
    // Every file is checked against its cap before any is parsed.
    String monitorText =
        BoundedFiles.readUtf8(
            monitorFile,
            MAX_MONITOR_BYTES,
            "--monitor",
            "what the API server stores for one object");
    String nodesText =
        BoundedFiles.readUtf8(nodesFile, maxNodesBytes, "--nodes", "--max-nodes-size");
    Map<String, String> reports = new TreeMap<>();
    for (Map.Entry<String, Path> e : agentReports.entrySet()) {
      if (e.getKey().isBlank() || e.getValue().toString().isEmpty()) {
        throw new IllegalArgumentException("--agent-report takes NODE=FILE");
      }
      reports.put(
          e.getKey(),
          BoundedFiles.readUtf8(
                  e.getValue(),
                  MAX_AGENT_REPORT_BYTES,
                  "--agent-report",
                  "what the kubelet keeps of a termination message")
              .strip());
    }
    ScaphandreMonitor monitor = RenderInputs.monitor(monitorText);
    List<Node> nodes = RenderInputs.nodes(nodesText, maxNodesBytes);
    Map<String, Pod> pods = new TreeMap<>();
    reports.forEach((node, report) -> pods.put(node, RenderInputs.agentPod(monitor, node, report)));
    MonitorPlan plan =
        MonitorPlan.compute(
            monitor,
            nodes,
            pods,
            OpenNebulaHostDirectory.Lookup.empty(),
            admission.policy(),
            name -> optedInSecrets.contains(name) ? optedInBmcSecret(name) : null);
    PrintWriter err = spec.commandLine().getErr();
    if (!plan.specProblems().isEmpty()) {
      plan.specProblems().forEach(p -> err.println("invalid spec: " + p));
      err.flush();
      return EXIT_INVALID_SPEC;
    }
    if (!plan.policyViolations().isEmpty()) {
      plan.policyViolations()
          .forEach(v -> err.println("refused (" + v.reason() + "): " + v.message()));
      err.flush();
      return EXIT_REFUSED_BY_POLICY;
    }
    plan.resolution().problems().forEach(p -> err.println("warning: " + p));
    if (plan.inputs().bmc().problem() != null) {
      err.println("warning: redfish power source: " + plan.inputs().bmc().problem());
    }
    plan.resolution().nodes().stream()
        .filter(n -> !n.mapped())
        .forEach(
            n -> err.println("warning: node " + n.nodeName() + " has no host id: " + n.message()));
    err.flush();
    PrintWriter out = spec.commandLine().getOut();
    out.print(yamlStream(plan.objectsToApply()));
    out.flush();
    return 0;
  }

  /**
   * The objects as one YAML stream, each document starting with {@code ---}, quoted as kubectl
   * prints YAML: only where a plain scalar would change type ("true", "8080", "1e3" stay strings).
   * Fabric8's own asYaml quotes every string, which reviewers of GitOps diffs do not want to read.
   */
  public static String yamlStream(List<HasMetadata> objects) {
    StringBuilder yaml = new StringBuilder();
    for (HasMetadata object : objects) {
      String doc = asReadableYaml(object);
      yaml.append(doc.startsWith("---") ? "" : "---\n").append(doc);
      if (!doc.endsWith("\n")) {
        yaml.append('\n');
      }
    }
    return yaml.toString();
  }

  private static String asReadableYaml(HasMetadata object) {
    try {
      YAMLMapper yaml = Printers.READABLE_YAML;
      return yaml.writeValueAsString(yaml.readTree(Printers.KUBE.asJson(object)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot print " + object.getKind() + " as YAML", e);
    }
  }

  /**
   * A stand-in for a Secret the user names as opted in: render reads no cluster, only the label
   * counts.
   */
  private static Secret optedInBmcSecret(String name) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels(MonitorNames.BMC_CREDENTIALS_LABEL, "true")
        .endMetadata()
        .build();
  }
}
