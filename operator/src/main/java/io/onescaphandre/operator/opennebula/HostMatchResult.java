package io.onescaphandre.operator.opennebula;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Outcome of {@link HostMatcher}: every node lands in exactly one of {@code matches} (by node
 * name), a conflict, or {@code unmatchedNodes}.
 */
public record HostMatchResult(
    Map<String, HostMatch> matches,
    List<HostMatchConflict> conflicts,
    List<String> unmatchedNodes) {

  public Optional<HostMatch> forNode(String nodeName) {
    return Optional.ofNullable(matches.get(nodeName));
  }

  public boolean hasConflicts() {
    return !conflicts.isEmpty();
  }
}
