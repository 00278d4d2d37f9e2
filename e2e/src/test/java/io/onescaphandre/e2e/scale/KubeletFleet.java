package io.onescaphandre.e2e.scale;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.ToLongFunction;

/**
 * Kubelets stand-in: marks every scheduled agent pod Running and Ready with the init report a real
 * host would give (its host id, RAPL ok), eight pods at a time.
 */
final class KubeletFleet implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KubernetesClient admin;
  private final String namespace;
  private final String instance;
  private final ToLongFunction<String> hostIdOfNode;
  private final Set<String> done = ConcurrentHashMap.newKeySet();
  private final LinkedBlockingQueue<Pod> queue = new LinkedBlockingQueue<>();
  private final ExecutorService workers = Executors.newFixedThreadPool(8);
  private SharedIndexInformer<Pod> informer;

  /**
   * @param hostIdOfNode the host id the init report of an agent on that node gives
   */
  KubeletFleet(
      KubernetesClient admin,
      String namespace,
      String instance,
      ToLongFunction<String> hostIdOfNode) {
    this.admin = admin;
    this.namespace = namespace;
    this.instance = instance;
    this.hostIdOfNode = hostIdOfNode;
  }

  void start() {
    for (int w = 0; w < 8; w++) {
      workers.submit(
          () -> {
            while (!Thread.currentThread().isInterrupted()) {
              Pod pod;
              try {
                pod = queue.take();
              } catch (InterruptedException e) {
                return;
              }
              try {
                markReady(pod);
              } catch (RuntimeException e) {
                done.remove(pod.getMetadata().getName());
              }
            }
          });
    }
    informer =
        admin
            .pods()
            .inNamespace(namespace)
            .withLabel("app.kubernetes.io/instance", instance)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    offer(pod);
                  }

                  @Override
                  public void onUpdate(Pod old, Pod pod) {
                    offer(pod);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {
                    done.remove(pod.getMetadata().getName());
                  }
                });
  }

  private void offer(Pod pod) {
    if (pod.getSpec().getNodeName() != null
        && pod.getMetadata().getDeletionTimestamp() == null
        && done.add(pod.getMetadata().getName())) {
      queue.add(pod);
    }
  }

  private void markReady(Pod pod) {
    String node = pod.getSpec().getNodeName();
    long id = hostIdOfNode.applyAsLong(node);
    String report =
        "{\"version\":1,\"hostId\":"
            + id
            + ",\"hostIdSource\":\"one_db_config\","
            + "\"hostIdFile\":\"/var/tmp/one_db/config\",\"hypervisor\":\"kvm\",\"rapl\":\"ok\","
            + "\"raplZones\":[\"package-0\",\"dram\"],\"message\":\"stand-in kubelet\"}";
    String now = Instant.now().toString();
    Map<String, Object> terminated =
        Map.of(
            "exitCode",
            0,
            "reason",
            "Completed",
            "message",
            report,
            "startedAt",
            now,
            "finishedAt",
            now);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("phase", "Running");
    status.put(
        "conditions",
        List.of(
            Map.of("type", "Initialized", "status", "True", "lastTransitionTime", now),
            Map.of("type", "ContainersReady", "status", "True", "lastTransitionTime", now),
            Map.of("type", "Ready", "status", "True", "lastTransitionTime", now)));
    status.put(
        "initContainerStatuses",
        List.of(
            Map.of(
                "name",
                "init",
                "ready",
                true,
                "restartCount",
                0,
                "image",
                "one-scaphandre-agent:0.1.0",
                "imageID",
                "",
                "state",
                Map.of("terminated", terminated))));
    status.put(
        "containerStatuses",
        List.of(
            Map.of(
                "name",
                "agent",
                "ready",
                true,
                "restartCount",
                0,
                "started",
                true,
                "image",
                "one-scaphandre-agent:0.1.0",
                "imageID",
                "",
                "state",
                Map.of("running", Map.of("startedAt", now)))));
    try {
      admin
          .pods()
          .inNamespace(namespace)
          .withName(pod.getMetadata().getName())
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              JSON.writeValueAsString(Map.of("status", status)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    workers.shutdownNow();
  }
}
