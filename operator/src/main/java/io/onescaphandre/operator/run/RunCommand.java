package io.onescaphandre.operator.run;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onescaphandre.contracts.bytes.ByteSize;
import io.onescaphandre.contracts.net.ListenAddress;
import io.onescaphandre.operator.admission.AdmissionOptions;
import io.onescaphandre.operator.admission.AdmissionPolicy;
import io.onescaphandre.operator.admission.OpenNebulaEndpoints;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.opennebula.AnswerLimits;
import io.onescaphandre.operator.opennebula.HostPowerPublishService;
import io.onescaphandre.operator.opennebula.VmInfoService;
import io.onescaphandre.operator.reconciler.MonitorOperator;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code run}: the operator in a cluster. The API server comes from the kubeconfig as kubectl finds
 * it ({@code KUBECONFIG}, {@code ~/.kube/config}), else from the pod's service account. Objects are
 * written with server-side apply. Stops on SIGTERM.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Reconcile ScaphandreMonitors: agents, Prometheus objects, node host-id labels.")
public final class RunCommand implements Callable<Integer> {
  /**
   * Env var naming the namespace of the leader-election Lease (the chart sets the release
   * namespace).
   */
  public static final String LEASE_NAMESPACE_ENV = "ONE_SCAPHANDRE_LEADER_ELECTION_NAMESPACE";

  public static final String LEASE_NAME = MonitorNames.OPERATOR_NAME + "-leader";
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  /** Refresh of opennebula_vm_info when no monitor sets spec.openNebula.refreshInterval. */
  static final java.time.Duration VM_INFO_DEFAULT_INTERVAL = java.time.Duration.ofMinutes(5);

  @Mixin AdmissionOptions admission = new AdmissionOptions();

  @Option(
      names = OpenNebulaEndpoints.FLAG,
      split = ",",
      paramLabel = "URL",
      description =
          "OpenNebula endpoints monitors may name in spec.openNebula.endpoint, comma-separated;"
              + " a monitor naming another one gets no Secret read and a Degraded condition (default: any).")
  List<String> allowedOpenNebulaEndpoints = List.of();

  @Option(
      names = "--opennebula.max-answer-size",
      paramLabel = "SIZE",
      converter = ByteSize.class,
      defaultValue = AnswerLimits.DEFAULT_MAX_ANSWER_SIZE,
      description =
          "Largest OpenNebula answer read (bytes, or with Ki, Mi, Gi); larger ones are refused"
              + " while they stream in (default ${DEFAULT-VALUE}).")
  long maxAnswerBytes = ByteSize.parse(AnswerLimits.DEFAULT_MAX_ANSWER_SIZE);

  @Option(
      names = "--leader-election",
      description =
          "Reconcile only while holding the Lease "
              + LEASE_NAME
              + " in the namespace named by $"
              + LEASE_NAMESPACE_ENV
              + " (else the kubeconfig's namespace); for more than one replica.")
  boolean leaderElection;

  @Option(
      names = "--namespaces",
      split = ",",
      paramLabel = "NS",
      description =
          "Namespaces whose ScaphandreMonitors are reconciled, comma-separated (default: all).")
  List<String> namespaces = List.of();

  @Option(
      names = "--web.listen-address",
      defaultValue = ":8080",
      converter = ListenAddress.Converter.class,
      paramLabel = "[HOST]:PORT",
      description = "Where /metrics is served (default ${DEFAULT-VALUE}).")
  InetSocketAddress metricsAddress;

  @Option(
      names = "--health.listen-address",
      defaultValue = ":8081",
      converter = ListenAddress.Converter.class,
      paramLabel = "[HOST]:PORT",
      description = "Where /healthz and /readyz are served (default ${DEFAULT-VALUE}).")
  InetSocketAddress healthAddress;

  /** Environment lookups, replaceable in tests. */
  Function<String, String> env = System::getenv;

  @Override
  public Integer call() {
    KubernetesClient client = new KubernetesClientBuilder().build();
    Running running = start(client, true);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping");
                  running.close();
                  client.close();
                  stopped.countDown();
                },
                "shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * Starts the endpoints and the operator with the parsed options.
   *
   * @param serverSideApply off only against API servers that lack it (the Fabric8 mock server)
   */
  Running start(KubernetesClient client, boolean serverSideApply) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List.of(
            new JvmMemoryMetrics(),
            new JvmGcMetrics(),
            new JvmThreadMetrics(),
            new ClassLoaderMetrics(),
            new ProcessorMetrics(),
            new UptimeMetrics())
        .forEach(b -> b.bindTo(registry));
    AdmissionPolicy policy = admission.policy();
    OpenNebulaEndpoints endpoints = OpenNebulaEndpoints.of(allowedOpenNebulaEndpoints);
    AnswerLimits limits = new AnswerLimits(maxAnswerBytes);
    MonitorOperator builder =
        MonitorOperator.builder(client)
            .withServerSideApply(serverSideApply)
            .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
            .withAdmissionPolicy(policy)
            .withOpenNebulaEndpoints(endpoints)
            .withAnswerLimits(limits)
            .withNamespaces(new LinkedHashSet<>(namespaces));
    leaderElection().ifPresent(builder::withLeaderElection);
    Operator operator = builder.build();
    RuntimeInfo info = operator.getRuntimeInfo();
    OperatorEndpoints web =
        OperatorEndpoints.start(
            metricsAddress,
            healthAddress,
            registry,
            () ->
                info.isStarted()
                    ? new OperatorEndpoints.Health(true, "ok")
                    : new OperatorEndpoints.Health(false, "operator not started"),
            () -> readiness(info));
    // opennebula_vm_info follows the monitors' spec.openNebula; served on the same /metrics.
    VmInfoService vmInfo =
        VmInfoService.forMonitors(
            registry,
            client,
            new LinkedHashSet<>(namespaces),
            endpoints,
            limits,
            VM_INFO_DEFAULT_INTERVAL);
    // spec.openNebula.publish: the agents' host power into OpenNebula's host templates.
    HostPowerPublishService hostPower =
        HostPowerPublishService.forMonitors(
            registry,
            client,
            new LinkedHashSet<>(namespaces),
            endpoints,
            limits,
            VM_INFO_DEFAULT_INTERVAL);
    try {
      operator.start();
      vmInfo.start();
      hostPower.start();
    } catch (RuntimeException e) {
      hostPower.close();
      vmInfo.close();
      web.close();
      throw e;
    }
    LOG.info(
        "operator started: metrics on {}, health on {}, namespaces {}, default agent image {},"
            + " allowed agent images {}, allowed init images {}, extraArgs {}, OpenNebula endpoints {},"
            + " OpenNebula answers up to {}{}",
        web.metricsAddress(),
        web.healthAddress(),
        namespaces.isEmpty() ? "all" : namespaces,
        policy.defaultAgentImage(),
        policy.agentImages(),
        policy.initImages(),
        policy.extraArgsAllowed() ? "allowed" : "refused",
        endpoints,
        ByteSize.format(limits.maxAnswerBytes()),
        leaderElection ? ", leader election on" : "");
    return new Running(operator, vmInfo, hostPower, web, registry);
  }

  private java.util.Optional<LeaderElectionConfiguration> leaderElection() {
    if (!leaderElection) {
      return java.util.Optional.empty();
    }
    LeaderElectionConfigurationBuilder config =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE_NAME);
    String namespace = env.apply(LEASE_NAMESPACE_ENV);
    if (namespace != null && !namespace.isBlank()) {
      config.withLeaseNamespace(namespace);
    }
    return java.util.Optional.of(config.build());
  }

  static OperatorEndpoints.Health readiness(RuntimeInfo info) {
    if (!info.isStarted()) {
      return new OperatorEndpoints.Health(false, "operator not started");
    }
    if (!info.allEventSourcesAreHealthy()) {
      Map<String, ?> unhealthy = info.unhealthyEventSources();
      return new OperatorEndpoints.Health(false, "unhealthy event sources: " + unhealthy.keySet());
    }
    return new OperatorEndpoints.Health(true, "ok");
  }

  /** A started operator with its endpoints. */
  public record Running(
      Operator operator,
      VmInfoService vmInfo,
      HostPowerPublishService hostPower,
      OperatorEndpoints endpoints,
      PrometheusMeterRegistry registry)
      implements AutoCloseable {
    @Override
    public void close() {
      hostPower.close();
      vmInfo.close();
      operator.stop();
      endpoints.close();
      registry.close();
    }
  }
}
