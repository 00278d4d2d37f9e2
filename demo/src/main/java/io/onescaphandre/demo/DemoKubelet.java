package io.onescaphandre.demo;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitorSpec;
import io.onescaphandre.operator.hostid.NodeSelection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIMULATED: the DaemonSet controller and the kubelets of the demo cluster, which has none. For
 * each agent DaemonSet it makes one pod per node the pod template selects; for each pod it runs the
 * template's init container command (the real agent {@code init}) as a child process against that
 * node's simulated root filesystem and the simulated RAPL tree, and puts the JSON it wrote into the
 * pod's {@code status.initContainerStatuses[init].state.terminated.message}, as a kubelet does with
 * a termination-message file. The agent container of every node is one real agent process on this
 * machine (there is one /proc here): every pod is Ready when its /readyz says so. DaemonSet status
 * counts the pods as the controller would.
 */
public final class DemoKubelet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DemoKubelet.class);

  /** Runs a container's argument list on a node; returns the exit code and termination message. */
  public interface InitRunner {
    InitResult run(String nodeName, List<String> args) throws Exception;
  }

  public record InitResult(int exitCode, String message) {}

  private final KubernetesClient client;
  private final String namespace;
  private final InitRunner initRunner;
  private final Function<List<String>, Boolean> agentStarter;
  private final BooleanSupplier agentReady;
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "demo-kubelet");
            t.setDaemon(true);
            return t;
          });
  private final ExecutorService inits =
      Executors.newFixedThreadPool(
          3,
          r -> {
            Thread t = new Thread(r, "demo-kubelet-init");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, CompletableFuture<InitResult>> initsByPod = new ConcurrentHashMap<>();
  private volatile boolean agentStarted;

  /**
   * @param initRunner runs the init container's args on a node
   * @param agentStarter starts the agent container from its args, once; true when it started
   * @param agentReady whether the agent answers /readyz
   */
  public DemoKubelet(
      KubernetesClient client,
      String namespace,
      InitRunner initRunner,
      Function<List<String>, Boolean> agentStarter,
      BooleanSupplier agentReady) {
    this.client = client;
    this.namespace = namespace;
    this.initRunner = initRunner;
    this.agentStarter = agentStarter;
    this.agentReady = agentReady;
  }

  public DemoKubelet start() {
    loop.scheduleWithFixedDelay(this::syncSafely, 0, 500, TimeUnit.MILLISECONDS);
    return this;
  }

  private void syncSafely() {
    try {
      sync();
    } catch (Throwable e) {
      // A failed round (the API server busy, a conflict) is retried on the next one.
      LOG.warn("kubelet stand-in: {}", e.toString());
    }
  }

  void sync() {
    List<Node> nodes = client.nodes().list().getItems();
    boolean ready = agentStarted && agentReady.getAsBoolean();
    for (DaemonSet ds :
        client
            .apps()
            .daemonSets()
            .inNamespace(namespace)
            .withLabel(MonitorNames.MANAGED_BY_LABEL, MonitorNames.OPERATOR_NAME)
            .list()
            .getItems()) {
      syncDaemonSet(ds, nodes, ready);
    }
  }

  private void syncDaemonSet(DaemonSet ds, List<Node> nodes, boolean agentIsReady) {
    PodSpec template = ds.getSpec().getTemplate().getSpec();
    List<Node> selected = NodeSelection.select(selectionOf(template), nodes);
    Map<String, Pod> existing = new LinkedHashMap<>();
    for (Pod pod :
        client
            .pods()
            .inNamespace(namespace)
            .withLabels(ds.getSpec().getSelector().getMatchLabels())
            .list()
            .getItems()) {
      existing.put(pod.getSpec().getNodeName(), pod);
    }
    if (!agentStarted && !selected.isEmpty()) {
      agentStarted =
          agentStarter.apply(
              container(template.getContainers(), MonitorNames.AGENT_CONTAINER_NAME).getArgs());
    }
    // The inits (a JVM each) start before the API writes, so that they run while the pods are made.
    selected.forEach(node -> init(ds, node.getMetadata().getName()));
    int ready = 0;
    for (Node node : selected) {
      String nodeName = node.getMetadata().getName();
      Pod pod = existing.remove(nodeName);
      if (pod == null) {
        pod = client.pods().inNamespace(namespace).resource(newPod(ds, nodeName)).create();
        LOG.info("kubelet stand-in: created pod {} on {}", pod.getMetadata().getName(), nodeName);
      }
      PodStatus status = podStatus(ds, pod, node, agentIsReady);
      if (!Objects.equals(withoutTimes(pod.getStatus()), withoutTimes(status))) {
        client
            .pods()
            .inNamespace(namespace)
            .withName(pod.getMetadata().getName())
            .editStatus(p -> new PodBuilder(p).withStatus(status).build());
        LOG.info(
            "kubelet stand-in: pod {} is {}, ready={}",
            pod.getMetadata().getName(),
            status.getPhase(),
            isReady(status));
      }
      if (isReady(status)) {
        ready++;
      }
    }
    // Pods on nodes the template no longer selects are deleted, as the DaemonSet controller does.
    existing
        .values()
        .forEach(
            p -> {
              initsByPod.remove(p.getMetadata().getName());
              client.pods().inNamespace(namespace).resource(p).delete();
            });
    DaemonSetStatus status =
        new DaemonSetStatusBuilder()
            .withObservedGeneration(ds.getMetadata().getGeneration())
            .withDesiredNumberScheduled(selected.size())
            .withCurrentNumberScheduled(selected.size())
            .withUpdatedNumberScheduled(selected.size())
            .withNumberReady(ready)
            .withNumberAvailable(ready)
            .withNumberUnavailable(selected.size() - ready)
            .withNumberMisscheduled(0)
            .build();
    if (!status.equals(ds.getStatus())) {
      client
          .apps()
          .daemonSets()
          .inNamespace(namespace)
          .withName(ds.getMetadata().getName())
          .editStatus(
              d -> {
                d.setStatus(status);
                return d;
              });
      LOG.info(
          "kubelet stand-in: DaemonSet {} {}/{} ready",
          ds.getMetadata().getName(),
          ready,
          selected.size());
    }
  }

  private static ScaphandreMonitorSpec selectionOf(PodSpec template) {
    ScaphandreMonitorSpec spec = new ScaphandreMonitorSpec();
    spec.setNodeSelector(
        template.getNodeSelector() == null
            ? null
            : new LinkedHashMap<>(template.getNodeSelector()));
    spec.setTolerations(
        template.getTolerations() == null ? null : new ArrayList<>(template.getTolerations()));
    spec.setAffinity(template.getAffinity());
    return spec;
  }

  private static Container container(List<Container> containers, String name) {
    return containers.stream()
        .filter(c -> name.equals(c.getName()))
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException("the agent pod template has no container " + name));
  }

  private Pod newPod(DaemonSet ds, String nodeName) {
    PodSpec spec =
        new PodBuilder().withSpec(ds.getSpec().getTemplate().getSpec()).build().getSpec();
    spec.setNodeName(nodeName);
    return new PodBuilder()
        .withNewMetadata()
        .withName(podName(ds, nodeName))
        .withNamespace(namespace)
        .withLabels(ds.getSpec().getTemplate().getMetadata().getLabels())
        .withCreationTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("apps/v1")
                .withKind("DaemonSet")
                .withName(ds.getMetadata().getName())
                .withUid(ds.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withSpec(spec)
        .build();
  }

  /** The pod's status now: init running or terminated with its message; Ready when the agent is. */
  private PodStatus podStatus(DaemonSet ds, Pod pod, Node node, boolean agentIsReady) {
    String nodeName = node.getMetadata().getName();
    CompletableFuture<InitResult> init = init(ds, nodeName);
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    PodStatusBuilder b = new PodStatusBuilder().withHostIP(NodeSelection.address(node));
    InitResult result = init.isDone() ? init.join() : null;
    ContainerStatusBuilder initStatus =
        new ContainerStatusBuilder()
            .withName(MonitorNames.INIT_CONTAINER_NAME)
            .withImage("one-scaphandre-agent (this machine's agent jar)")
            .withRestartCount(0);
    if (result == null) {
      initStatus
          .withReady(false)
          .withNewState()
          .withNewRunning()
          .withStartedAt(now)
          .endRunning()
          .endState();
    } else {
      initStatus
          .withReady(result.exitCode() == 0)
          .withNewState()
          .withNewTerminated()
          .withExitCode(result.exitCode())
          .withReason(result.exitCode() == 0 ? "Completed" : "Error")
          .withMessage(result.message())
          .withFinishedAt(now)
          .endTerminated()
          .endState();
    }
    boolean initDone = result != null && result.exitCode() == 0;
    boolean ready = initDone && agentIsReady;
    ContainerStatus agent =
        new ContainerStatusBuilder()
            .withName(MonitorNames.AGENT_CONTAINER_NAME)
            .withImage("one-scaphandre-agent (this machine's agent jar)")
            .withReady(ready)
            .withRestartCount(0)
            .withStarted(initDone)
            .withNewState()
            .withNewRunning()
            .withStartedAt(now)
            .endRunning()
            .endState()
            .build();
    b.withPhase(initDone ? "Running" : "Pending")
        .withInitContainerStatuses(initStatus.build())
        .withContainerStatuses(agent)
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .endCondition()
        .addNewCondition()
        .withType("Initialized")
        .withStatus(initDone ? "True" : "False")
        .endCondition()
        .addNewCondition()
        .withType("ContainersReady")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition();
    return b.build();
  }

  /** The init container of the DaemonSet's pod on a node, started on first use. */
  private CompletableFuture<InitResult> init(DaemonSet ds, String nodeName) {
    return initsByPod.computeIfAbsent(
        podName(ds, nodeName),
        k -> {
          List<String> args =
              container(
                      ds.getSpec().getTemplate().getSpec().getInitContainers(),
                      MonitorNames.INIT_CONTAINER_NAME)
                  .getArgs();
          return CompletableFuture.supplyAsync(
              () -> {
                try {
                  return initRunner.run(nodeName, args);
                } catch (Exception e) {
                  return new InitResult(1, "demo kubelet could not run init: " + e.getMessage());
                }
              },
              inits);
        });
  }

  private static String podName(DaemonSet ds, String nodeName) {
    return ds.getMetadata().getName() + "-" + nodeName;
  }

  private static boolean isReady(PodStatus status) {
    return status.getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The status without its timestamps, so that a pod is written only when something changed. */
  private static String withoutTimes(PodStatus status) {
    if (status == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(Optional.ofNullable(status.getPhase()).orElse(""));
    Optional.ofNullable(status.getInitContainerStatuses())
        .orElse(List.of())
        .forEach(c -> sb.append('|').append(c.getName()).append(c.getReady()).append(state(c)));
    Optional.ofNullable(status.getContainerStatuses())
        .orElse(List.of())
        .forEach(c -> sb.append('|').append(c.getName()).append(c.getReady()).append(state(c)));
    Optional.ofNullable(status.getConditions())
        .orElse(List.of())
        .forEach(c -> sb.append('|').append(c.getType()).append(c.getStatus()));
    return sb.toString();
  }

  private static String state(ContainerStatus c) {
    if (c.getState() == null) {
      return "none";
    }
    if (c.getState().getTerminated() != null) {
      return "terminated"
          + c.getState().getTerminated().getExitCode()
          + c.getState().getTerminated().getMessage();
    }
    return c.getState().getRunning() != null ? "running" : "waiting";
  }

  @Override
  public void close() {
    loop.shutdownNow();
    inits.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads the termination message a container left, as the kubelet does (at most 4096 bytes). */
  public static String terminationMessage(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    byte[] bytes = Files.readAllBytes(file);
    return new String(
        bytes, 0, Math.min(bytes.length, 4096), java.nio.charset.StandardCharsets.UTF_8);
  }
}
