package io.onescaphandre.operator.reconciler;

import io.onescaphandre.contracts.duration.DurationFields;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.onescaphandre.operator.admission.AdmissionPolicy;
import io.onescaphandre.operator.api.HostIdSourceType;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.ScaphandreMonitorSpec;
import io.onescaphandre.operator.api.ScaphandreMonitorStatus;
import io.onescaphandre.operator.dependent.AgentDaemonSetDependent;
import io.onescaphandre.operator.dependent.AgentImages;
import io.onescaphandre.operator.dependent.AgentServiceAccountDependent;
import io.onescaphandre.operator.dependent.DesiredInputs;
import io.onescaphandre.operator.dependent.PlainJobConfigMapDependent;
import io.onescaphandre.operator.dependent.PodMonitorDependent;
import io.onescaphandre.operator.dependent.PrometheusConditions;
import io.onescaphandre.operator.dependent.PrometheusOperatorCrds;
import io.onescaphandre.operator.dependent.PrometheusRuleDependent;
import io.onescaphandre.operator.dependent.ScrapeConfigDependent;
import io.onescaphandre.operator.hostid.HostIdResolution;
import io.onescaphandre.operator.hostid.HostIdResolver;
import io.onescaphandre.operator.hostid.OpenNebulaHostDirectory;
import io.onescaphandre.operator.status.StatusFactory;
import io.onescaphandre.operator.status.StatusInputs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns a ScaphandreMonitor into its agents and Prometheus objects. Host ids are resolved first
 * (they feed the ScrapeConfig, the plain job and the node labels), then the workflow applies the
 * owned objects, then the status is derived in one place and written only when it changed.
 */
@ControllerConfiguration(name = ScaphandreMonitorReconciler.NAME)
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = "service-account", type = AgentServiceAccountDependent.class),
    @Dependent(name = "daemonset", type = AgentDaemonSetDependent.class, dependsOn = "service-account"),
    @Dependent(name = "plain-job", type = PlainJobConfigMapDependent.class,
        reconcilePrecondition = PrometheusConditions.PlainConfigEnabled.class),
    @Dependent(name = "pod-monitor", type = PodMonitorDependent.class,
        activationCondition = PrometheusConditions.PodMonitorCrdPresent.class,
        reconcilePrecondition = PrometheusConditions.PodMonitorEnabled.class),
    @Dependent(name = "scrape-config", type = ScrapeConfigDependent.class,
        activationCondition = PrometheusConditions.ScrapeConfigCrdPresent.class,
        reconcilePrecondition = PrometheusConditions.ScrapeConfigEnabled.class),
    @Dependent(name = "prometheus-rule", type = PrometheusRuleDependent.class,
        activationCondition = PrometheusConditions.PrometheusRuleCrdPresent.class,
        reconcilePrecondition = PrometheusConditions.RulesEnabled.class)
})
public class ScaphandreMonitorReconciler implements Reconciler<ScaphandreMonitor>, Cleaner<ScaphandreMonitor> {
  public static final String NAME = "scaphandremonitor";
  static final String NODES_EVENT_SOURCE = "nodes";
  static final String AGENT_PODS_EVENT_SOURCE = "agent-pods";

  private final HostIdResolver resolver;
  private final StatusFactory statusFactory = new StatusFactory();
  private final Clock clock;
  private final AdmissionPolicy policy;
  private volatile InformerEventSource<Node, ScaphandreMonitor> nodes;

  public ScaphandreMonitorReconciler(OpenNebulaHostDirectory directory, Clock clock) {
    this(directory, clock, AgentImages.BUILTIN);
  }

  /** @param defaultAgentImage the builtin agent's image for monitors that name none */
  public ScaphandreMonitorReconciler(OpenNebulaHostDirectory directory, Clock clock, String defaultAgentImage) {
    this(directory, clock, AdmissionPolicy.defaults(defaultAgentImage));
  }

  /** @param policy what the cluster admin lets a monitor run on the nodes */
  public ScaphandreMonitorReconciler(OpenNebulaHostDirectory directory, Clock clock, AdmissionPolicy policy) {
    this.resolver = new HostIdResolver(directory);
    this.clock = clock;
    this.policy = policy;
  }

  @Override
  public List<EventSource<?, ScaphandreMonitor>> prepareEventSources(EventSourceContext<ScaphandreMonitor> ctx) {
    // Any node change may change any monitor's selection or ids: every monitor is told.
    nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, ScaphandreMonitor.class)
        .withName(NODES_EVENT_SOURCE)
        .withSecondaryToPrimaryMapper(node -> ctx.getPrimaryCache().list()
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build(), ctx);
    // Agent pods carry what the init container found (host id, RAPL state) and their readiness.
    InformerEventSource<Pod, ScaphandreMonitor> pods = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Pod.class, ScaphandreMonitor.class)
            .withName(AGENT_PODS_EVENT_SOURCE)
            .withLabelSelector(MonitorNames.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(pod -> Optional.ofNullable(pod.getMetadata().getLabels())
                .map(l -> l.get(MonitorNames.INSTANCE_LABEL))
                .map(name -> Set.of(new ResourceID(name, pod.getMetadata().getNamespace())))
                .orElse(Set.of()))
            .build(), ctx);
    return List.of(nodes, pods);
  }

  @Override
  public UpdateControl<ScaphandreMonitor> reconcile(ScaphandreMonitor monitor, Context<ScaphandreMonitor> context) {
    Map<String, Pod> agentPods = agentPodByNode(context);
    List<Node> allNodes = allNodes();
    MonitorPlan plan = MonitorPlan.compute(monitor, allNodes, agentPods, resolver, policy);
    List<String> specProblems = plan.specProblems();
    HostIdResolution resolution = plan.resolution();
    List<String> missingCrds = List.of();
    if (plan.valid()) {
      plan.inputs().putInto(context);
      new NodeLabeler(context.getClient()).sync(monitor, resolution, allNodes);
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
      missingCrds = missingCrds(monitor, context);
    }
    DaemonSet daemonSet = context.getSecondaryResource(DaemonSet.class).orElse(null);
    StatusInputs inputs = new StatusInputs(monitor.getMetadata().getGeneration(), specProblems, resolution,
        agentPods, daemonSet, missingCrds, null, plan.policyViolations());
    UpdateControl<ScaphandreMonitor> control = writeStatusIfChanged(monitor, context,
        previous -> statusFactory.build(inputs, previous, clock.instant()));
    return reschedule(control, monitor, missingCrds, resolution);
  }

  @Override
  public ErrorStatusUpdateControl<ScaphandreMonitor> updateErrorStatus(ScaphandreMonitor monitor,
      Context<ScaphandreMonitor> context, Exception e) {
    String message = Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
    ScaphandreMonitorStatus previous = monitor.getStatus();
    ScaphandreMonitorStatus next = statusFactory.withError(previous, monitor.getMetadata().getGeneration(),
        message, clock.instant());
    if (next.equals(previous)) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    new EventRecorder(context.getClient()).recordTransitions(monitor, previous, next, clock.instant());
    monitor.setStatus(next);
    return ErrorStatusUpdateControl.patchStatus(monitor);
  }

  @Override
  public DeleteControl cleanup(ScaphandreMonitor monitor, Context<ScaphandreMonitor> context) {
    monitor.withDefaultSpecIfMissing();
    resolver.forget(monitor);
    new NodeLabeler(context.getClient()).removeAll(monitor, allNodes());
    new DesiredInputs(List.of(), policy.defaultAgentImage()).putInto(context);
    context.managedWorkflowAndDependentResourceContext().cleanupManageWorkflow();
    return DeleteControl.defaultDelete();
  }

  private UpdateControl<ScaphandreMonitor> writeStatusIfChanged(ScaphandreMonitor monitor,
      Context<ScaphandreMonitor> context, Function<ScaphandreMonitorStatus, ScaphandreMonitorStatus> derive) {
    ScaphandreMonitorStatus previous = monitor.getStatus();
    ScaphandreMonitorStatus next = derive.apply(previous);
    if (next.equals(previous)) {
      return UpdateControl.noUpdate();
    }
    new EventRecorder(context.getClient()).recordTransitions(monitor, previous, next, clock.instant());
    monitor.setStatus(next);
    return UpdateControl.patchStatus(monitor);
  }

  /**
   * Come back when something outside the API may have changed: a missing CRD may get installed,
   * OpenNebula's host pool is read again every refreshInterval, and sooner after it failed.
   */
  private static UpdateControl<ScaphandreMonitor> reschedule(UpdateControl<ScaphandreMonitor> control,
      ScaphandreMonitor monitor, List<String> missingCrds, HostIdResolution resolution) {
    List<Duration> delays = new ArrayList<>();
    if (resolution.sourceFailed()) {
      delays.add(OpenNebulaHostDirectory.RETRY_AFTER_FAILURE);
    }
    if (!missingCrds.isEmpty()) {
      delays.add(PrometheusOperatorCrds.recheckInterval());
    }
    ScaphandreMonitorSpec spec = monitor.getSpec();
    if (spec.getHostId().getSources().contains(HostIdSourceType.OPEN_NEBULA_API) && spec.getOpenNebula() != null) {
      DurationFields.OPENNEBULA_REFRESH_INTERVAL.parseIfValid(spec.getOpenNebula().getRefreshInterval())
          .ifPresent(delays::add);
    }
    return delays.stream().min(Comparator.naturalOrder())
        .map(d -> control.rescheduleAfter(d))
        .orElse(control);
  }

  private List<Node> allNodes() {
    return nodes == null ? List.of() : nodes.list().toList();
  }

  /** The newest agent pod on each node (during a rollout a node briefly has two). */
  private static Map<String, Pod> agentPodByNode(Context<ScaphandreMonitor> context) {
    return context.getSecondaryResources(Pod.class).stream()
        .filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null)
        .collect(Collectors.toMap(p -> p.getSpec().getNodeName(), p -> p,
            (a, b) -> newer(a).compareTo(newer(b)) >= 0 ? a : b));
  }

  private static String newer(Pod pod) {
    return Optional.ofNullable(pod.getMetadata().getCreationTimestamp()).orElse("");
  }

  private static List<String> missingCrds(ScaphandreMonitor monitor, Context<ScaphandreMonitor> context) {
    var prometheus = monitor.getSpec().getPrometheus();
    List<String> missing = new ArrayList<>();
    addIfMissing(missing, prometheus.getPodMonitor().isOn(), PrometheusOperatorCrds.POD_MONITORS, context);
    addIfMissing(missing, prometheus.getScrapeConfig().isOn(), PrometheusOperatorCrds.SCRAPE_CONFIGS, context);
    addIfMissing(missing, prometheus.getRules().isOn(), PrometheusOperatorCrds.PROMETHEUS_RULES, context);
    return missing;
  }

  private static void addIfMissing(List<String> missing, boolean enabled, String crd,
      Context<ScaphandreMonitor> context) {
    if (enabled && !PrometheusOperatorCrds.present(context.getClient(), crd)) {
      missing.add(crd);
    }
  }
}
