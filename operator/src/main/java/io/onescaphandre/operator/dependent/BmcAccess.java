package io.onescaphandre.operator.dependent;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.PowerSourceType;
import io.onescaphandre.operator.api.PowerSpec;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What the agents of a monitor may use to reach their nodes' BMCs over Redfish.
 *
 * @param endpoints BMC address by node name, for the selected nodes only: the node's {@code
 *     one-scaphandre.io/bmc-address} annotation (set by whoever administers the nodes) wins over
 *     the monitor's map
 * @param credentialsSecret the Secret the agents mount, only when it opted in with the label {@code
 *     one-scaphandre.io/bmc-credentials: "true"}; null otherwise
 * @param problem why the named Secret is not used (for the operator's log), or null
 */
public record BmcAccess(Map<String, String> endpoints, String credentialsSecret, String problem) {
  public static final BmcAccess NONE = new BmcAccess(Map.of(), null, null);

  /** host[:port] or http(s)://host[:port]: nothing that could add a line to the endpoints file. */
  private static final java.util.regex.Pattern ADDRESS =
      java.util.regex.Pattern.compile(
          "^(https?://)?(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?/?$");

  public static boolean validAddress(String address) {
    return address != null && ADDRESS.matcher(address.strip()).matches();
  }

  public BmcAccess {
    endpoints = Map.copyOf(endpoints);
  }

  /**
   * @param selected the monitor's nodes
   * @param secrets the monitor namespace's Secret of a name, or null (never listed: read one by
   *     one)
   */
  public static BmcAccess resolve(
      ScaphandreMonitor monitor, Collection<Node> selected, Function<String, Secret> secrets) {
    PowerSpec power = monitor.getSpec().getPower();
    if (!power.reads(PowerSourceType.REDFISH)) {
      return NONE;
    }
    Map<String, String> endpoints = new TreeMap<>();
    for (Node node : selected) {
      String name = node.getMetadata().getName();
      String annotated =
          Optional.ofNullable(node.getMetadata().getAnnotations())
              .map(a -> a.get(MonitorNames.BMC_ADDRESS_ANNOTATION))
              .orElse(null);
      String address =
          validAddress(annotated) ? annotated : power.getRedfish().getEndpoints().get(name);
      if (validAddress(address)) {
        endpoints.put(name, address.strip());
      }
    }
    String secretName = power.getRedfish().getCredentialsSecret();
    if (secretName == null || secretName.isBlank()) {
      return new BmcAccess(
          endpoints,
          null,
          endpoints.isEmpty()
              ? null
              : "spec.power.redfish.credentialsSecret names no Secret: the agents cannot log in to the BMCs");
    }
    Secret secret = secrets.apply(secretName);
    if (secret == null) {
      return new BmcAccess(endpoints, null, "Secret " + secretName + " not found");
    }
    String optIn =
        Optional.ofNullable(secret.getMetadata().getLabels())
            .map(l -> l.get(MonitorNames.BMC_CREDENTIALS_LABEL))
            .orElse(null);
    if (!"true".equals(optIn)) {
      return new BmcAccess(
          endpoints,
          null,
          "Secret "
              + secretName
              + " lacks the label "
              + MonitorNames.BMC_CREDENTIALS_LABEL
              + "=true that allows monitors to use it as BMC credentials");
    }
    return new BmcAccess(endpoints, secretName, null);
  }
}
