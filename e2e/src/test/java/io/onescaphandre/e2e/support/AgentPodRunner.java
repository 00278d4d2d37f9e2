package io.onescaphandre.e2e.support;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs an agent pod of the builtin flavour for the kubelet stand-in: our agent jar, first {@code
 * init} (its termination message goes into the pod status, as the real init container's would),
 * then {@code run} on the node's InternalIP and the pod's {@code metrics} port. The agent reads the
 * machine's real /proc (so it sees the QEMU guests) and the node's own simulated RAPL tree and root
 * file system (OpenNebula's /var/tmp/one_db/config with the node's host id). The container's other
 * arguments (interval, attribution policy, extraArgs) are kept.
 */
public final class AgentPodRunner implements KubeletStandIn.PodRunner {
  private static final List<String> PATH_FLAGS =
      List.of(
          "--path.sysfs",
          "--path.rootfs",
          "--path.procfs",
          "--web.listen-address",
          "--termination-message-path");

  private final Map<String, SimulatedRapl> raplByNode = new ConcurrentHashMap<>();
  private final Map<String, Integer> hostIdFileByNode;

  /**
   * @param hostIdFileByNode node name -> the host id OpenNebula wrote in that host's one_db/config
   */
  public AgentPodRunner(Map<String, Integer> hostIdFileByNode) {
    this.hostIdFileByNode = hostIdFileByNode;
  }

  public SimulatedRapl raplOf(String nodeName) {
    return raplByNode.computeIfAbsent(
        nodeName, n -> new SimulatedRapl(E2e.work("nodes/" + n + "/sys"), 2, 30, 40, 5));
  }

  @Override
  public KubeletStandIn.RunningPod start(Pod pod, Node node, String nodeAddress) {
    String nodeName = node.getMetadata().getName();
    SimulatedRapl rapl = raplOf(nodeName);
    Path rootfs = rootfs(nodeName);
    Container agent = pod.getSpec().getContainers().get(0);
    int port =
        agent.getPorts().stream()
            .filter(p -> "metrics".equals(p.getName()))
            .map(ContainerPort::getContainerPort)
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("the agent container has no port named metrics"));

    String initMessage = runInit(pod, nodeName, rapl, rootfs);
    List<String> command =
        new ArrayList<>(
            List.of(Parts.javaBinary(), "-Xmx96m", "-jar", Parts.agentJar().toString(), "run"));
    command.addAll(keptArguments(agent));
    command.addAll(
        List.of(
            "--path.sysfs=" + rapl.sysfs(),
            "--path.rootfs=" + rootfs,
            "--path.procfs=/proc",
            "--web.listen-address=" + nodeAddress + ":" + port));
    ManagedProcess process =
        ManagedProcess.start(
            "agent-" + nodeName + "-" + pod.getMetadata().getName(), command, Map.of());
    awaitReady(process, "http://" + nodeAddress + ":" + port + "/readyz", Duration.ofSeconds(90));
    return new KubeletStandIn.RunningPod(process, initMessage);
  }

  private String runInit(Pod pod, String nodeName, SimulatedRapl rapl, Path rootfs) {
    Path message =
        E2e.work("nodes/" + nodeName).resolve("termination-log-" + pod.getMetadata().getName());
    var result =
        Kubectl.Commands.run(
            List.of(
                Parts.javaBinary(),
                "-jar",
                Parts.agentJar().toString(),
                "init",
                "--path.sysfs=" + rapl.sysfs(),
                "--path.rootfs=" + rootfs,
                "--termination-message-path=" + message),
            null,
            120);
    try {
      if (result.exitCode() != 0 || !Files.exists(message)) {
        throw new IllegalStateException(
            "agent init failed on "
                + nodeName
                + " ("
                + result.exitCode()
                + "): "
                + result.stdout()
                + result.stderr());
      }
      return Files.readString(message).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** OpenNebula's files on this host: /var/tmp/one_db/config holds its host id (7.0+). */
  private Path rootfs(String nodeName) {
    Path root = E2e.work("nodes/" + nodeName + "/root");
    Integer hostId = hostIdFileByNode.get(nodeName);
    if (hostId != null) {
      try {
        Path config = Files.createDirectories(root.resolve("var/tmp/one_db")).resolve("config");
        Files.writeString(
            config,
            "<MONITOR_CONFIGURATION><HOST_ID>"
                + hostId
                + "</HOST_ID>"
                + "<HOSTNAME>"
                + nodeName
                + "</HOSTNAME></MONITOR_CONFIGURATION>\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root;
  }

  /**
   * The container's args without the ones naming host paths or the listen address, which are ours
   * here.
   */
  static List<String> keptArguments(Container container) {
    List<String> args = new ArrayList<>();
    if (container.getArgs() != null) {
      args.addAll(container.getArgs());
    }
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (arg.equals("run")) {
        continue;
      }
      if (PATH_FLAGS.contains(flag)) {
        if (!arg.contains("=")) {
          i++; // the value follows as the next argument
        }
        continue;
      }
      kept.add(arg);
    }
    return kept;
  }

  private static void awaitReady(ManagedProcess process, String url, Duration timeout) {
    try {
      ProcessWaits.untilOk(
          process, "the agent at " + url + " to answer 200", URI.create(url), timeout);
    } catch (AssertionError notReady) {
      process.close();
      throw notReady;
    }
  }

  public void closeTrees() {
    raplByNode.values().forEach(SimulatedRapl::close);
    raplByNode.clear();
  }
}
