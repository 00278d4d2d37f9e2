package io.onescaphandre.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.onescaphandre.operator.admission.AdmissionPolicy;
import io.onescaphandre.operator.admission.OpenNebulaEndpoints;
import io.onescaphandre.operator.dependent.AgentImages;
import io.onescaphandre.operator.opennebula.AnswerLimits;
import io.onescaphandre.operator.hostid.OpenNebulaHostDirectory;
import io.onescaphandre.operator.opennebula.OpenNebulaApiHostDirectory;
import io.onescaphandre.operator.opennebula.OpenNebulaConnections;
import io.onescaphandre.operator.opennebula.XmlRpcOpenNebulaClient;
import java.time.Clock;
import java.util.Set;

/**
 * Builds the operator the same way for production ({@code run}), the demo and the tests; only the
 * switches differ. Server-side apply is on unless switched off (the Fabric8 mock server cannot do it).
 */
public final class MonitorOperator {
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
   * Replaces the {@code openNebulaApi} source, which by default reads each monitor's Secret and asks
   * OpenNebula's XML-RPC API ({@link OpenNebulaApiHostDirectory}); {@link OpenNebulaHostDirectory#NONE}
   * switches it off.
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

  /** The builtin agent's image for monitors whose spec.agent.image is empty, under the default policy. */
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

  /** The operator with the monitor controller registered, not started. */
  public Operator build() {
    if (directory == null) {
      AnswerLimits limits = answerLimits;
      directory = new OpenNebulaApiHostDirectory(client,
          new OpenNebulaConnections(s -> new XmlRpcOpenNebulaClient(s, limits), clock), openNebulaEndpoints);
    }
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          .withSSABasedCreateUpdateMatchForDependentResources(serverSideApply)
          .withUseSSAToPatchPrimaryResource(serverSideApply)
          // A missing optional CRD (Prometheus Operator) must not stop the operator from starting.
          .withStopOnInformerErrorDuringStartup(false);
      if (metrics != null) {
        o.withMetrics(metrics);
      }
      if (leaderElection != null) {
        o.withLeaderElectionConfiguration(leaderElection);
      }
    });
    operator.register(new ScaphandreMonitorReconciler(directory, clock, policy), overrider -> {
      if (!namespaces.isEmpty()) {
        overrider.settingNamespaces(namespaces);
      }
    });
    return operator;
  }
}
