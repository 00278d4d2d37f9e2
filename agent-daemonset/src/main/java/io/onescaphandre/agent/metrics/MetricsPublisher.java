package io.onescaphandre.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onescaphandre.agent.sampling.SampleSink;
import io.onescaphandre.agent.sampling.Snapshot;
import io.onescaphandre.contracts.hostid.LocalHostId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Turns each {@link Snapshot} into the series of docs/interfaces.md, rendered at most once per
 * sample and format into the {@link Exposition} that every scrape serves as bytes until the next
 * sample (the format in use rendered when the sample is published), so every scrape shows exactly
 * one complete sample and a scrape renders nothing. The series of a sample are written by {@link
 * Family} straight into bytes, the same bytes the Prometheus client's writers make for them
 * (ExpositionGoldenTest), not registered as meters: a VM that comes or goes costs no meter
 * registration. Only Micrometer's own meters ({@link MeterBlock}) go through the client's writers.
 *
 * <p>Micrometer keeps what is not a sample's: the sample timer and counter (read at every
 * rendering), and the JVM and process meters, read at most every {@link #JVM_READ_NANOS} (10 s):
 * reading them costs system calls and /proc reads (thread states, CPU load, open files, RSS) that
 * would cost more than the rest of a small host's sample if done every sample, for figures nobody
 * needs fresher than a scrape interval.
 */
public final class MetricsPublisher implements SampleSink {
  private static final String SAMPLE_DURATION_HELP = "Time taken by one sample";
  private static final Family SAMPLE_DURATION_MAX =
      new Family(
          "opennebula_agent_sample_duration_seconds_max", SAMPLE_DURATION_HELP, Family.Type.GAUGE);
  private static final Family SAMPLES =
      new Family("opennebula_agent_samples", "Samples taken", Family.Type.COUNTER);
  private static final Family SAMPLE_FAILURES =
      new Family(
          "opennebula_agent_sample_failures",
          "Samples that failed, by reason (the exception's class)",
          Family.Type.COUNTER,
          "reason");
  private static final Family HOST_INFO =
      new Family(
          "opennebula_agent_host",
          "1 with the OpenNebula host id this agent found in the hypervisor's files (absent when none):"
              + " lets a Prometheus job without target labels join host_id",
          Family.Type.INFO,
          "host_id",
          "one_host_id",
          "hypervisor",
          "host_id_source");

  /** How often the JVM and process meters are read again for the exposition. */
  static final long JVM_READ_NANOS = 10_000_000_000L;

  private final PrometheusMeterRegistry registry;
  // Holds the sample timer and counter, which are served from their values (not scraped).
  private final PrometheusMeterRegistry sampleRegistry = newRegistry();
  private final Exposition.Preference preference = new Exposition.Preference();
  private final Timer sampleDuration;
  private final Counter samples;
  // What the next rendering combines; written and rendered under this object's monitor (the
  // sampler's thread, the host id's timer).
  private List<Block> sampleFamilies = SampleFamilies.beforeFirstSample();
  private final Map<String, Double> sampleFailureCounts = new TreeMap<>();
  private Optional<LocalHostId> hostId = Optional.empty();
  private List<Block> jvmMeters;
  private long jvmReadNanos;
  private volatile Exposition exposition;
  private volatile int agentSeries;

  /**
   * @param registry for the JVM and process meters
   */
  public MetricsPublisher(PrometheusMeterRegistry registry, Path procfs) {
    this.registry = registry;
    sampleDuration =
        Timer.builder("opennebula.agent.sample.duration")
            .description(SAMPLE_DURATION_HELP)
            .register(sampleRegistry);
    samples =
        Counter.builder("opennebula.agent.samples")
            .description("Samples taken")
            .register(sampleRegistry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Path status = procfs.resolve("self").resolve("status");
    Gauge.builder("process.resident.memory.bytes", status, MetricsPublisher::residentBytes)
        .description("Resident set size of the agent")
        .register(registry);
    synchronized (this) {
      render();
    }
  }

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** Applies one complete sample: builds its series and renders the exposition once. */
  @Override
  public synchronized void publish(Snapshot s, long sampleNanos) {
    sampleDuration.record(sampleNanos, TimeUnit.NANOSECONDS);
    samples.increment();
    sampleFamilies = SampleFamilies.of(s);
    render();
  }

  /**
   * Serves the host id found on the hypervisor (or removes the series when none is found). Both
   * label names carry the id, as the targets of the operator's jobs do, so that the same queries
   * and joins work whichever way the id reached Prometheus.
   */
  public synchronized void publishHostId(Optional<LocalHostId> host) {
    if (!host.equals(hostId)) {
      hostId = host;
      render();
    }
  }

  /**
   * Counts a sample that failed. The series of the last complete sample stay as they were, so a
   * scrape still shows one whole sample.
   */
  @Override
  public synchronized void sampleFailed(String reason) {
    sampleFailureCounts.merge(reason, 1.0, Double::sum);
    render();
  }

  /** The exposition of the last complete sample, as rendered when it was published. */
  public Exposition exposition() {
    return exposition;
  }

  /** The exposition in the format the content type names (OpenMetrics or text 0.0.4), as text. */
  public String scrape(String contentType) {
    return new String(
        exposition.body(contentType.startsWith("application/openmetrics-text")),
        StandardCharsets.UTF_8);
  }

  /** Number of series of the agent's own families (not jvm/process), for the benchmark. */
  public int agentSeriesCount() {
    return agentSeries;
  }

  /**
   * Makes the exposition of everything served (rendered in the format in use now, the other on
   * demand); the caller holds this object's monitor.
   */
  private void render() {
    List<Block> all = new ArrayList<>(sampleFamilies.size() + 64);
    all.addAll(sampleFamilies);
    Family.Points failures = SAMPLE_FAILURES.points();
    sampleFailureCounts.forEach((reason, count) -> failures.add(count, reason));
    failures.addTo(all);
    hostId.ifPresent(
        found -> {
          String id = found.hostId().toString();
          HOST_INFO
              .points()
              .add(
                  1,
                  id,
                  id,
                  found.hypervisor().map(h -> h.label()).orElse(""),
                  found.source().label())
              .addTo(all);
        });
    int own = 0;
    for (Block family : all) {
      own += ((Family.Points) family).size();
    }
    // Micrometer's timer (its max is a decaying window) and counter, read without its registry's
    // scrape: three series.
    all.add(
        new SummaryBlock(
            "opennebula_agent_sample_duration_seconds",
            SAMPLE_DURATION_HELP,
            sampleDuration.count(),
            sampleDuration.totalTime(TimeUnit.SECONDS)));
    SAMPLE_DURATION_MAX.points().add(sampleDuration.max(TimeUnit.SECONDS)).addTo(all);
    SAMPLES.points().add(samples.count()).addTo(all);
    own += 2; // counted as before: two meters, the timer and the counter
    long now = System.nanoTime();
    if (jvmMeters == null || now - jvmReadNanos >= JVM_READ_NANOS) {
      List<Block> meters = new ArrayList<>();
      registry.getPrometheusRegistry().scrape().forEach(m -> meters.add(new MeterBlock(m)));
      jvmMeters = meters;
      jvmReadNanos = now;
    }
    all.addAll(jvmMeters);
    // The order of the Prometheus client's MetricSnapshots, which Micrometer's registry served.
    all.sort(Comparator.comparing(Block::sortName));
    Exposition previous = exposition;
    exposition = new Exposition(all, previous == null ? 16 * 1024 : previous.size(), preference);
    agentSeries = own;
  }

  /** VmRSS of /proc/self/status (in kB whatever the page size). */
  private static double residentBytes(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
