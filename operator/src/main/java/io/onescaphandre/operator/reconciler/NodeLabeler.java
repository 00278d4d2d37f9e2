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
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the host-id label on nodes whose id came from a source other than the label itself, so the
 * PodMonitor's relabelling finds it; removes the labels it set when they no longer apply. Labels
 * set by anyone else are never touched. Writes only what differs from the cached node.
 *
 * <p>One per operator: its threads (up to {@value #PARALLEL_WRITES} node writes in flight) are made
 * when there is work, end when idle, and are stopped with the operator ({@link #close()}).
 */
public final class NodeLabeler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLabeler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PARALLEL_WRITES = 8;
  private final KubernetesClient client;
  private final ThreadPoolExecutor writers;

  public NodeLabeler(KubernetesClient client) {
    this.client = client;
    AtomicInteger threads = new AtomicInteger();
    this.writers =
        new ThreadPoolExecutor(
            PARALLEL_WRITES,
            PARALLEL_WRITES,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "node-labeler-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    writers.allowCoreThreadTimeOut(true);
  }

  /**
   * @return how many nodes were written
   */
  public int sync(
      ScaphandreMonitor monitor, HostIdResolution resolution, Collection<Node> allNodes) {
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
        writes.add(() -> removeLabel(node));
      }
    }
    return runAll(writes);
  }

  /**
   * The nodes that should carry this monitor's host-id label, by name, sorted: mapped from a source
   * other than the label itself, and not labelled by anyone else.
   */
  public static Map<String, ResolvedNode> wanted(
      ScaphandreMonitor monitor, HostIdResolution resolution, Collection<Node> allNodes) {
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
        writes.add(() -> removeLabel(node));
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
  private int runAll(List<Runnable> writes) {
    if (writes.size() <= 1) {
      writes.forEach(Runnable::run);
      return writes.size();
    }
    List<Future<?>> pending = writes.stream().<Future<?>>map(writers::submit).toList();
    RuntimeException failure = null;
    try {
      for (Future<?> write : pending) {
        try {
          write.get();
        } catch (ExecutionException e) {
          if (failure == null) {
            failure =
                e.getCause() instanceof RuntimeException re
                    ? re
                    : new IllegalStateException(e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      pending.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while labelling nodes", e);
    }
    if (failure != null) {
      throw failure;
    }
    return writes.size();
  }

  /** Stops the writer threads (the operator stops). */
  @Override
  public void close() {
    writers.shutdownNow();
  }

  private static String label(Node node) {
    return node.getMetadata().getLabels() == null
        ? null
        : node.getMetadata().getLabels().get(MonitorNames.HOST_ID_LABEL);
  }

  private static boolean carries(Node node, ResolvedNode target, ScaphandreMonitor monitor) {
    Map<String, String> annotations =
        node.getMetadata().getAnnotations() == null
            ? Map.of()
            : node.getMetadata().getAnnotations();
    return Objects.equals(label(node), target.hostId().toString())
        && Objects.equals(
            annotations.get(MonitorNames.HOST_ID_SOURCE_ANNOTATION), target.source().wireName())
        && Objects.equals(
            annotations.get(MonitorNames.LABELLED_BY_ANNOTATION), NodeLabels.owner(monitor));
  }

  private void setLabel(ScaphandreMonitor monitor, String nodeName, ResolvedNode target) {
    LOG.info(
        "labelling node {} {}={} (from {})",
        nodeName,
        MonitorNames.HOST_ID_LABEL,
        target.hostId(),
        target.source().wireName());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(MonitorNames.HOST_ID_SOURCE_ANNOTATION, target.source().wireName());
    annotations.put(MonitorNames.LABELLED_BY_ANNOTATION, NodeLabels.owner(monitor));
    mergePatch(
        nodeName, Map.of(MonitorNames.HOST_ID_LABEL, target.hostId().toString()), annotations);
  }

  /**
   * A JSON patch (RFC 6902) removing the keys the cached node has: removing a key with a merge
   * patch's null is what RFC 7386 says, but not what every API server (the Fabric8 mock server)
   * does, and a patch carries no resourceVersion, so a busy node's status updates cannot make it
   * conflict. A key already gone fails the patch; the next reconcile, with a fresher cache, does
   * not send it again.
   */
  private void removeLabel(Node cached) {
    String nodeName = cached.getMetadata().getName();
    LOG.info("removing {} from node {}", MonitorNames.HOST_ID_LABEL, nodeName);
    List<Map<String, String>> ops = new ArrayList<>();
    Map<String, String> labels =
        cached.getMetadata().getLabels() == null ? Map.of() : cached.getMetadata().getLabels();
    Map<String, String> annotations =
        cached.getMetadata().getAnnotations() == null
            ? Map.of()
            : cached.getMetadata().getAnnotations();
    if (labels.containsKey(MonitorNames.HOST_ID_LABEL)) {
      ops.add(remove("/metadata/labels/", MonitorNames.HOST_ID_LABEL));
    }
    for (String key :
        List.of(MonitorNames.HOST_ID_SOURCE_ANNOTATION, MonitorNames.LABELLED_BY_ANNOTATION)) {
      if (annotations.containsKey(key)) {
        ops.add(remove("/metadata/annotations/", key));
      }
    }
    if (ops.isEmpty()) {
      return;
    }
    try {
      client
          .nodes()
          .withName(nodeName)
          .patch(PatchContext.of(PatchType.JSON), JSON.writeValueAsString(ops));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the label removal of node " + nodeName, e);
    }
  }

  /**
   * A JSON patch remove operation; '~' and '/' in the key escaped as JSON pointers want (RFC 6901).
   */
  private static Map<String, String> remove(String parent, String key) {
    return Map.of("op", "remove", "path", parent + key.replace("~", "~0").replace("/", "~1"));
  }

  /** One JSON merge patch (RFC 7386) of the node's labels and annotations: one request per node. */
  private void mergePatch(
      String nodeName, Map<String, String> labels, Map<String, String> annotations) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("labels", labels);
    metadata.put("annotations", annotations);
    try {
      client
          .nodes()
          .withName(nodeName)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              JSON.writeValueAsString(Map.of("metadata", metadata)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the label patch of node " + nodeName, e);
    }
  }
}
