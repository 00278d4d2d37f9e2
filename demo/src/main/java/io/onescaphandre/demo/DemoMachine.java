package io.onescaphandre.demo;

import io.onescaphandre.simulation.SimulatedRaplTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What runs on this machine: the simulated RAPL tree (a thread of the demo's JVM), the agent jar's
 * {@code init} for each node's pod, one agent {@code run} with the real /proc, and the simulated
 * guests. The init and agent arguments are the DaemonSet's, with the container's paths mapped to
 * this machine: {@code --path.procfs} to the real /proc, {@code --path.sysfs} to the simulated
 * sysfs, {@code --path.rootfs} to the node's simulated root filesystem.
 */
public final class DemoMachine implements AutoCloseable {
  static final String PACKAGE = "intel-rapl:0";
  static final String DRAM = "intel-rapl:0:0";

  /** A one-socket server: package 38 W idle to 145 W busy, its dram 6 W to 14 W. */
  static final Map<String, LoadFollowingPower.Watts> WATTS =
      Map.of(
          PACKAGE, new LoadFollowingPower.Watts(38, 145),
          DRAM, new LoadFollowingPower.Watts(6, 14));

  /** The package counter starts this long (at idle power) before its wrap point. */
  static final Duration WRAP_AFTER = Duration.ofSeconds(5);

  /** Short: the agent, sampling every second, sees at most one tick's energy too much or little. */
  static final Duration RAPL_TICK = Duration.ofMillis(50);

  private final String javaExecutable;
  private final Path agentJar;
  private final Path workdir;
  private final Path sysfs;
  private final Map<String, Path> rootfsByNode = new LinkedHashMap<>();
  private final ChildProcesses children;
  private final String agentInterval;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private volatile int agentPort = -1;
  private volatile String agentNode;
  private volatile long agentPid = -1;
  private volatile RaplSimulator rapl;

  public DemoMachine(String javaExecutable, Path agentJar, Path workdir, String agentInterval)
      throws IOException {
    this.javaExecutable = javaExecutable;
    this.agentJar = agentJar;
    this.workdir = workdir;
    this.agentInterval = agentInterval;
    this.sysfs = workdir.resolve("simulated-sysfs");
    this.children = new ChildProcesses(workdir.resolve("logs"));
    try {
      children.startWatchdog();
    } catch (IOException noShell) {
      // Without bash, only a kill -9 of the demo leaves children behind; Ctrl-C still stops them.
    }
    for (DemoNode node : DemoNode.CLUSTER) {
      rootfsByNode.put(node.name(), node.writeRootfs(workdir.resolve("nodes")));
    }
  }

  public Path sysfs() {
    return sysfs;
  }

  public ChildProcesses children() {
    return children;
  }

  private List<String> javaCommand(String... jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable);
    command.addAll(List.of(jvmOptions));
    command.add("-XX:+UseSerialGC");
    command.add("-jar");
    command.add(agentJar.toString());
    return command;
  }

  /**
   * Writes the simulated RAPL tree and starts advancing it with a power that follows this machine's
   * CPU load; the package counter starts just below its wrap point so that the agent's wrap
   * handling works at once. The simulated sysfs has no cgroup filesystem: where there are cgroups
   * the agent takes a KVM VM only from its libvirt machine scope (VMs cannot be invented), and the
   * simulated guests are shell loops outside any. On a host without cgroups, an emulator's argv
   * names the VM (the guests' argv[0] is {@code qemu-kvm-one}); this machine's services then count
   * as other processes.
   */
  public synchronized void startRaplSimulator() throws IOException {
    if (rapl != null) {
      throw new IllegalStateException("the RAPL simulator runs already");
    }
    SimulatedRaplTree tree = SimulatedRaplTree.server(sysfs, 1);
    double idleWatts = WATTS.get(PACKAGE).idle();
    long headroomMicrojoules = Math.round(idleWatts * WRAP_AFTER.toNanos() / 1e3);
    tree.setEnergy(PACKAGE, Math.max(0, SimulatedRaplTree.INTEL_RANGE_UJ - headroomMicrojoules));
    Files.writeString(
        sysfs.resolve("SIMULATED"),
        "This RAPL tree is simulated by the one-scaphandre demo: its power follows the CPU load of"
            + " /proc, not a power meter.\n");
    rapl = new RaplSimulator(tree, WATTS, Path.of("/proc"), RAPL_TICK);
  }

  /** Why the simulated counters stopped moving, if they did (the live table says so). */
  public Optional<RuntimeException> raplFailure() {
    RaplSimulator simulator = rapl;
    return simulator == null ? Optional.empty() : Optional.ofNullable(simulator.failure());
  }

  /** Runs the init container's args for a node; its termination message is what it wrote. */
  public DemoKubelet.InitResult runInit(String nodeName, List<String> containerArgs)
      throws IOException, InterruptedException {
    Path termination = workdir.resolve("nodes").resolve(nodeName).resolve("termination-log");
    Files.deleteIfExists(termination);
    List<String> command = javaCommand("-Xmx64m", "-XX:TieredStopAtLevel=1");
    command.addAll(
        mapArgs(
            containerArgs,
            Map.of(
                "--path.sysfs", sysfs.toString(),
                "--path.rootfs", rootfs(nodeName).toString(),
                "--path.procfs", "/proc",
                "--termination-message-path", termination.toString())));
    int exit = children.run("init-" + nodeName, command, 120);
    String message = DemoKubelet.terminationMessage(termination);
    if (exit != 0 && message.isBlank()) {
      // terminationMessagePolicy: FallbackToLogsOnError
      List<String> lines =
          Files.readAllLines(children.logFile("init-" + nodeName), StandardCharsets.UTF_8);
      message = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
    return new DemoKubelet.InitResult(exit, message);
  }

  /** Starts the one agent {@code run} of this machine from the agent container's args. */
  public synchronized boolean startAgent(String nodeName, List<String> containerArgs) {
    if (agentPort > 0) {
      return true;
    }
    try {
      int port = freePort();
      List<String> command = javaCommand("-Xmx192m");
      command.addAll(
          mapArgs(
              containerArgs,
              Map.of(
                  "--path.procfs",
                  "/proc",
                  "--path.sysfs",
                  sysfs.toString(),
                  "--path.rootfs",
                  rootfs(nodeName).toString(),
                  "--web.listen-address",
                  "127.0.0.1:" + port,
                  "--interval",
                  agentInterval)));
      agentPid = children.start("agent-run", command, Map.of()).pid();
      agentNode = nodeName;
      agentPort = port;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the agent: " + e.getMessage(), e);
    }
  }

  /** The demo's own processes by pid, for the process table. */
  public Map<String, String> processRoles() {
    Map<String, String> roles = new LinkedHashMap<>();
    roles.put(Long.toString(ProcessHandle.current().pid()), "operator, API server, RAPL");
    roles.put(Long.toString(agentPid), "the agent");
    return roles;
  }

  public String agentNode() {
    return agentNode;
  }

  public int agentPort() {
    return agentPort;
  }

  public boolean agentReady() {
    return agentPort > 0 && get("/readyz").map(r -> r.statusCode() == 200).orElse(false);
  }

  /** The agent's /metrics, or empty when it does not answer. */
  public Optional<String> metrics() {
    return get("/metrics").filter(r -> r.statusCode() == 200).map(HttpResponse::body);
  }

  private Optional<HttpResponse<String>> get(String path) {
    try {
      return Optional.of(
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentPort + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private Path rootfs(String nodeName) {
    Path rootfs = rootfsByNode.get(nodeName);
    if (rootfs == null) {
      throw new IllegalArgumentException("no simulated node " + nodeName);
    }
    return rootfs;
  }

  /**
   * The container's args with the values of some flags replaced ({@code --flag=value} or {@code
   * --flag value}); flags of the map the container lacks are appended.
   */
  static List<String> mapArgs(List<String> args, Map<String, String> values) {
    List<String> result = new ArrayList<>();
    Map<String, String> missing = new LinkedHashMap<>(values);
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      int eq = arg.indexOf('=');
      String flag = eq < 0 ? arg : arg.substring(0, eq);
      if (values.containsKey(flag)) {
        result.add(flag + "=" + values.get(flag));
        missing.remove(flag);
        if (eq < 0 && i + 1 < args.size()) {
          i++;
        }
      } else {
        result.add(arg);
      }
    }
    missing.forEach((flag, value) -> result.add(flag + "=" + value));
    return result;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    children.close();
    RaplSimulator simulator = rapl;
    if (simulator != null) {
      simulator.close();
    }
  }

  /**
   * For the process list: whether a process's command line mentions this demo's working directory.
   */
  public static boolean mentions(ProcessHandle p, Path workdir) {
    return p.info().commandLine().map(c -> c.contains(workdir.toString())).orElse(false)
        || p.info()
            .arguments()
            .map(a -> String.join(" ", a).contains(workdir.toString()))
            .orElse(false);
  }
}
