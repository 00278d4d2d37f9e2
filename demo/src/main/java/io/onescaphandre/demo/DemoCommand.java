package io.onescaphandre.demo;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.onescaphandre.contracts.duration.DurationField;
import io.onescaphandre.operator.api.Condition;
import io.onescaphandre.operator.api.NodeStatus;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.MonitorResources;
import io.onescaphandre.operator.dependent.PlainJobConfigMapDependent;
import io.onescaphandre.operator.hostid.OpenNebulaHostDirectory;
import io.onescaphandre.operator.reconciler.MonitorOperator;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo jar's one command: the operator at work on this machine, with everything it cannot have
 * here simulated and labelled so. See the header it prints for what is real and what is not.
 */
@Command(
    name = "one-scaphandre-demo",
    mixinStandardHelpOptions = true,
    version = "0.1.0",
    description =
        "Run the operator against an embedded Kubernetes API with three simulated OpenNebula"
            + " KVM hosts, apply the sample ScaphandreMonitor, run the agent on this machine (real /proc,"
            + " simulated RAPL) and show the monitor's status, its Prometheus job and live power per VM,"
            + " until Ctrl-C.")
public final class DemoCommand implements Callable<Integer> {
  static final String OPERATOR_USER_AGENT = "one-scaphandre-operator (demo)";
  private static final String KUBELET_USER_AGENT = "one-scaphandre-demo-kubelet (simulated)";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--duration",
      paramLabel = "<duration>",
      description = "stop after this long, e.g. 30s (default: run until Ctrl-C)")
  String duration;

  @Option(
      names = "--workdir",
      paramLabel = "<dir>",
      description =
          "where the simulated files and the logs go (default: a new temporary directory)")
  Path workdir;

  @Option(
      names = "--agent-jar",
      paramLabel = "<jar>",
      description =
          "the agent jar (default: one-scaphandre-agent.jar next to this jar, else"
              + " agent-daemonset/target/one-scaphandre-agent.jar)")
  Path agentJar;

  @Option(
      names = "--ready-timeout",
      paramLabel = "<duration>",
      defaultValue = "120s",
      description = "how long to wait for the monitor to become Ready (default ${DEFAULT-VALUE})")
  String readyTimeout;

  @Option(
      names = "--refresh",
      paramLabel = "<duration>",
      defaultValue = "1s",
      description = "how often the live table is refreshed (default ${DEFAULT-VALUE})")
  String refresh;

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final List<AutoCloseable> resources = new ArrayList<>();
  private boolean closed;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Duration runFor = duration == null ? null : parse("--duration", duration);
    Duration readyWithin = parse("--ready-timeout", readyTimeout);
    Duration every = parse("--refresh", refresh);
    Path jar = resolveAgentJar();
    Path dir =
        workdir != null
            ? Files.createDirectories(workdir)
            : Files.createTempDirectory("one-scaphandre-demo-");
    Path operatorLog = dir.resolve("operator.log");
    PrintStream originalErr = System.err;
    if (!Files.isReadable(Path.of("/proc/stat"))) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "the demo needs Linux: the agent reads this machine's /proc, and there is no /proc/stat here");
    }
    if (System.getProperty("org.slf4j.simpleLogger.showDateTime") == null) {
      System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    }
    PrintStream log = new PrintStream(new FileOutputStream(operatorLog.toFile(), true), true);
    // Whatever logs to stderr (the operator, JOSDK, Fabric8, Vert.x) goes to the log, not the
    // screen.
    System.setErr(log);
    Thread hook =
        new Thread(
            () -> {
              stopRequested.countDown();
              closeAll();
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long start = System.nanoTime();
    try {
      header(out, dir, jar);
      return run(out, dir, jar, runFor, readyWithin, every, start);
    } finally {
      closeAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running.
      }
      System.setErr(originalErr);
      log.close();
      out.println(
          "Stopped: operator, embedded API server and every process the demo started."
              + " Logs: "
              + dir);
      out.flush();
    }
  }

  private int run(
      PrintWriter out,
      Path dir,
      Path jar,
      Duration runFor,
      Duration readyWithin,
      Duration every,
      long start)
      throws Exception {
    ScaphandreMonitor sample = SampleMonitor.load();
    String namespace = sample.getMetadata().getNamespace();
    String javaExecutable =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    DemoMachine machine = register(new DemoMachine(javaExecutable, jar, dir, "1s"));
    machine.startRaplSimulator();
    progress(
        out,
        start,
        "simulated RAPL tree written ("
            + machine.sysfs()
            + "), its power following this"
            + " machine's CPU load");

    DemoCluster cluster = register(DemoCluster.start(namespace));
    progress(out, start, "embedded Kubernetes API at " + cluster.url() + " (4 simulated nodes)");
    KubernetesClient operatorClient = register(cluster.newClient(OPERATOR_USER_AGENT));
    // No OpenNebula here: the sample's sources are nodeLabel and hypervisorFiles, and the mock
    // server
    // has no server-side apply.
    Operator operator =
        MonitorOperator.builder(operatorClient)
            .withServerSideApply(false)
            .withCrdRecheckInterval(Duration.ofSeconds(2))
            .withOpenNebulaHostDirectory(OpenNebulaHostDirectory.NONE)
            .build();
    register(operator::stop);
    operator.start();
    progress(
        out, start, "operator started (the real one, log in " + dir.resolve("operator.log") + ")");

    KubernetesClient kubeletClient = register(cluster.newClient(KUBELET_USER_AGENT));
    register(
        new DemoKubelet(
                kubeletClient,
                namespace,
                machine::runInit,
                args -> machine.startAgent(firstSelectedNode(), args),
                machine::agentReady)
            .start());

    KubernetesClient client = cluster.client();
    client.resource(sample).create();
    progress(
        out,
        start,
        "applied examples/scaphandremonitor.yaml (ScaphandreMonitor "
            + namespace
            + "/"
            + sample.getMetadata().getName()
            + ")");

    ScaphandreMonitor ready =
        waitFor(readyWithin, () -> readyMonitor(client, sample), () -> notReadyYet(client, sample));
    if (ready == null) {
      return 1;
    }
    List<Node> nodes = client.nodes().list().getItems();
    out.println();
    out.printf("STATUS of the monitor (%.1f s after start)%n", (System.nanoTime() - start) / 1e9);
    out.print(StatusTable.render(ready, nodes));
    out.println();
    long mapped = ready.getStatus().getNodes().stream().filter(n -> n.getHostId() != null).count();
    ConfigMap job =
        waitFor(readyWithin, () -> jobWithTargets(client, sample, mapped), () -> "no job yet");
    if (job == null) {
      return 1;
    }
    out.println(
        "PROMETHEUS JOB the operator generated (ConfigMap "
            + namespace
            + "/"
            + job.getMetadata().getName()
            + ", key "
            + PlainJobConfigMapDependent.DATA_KEY
            + ";"
            + " the addresses are the simulated nodes'):");
    job.getData()
        .get(PlainJobConfigMapDependent.DATA_KEY)
        .lines()
        .forEach(l -> out.println("  " + l));
    out.println("  also made: " + ownedObjects(client, sample));
    out.println();
    try {
      List<Long> guests = SimulatedGuests.start(machine.children(), dir.resolve("guests"));
      out.println(
          "Simulated VMs started: "
              + java.util.stream.IntStream.range(0, guests.size())
                  .mapToObj(
                      i ->
                          SimulatedGuests.GUESTS.get(i).vmName()
                              + " (pid "
                              + guests.get(i)
                              + ", busy "
                              + SimulatedGuests.GUESTS.get(i).busyPercent()
                              + " % of a CPU)")
                  .collect(Collectors.joining(", "))
              + ".");
    } catch (IOException e) {
      out.println(
          "The simulated VMs could not start (they need bash 5 and mkfifo): "
              + e.getMessage()
              + "; the live table shows this machine's processes only.");
    }
    out.flush();
    live(out, machine, ready, runFor, every);
    return 0;
  }

  private void header(PrintWriter out, Path dir, Path jar) {
    out.println("one-scaphandre demo: the operator and the agent at work on this machine.");
    out.println(
        "  SIMULATED  the Kubernetes API (Fabric8 mock server, CRUD mode) and its nodes one-kvm-01..03");
    out.println(
        "             (OpenNebula KVM hosts 7, 8, 9) and k8s-control-plane; the kubelet that runs the");
    out.println(
        "             agent pods; OpenNebula's /var/tmp/one_db/config on each host; the RAPL counters");
    out.println(
        "             (this machine has none: their power follows its CPU load); the VMs one-42..44");
    out.println("             (shell loops named like QEMU).");
    out.println("  REAL       the operator; the agent (" + jar + "): its init on each node's");
    out.println(
        "             files, and one agent process reading this machine's /proc, sampling every 1s");
    out.println("             (the monitor says 2s) so that the table moves every second.");
    out.println("  working directory " + dir + " (operator.log, logs/, simulated files)");
    out.println();
    out.flush();
  }

  private static void progress(PrintWriter out, long start, String what) {
    out.printf("[%5.1f s] %s%n", (System.nanoTime() - start) / 1e9, what);
    out.flush();
  }

  private static String firstSelectedNode() {
    return DemoNode.CLUSTER.stream()
        .filter(DemoNode::openNebulaHost)
        .findFirst()
        .orElseThrow()
        .name();
  }

  /** The monitor once Ready with every selected node mapped, its agent ready and RAPL reported. */
  private static Optional<ScaphandreMonitor> readyMonitor(
      KubernetesClient client, ScaphandreMonitor sample) {
    ScaphandreMonitor m = current(client, sample);
    if (m == null || m.getStatus() == null) {
      return Optional.empty();
    }
    boolean ready =
        m.getStatus()
            .condition(Condition.READY)
            .map(c -> Condition.TRUE.equals(c.getStatus()))
            .orElse(false);
    List<NodeStatus> nodes = m.getStatus().getNodes();
    long expected = DemoNode.CLUSTER.stream().filter(DemoNode::openNebulaHost).count();
    boolean complete =
        nodes.size() == expected
            && nodes.stream()
                .allMatch(
                    n ->
                        n.getHostId() != null
                            && Boolean.TRUE.equals(n.getAgentReady())
                            && n.getRapl() != null);
    return ready && complete ? Optional.of(m) : Optional.empty();
  }

  private static String notReadyYet(KubernetesClient client, ScaphandreMonitor sample) {
    ScaphandreMonitor m = current(client, sample);
    if (m == null || m.getStatus() == null || m.getStatus().getConditions().isEmpty()) {
      return "the operator has not written the monitor's status";
    }
    return m.getStatus().getConditions().stream()
            .map(
                c ->
                    c.getType()
                        + "="
                        + c.getStatus()
                        + " ("
                        + c.getReason()
                        + ": "
                        + c.getMessage()
                        + ")")
            .collect(Collectors.joining("; "))
        + "; nodes: "
        + m.getStatus().getNodes().stream()
            .map(
                n ->
                    n.getName()
                        + " hostId="
                        + n.getHostId()
                        + " agentReady="
                        + n.getAgentReady()
                        + " rapl="
                        + n.getRapl())
            .collect(Collectors.joining(", "));
  }

  private static ScaphandreMonitor current(KubernetesClient client, ScaphandreMonitor sample) {
    return client
        .resources(ScaphandreMonitor.class)
        .inNamespace(sample.getMetadata().getNamespace())
        .withName(sample.getMetadata().getName())
        .get();
  }

  private static Optional<ConfigMap> jobWithTargets(
      KubernetesClient client, ScaphandreMonitor sample, long mapped) {
    ConfigMap cm =
        client
            .configMaps()
            .inNamespace(sample.getMetadata().getNamespace())
            .withName(MonitorResources.plainJobConfigMapName(sample))
            .get();
    if (cm == null
        || cm.getData() == null
        || cm.getData().get(PlainJobConfigMapDependent.DATA_KEY) == null) {
      return Optional.empty();
    }
    long targets =
        cm.getData()
            .get(PlainJobConfigMapDependent.DATA_KEY)
            .lines()
            .filter(l -> l.strip().startsWith("host_id:"))
            .count();
    return targets == mapped ? Optional.of(cm) : Optional.empty();
  }

  private static String ownedObjects(KubernetesClient client, ScaphandreMonitor sample) {
    String ns = sample.getMetadata().getNamespace();
    List<HasMetadata> owned = new ArrayList<>();
    owned.addAll(client.apps().daemonSets().inNamespace(ns).list().getItems());
    owned.addAll(client.serviceAccounts().inNamespace(ns).list().getItems());
    owned.addAll(
        client
            .resources(io.fabric8.openshift.api.model.monitoring.v1.PodMonitor.class)
            .inNamespace(ns)
            .list()
            .getItems());
    owned.addAll(
        client
            .resources(io.fabric8.openshift.api.model.monitoring.v1alpha1.ScrapeConfig.class)
            .inNamespace(ns)
            .list()
            .getItems());
    owned.addAll(
        client
            .resources(io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class)
            .inNamespace(ns)
            .list()
            .getItems());
    return owned.stream()
        .filter(
            o ->
                o.getMetadata().getOwnerReferences() != null
                    && o.getMetadata().getOwnerReferences().stream()
                        .anyMatch(r -> "ScaphandreMonitor".equals(r.getKind())))
        .map(o -> o.getKind() + " " + o.getMetadata().getName())
        .collect(Collectors.joining(", "));
  }

  /** Polls until the supplier gives a value; null (and the reason on stdout) on timeout or stop. */
  private <T> T waitFor(Duration timeout, Supplier<Optional<T>> what, Supplier<String> whyNot)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<T> value = what.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (stopRequested.await(250, TimeUnit.MILLISECONDS)) {
        return null;
      }
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println("The demo gave up after " + timeout.toSeconds() + " s: " + whyNot.get());
    err.println(
        "See "
            + (workdir != null ? workdir : "the working directory")
            + "/operator.log and logs/.");
    err.flush();
    return null;
  }

  private void live(
      PrintWriter out,
      DemoMachine machine,
      ScaphandreMonitor monitor,
      Duration runFor,
      Duration every)
      throws InterruptedException {
    NodeStatus node =
        monitor.getStatus().getNodes().stream()
            .filter(n -> n.getName().equals(machine.agentNode()))
            .findFirst()
            .orElseThrow();
    String where =
        "this machine as "
            + node.getName()
            + " (host id "
            + node.getHostId()
            + "), agent 127.0.0.1:"
            + machine.agentPort();
    Set<String> simulated =
        SimulatedGuests.GUESTS.stream()
            .map(SimulatedGuests.Guest::vmName)
            .collect(Collectors.toSet());
    boolean redraw = System.console() != null;
    String period = every.toMillis() / 1000.0 + " s";
    out.println(
        "Live power from the agent's /metrics, every "
            + period
            + (runFor == null ? "; Ctrl-C stops the demo." : ", for " + runFor.toSeconds() + " s.")
            + " RAPL is simulated: its power follows this machine's CPU load.");
    long end = runFor == null ? Long.MAX_VALUE : System.nanoTime() + runFor.toNanos();
    int previousLines = 0;
    while (System.nanoTime() < end) {
      String frame =
          machine
              .metrics()
              .map(PrometheusText::parse)
              .map(
                  m ->
                      LiveTable.render(
                          m, LocalTime.now(), where, simulated, machine.processRoles()))
              .orElse(
                  "LIVE "
                      + LocalTime.now().withNano(0)
                      + "  the agent does not answer; see logs/agent-run.log\n");
      frame +=
          machine
              .raplFailure()
              .map(e -> "  THE SIMULATED RAPL TREE STOPPED: " + e + "\n")
              .orElse("");
      if (redraw && previousLines > 0) {
        out.print("\033[" + previousLines + "A\033[J");
      } else if (previousLines > 0) {
        out.println();
      }
      out.print(frame);
      out.flush();
      previousLines = (int) frame.lines().count();
      long wait = Math.min(every.toNanos(), Math.max(0, end - System.nanoTime()));
      if (stopRequested.await(wait, TimeUnit.NANOSECONDS)) {
        break;
      }
    }
  }

  private Path resolveAgentJar() {
    List<Path> candidates = new ArrayList<>();
    if (agentJar != null) {
      candidates.add(agentJar);
    } else {
      try {
        Path self =
            Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        // demo/target/one-scaphandre-demo.jar or demo/target/classes
        Path target = self.getParent();
        candidates.add(target.resolve("one-scaphandre-agent.jar"));
        if (target.getParent() != null && target.getParent().getParent() != null) {
          candidates.add(
              target
                  .getParent()
                  .getParent()
                  .resolve("agent-daemonset/target/one-scaphandre-agent.jar"));
        }
      } catch (java.net.URISyntaxException | RuntimeException e) {
        // Not from a file: only the working directory is left to look in.
      }
      candidates.add(Path.of("agent-daemonset/target/one-scaphandre-agent.jar"));
    }
    return candidates.stream()
        .filter(Files::isRegularFile)
        .findFirst()
        .map(Path::toAbsolutePath)
        .orElseThrow(
            () ->
                new CommandLine.ParameterException(
                    spec.commandLine(),
                    "the agent jar is missing (looked at "
                        + candidates.stream().map(Path::toString).collect(Collectors.joining(", "))
                        + "): build it with ./mvnw -q -DskipTests package,"
                        + " or pass --agent-jar"));
  }

  private Duration parse(String option, String text) {
    try {
      return new DurationField(option, "1ms", "24h").parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private <T extends AutoCloseable> T register(T resource) {
    synchronized (resources) {
      resources.add(resource);
    }
    return resource;
  }

  /** Stops everything in reverse order of start; safe to call twice and from the shutdown hook. */
  private void closeAll() {
    List<AutoCloseable> toClose;
    synchronized (resources) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(resources);
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        System.err.println("while stopping the demo: " + e);
      }
    }
  }
}
