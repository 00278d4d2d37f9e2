package io.onescaphandre.operator.opennebula;

import io.onescaphandre.operator.opennebula.HostMatchConflict.HostMatchesSeveralNodes;
import io.onescaphandre.operator.opennebula.HostMatchConflict.HostRef;
import io.onescaphandre.operator.opennebula.HostMatchConflict.NodeMatchesSeveralHosts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Binds Kubernetes nodes to OpenNebula KVM/QEMU/LXC hosts by the host's NAME or TEMPLATE/HOSTNAME,
 * compared case-insensitively with the node's name and addresses.
 *
 * <p>Exact equality wins. Only when nothing is equal, a bare short name matches the first label of
 * a fully qualified name ({@code kvm-a} = {@code kvm-a.example.org}); two fully qualified names in
 * different domains never match, and IP addresses only match exactly. Whatever is ambiguous (a node
 * matching several hosts, a host matching several nodes) becomes a {@link HostMatchConflict} and
 * binds nobody: a wrong host id is worse than none.
 */
public final class HostMatcher {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private HostMatcher() {}

  public static HostMatchResult match(List<NodeIdentity> nodes, List<OneHost> hosts) {
    HostIndex index = new HostIndex(hosts);
    Map<String, HostMatch> tentative = new TreeMap<>();
    List<HostMatchConflict> conflicts = new ArrayList<>();
    List<String> unmatched = new ArrayList<>();

    for (NodeIdentity node : nodes) {
      Map<Integer, HostMatch> candidates = index.exactMatches(node);
      if (candidates.isEmpty()) {
        candidates = index.shortNameMatches(node);
      }
      if (candidates.isEmpty()) {
        unmatched.add(node.name());
      } else if (candidates.size() == 1) {
        tentative.put(node.name(), candidates.values().iterator().next());
      } else {
        conflicts.add(
            new NodeMatchesSeveralHosts(
                node.name(),
                candidates.values().stream()
                    .map(m -> new HostRef(m.hostId(), m.hostName()))
                    .sorted((a, b) -> Integer.compare(a.id(), b.id()))
                    .toList()));
      }
    }

    Map<Integer, List<HostMatch>> byHost = new TreeMap<>();
    for (HostMatch match : tentative.values()) {
      byHost.computeIfAbsent(match.hostId(), id -> new ArrayList<>()).add(match);
    }
    Map<String, HostMatch> matches = new TreeMap<>();
    for (List<HostMatch> sameHost : byHost.values()) {
      if (sameHost.size() == 1) {
        matches.put(sameHost.get(0).nodeName(), sameHost.get(0));
      } else {
        HostMatch first = sameHost.get(0);
        conflicts.add(
            new HostMatchesSeveralNodes(
                new HostRef(first.hostId(), first.hostName()),
                sameHost.stream().map(HostMatch::nodeName).sorted().toList()));
      }
    }
    Collections.sort(unmatched);
    return new HostMatchResult(
        Collections.unmodifiableMap(matches), List.copyOf(conflicts), List.copyOf(unmatched));
  }

  static String normalize(String name) {
    String lower = name.strip().toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  static boolean isIpAddress(String value) {
    return value.indexOf(':') >= 0 || IPV4.matcher(value).matches();
  }

  /** Host names keyed three ways, so that matching 1,000 nodes to 5,000 hosts stays linear. */
  private static final class HostIndex {
    private record Field(OneHost host, String label, String value) {}

    private final Map<String, List<Field>> exact = new HashMap<>();

    /** First label of fully qualified host names → fields. */
    private final Map<String, List<Field>> byFirstLabel = new HashMap<>();

    /** Bare (dot-less) host names → fields. */
    private final Map<String, List<Field>> bare = new HashMap<>();

    HostIndex(List<OneHost> hosts) {
      for (OneHost host : hosts) {
        if (!host.isMonitorable()) {
          continue;
        }
        add(new Field(host, "NAME", host.name()));
        if (host.templateHostname() != null) {
          add(new Field(host, "TEMPLATE/HOSTNAME", host.templateHostname()));
        }
      }
    }

    private void add(Field field) {
      String value = normalize(field.value());
      if (value.isEmpty()) {
        return;
      }
      exact.computeIfAbsent(value, v -> new ArrayList<>()).add(field);
      if (isIpAddress(value)) {
        return;
      }
      int dot = value.indexOf('.');
      if (dot > 0) {
        byFirstLabel.computeIfAbsent(value.substring(0, dot), v -> new ArrayList<>()).add(field);
      } else {
        bare.computeIfAbsent(value, v -> new ArrayList<>()).add(field);
      }
    }

    Map<Integer, HostMatch> exactMatches(NodeIdentity node) {
      Map<Integer, HostMatch> found = new LinkedHashMap<>();
      for (NodeValue value : valuesOf(node)) {
        for (Field field : exact.getOrDefault(normalize(value.value()), List.of())) {
          found.putIfAbsent(field.host().id(), match(node, field, value, ""));
        }
      }
      return found;
    }

    Map<Integer, HostMatch> shortNameMatches(NodeIdentity node) {
      Map<Integer, HostMatch> found = new LinkedHashMap<>();
      for (NodeValue value : valuesOf(node)) {
        String normalized = normalize(value.value());
        if (normalized.isEmpty() || isIpAddress(normalized)) {
          continue;
        }
        int dot = normalized.indexOf('.');
        List<Field> fields =
            dot < 0
                ? byFirstLabel.getOrDefault(normalized, List.of())
                : bare.getOrDefault(normalized.substring(0, dot), List.of());
        for (Field field : fields) {
          found.putIfAbsent(field.host().id(), match(node, field, value, " (short name)"));
        }
      }
      return found;
    }

    private static HostMatch match(NodeIdentity node, Field field, NodeValue value, String how) {
      return new HostMatch(
          node.name(),
          field.host().id(),
          field.host().name(),
          value.label()
              + " '"
              + value.value()
              + "' = host "
              + field.label()
              + " '"
              + field.value()
              + "'"
              + how);
    }

    private record NodeValue(String label, String value) {}

    private static List<NodeValue> valuesOf(NodeIdentity node) {
      List<NodeValue> values = new ArrayList<>();
      if (node.name() != null) {
        values.add(new NodeValue("node name", node.name()));
      }
      for (String address : node.addresses()) {
        if (address != null) {
          values.add(new NodeValue("node address", address));
        }
      }
      return values;
    }
  }
}
