package io.onescaphandre.e2e.support;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * THE ONLY SIMULATED STEP of the end-to-end run: a stand-in for the kubelet and container runtime,
 * which do not exist on this machine. Everything else (API server, controller manager, scheduler,
 * operator, Prometheus Operator, Prometheus, agents, QEMU guests) is the real program.
 *
 * <p>For every pod of the watched set that the real scheduler has bound to a node, it runs the
 * pod's workload as a local process (through a {@link PodRunner}: for our agent, the agent jar on
 * the node's own loopback address, i.e. its InternalIP), then writes the pod status as a kubelet
 * would: Running and Ready, pod IP = node IP (the agent serves on the node's address, as with
 * hostNetwork/hostPort), init container terminated with its termination message. A pod being
 * deleted has its process stopped and its deletion confirmed (grace period 0), as a kubelet does.
 */
public final class KubeletStandIn implements AutoCloseable {
  /** Runs a pod's workload on the node; returns once it serves (or throws). */
  public interface PodRunner {
    RunningPod start(Pod pod, Node node, String nodeAddress);
  }

  /** A pod's running workload and what its init container reported. */
  public record RunningPod(AutoCloseable workload, String initTerminationMessage) {}

  private final String namespace;
  private final Map<String, String> podLabels;
  private final PodRunner runner;
  private final Map<String, RunningPod> running = new ConcurrentHashMap<>();
  private final Map<String, String> failures = new ConcurrentHashMap<>();
  private final ScheduledExecutorService loop;

  public KubeletStandIn(String namespace, Map<String, String> podLabels, PodRunner runner) {
    this.namespace = namespace;
    this.podLabels = podLabels;
    this.runner = runner;
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kubelet-stand-in");
              t.setDaemon(true);
              return t;
            });
    loop.scheduleWithFixedDelay(this::syncQuietly, 0, 1, TimeUnit.SECONDS);
  }

  /** Pod name -> why its workload could not start (for assertion messages). */
  public Map<String, String> failures() {
    return Map.copyOf(failures);
  }

  public int runningPods() {
    return running.size();
  }

  private void syncQuietly() {
    try {
      sync();
    } catch (RuntimeException e) {
      failures.put("(sync)", e.toString());
    }
  }

  private void sync() {
    var client = E2e.client();
    List<Pod> pods = client.pods().inNamespace(namespace).withLabels(podLabels).list().getItems();
    List<String> present = new ArrayList<>();
    for (Pod pod : pods) {
      String uid = pod.getMetadata().getUid();
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        stop(uid);
        client
            .pods()
            .inNamespace(namespace)
            .withName(pod.getMetadata().getName())
            .withGracePeriod(0)
            .delete();
        continue;
      }
      present.add(uid);
      String nodeName = pod.getSpec().getNodeName();
      if (nodeName == null
          || running.containsKey(uid)
          || failures.containsKey(pod.getMetadata().getName())) {
        continue;
      }
      Node node = client.nodes().withName(nodeName).get();
      if (node == null) {
        continue;
      }
      String address =
          node.getStatus().getAddresses().stream()
              .filter(a -> "InternalIP".equals(a.getType()))
              .map(NodeAddress::getAddress)
              .findFirst()
              .orElseThrow();
      try {
        RunningPod started = runner.start(pod, node, address);
        running.put(uid, started);
        markRunning(pod, address, started.initTerminationMessage());
      } catch (RuntimeException e) {
        failures.put(pod.getMetadata().getName(), e.getMessage());
      }
    }
    for (String uid : List.copyOf(running.keySet())) {
      if (!present.contains(uid)) {
        stop(uid);
      }
    }
  }

  private void markRunning(Pod pod, String address, String initMessage) {
    String now = Instant.now().toString();
    List<ContainerStatus> containers = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      containers.add(
          new ContainerStatusBuilder()
              .withName(c.getName())
              .withImage(c.getImage())
              .withImageID("")
              .withContainerID("e2e://" + pod.getMetadata().getUid() + "/" + c.getName())
              .withReady(true)
              .withStarted(true)
              .withRestartCount(0)
              .withNewState()
              .withNewRunning()
              .withStartedAt(now)
              .endRunning()
              .endState()
              .build());
    }
    List<ContainerStatus> inits = new ArrayList<>();
    for (Container c : pod.getSpec().getInitContainers()) {
      inits.add(
          new ContainerStatusBuilder()
              .withName(c.getName())
              .withImage(c.getImage())
              .withImageID("")
              .withContainerID("e2e://" + pod.getMetadata().getUid() + "/" + c.getName())
              .withReady(true)
              .withStarted(false)
              .withRestartCount(0)
              .withNewState()
              .withNewTerminated()
              .withExitCode(0)
              .withReason("Completed")
              .withMessage("init".equals(c.getName()) ? initMessage : null)
              .withStartedAt(now)
              .withFinishedAt(now)
              .endTerminated()
              .endState()
              .build());
    }
    List<PodCondition> conditions = new ArrayList<>();
    for (String type :
        List.of(
            "PodReadyToStartContainers",
            "Initialized",
            "Ready",
            "ContainersReady",
            "PodScheduled")) {
      conditions.add(
          new PodConditionBuilder()
              .withType(type)
              .withStatus("True")
              .withLastTransitionTime(now)
              .build());
    }
    E2e.client()
        .pods()
        .inNamespace(namespace)
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              p.setStatus(
                  new PodStatusBuilder(p.getStatus())
                      .withPhase("Running")
                      .withHostIP(address)
                      .withPodIP(address)
                      .withHostIPs(
                          List.of(
                              new io.fabric8.kubernetes.api.model.HostIPBuilder()
                                  .withIp(address)
                                  .build()))
                      .withPodIPs(List.of(new PodIPBuilder().withIp(address).build()))
                      .withStartTime(now)
                      .withConditions(conditions)
                      .withContainerStatuses(containers)
                      .withInitContainerStatuses(inits)
                      .build());
              return p;
            });
  }

  private void stop(String uid) {
    RunningPod pod = running.remove(uid);
    if (pod != null) {
      try {
        pod.workload().close();
      } catch (Exception e) {
        failures.put("(stop " + uid + ")", e.toString());
      }
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List.copyOf(running.keySet()).forEach(this::stop);
  }
}
