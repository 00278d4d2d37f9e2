package io.onescaphandre.operator.render;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.AgentImages;
import io.onescaphandre.operator.hostid.OpenNebulaHostDirectory;
import io.onescaphandre.operator.reconciler.MonitorPlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code render}: what the operator would write for a monitor and a set of Nodes, with no cluster,
 * through the reconciler's own {@link MonitorPlan}. Owner references (added when applying, from the
 * monitor's uid) are not printed; the Prometheus Operator objects are printed as if their CRDs
 * were installed.
 */
@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print, as a YAML stream, every object the operator would apply for a"
        + " ScaphandreMonitor and a list of Nodes: the owned objects in the order the operator applies"
        + " them, then the host-id labels it would put on Nodes (Nodes holding only those).",
        "The openNebulaApi host id source is not consulted (no network)."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:the objects were printed", "1:the monitor's spec is invalid (problems on stderr)",
        "2:invalid options or unreadable files"})
public final class RenderCommand implements Callable<Integer> {
  static final int EXIT_INVALID_SPEC = 1;
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();
  private static final YAMLMapper READABLE_YAML = new YAMLMapper(YAMLFactory.builder()
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .build());

  @Spec CommandSpec spec;

  @Option(names = "--monitor", required = true, paramLabel = "FILE",
      description = "The ScaphandreMonitor (YAML or JSON).")
  Path monitorFile;

  @Option(names = "--nodes", required = true, paramLabel = "FILE",
      description = "The Nodes: a NodeList (kubectl get nodes -o yaml) or a YAML stream of Nodes.")
  Path nodesFile;

  @Option(names = "--agent-report", paramLabel = "NODE=FILE", mapFallbackValue = "",
      description = "The init container's JSON report of the agent on NODE (the hypervisorFiles source);"
          + " repeatable.")
  Map<String, Path> agentReports = new LinkedHashMap<>();

  @Option(names = "--default-agent-image", defaultValue = AgentImages.BUILTIN, paramLabel = "IMAGE",
      description = "As run's option of that name (default ${DEFAULT-VALUE}).")
  String defaultAgentImage;

  @Override
  public Integer call() throws IOException {
    ScaphandreMonitor monitor = RenderInputs.monitor(read(monitorFile));
    List<Node> nodes = RenderInputs.nodes(read(nodesFile));
    Map<String, Pod> pods = new TreeMap<>();
    for (Map.Entry<String, Path> e : agentReports.entrySet()) {
      if (e.getKey().isBlank() || e.getValue().toString().isEmpty()) {
        throw new IllegalArgumentException("--agent-report takes NODE=FILE");
      }
      pods.put(e.getKey(), RenderInputs.agentPod(monitor, e.getKey(), read(e.getValue()).strip()));
    }
    MonitorPlan plan = MonitorPlan.compute(monitor, nodes, pods, OpenNebulaHostDirectory.Lookup.empty(),
        defaultAgentImage);
    PrintWriter err = spec.commandLine().getErr();
    if (!plan.valid()) {
      plan.specProblems().forEach(p -> err.println("invalid spec: " + p));
      err.flush();
      return EXIT_INVALID_SPEC;
    }
    plan.resolution().problems().forEach(p -> err.println("warning: " + p));
    plan.resolution().nodes().stream().filter(n -> !n.mapped())
        .forEach(n -> err.println("warning: node " + n.nodeName() + " has no host id: " + n.message()));
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
      return READABLE_YAML.writeValueAsString(READABLE_YAML.readTree(KUBE.asJson(object)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot print " + object.getKind() + " as YAML", e);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
