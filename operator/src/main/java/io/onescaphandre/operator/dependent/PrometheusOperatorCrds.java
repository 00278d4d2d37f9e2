package io.onescaphandre.operator.dependent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Prometheus Operator's CRDs exist. An absent CRD is looked up again every {@link
 * #recheckInterval()} for as long as the operator runs, so monitors appear whenever the Prometheus
 * Operator is installed; a present CRD is remembered. One per operator (its API server); the
 * reconciler hands it to the workflow's activation conditions, which JOSDK creates with no
 * arguments, through the workflow context ({@link #putInto}, {@link #from}).
 *
 * <p>Why not JOSDK's own {@code CRDPresentActivationCondition} (5.2.3, read from its bytecode):
 *
 * <ul>
 *   <li>it stops looking after {@code DEFAULT_CRD_CHECK_LIMIT} = 10 checks (10 s apart at the
 *       least): Prometheus Operator CRDs installed later than that are never seen until the
 *       operator restarts (PrometheusOperatorCrdsTest checks that ours still finds a CRD after a
 *       hundred absent checks). A subclass passing {@code Integer.MAX_VALUE} to its {@code (int,
 *       Duration)} constructor would lift that, but
 *   <li>its interval can only be given to that constructor, and JOSDK instantiates conditions with
 *       no arguments: the interval could not be the operator's setting (30 s in production, 500 ms
 *       in the mock tests, 2 s in the demo) except through a static;
 *   <li>its cache is a static map shared by every operator in the JVM, whatever API server it talks
 *       to (the mock-server tests run many), with {@code LocalDateTime.now()} as its clock;
 *   <li>a failed lookup (a 403 without RBAC on CRDs, the API server unreachable) is thrown into the
 *       workflow and fails the reconcile; here it is "absent" with a warning, so the monitor's
 *       other objects are still reconciled and its status says which CRDs are missing.
 * </ul>
 */
public final class PrometheusOperatorCrds {
  public static final String POD_MONITORS = "podmonitors.monitoring.coreos.com";
  public static final String SCRAPE_CONFIGS = "scrapeconfigs.monitoring.coreos.com";
  public static final String PROMETHEUS_RULES = "prometheusrules.monitoring.coreos.com";
  public static final List<String> ALL = List.of(POD_MONITORS, SCRAPE_CONFIGS, PROMETHEUS_RULES);

  /** How long an absent CRD is believed absent in production. */
  public static final Duration DEFAULT_RECHECK_INTERVAL = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusOperatorCrds.class);
  private static final String KEY = PrometheusOperatorCrds.class.getName();
  private final Map<String, Instant> absentCheckedAt = new ConcurrentHashMap<>();
  private final Set<String> present = ConcurrentHashMap.newKeySet();
  private final Duration recheckInterval;
  private final Clock clock;

  public PrometheusOperatorCrds(Duration recheckInterval, Clock clock) {
    this.recheckInterval = recheckInterval;
    this.clock = clock;
  }

  public Duration recheckInterval() {
    return recheckInterval;
  }

  public boolean present(KubernetesClient client, String crdName) {
    if (present.contains(crdName)) {
      return true;
    }
    Instant checkedAt = absentCheckedAt.get(crdName);
    Instant now = clock.instant();
    if (checkedAt != null && now.isBefore(checkedAt.plus(recheckInterval))) {
      return false;
    }
    boolean found = lookUp(client, crdName);
    if (found) {
      present.add(crdName);
      absentCheckedAt.remove(crdName);
    } else {
      absentCheckedAt.put(crdName, now);
    }
    return found;
  }

  /** Makes this the instance the workflow's conditions of this reconcile ask. */
  public void putInto(Context<ScaphandreMonitor> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  public static PrometheusOperatorCrds from(Context<ScaphandreMonitor> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(KEY, PrometheusOperatorCrds.class);
  }

  private static boolean lookUp(KubernetesClient client, String crdName) {
    try {
      return client.apiextensions().v1().customResourceDefinitions().withName(crdName).get()
          != null;
    } catch (KubernetesClientException e) {
      // Forbidden (no RBAC get on CRDs) or unreachable: the objects cannot be managed either way.
      LOG.warn("cannot look up CRD {}: {}", crdName, e.getMessage());
      return false;
    }
  }
}
