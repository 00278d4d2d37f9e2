package io.onescaphandre.operator.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.MonitorResources;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/** Reads what {@code render} is given: a monitor, Nodes, and init reports of agents. */
public final class RenderInputs {
  /** The monitor is at most 1.5 MiB (checked before); SnakeYAML's own default limit is 3 MB. */
  private static final YAMLMapper YAML = new YAMLMapper();

  private static final KubernetesSerialization KUBE = new KubernetesSerialization();

  private static final int DEFAULT_CODE_POINT_LIMIT = new LoaderOptions().getCodePointLimit();

  private RenderInputs() {}

  private static YAMLMapper largeYaml(long maxChars) {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, maxChars + 1));
    return new YAMLMapper(YAMLFactory.builder().loaderOptions(options).build());
  }

  /**
   * One ScaphandreMonitor (YAML or JSON); without a namespace it gets {@code default}, as kubectl
   * would give it.
   *
   * @throws IllegalArgumentException when the text is not a ScaphandreMonitor
   */
  public static ScaphandreMonitor monitor(String text) throws IOException {
    List<JsonNode> docs = documents(text);
    if (docs.size() != 1) {
      throw new IllegalArgumentException(
          "expected one ScaphandreMonitor, found " + docs.size() + " documents");
    }
    JsonNode doc = docs.get(0);
    if (!"ScaphandreMonitor".equals(doc.path("kind").asText())) {
      throw new IllegalArgumentException(
          "expected kind ScaphandreMonitor, found '" + doc.path("kind").asText() + "'");
    }
    ScaphandreMonitor monitor = KUBE.convertValue(doc, ScaphandreMonitor.class);
    if (monitor.getMetadata() == null || monitor.getMetadata().getName() == null) {
      throw new IllegalArgumentException("the ScaphandreMonitor has no metadata.name");
    }
    if (monitor.getMetadata().getNamespace() == null) {
      monitor.getMetadata().setNamespace("default");
    }
    return monitor;
  }

  /**
   * Nodes from a NodeList (or v1 List), a YAML stream of Nodes, or any mix of them.
   *
   * @throws IllegalArgumentException naming the first document that holds something else
   */
  public static List<Node> nodes(String text) throws IOException {
    return nodes(text, text.length());
  }

  /**
   * As {@link #nodes(String)}, for a text of up to {@code maxChars} (a large cluster's {@code
   * kubectl get nodes -o yaml} exceeds SnakeYAML's default 3 MB limit).
   */
  public static List<Node> nodes(String text, long maxChars) throws IOException {
    List<Node> nodes = new ArrayList<>();
    for (JsonNode doc : documents(text, maxChars)) {
      String kind = doc.path("kind").asText();
      if (kind.endsWith("List")) {
        for (JsonNode item : doc.path("items")) {
          nodes.add(node(item));
        }
      } else {
        nodes.add(node(doc));
      }
    }
    return nodes;
  }

  private static Node node(JsonNode doc) {
    String kind = doc.path("kind").asText();
    if (!kind.isEmpty() && !"Node".equals(kind)) {
      throw new IllegalArgumentException("expected Nodes, found kind '" + kind + "'");
    }
    Node node = KUBE.convertValue(doc, Node.class);
    if (node.getMetadata() == null || node.getMetadata().getName() == null) {
      throw new IllegalArgumentException("a Node has no metadata.name");
    }
    return node;
  }

  /**
   * The monitor's agent pod on a node as the operator sees it once the init container has written
   * its report (docs/interfaces.md): the report is the termination message.
   */
  public static Pod agentPod(ScaphandreMonitor monitor, String nodeName, String report) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(MonitorResources.agentName(monitor) + "-" + nodeName)
        .withNamespace(monitor.getMetadata().getNamespace())
        .withLabels(MonitorResources.labels(monitor))
        .endMetadata()
        .withNewSpec()
        .withNodeName(nodeName)
        .endSpec()
        .withNewStatus()
        .addNewInitContainerStatus()
        .withName(MonitorNames.INIT_CONTAINER_NAME)
        .withNewState()
        .withNewTerminated()
        .withExitCode(0)
        .withMessage(report)
        .endTerminated()
        .endState()
        .endInitContainerStatus()
        .endStatus()
        .build();
  }

  private static List<JsonNode> documents(String text) throws IOException {
    return documents(text, 0);
  }

  private static List<JsonNode> documents(String text, long maxChars) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    YAMLMapper yaml = maxChars <= DEFAULT_CODE_POINT_LIMIT ? YAML : largeYaml(maxChars);
    try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }
}
