package io.onescaphandre.operator.reconciler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.onescaphandre.operator.api.HostIdSourceType;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.hostid.HostIdResolution;
import io.onescaphandre.operator.hostid.NodeLabels;
import io.onescaphandre.operator.hostid.ResolvedNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the host-id label on nodes whose id came from a source other than the label itself, so the
 * PodMonitor's relabelling finds it; removes the labels it set when they no longer apply. Labels set
 * by anyone else are never touched. Writes only what differs from the cached node.
 */
public final class NodeLabeler {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLabeler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PARALLEL_WRITES = 8;
  private final KubernetesClient client;

  public NodeLabeler(KubernetesClient client) {
    this.client = client;
  }

  /** @return how many nodes were written */
  public int sync(ScaphandreMonitor monitor, HostIdResolution resolution, Collection<Node> allNodes) {
    Map<String, ResolvedNode> wanted = wanted(monitor, resolution, allNodes);
    List<Runnable> writes = new ArrayList<>();
    for (Node node : allNodes) {
      String name = node.getMetadata().getName();
      ResolvedNode target = wanted.get(name);
      if (target != null) {
        if (!carries(node, target, monitor)) {
          writes.add(() -> setLabel(monitor, name, target));
        }
      } else if (NodeLabels.labelledBy(monitor, node)) {
        writes.add(() -> removeLabel(name));
      }
    }
    return runAll(writes);
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
          .addToLabels(MonitorNames.HOST_ID_LABEL, target.hostId().toString())
          .addToAnnotations(MonitorNames.HOST_ID_SOURCE_ANNOTATION, target.source().wireName())
          .addToAnnotations(MonitorNames.LABELLED_BY_ANNOTATION, NodeLabels.owner(monitor))
        .endMetadata()
        .build();
  }

  /** Removes every label this monitor set (the monitor is being deleted). */
  public int removeAll(ScaphandreMonitor monitor, Collection<Node> allNodes) {
    List<Runnable> writes = new ArrayList<>();
    for (Node node : allNodes) {
      if (NodeLabels.labelledBy(monitor, node)) {
        String name = node.getMetadata().getName();
        writes.add(() -> removeLabel(name));
      }
    }
    return runAll(writes);
  }

  /**
   * Runs the node writes, up to {@value #PARALLEL_WRITES} at a time when there are several (a new
   * monitor over a thousand nodes labels them all; one after the other that is seconds of round
   * trips). Waits for all; the first failure is rethrown once they are done.
   *
   * @return how many writes were made
   */
  private static int runAll(List<Runnable> writes) {
    if (writes.size() <= 1) {
      writes.forEach(Runnable::run);
      return writes.size();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_WRITES, writes.size()), r -> {
      Thread t = new Thread(r, "node-labeler");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> pending = writes.stream().<Future<?>>map(pool::submit).toList();
      RuntimeException failure = null;
      for (Future<?> write : pending) {
        try {
          write.get();
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
      return writes.size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while labelling nodes", e);
    } finally {
      pool.shutdownNow();
    }
  }


  private static String label(Node node) {
    return node.getMetadata().getLabels() == null ? null
        : node.getMetadata().getLabels().get(MonitorNames.HOST_ID_LABEL);
  }

  private static boolean carries(Node node, ResolvedNode target, ScaphandreMonitor monitor) {
    Map<String, String> annotations = node.getMetadata().getAnnotations() == null
        ? Map.of() : node.getMetadata().getAnnotations();
    return Objects.equals(label(node), target.hostId().toString())
        && Objects.equals(annotations.get(MonitorNames.HOST_ID_SOURCE_ANNOTATION), target.source().wireName())
        && Objects.equals(annotations.get(MonitorNames.LABELLED_BY_ANNOTATION), NodeLabels.owner(monitor));
  }

  private void setLabel(ScaphandreMonitor monitor, String nodeName, ResolvedNode target) {
    LOG.info("labelling node {} {}={} (from {})", nodeName, MonitorNames.HOST_ID_LABEL, target.hostId(),
        target.source().wireName());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(MonitorNames.HOST_ID_SOURCE_ANNOTATION, target.source().wireName());
    annotations.put(MonitorNames.LABELLED_BY_ANNOTATION, NodeLabels.owner(monitor));
    mergePatch(nodeName, Map.of(MonitorNames.HOST_ID_LABEL, target.hostId().toString()), annotations);
  }

  /**
   * Read, then a JSON patch of what is there: removing a key with a merge patch's null is what RFC 7386
   * says, but not what every API server (the Fabric8 mock server) does.
   */
  private void removeLabel(String nodeName) {
    LOG.info("removing {} from node {}", MonitorNames.HOST_ID_LABEL, nodeName);
    client.nodes().withName(nodeName).edit(n -> {
      if (n.getMetadata().getLabels() != null) {
        n.getMetadata().getLabels().remove(MonitorNames.HOST_ID_LABEL);
      }
      if (n.getMetadata().getAnnotations() != null) {
        n.getMetadata().getAnnotations().remove(MonitorNames.HOST_ID_SOURCE_ANNOTATION);
        n.getMetadata().getAnnotations().remove(MonitorNames.LABELLED_BY_ANNOTATION);
      }
      return n;
    });
  }

  /** One JSON merge patch (RFC 7386) of the node's labels and annotations: one request per node. */
  private void mergePatch(String nodeName, Map<String, String> labels, Map<String, String> annotations) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("labels", labels);
    metadata.put("annotations", annotations);
    try {
      client.nodes().withName(nodeName).patch(PatchContext.of(PatchType.JSON_MERGE),
          JSON.writeValueAsString(Map.of("metadata", metadata)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the label patch of node " + nodeName, e);
    }
  }
}
