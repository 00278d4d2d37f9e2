package io.onescaphandre.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.onescaphandre.operator.api.HostIdSourceType;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.hostid.HostIdResolution;
import io.onescaphandre.operator.hostid.NodeLabels;
import io.onescaphandre.operator.hostid.ResolvedNode;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the host-id label on nodes whose id came from a source other than the label itself, so the
 * PodMonitor's relabelling finds it; removes the labels it set when they no longer apply. Labels set
 * by anyone else are never touched. Writes only what differs from the cached node.
 */
public final class NodeLabeler {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLabeler.class);
  private final KubernetesClient client;

  public NodeLabeler(KubernetesClient client) {
    this.client = client;
  }

  /** @return how many nodes were written */
  public int sync(ScaphandreMonitor monitor, HostIdResolution resolution, Collection<Node> allNodes) {
    Map<String, ResolvedNode> wanted = wanted(monitor, resolution, allNodes);
    int writes = 0;
    for (Node node : allNodes) {
      ResolvedNode target = wanted.get(node.getMetadata().getName());
      if (target != null) {
        if (!carries(node, target, monitor)) {
          setLabel(monitor, node.getMetadata().getName(), target);
          writes++;
        }
      } else if (NodeLabels.labelledBy(monitor, node)) {
        removeLabel(node.getMetadata().getName());
        writes++;
      }
    }
    return writes;
  }

  /**
   * The nodes that should carry this monitor's host-id label, by name, sorted: mapped from a source
   * other than the label itself, and not labelled by anyone else.
   */
  public static Map<String, ResolvedNode> wanted(ScaphandreMonitor monitor, HostIdResolution resolution,
      Collection<Node> allNodes) {
    Map<String, ResolvedNode> mapped = new HashMap<>();
    resolution.nodes().stream()
        .filter(n -> n.mapped() && n.source() != HostIdSourceType.NODE_LABEL)
        .forEach(n -> mapped.put(n.nodeName(), n));
    Map<String, ResolvedNode> wanted = new TreeMap<>();
    for (Node node : allNodes) {
      ResolvedNode target = mapped.get(node.getMetadata().getName());
      if (target != null && (NodeLabels.labelledBy(monitor, node) || label(node) == null)) {
        wanted.put(node.getMetadata().getName(), target);
      }
    }
    return wanted;
  }

  /** The label and annotations the operator puts on a node, as a Node holding only those. */
  public static Node labelsOf(ScaphandreMonitor monitor, ResolvedNode target) {
    return new NodeBuilder()
        .withNewMetadata()
          .withName(target.nodeName())
          .addToLabels(MonitorNames.HOST_ID_LABEL, Long.toString(target.hostId()))
          .addToAnnotations(MonitorNames.HOST_ID_SOURCE_ANNOTATION, target.source().wireName())
          .addToAnnotations(MonitorNames.LABELLED_BY_ANNOTATION, NodeLabels.owner(monitor))
        .endMetadata()
        .build();
  }

  /** Removes every label this monitor set (the monitor is being deleted). */
  public int removeAll(ScaphandreMonitor monitor, Collection<Node> allNodes) {
    int writes = 0;
    for (Node node : allNodes) {
      if (NodeLabels.labelledBy(monitor, node)) {
        removeLabel(node.getMetadata().getName());
        writes++;
      }
    }
    return writes;
  }

  private static String label(Node node) {
    return node.getMetadata().getLabels() == null ? null
        : node.getMetadata().getLabels().get(MonitorNames.HOST_ID_LABEL);
  }

  private static boolean carries(Node node, ResolvedNode target, ScaphandreMonitor monitor) {
    Map<String, String> annotations = node.getMetadata().getAnnotations() == null
        ? Map.of() : node.getMetadata().getAnnotations();
    return Objects.equals(label(node), Long.toString(target.hostId()))
        && Objects.equals(annotations.get(MonitorNames.HOST_ID_SOURCE_ANNOTATION), target.source().wireName())
        && Objects.equals(annotations.get(MonitorNames.LABELLED_BY_ANNOTATION), NodeLabels.owner(monitor));
  }

  private void setLabel(ScaphandreMonitor monitor, String nodeName, ResolvedNode target) {
    LOG.info("labelling node {} {}={} (from {})", nodeName, MonitorNames.HOST_ID_LABEL, target.hostId(),
        target.source().wireName());
    client.nodes().withName(nodeName).edit(n -> {
      ensureMaps(n);
      n.getMetadata().getLabels().put(MonitorNames.HOST_ID_LABEL, Long.toString(target.hostId()));
      n.getMetadata().getAnnotations().put(MonitorNames.HOST_ID_SOURCE_ANNOTATION, target.source().wireName());
      n.getMetadata().getAnnotations().put(MonitorNames.LABELLED_BY_ANNOTATION, NodeLabels.owner(monitor));
      return n;
    });
  }

  private void removeLabel(String nodeName) {
    LOG.info("removing {} from node {}", MonitorNames.HOST_ID_LABEL, nodeName);
    client.nodes().withName(nodeName).edit(n -> {
      ensureMaps(n);
      n.getMetadata().getLabels().remove(MonitorNames.HOST_ID_LABEL);
      n.getMetadata().getAnnotations().remove(MonitorNames.HOST_ID_SOURCE_ANNOTATION);
      n.getMetadata().getAnnotations().remove(MonitorNames.LABELLED_BY_ANNOTATION);
      return n;
    });
  }

  private static void ensureMaps(Node n) {
    if (n.getMetadata().getLabels() == null) {
      n.getMetadata().setLabels(new HashMap<>());
    }
    if (n.getMetadata().getAnnotations() == null) {
      n.getMetadata().setAnnotations(new HashMap<>());
    }
  }
}
