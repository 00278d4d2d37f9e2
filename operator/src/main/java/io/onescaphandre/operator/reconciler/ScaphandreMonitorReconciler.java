package io.onescaphandre.operator.reconciler;

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
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import io.onescaphandre.contracts.duration.DurationFields;
import io.onescaphandre.operator.admission.AdmissionPolicy;
import io.onescaphandre.operator.api.HostIdSourceType;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.ScaphandreMonitorSpec;
import io.onescaphandre.operator.api.ScaphandreMonitorStatus;
import io.onescaphandre.operator.dependent.AgentDaemonSetDependent;
import io.onescaphandre.operator.dependent.AgentServiceAccountDependent;
import io.onescaphandre.operator.dependent.BmcEndpointsConfigMapDependent;
import io.onescaphandre.operator.dependent.DesiredInputs;
import io.onescaphandre.operator.dependent.PlainJobConfigMapDependent;
import io.onescaphandre.operator.dependent.PodMonitorDependent;
import io.onescaphandre.operator.dependent.PrometheusConditions;
import io.onescaphandre.operator.dependent.PrometheusOperatorCrds;
import io.onescaphandre.operator.dependent.PrometheusRuleDependent;
import io.onescaphandre.operator.dependent.ScrapeConfigDependent;
import io.onescaphandre.operator.hostid.HostIdResolution;
import io.onescaphandre.operator.hostid.OpenNebulaHostDirectory;
import io.onescaphandre.operator.status.StatusFactory;
import io.onescaphandre.operator.status.StatusInputs;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Turns a ScaphandreMonitor into its agents and Prometheus objects. OpenNebula is asked first (for
 * the openNebulaApi host id source), then the {@link MonitorPlan} resolves the host ids (they feed
 * the ScrapeConfig, the plain job and the node labels), then the workflow applies the owned
 * objects, then the status is derived in one place and written by the {@link StatusWriter} only
 * when it changed, at most every few seconds.
 *
 * <p>Nodes and agent pods are cached pruned to what is read ({@link CachedNodes}, {@link
 * CachedAgentPods}); their changes that concern no monitor (heartbeats, a pod's image pulled) cause
 * no reconcile, and the others are coalesced by the controller's rate limiter ({@link
 * MonitorOperator}).
 */
@ControllerConfiguration(name = ScaphandreMonitorReconciler.NAME)
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "service-account", type = AgentServiceAccountDependent.class),
      @Dependent(
          name = "bmc-endpoints",
          type = BmcEndpointsConfigMapDependent.class,
          reconcilePrecondition = BmcEndpointsConfigMapDependent.Wanted.class),
      @Dependent(
          name = "daemonset",
          type = AgentDaemonSetDependent.class,
          dependsOn = "service-account"),
      @Dependent(
          name = "plain-job",
          type = PlainJobConfigMapDependent.class,
          reconcilePrecondition = PrometheusConditions.PlainConfigEnabled.class),
      @Dependent(
          name = "pod-monitor",
          type = PodMonitorDependent.class,
          activationCondition = PrometheusConditions.PodMonitorCrdPresent.class,
          reconcilePrecondition = PrometheusConditions.PodMonitorEnabled.class),
      @Dependent(
          name = "scrape-config",
          type = ScrapeConfigDependent.class,
          activationCondition = PrometheusConditions.ScrapeConfigCrdPresent.class,
          reconcilePrecondition = PrometheusConditions.ScrapeConfigEnabled.class),
      @Dependent(
          name = "prometheus-rule",
          type = PrometheusRuleDependent.class,
          activationCondition = PrometheusConditions.PrometheusRuleCrdPresent.class,
          reconcilePrecondition = PrometheusConditions.RulesEnabled.class)
    })
public class ScaphandreMonitorReconciler
    implements Reconciler<ScaphandreMonitor>, Cleaner<ScaphandreMonitor> {
  public static final String NAME = "scaphandremonitor";
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ScaphandreMonitorReconciler.class);
  static final String NODES_EVENT_SOURCE = "nodes";
  static final String AGENT_PODS_EVENT_SOURCE = "agent-pods";

  /**
   * Nodes and pods are listed in pages of this many: the first list of 5,000 nodes is no 100 MB
   * answer.
   */
  static final long LIST_PAGE = 500;

  private final OpenNebulaHostDirectory directory;
  private final StatusFactory statusFactory = new StatusFactory();
  private final Clock clock;
  private final AdmissionPolicy policy;
  private final NodeLabeler nodeLabeler;
  private final PrometheusOperatorCrds crds;
  private final StatusWriter statusWriter;
  private volatile InformerEventSource<Node, ScaphandreMonitor> nodes;

  /**
   * @param policy what the cluster admin lets a monitor run on the nodes
   * @param nodeLabeler the operator's one node labeller (its threads are the operator's to stop)
   */
  ScaphandreMonitorReconciler(
      OpenNebulaHostDirectory directory,
      Clock clock,
      AdmissionPolicy policy,
      NodeLabeler nodeLabeler,
      PrometheusOperatorCrds crds,
      StatusWriter statusWriter) {
    this.directory = directory;
    this.clock = clock;
    this.policy = policy;
    this.nodeLabeler = nodeLabeler;
    this.crds = crds;
    this.statusWriter = statusWriter;
  }

  @Override
  public List<EventSource<?, ScaphandreMonitor>> prepareEventSources(
      EventSourceContext<ScaphandreMonitor> ctx) {
    // Any node change may change any monitor's selection or ids: every monitor is told.
    nodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, ScaphandreMonitor.class)
                .withName(NODES_EVENT_SOURCE)
                .withSecondaryToPrimaryMapper(
                    node ->
                        ctx.getPrimaryCache()
                            .list()
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .withItemStore(new TransformingItemStore<>(CachedNodes::prune))
                .withOnUpdateFilter(CachedNodes::concernsMonitors)
                .withInformerListLimit(LIST_PAGE)
                .build(),
            ctx);
    // Agent pods carry what the init container found (host id, RAPL state) and their readiness.
    InformerEventSource<Pod, ScaphandreMonitor> pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, ScaphandreMonitor.class)
                .withName(AGENT_PODS_EVENT_SOURCE)
                .withLabelSelector(MonitorNames.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(
                    pod ->
                        Optional.ofNullable(pod.getMetadata().getLabels())
                            .map(l -> l.get(MonitorNames.INSTANCE_LABEL))
                            .map(
                                name ->
                                    Set.of(new ResourceID(name, pod.getMetadata().getNamespace())))
                            .orElse(Set.of()))
                .withItemStore(new TransformingItemStore<>(CachedAgentPods::prune))
                // A pod created unscheduled, not ready and without a report changes nothing yet.
                .withOnAddFilter(
                    pod -> pod.getSpec() != null && pod.getSpec().getNodeName() != null)
                .withOnUpdateFilter(CachedAgentPods::concernsMonitors)
                .withInformerListLimit(LIST_PAGE)
                .build(),
            ctx);
    return List.of(nodes, pods);
  }

  @Override
  public UpdateControl<ScaphandreMonitor> reconcile(
      ScaphandreMonitor monitor, Context<ScaphandreMonitor> context) {
    Map<String, Pod> agentPods = agentPodByNode(context);
    List<Node> allNodes = allNodes();
    String namespace = monitor.getMetadata().getNamespace();
    MonitorPlan plan =
        MonitorPlan.compute(
            monitor,
            allNodes,
            agentPods,
            askOpenNebula(monitor, allNodes, agentPods),
            policy,
            name -> context.getClient().secrets().inNamespace(namespace).withName(name).get());
    ScaphandreMonitor planned = plan.monitor();
    if (plan.inputs().bmc().problem() != null) {
      LOG.warn(
          "monitor {}/{}: redfish power source: {}",
          namespace,
          monitor.getMetadata().getName(),
          plan.inputs().bmc().problem());
    }
    HostIdResolution resolution = plan.resolution();
    List<String> missingCrds = List.of();
    if (plan.valid()) {
      plan.inputs().putInto(context);
      crds.putInto(context);
      nodeLabeler.sync(planned, resolution, allNodes);
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
      missingCrds = missingCrds(planned, context);
    }
    DaemonSet daemonSet = context.getSecondaryResource(DaemonSet.class).orElse(null);
    StatusInputs inputs =
        new StatusInputs(
            monitor.getMetadata().getGeneration(),
            plan.specProblems(),
            resolution,
            agentPods,
            daemonSet,
            missingCrds,
            null,
            plan.policyViolations());
    ScaphandreMonitorStatus next =
        statusFactory.build(inputs, monitor.getStatus(), clock.instant());
    Optional<Duration> pendingStatus =
        statusWriter.write(monitor, next, context, recordTransitions(monitor, context));
    List<Duration> delays = new ArrayList<>(rescheduleDelays(planned, missingCrds, resolution));
    pendingStatus.ifPresent(delays::add);
    return delays.stream()
        .min(Comparator.naturalOrder())
        .map(d -> UpdateControl.<ScaphandreMonitor>noUpdate().rescheduleAfter(d))
        .orElse(UpdateControl.noUpdate());
  }

  /**
   * OpenNebula's answer about the nodes the plan wants it asked about; the only request of a plan
   * to the outside, made before it. A monitor that no longer lists the source has its state
   * dropped.
   */
  private OpenNebulaHostDirectory.Lookup askOpenNebula(
      ScaphandreMonitor monitor, List<Node> allNodes, Map<String, Pod> agentPods) {
    ScaphandreMonitor planned = MonitorPlan.withSpec(monitor);
    if (!planned.getSpec().getHostId().getSources().contains(HostIdSourceType.OPEN_NEBULA_API)) {
      directory.forget(planned);
      return OpenNebulaHostDirectory.Lookup.empty();
    }
    // Invalid or refused monitors are not resolved: resolving reads their Secret and calls
    // OpenNebula.
    if (!SpecValidator.validate(planned).isEmpty() || !policy.violations(planned).isEmpty()) {
      return OpenNebulaHostDirectory.Lookup.empty();
    }
    return directory.lookup(planned, MonitorPlan.askOpenNebulaAbout(planned, allNodes, agentPods));
  }

  private BiConsumer<ScaphandreMonitorStatus, ScaphandreMonitorStatus> recordTransitions(
      ScaphandreMonitor monitor, Context<ScaphandreMonitor> context) {
    return (previous, next) ->
        new EventRecorder(context.getClient())
            .recordTransitions(monitor, previous, next, clock.instant());
  }

  @Override
  public ErrorStatusUpdateControl<ScaphandreMonitor> updateErrorStatus(
      ScaphandreMonitor monitor, Context<ScaphandreMonitor> context, Exception e) {
    String message = Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
    ScaphandreMonitorStatus next =
        statusFactory.withError(
            monitor.getStatus(), monitor.getMetadata().getGeneration(), message, clock.instant());
    try {
      statusWriter.write(monitor, next, context, recordTransitions(monitor, context));
    } catch (RuntimeException writeFailed) {
      e.addSuppressed(writeFailed);
    }
    // Written here (or deferred) without a resourceVersion; JOSDK retries the reconcile as usual.
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  @Override
  public DeleteControl cleanup(ScaphandreMonitor monitor, Context<ScaphandreMonitor> context) {
    ScaphandreMonitor planned = MonitorPlan.withSpec(monitor);
    directory.forget(planned);
    statusWriter.forget(planned);
    nodeLabeler.removeAll(planned, allNodes());
    new DesiredInputs(List.of(), policy.defaultAgentImage()).putInto(context);
    crds.putInto(context);
    context.managedWorkflowAndDependentResourceContext().cleanupManageWorkflow();
    return DeleteControl.defaultDelete();
  }

  /**
   * Come back when something outside the API may have changed: a missing CRD may get installed,
   * OpenNebula's host pool is read again every refreshInterval, and sooner after it failed.
   */
  private List<Duration> rescheduleDelays(
      ScaphandreMonitor monitor, List<String> missingCrds, HostIdResolution resolution) {
    List<Duration> delays = new ArrayList<>();
    if (resolution.sourceFailed()) {
      delays.add(OpenNebulaHostDirectory.RETRY_AFTER_FAILURE);
    }
    if (!missingCrds.isEmpty()) {
      delays.add(crds.recheckInterval());
    }
    ScaphandreMonitorSpec spec = monitor.getSpec();
    if (spec.getHostId().getSources().contains(HostIdSourceType.OPEN_NEBULA_API)
        && spec.getOpenNebula() != null) {
      DurationFields.OPENNEBULA_REFRESH_INTERVAL
          .parseIfValid(spec.getOpenNebula().getRefreshInterval())
          .ifPresent(delays::add);
    }
    return delays;
  }

  private List<Node> allNodes() {
    return nodes == null ? List.of() : nodes.list().toList();
  }

  /** The newest agent pod on each node (during a rollout a node briefly has two). */
  private static Map<String, Pod> agentPodByNode(Context<ScaphandreMonitor> context) {
    return context.getSecondaryResources(Pod.class).stream()
        .filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null)
        .collect(
            Collectors.toMap(
                p -> p.getSpec().getNodeName(),
                p -> p,
                (a, b) -> newer(a).compareTo(newer(b)) >= 0 ? a : b));
  }

  private static String newer(Pod pod) {
    return Optional.ofNullable(pod.getMetadata().getCreationTimestamp()).orElse("");
  }

  private List<String> missingCrds(ScaphandreMonitor monitor, Context<ScaphandreMonitor> context) {
    var prometheus = monitor.getSpec().getPrometheus();
    List<String> missing = new ArrayList<>();
    addIfMissing(
        missing, prometheus.getPodMonitor().isOn(), PrometheusOperatorCrds.POD_MONITORS, context);
    addIfMissing(
        missing,
        prometheus.getScrapeConfig().isOn(),
        PrometheusOperatorCrds.SCRAPE_CONFIGS,
        context);
    addIfMissing(
        missing, prometheus.getRules().isOn(), PrometheusOperatorCrds.PROMETHEUS_RULES, context);
    return missing;
  }

  private void addIfMissing(
      List<String> missing, boolean enabled, String crd, Context<ScaphandreMonitor> context) {
    if (enabled && !crds.present(context.getClient(), crd)) {
      missing.add(crd);
    }
  }
}
