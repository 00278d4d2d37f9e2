package io.onescaphandre.agent;

import io.onescaphandre.agent.init.HostIdLocator;
import io.onescaphandre.agent.metrics.MetricsPublisher;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up the OpenNebula host id in the hypervisor's files (the same finder as {@code init}) and
 * hands it to the publisher's info series; logs only when it changes, since it runs every minute.
 * Where the files are not mounted (the DaemonSet's agent container) it finds nothing and the series
 * stays absent: there, Prometheus adds the id from the node label.
 */
final class HostIdReporter implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(HostIdReporter.class);

  private final HostIdLocator locator;
  private final MetricsPublisher publisher;
  private HostIdLocator.Result last;

  HostIdReporter(HostIdLocator locator, MetricsPublisher publisher) {
    this.locator = locator;
    this.publisher = publisher;
  }

  @Override
  public void run() {
    try {
      HostIdLocator.Result found = locator.locate();
      publisher.publishHostId(found);
      if (!Objects.equals(found, last)) {
        if (found.hostId() == null) {
          LOG.info("no OpenNebula host id in the hypervisor's files (var/tmp/one_db/config,"
              + " var/tmp/one/im/status_*.db under --path.rootfs): opennebula_agent_host_info is absent");
        } else {
          LOG.info("OpenNebula host id {} from {}", found.hostId(), found.file());
        }
        last = found;
      }
    } catch (RuntimeException e) {
      // A surprising file must not stop the timer that also takes the samples.
      LOG.warn("host id lookup failed", e);
    }
  }
}
