package io.onescaphandre.operator.hostid;

import io.fabric8.kubernetes.api.model.Node;
import io.onescaphandre.contracts.hostid.HostId;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * OpenNebula's view of which host a node is: the {@code openNebulaApi} host id source. The
 * implementation (package {@code io.onescaphandre.operator.opennebula}) reads the host pool with
 * the monitor's {@code spec.openNebula} settings and keeps its last good answer; the reconciler
 * only asks.
 */
@FunctionalInterface
public interface OpenNebulaHostDirectory {

  /** Used when no OpenNebula client is wired in: it knows no host. */
  OpenNebulaHostDirectory NONE = (monitor, nodes) -> Lookup.empty();

  /**
   * How soon a monitor is reconciled again after OpenNebula could not be asked (a fixed Secret or a
   * restarted oned shows up within this delay, even with a long refreshInterval).
   */
  Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

  /**
   * Host ids of the given nodes according to OpenNebula. Called only for monitors that list {@code
   * openNebulaApi} among their sources, with the nodes still unmapped when that source's turn
   * comes. Must not throw: unreachable OpenNebula, ambiguity and such are {@link
   * Lookup#problems()}.
   */
  Lookup lookup(ScaphandreMonitor monitor, List<Node> nodes);

  /** The monitor is gone: whatever was kept for it (clients, last answers) may be dropped. */
  default void forget(ScaphandreMonitor monitor) {}

  /**
   * @param hostIdByNode node name to OpenNebula host id, for the nodes matched unambiguously
   * @param problems one sentence each (e.g. "node kvm-1 matches hosts 3 and 7"), shown in Degraded
   * @param failureReason the Degraded reason (status.Reasons) when OpenNebula could not be asked
   *     freshly (Secret unreadable, session refused, unreachable); null when it answered
   */
  record Lookup(Map<String, HostId> hostIdByNode, List<String> problems, String failureReason) {
    public Lookup {
      hostIdByNode = Map.copyOf(hostIdByNode);
      problems = List.copyOf(problems);
    }

    public Lookup(Map<String, HostId> hostIdByNode, List<String> problems) {
      this(hostIdByNode, problems, null);
    }

    public static Lookup empty() {
      return new Lookup(Map.of(), List.of());
    }
  }
}
