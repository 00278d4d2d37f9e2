package io.onescaphandre.agent;

import io.onescaphandre.agent.attribution.AttributionPolicy;
import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.agent.attribution.IdlePowerEstimator;
import io.onescaphandre.agent.attribution.IdleUnattributedPolicy;
import io.onescaphandre.agent.attribution.VcpuPolicy;
import io.onescaphandre.agent.metrics.MetricsPublisher;
import io.onescaphandre.agent.opennebula.ProbeEndpoints;
import io.onescaphandre.agent.opennebula.ProbeFeed;
import io.onescaphandre.agent.sampling.SampleLoop;
import io.onescaphandre.agent.sampling.Sampler;
import io.onescaphandre.agent.sampling.SamplingHealth;
import io.onescaphandre.agent.web.MetricsServer;
import io.onescaphandre.contracts.duration.DurationConverter;
import io.onescaphandre.contracts.hostid.HypervisorFilesHostIdFinder;
import io.onescaphandre.contracts.net.ListenAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: samples on its own timer and serves the last complete sample over HTTP. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Meter RAPL energy, account CPU per VM, pod and service, and serve /metrics.")
public final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(
      names = "--path.procfs",
      defaultValue = "/proc",
      description = "procfs mount (default ${DEFAULT-VALUE})")
  Path procfs;

  @Option(
      names = "--path.sysfs",
      defaultValue = "/sys",
      description = "sysfs mount (default ${DEFAULT-VALUE})")
  Path sysfs;

  @Option(
      names = "--path.rootfs",
      defaultValue = "/",
      description =
          "host root, for OpenNebula's files: the host id of opennebula_agent_host_info (default ${DEFAULT-VALUE})")
  Path rootfs;

  /**
   * How often the host id is looked up again: it appears once OpenNebula has monitored the host,
   * and changes when the host is deleted and added again. One small file read a minute.
   */
  static final Duration HOST_ID_REFRESH = Duration.ofMinutes(1);

  @Option(
      names = "--web.listen-address",
      defaultValue = ":8080",
      converter = ListenAddress.Converter.class,
      description = "address to serve on (default ${DEFAULT-VALUE})")
  InetSocketAddress listenAddress;

  @Option(
      names = "--interval",
      defaultValue = "2s",
      converter = DurationConverter.AgentInterval.class,
      description = "sampling interval (default ${DEFAULT-VALUE})")
  Duration interval;

  @Option(
      names = "--attribution.policy",
      defaultValue = BusyCpuPolicy.NAME,
      description = "busy-cpu, idle-unattributed or vcpu (default ${DEFAULT-VALUE})")
  String policy;

  @Option(
      names = "--attribution.idle-watts",
      description =
          "idle power of the host for idle-unattributed (unset: lowest power seen over the idle window)")
  Double idleWatts;

  @Option(
      names = "--attribution.idle-window",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description = "window for the lowest power seen (default ${DEFAULT-VALUE})")
  Duration idleWindow;

  @Option(
      names = "--top-processes",
      defaultValue = "5",
      description =
          "other processes exported in scaph_process_power_consumption_microwatts (default ${DEFAULT-VALUE})")
  int topProcesses;

  @picocli.CommandLine.Mixin
  io.onescaphandre.agent.power.PowerOptions power = new io.onescaphandre.agent.power.PowerOptions();

  @Option(
      names = "--top-consumers",
      defaultValue = "20",
      description =
          "pods and services exported each, the rest summed under 'other' (default ${DEFAULT-VALUE})")
  int topConsumers;

  @Option(
      names = "--health.failed-samples",
      defaultValue = "3",
      description =
          "consecutive failed samples after which /healthz fails, so that the kubelet"
              + " restarts the agent (default ${DEFAULT-VALUE})")
  int failedSamplesForUnhealthy;

  @Override
  public Integer call() throws Exception {
    AttributionPolicy attribution = policy(policy, idleWatts, idleWindow);
    if (topProcesses < 0 || topConsumers < 0) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--top-processes and --top-consumers must be >= 0");
    }
    io.onescaphandre.agent.attribution.RemainderPolicy remainder;
    io.onescaphandre.agent.power.HostPower hostPower;
    try {
      remainder =
          io.onescaphandre.agent.attribution.RemainderPolicy.parse(power.remainderPolicyName());
      hostPower = power.hostPower(procfs, sysfs);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), e.getMessage());
    }
    Sampler sampler =
        new Sampler(
            procfs,
            sysfs,
            new io.onescaphandre.agent.rapl.RaplMeter(
                new io.onescaphandre.agent.rapl.RaplZoneDiscovery(sysfs),
                java.nio.file.Files::readString,
                System::nanoTime),
            attribution,
            System::nanoTime,
            topProcesses,
            topConsumers,
            hostPower,
            remainder);
    MetricsPublisher publisher = new MetricsPublisher(MetricsPublisher.newRegistry(), procfs);
    if (failedSamplesForUnhealthy < 1) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--health.failed-samples must be >= 1");
    }
    SamplingHealth health =
        new SamplingHealth(System::nanoTime, interval.toNanos(), failedSamplesForUnhealthy);
    ProbeFeed probeFeed = new ProbeFeed(interval, Instant.now());
    ProbeEndpoints probeEndpoints = new ProbeEndpoints(probeFeed);
    LOG.info(
        "procfs={} sysfs={} {} policy={} interval={} power sources={} remainder={}",
        procfs,
        sysfs,
        sampler.cgroupLayout(),
        attribution.name(),
        interval,
        hostPower.order(),
        remainder.label());

    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sampler");
              t.setDaemon(true);
              return t;
            });
    SampleLoop tick =
        new SampleLoop(sampler::sample, publisher, health, System::nanoTime, probeFeed::accept);
    HostIdReporter hostId = new HostIdReporter(new HypervisorFilesHostIdFinder(rootfs), publisher);
    try (MetricsServer server = new MetricsServer(listenAddress, publisher, health)) {
      serveProbes(server, probeEndpoints);
      timer.scheduleAtFixedRate(tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
      timer.scheduleWithFixedDelay(hostId, 0, HOST_ID_REFRESH.toMillis(), TimeUnit.MILLISECONDS);
      server.start();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    } finally {
      timer.shutdownNow();
    }
    return 0;
  }

  /**
   * Serves the OpenNebula probes' paths on the agent's HTTP server. The wiring is here, among the
   * commands, so that the probes' feed (an exporter) does not depend on the web server above it.
   */
  public static void serveProbes(MetricsServer server, ProbeEndpoints endpoints) {
    server.addText(ProbeEndpoints.HOST_PATH, uri -> text(endpoints.host(uri)));
    server.addText(ProbeEndpoints.VMS_PATH, uri -> text(endpoints.vms(uri)));
  }

  private static MetricsServer.TextAnswer text(ProbeEndpoints.Response response) {
    return new MetricsServer.TextAnswer(response.status(), response.body());
  }

  static AttributionPolicy policy(String name, Double idleWatts, Duration idleWindow) {
    return switch (name) {
      case BusyCpuPolicy.NAME -> new BusyCpuPolicy();
      case VcpuPolicy.NAME -> new VcpuPolicy();
      case IdleUnattributedPolicy.NAME ->
          new IdleUnattributedPolicy(
              idleWatts != null
                  ? IdlePowerEstimator.fixed(idleWatts)
                  : IdlePowerEstimator.lowestOver(idleWindow.toNanos(), System::nanoTime));
      default ->
          throw new IllegalArgumentException(
              "--attribution.policy must be busy-cpu,"
                  + " idle-unattributed or vcpu, not '"
                  + name
                  + "'");
    };
  }
}
