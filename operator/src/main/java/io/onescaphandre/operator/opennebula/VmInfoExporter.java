package io.onescaphandre.operator.opennebula;

import io.micrometer.core.instrument.MeterRegistry;
import io.onescaphandre.operator.opennebula.OpenNebulaClient.VmStateFilter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports {@code opennebula_vm_info{one_vm_id, vm_name, uname, gname, one_host_id, hypervisor}} = 1
 * for every running VM, refreshed from OpenNebula's VM pool on an interval. A VM that stops running
 * (or is deleted) disappears at the next refresh; while OpenNebula is unreachable the last good
 * pool stays exported.
 */
public final class VmInfoExporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VmInfoExporter.class);

  /** The outcome of the latest refresh, for status and logs. */
  public record RefreshStatus(
      Instant at, int runningVms, Instant poolFetchedAt, OpenNebulaException failure) {
    public boolean ok() {
      return failure == null;
    }
  }

  private final Supplier<List<CachingOpenNebulaClient>> clients;
  private final VmInfoPublisher publisher;
  private final Clock clock;
  private ScheduledExecutorService scheduler;
  private volatile RefreshStatus lastRefresh;

  public VmInfoExporter(CachingOpenNebulaClient client, MeterRegistry registry) {
    this(client, registry, Clock.systemUTC());
  }

  public VmInfoExporter(CachingOpenNebulaClient client, MeterRegistry registry, Clock clock) {
    this(() -> List.of(client), registry, clock);
  }

  /**
   * Exports the running VMs of every client the supplier gives at each refresh (one per OpenNebula
   * the monitors name); rows seen by several clients are exported once.
   */
  public VmInfoExporter(
      Supplier<List<CachingOpenNebulaClient>> clients, MeterRegistry registry, Clock clock) {
    this.clients = clients;
    this.publisher = VmInfoPublisher.forRegistry(registry);
    this.clock = clock;
  }

  /** Refreshes now and then every {@code interval}, on a daemon thread of its own. */
  public synchronized void start(Duration interval) {
    if (scheduler != null) {
      throw new IllegalStateException("already started");
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "opennebula-vm-info");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(
        this::refreshQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Reads the ACTIVE VMs and replaces the exported rows. Never throws for OpenNebula failures. */
  public RefreshStatus refresh() {
    Instant now = clock.instant();
    Set<VmInfoRow> rows = new LinkedHashSet<>();
    Instant oldestPool = null;
    OpenNebulaException failure = null;
    for (CachingOpenNebulaClient client : clients.get()) {
      try {
        Answer<List<OneVm>> answer = client.vmPool(VmStateFilter.ACTIVE);
        answer.value().stream().filter(OneVm::isRunning).map(VmInfoRow::of).forEach(rows::add);
        oldestPool =
            oldestPool == null || answer.fetchedAt().isBefore(oldestPool)
                ? answer.fetchedAt()
                : oldestPool;
        failure = failure == null ? answer.failure() : failure;
      } catch (OpenNebulaException e) {
        failure = failure == null ? e : failure;
      }
    }
    publisher.publish(List.copyOf(rows));
    RefreshStatus status = new RefreshStatus(now, rows.size(), oldestPool, failure);
    if (status.failure() != null) {
      LOG.warn(
          "opennebula_vm_info not refreshed{}: {}",
          status.poolFetchedAt() == null
              ? ""
              : " (keeping the VM pool of " + status.poolFetchedAt() + ")",
          status.failure().getMessage());
    }
    lastRefresh = status;
    return status;
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      // An unexpected bug must not cancel the schedule (ScheduledExecutorService would).
      LOG.error("opennebula_vm_info refresh failed", e);
    }
  }

  /** Null before the first refresh. */
  public RefreshStatus lastRefresh() {
    return lastRefresh;
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
    publisher.close();
  }
}
