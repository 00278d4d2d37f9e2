package io.onescaphandre.contracts.hostid;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The OpenNebula host id found in OpenNebula's files on a hypervisor.
 *
 * @param hypervisor from the status DB of the same id, else the freshest one; empty when there is
 *     none
 * @param ignored files that were looked at and not used, with the reason (stale DB, bad config)
 */
public record LocalHostId(
    HostId hostId,
    Source source,
    Path file,
    Optional<Hypervisor> hypervisor,
    List<String> ignored) {

  /** The {@code hostIdSource} values of the init container's report. */
  public enum Source {
    ONE_DB_CONFIG("one_db_config"),
    IM_STATUS_DB("im_status_db");

    private final String label;

    Source(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }
}
