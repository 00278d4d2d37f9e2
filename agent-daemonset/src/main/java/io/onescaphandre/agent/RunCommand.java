package io.onescaphandre.agent;

import io.onescaphandre.contracts.net.ListenAddress;
import io.onescaphandre.contracts.duration.DurationConverter;
import io.onescaphandre.agent.attribution.AttributionPolicy;
import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.agent.attribution.IdlePowerEstimator;
import io.onescaphandre.agent.attribution.IdleUnattributedPolicy;
import io.onescaphandre.agent.attribution.VcpuPolicy;
import io.onescaphandre.agent.metrics.MetricsPublisher;
import io.onescaphandre.agent.sampling.Sampler;
import io.onescaphandre.agent.sampling.Snapshot;
import io.onescaphandre.agent.web.MetricsServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: samples on its own timer and serves the last complete sample over HTTP. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Meter RAPL energy, account CPU per VM, pod and service, and serve /metrics.")
public final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = "--path.procfs", defaultValue = "/proc", description = "procfs mount (default ${DEFAULT-VALUE})")
  Path procfs;

  @Option(names = "--path.sysfs", defaultValue = "/sys", description = "sysfs mount (default ${DEFAULT-VALUE})")
  Path sysfs;

  @Option(names = "--path.rootfs", defaultValue = "/", description = "host root, for OpenNebula's files (default ${DEFAULT-VALUE})")
  Path rootfs;

  @Option(names = "--web.listen-address", defaultValue = ":8080", converter = ListenAddress.Converter.class,
      description = "address to serve on (default ${DEFAULT-VALUE})")
  InetSocketAddress listenAddress;

  @Option(names = "--interval", defaultValue = "2s", converter = DurationConverter.AgentInterval.class,
      description = "sampling interval (default ${DEFAULT-VALUE})")
  Duration interval;

  @Option(names = "--attribution.policy", defaultValue = BusyCpuPolicy.NAME,
      description = "busy-cpu, idle-unattributed or vcpu (default ${DEFAULT-VALUE})")
  String policy;

  @Option(names = "--attribution.idle-watts",
      description = "idle power of the host for idle-unattributed (unset: lowest power seen over the idle window)")
  Double idleWatts;

  @Option(names = "--attribution.idle-window", defaultValue = "10m", converter = DurationConverter.class,
      description = "window for the lowest power seen (default ${DEFAULT-VALUE})")
  Duration idleWindow;

  @Option(names = "--top-processes", defaultValue = "5",
      description = "other processes exported in scaph_process_power_consumption_microwatts (default ${DEFAULT-VALUE})")
  int topProcesses;

  @Option(names = "--top-consumers", defaultValue = "20",
      description = "pods and services exported each, the rest summed under 'other' (default ${DEFAULT-VALUE})")
  int topConsumers;

  @Override
  public Integer call() throws Exception {
    AttributionPolicy attribution = policy(policy, idleWatts, idleWindow);
    if (topProcesses < 0 || topConsumers < 0) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--top-processes and --top-consumers must be >= 0");
    }
    Sampler sampler = new Sampler(procfs, sysfs, attribution, System::nanoTime, topProcesses, topConsumers);
    MetricsPublisher publisher = new MetricsPublisher(MetricsPublisher.newRegistry(), procfs);
    AtomicReference<Snapshot> last = new AtomicReference<>(Snapshot.empty(io.onescaphandre.agent.rapl.RaplState.ABSENT));
    AtomicLong lastSampleNanos = new AtomicLong(System.nanoTime());
    long staleAfter = Math.max(interval.toNanos() * 5, Duration.ofSeconds(30).toNanos());
    LOG.info("procfs={} sysfs={} {} policy={} interval={}", procfs, sysfs, sampler.cgroupLayout(),
        attribution.name(), interval);

    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sampler");
      t.setDaemon(true);
      return t;
    });
    Runnable tick = () -> {
      long start = System.nanoTime();
      try {
        Snapshot snapshot = sampler.sample();
        publisher.publish(snapshot, System.nanoTime() - start);
        last.set(snapshot);
      } catch (RuntimeException e) {
        // One bad sample (a surprising file) must not stop the timer.
        LOG.warn("sample failed", e);
      }
      lastSampleNanos.set(System.nanoTime());
    };
    try (MetricsServer server = new MetricsServer(listenAddress, publisher,
        () -> System.nanoTime() - lastSampleNanos.get() < staleAfter,
        () -> last.get().sequence() >= 2)) {
      timer.scheduleAtFixedRate(tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
      server.start();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    } finally {
      timer.shutdownNow();
    }
    return 0;
  }

  static AttributionPolicy policy(String name, Double idleWatts, Duration idleWindow) {
    return switch (name) {
      case BusyCpuPolicy.NAME -> new BusyCpuPolicy();
      case VcpuPolicy.NAME -> new VcpuPolicy();
      case IdleUnattributedPolicy.NAME -> new IdleUnattributedPolicy(idleWatts != null
          ? IdlePowerEstimator.fixed(idleWatts)
          : IdlePowerEstimator.lowestOver(idleWindow.toNanos(), System::nanoTime));
      default -> throw new IllegalArgumentException("--attribution.policy must be busy-cpu,"
          + " idle-unattributed or vcpu, not '" + name + "'");
    };
  }
}
