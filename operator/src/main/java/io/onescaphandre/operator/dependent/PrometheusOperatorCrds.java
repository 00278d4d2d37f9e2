package io.onescaphandre.operator.dependent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Prometheus Operator's CRDs exist. Unlike JOSDK's CRDPresentActivationCondition, which
 * stops looking after ten checks, an absent CRD is looked up again every {@link #recheckInterval()}
 * for as long as the operator runs, so monitors appear whenever the Prometheus Operator is installed.
 * A present CRD is remembered. State is per API server URL (the activation conditions that use it are
 * created by JOSDK with no arguments).
 */
public final class PrometheusOperatorCrds {
  public static final String POD_MONITORS = "podmonitors.monitoring.coreos.com";
  public static final String SCRAPE_CONFIGS = "scrapeconfigs.monitoring.coreos.com";
  public static final String PROMETHEUS_RULES = "prometheusrules.monitoring.coreos.com";
  public static final List<String> ALL = List.of(POD_MONITORS, SCRAPE_CONFIGS, PROMETHEUS_RULES);

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusOperatorCrds.class);
  private static final Map<String, Instant> ABSENT_CHECKED_AT = new ConcurrentHashMap<>();
  private static final Map<String, Boolean> PRESENT = new ConcurrentHashMap<>();
  private static volatile Duration recheckInterval = Duration.ofSeconds(30);
  private static volatile Clock clock = Clock.systemUTC();

  private PrometheusOperatorCrds() {}

  public static Duration recheckInterval() {
    return recheckInterval;
  }

  /** How long an absent CRD is believed absent (tests and the demo shorten it). */
  public static void setRecheckInterval(Duration interval) {
    recheckInterval = interval;
  }

  public static boolean present(KubernetesClient client, String crdName) {
    String key = client.getMasterUrl() + "|" + crdName;
    if (PRESENT.containsKey(key)) {
      return true;
    }
    Instant checkedAt = ABSENT_CHECKED_AT.get(key);
    Instant now = clock.instant();
    if (checkedAt != null && now.isBefore(checkedAt.plus(recheckInterval))) {
      return false;
    }
    boolean present = lookUp(client, crdName);
    if (present) {
      PRESENT.put(key, true);
      ABSENT_CHECKED_AT.remove(key);
    } else {
      ABSENT_CHECKED_AT.put(key, now);
    }
    return present;
  }

  private static boolean lookUp(KubernetesClient client, String crdName) {
    try {
      return client.apiextensions().v1().customResourceDefinitions().withName(crdName).get() != null;
    } catch (KubernetesClientException e) {
      // Forbidden (no RBAC get on CRDs) or unreachable: the objects cannot be managed either way.
      LOG.warn("cannot look up CRD {}: {}", crdName, e.getMessage());
      return false;
    }
  }
}
