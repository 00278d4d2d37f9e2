package io.onescaphandre.agent;

import io.onescaphandre.agent.metrics.MetricsPublisher;
import io.onescaphandre.contracts.hostid.HostIdNotFoundException;
import io.onescaphandre.contracts.hostid.HypervisorFilesHostIdFinder;
import io.onescaphandre.contracts.hostid.LocalHostId;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up the OpenNebula host id in the hypervisor's files (the finder of {@code init} and of the
 * operator's {@code generate-conf --local}, so one host never gets two ids) and hands it to the
 * publisher's info series; logs only when the outcome changes, since it runs every minute. Where
 * the files are not mounted (the DaemonSet's agent container) it finds nothing and the series stays
 * absent: there, Prometheus adds the id from the node label.
 */
final class HostIdReporter implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(HostIdReporter.class);

  private final HypervisorFilesHostIdFinder finder;
  private final MetricsPublisher publisher;

  /** The last id found, or the last reason there was none: what the log last said. */
  private Object last;

  HostIdReporter(HypervisorFilesHostIdFinder finder, MetricsPublisher publisher) {
    this.finder = finder;
    this.publisher = publisher;
  }

  @Override
  public void run() {
    try {
      LocalHostId found = finder.find();
      publisher.publishHostId(Optional.of(found));
      if (!Objects.equals(found, last)) {
        LOG.info(
            "OpenNebula host id {} from {}{}",
            found.hostId(),
            found.file(),
            found.ignored().isEmpty()
                ? ""
                : " (ignored: " + String.join("; ", found.ignored()) + ")");
        last = found;
      }
    } catch (HostIdNotFoundException e) {
      publisher.publishHostId(Optional.empty());
      if (!Objects.equals(e.getMessage(), last)) {
        LOG.info("opennebula_agent_host_info is absent: {}", e.getMessage());
        last = e.getMessage();
      }
    } catch (RuntimeException e) {
      // A surprising file must not stop the timer that also takes the samples.
      LOG.warn("host id lookup failed", e);
    }
  }
}
