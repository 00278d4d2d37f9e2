package io.onescaphandre.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.rate.LinearRateLimiter;
import io.onescaphandre.operator.admission.AdmissionPolicy;
import io.onescaphandre.operator.admission.OpenNebulaEndpoints;
import io.onescaphandre.operator.dependent.AgentImages;
import io.onescaphandre.operator.dependent.PrometheusOperatorCrds;
import io.onescaphandre.operator.hostid.OpenNebulaHostDirectory;
import io.onescaphandre.operator.opennebula.AnswerLimits;
import io.onescaphandre.operator.opennebula.OpenNebulaApiHostDirectory;
import io.onescaphandre.operator.opennebula.OpenNebulaConnections;
import io.onescaphandre.operator.opennebula.XmlRpcOpenNebulaClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * Builds the operator the same way for production ({@code run}), the demo and the tests; only the
 * switches differ. Server-side apply is on unless switched off (the Fabric8 mock server cannot do
 * it).
 *
 * <p>Its cost does not grow with the events of a large cluster: a monitor is reconciled at most
 * {@value #RECONCILES_PER_PERIOD} times per {@link #RECONCILE_PERIOD} (events in between are
 * coalesced into the next one), its status written at most once per {@link
 * StatusWriter#MIN_INTERVAL}, and the threads are a fixed number whatever the cluster's size.
 */
public final class MonitorOperator {
  /**
   * Reconciles of one monitor per period: two, so the finalizer's and the first are not delayed.
   */
  static final int RECONCILES_PER_PERIOD = 2;

  static final Duration RECONCILE_PERIOD = Duration.ofSeconds(1);

  /** Monitors reconciled at once; there are few monitors and each reconcile is short. */
  static final int RECONCILE_THREADS = 2;

  /** Dependents of one workflow applied at once (the workflow has six). */
  static final int WORKFLOW_THREADS = 4;

  private final KubernetesClient client;
  private boolean serverSideApply = true;
  private Metrics metrics;
  private LeaderElectionConfiguration leaderElection;

  /** Null: OpenNebula's API, with the Secrets the monitors name, read through this client. */
  private OpenNebulaHostDirectory directory;

  private Set<String> namespaces = Set.of();
  private Clock clock = Clock.systemUTC();
  private AdmissionPolicy policy = AdmissionPolicy.defaults(AgentImages.BUILTIN);
  private OpenNebulaEndpoints openNebulaEndpoints = OpenNebulaEndpoints.ANY;
  private AnswerLimits answerLimits = AnswerLimits.DEFAULT;
  private Duration statusWriteInterval = StatusWriter.MIN_INTERVAL;
  private Duration reconcilePeriod = RECONCILE_PERIOD;
  private Duration crdRecheckInterval = PrometheusOperatorCrds.DEFAULT_RECHECK_INTERVAL;

  private MonitorOperator(KubernetesClient client) {
    this.client = client;
  }

  public static MonitorOperator builder(KubernetesClient client) {
    return new MonitorOperator(client);
  }

  public MonitorOperator withServerSideApply(boolean on) {
    this.serverSideApply = on;
    return this;
  }

  public MonitorOperator withMetrics(Metrics metrics) {
    this.metrics = metrics;
    return this;
  }

  public MonitorOperator withLeaderElection(LeaderElectionConfiguration leaderElection) {
    this.leaderElection = leaderElection;
    return this;
  }

  /**
   * Replaces the {@code openNebulaApi} source, which by default reads each monitor's Secret and
   * asks OpenNebula's XML-RPC API ({@link OpenNebulaApiHostDirectory}); {@link
   * OpenNebulaHostDirectory#NONE} switches it off.
   */
  public MonitorOperator withOpenNebulaHostDirectory(OpenNebulaHostDirectory directory) {
    this.directory = directory;
    return this;
  }

  /** Namespaces whose monitors are reconciled; empty means all. */
  public MonitorOperator withNamespaces(Set<String> namespaces) {
    this.namespaces = Set.copyOf(namespaces);
    return this;
  }

  /**
   * The builtin agent's image for monitors whose spec.agent.image is empty, under the default
   * policy.
   */
  public MonitorOperator withDefaultAgentImage(String image) {
    this.policy = AdmissionPolicy.defaults(image);
    return this;
  }

  /** What monitors may run on the nodes (images, extraArgs) and the default agent image. */
  public MonitorOperator withAdmissionPolicy(AdmissionPolicy policy) {
    this.policy = policy;
    return this;
  }

  /** The OpenNebula endpoints monitors may send their Secret's session to. */
  public MonitorOperator withOpenNebulaEndpoints(OpenNebulaEndpoints endpoints) {
    this.openNebulaEndpoints = endpoints;
    return this;
  }

  /** Bounds of OpenNebula's answers (size). */
  public MonitorOperator withAnswerLimits(AnswerLimits limits) {
    this.answerLimits = limits;
    return this;
  }

  public MonitorOperator withClock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** Shortest time between two status writes of one monitor (tests shorten it). */
  public MonitorOperator withStatusWriteInterval(Duration interval) {
    this.statusWriteInterval = interval;
    return this;
  }

  /** The period in which a monitor is reconciled at most twice (tests shorten it). */
  public MonitorOperator withReconcilePeriod(Duration period) {
    this.reconcilePeriod = period;
    return this;
  }

  /**
   * How long an absent Prometheus Operator CRD is believed absent (tests and the demo shorten it).
   */
  public MonitorOperator withCrdRecheckInterval(Duration interval) {
    this.crdRecheckInterval = interval;
    return this;
  }

  /**
   * The operator with the monitor controller registered, not started. Stopping it also stops the
   * node labeller's threads.
   */
  public Operator build() {
    if (directory == null) {
      AnswerLimits limits = answerLimits;
      directory =
          new OpenNebulaApiHostDirectory(
              client,
              new OpenNebulaConnections(s -> new XmlRpcOpenNebulaClient(s, limits), clock),
              openNebulaEndpoints);
    }
    NodeLabeler nodeLabeler = new NodeLabeler(client);
    Operator operator =
        new OwningOperator(
            nodeLabeler,
            o -> {
              o.withKubernetesClient(client)
                  .withConcurrentReconciliationThreads(RECONCILE_THREADS)
                  .withConcurrentWorkflowExecutorThreads(WORKFLOW_THREADS)
                  .withCloseClientOnStop(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(serverSideApply)
                  .withUseSSAToPatchPrimaryResource(serverSideApply)
                  // A missing optional CRD (Prometheus Operator) must not stop the operator from
                  // starting.
                  .withStopOnInformerErrorDuringStartup(false);
              if (metrics != null) {
                o.withMetrics(metrics);
              }
              if (leaderElection != null) {
                o.withLeaderElectionConfiguration(leaderElection);
              }
            });
    ScaphandreMonitorReconciler reconciler =
        new ScaphandreMonitorReconciler(
            directory,
            clock,
            policy,
            nodeLabeler,
            new PrometheusOperatorCrds(crdRecheckInterval, clock),
            new StatusWriter(clock, serverSideApply, statusWriteInterval));
    operator.register(
        reconciler,
        overrider -> {
          overrider.withRateLimiter(new LinearRateLimiter(reconcilePeriod, RECONCILES_PER_PERIOD));
          if (!namespaces.isEmpty()) {
            overrider.settingNamespaces(namespaces);
          }
        });
    return operator;
  }

  /** JOSDK's operator, which also stops what the controller owns beyond it when it stops. */
  private static final class OwningOperator extends Operator {
    private final AutoCloseable owned;

    OwningOperator(
        AutoCloseable owned, java.util.function.Consumer<ConfigurationServiceOverrider> overrider) {
      super(overrider);
      this.owned = owned;
    }

    @Override
    public void stop() {
      try {
        super.stop();
      } finally {
        try {
          owned.close();
        } catch (Exception e) {
          throw new IllegalStateException("cannot stop " + owned, e);
        }
      }
    }
  }
}
