package io.onescaphandre.operator.dependent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.onescaphandre.operator.api.AgentFlavor;
import io.onescaphandre.operator.api.AgentSpec;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.util.ArrayList;
import java.util.List;

/** The agent DaemonSet: one pod per selected node, with its port on the node's address. */
@KubernetesDependent(informer = @Informer(labelSelector = MonitorNames.MANAGED_SELECTOR))
public class AgentDaemonSetDependent extends OwnedDependent<DaemonSet> {
  static final String TERMINATION_LOG = "/dev/termination-log";

  public AgentDaemonSetDependent() {
    super(DaemonSet.class);
  }

  @Override
  public DaemonSet desiredFrom(ScaphandreMonitor monitor, DesiredInputs inputs) {
    return desiredFor(monitor, inputs.defaultAgentImage(), inputs.bmc());
  }

  public static DaemonSet desiredFor(ScaphandreMonitor monitor) {
    return desiredFor(monitor, AgentImages.BUILTIN);
  }

  /**
   * @param defaultAgentImage the builtin agent's image when the spec names none
   */
  public static DaemonSet desiredFor(ScaphandreMonitor monitor, String defaultAgentImage) {
    return desiredFor(monitor, defaultAgentImage, BmcAccess.NONE);
  }

  /**
   * @param bmc the BMC addresses and the opted-in credentials Secret, for the redfish source
   */
  public static DaemonSet desiredFor(
      ScaphandreMonitor monitor, String defaultAgentImage, BmcAccess bmc) {
    AgentSpec agent = monitor.getSpec().getAgent();
    AgentPower power = new AgentPower(monitor, bmc);
    boolean builtin = agent.getFlavor() == AgentFlavor.BUILTIN;
    return new DaemonSetBuilder()
        .withMetadata(
            MonitorResources.metadata(
                monitor, MonitorResources.agentName(monitor), java.util.Map.of()))
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(MonitorResources.selectorLabels(monitor))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(MonitorResources.labels(monitor))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(MonitorResources.agentName(monitor))
        // The builtin agent never talks to the API; upstream Scaphandre's --containers lists pods.
        .withAutomountServiceAccountToken(!builtin)
        .withHostPID(true)
        .withNodeSelector(
            monitor.getSpec().getNodeSelector().isEmpty()
                ? null
                : monitor.getSpec().getNodeSelector())
        .withTolerations(
            monitor.getSpec().getTolerations().isEmpty()
                ? null
                : monitor.getSpec().getTolerations())
        .withAffinity(monitor.getSpec().getAffinity())
        .withNewSecurityContext()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withInitContainers(
            builtin ? builtinInit(agent, defaultAgentImage, power) : modprobeInit(agent))
        .withContainers(
            builtin ? builtinAgent(agent, defaultAgentImage, power) : scaphandreAgent(agent))
        .withVolumes(builtin ? power.withVolumes(builtinVolumes()) : scaphandreVolumes())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Container builtinInit(
      AgentSpec agent, String defaultAgentImage, AgentPower power) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "init",
                "--path.sysfs=/host/sys",
                "--path.rootfs=/host",
                "--termination-message-path=" + TERMINATION_LOG));
    // The same sources as the agent, probed once, so the node's status names the one in use.
    args.addAll(power.args());
    return new ContainerBuilder()
        .withName(MonitorNames.INIT_CONTAINER_NAME)
        .withImage(AgentImages.init(agent, defaultAgentImage))
        .withImagePullPolicy(agent.getImagePullPolicy())
        .withArgs(args)
        .withEnv(nodeNameEnv())
        .withTerminationMessagePath(TERMINATION_LOG)
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withSecurityContext(privilegedInit())
        .withResources(initResources())
        // init --path.rootfs=/host runs "modprobe --dirname=/host": it reads /host/lib/modules. The
        // same volume at /lib/modules serves a plain modprobe (docs/interfaces.md).
        .withVolumeMounts(
            power.withMounts(
                List.of(
                    readOnly("sys", "/host/sys"),
                    readOnly("modules", "/host/lib/modules"),
                    readOnly("modules", "/lib/modules"),
                    readOnly("var-tmp", "/host/var/tmp"))))
        .build();
  }

  private static Container modprobeInit(AgentSpec agent) {
    return new ContainerBuilder()
        .withName(MonitorNames.INIT_CONTAINER_NAME)
        .withImage(AgentImages.init(agent))
        .withImagePullPolicy(agent.getImagePullPolicy())
        // A missing module is not fatal: the CPU may be AMD or the driver built in.
        .withCommand(
            "sh",
            "-c",
            "for m in intel_rapl_common intel_rapl_msr; do modprobe $m || echo \"modprobe $m failed\"; done")
        .withTerminationMessagePath(TERMINATION_LOG)
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withSecurityContext(privilegedInit())
        .withResources(initResources())
        .withVolumeMounts(readOnly("modules", "/lib/modules"))
        .build();
  }

  /**
   * The node's name, for the agent's line of the BMC endpoints file (init's probe and the agent).
   */
  private static io.fabric8.kubernetes.api.model.EnvVar nodeNameEnv() {
    return new EnvVarBuilder()
        .withName("NODE_NAME")
        // apiVersion set explicitly: the server defaults it, and a missing value would make
        // server-side apply see drift on every reconcile (keycloak #38846).
        .withNewValueFrom()
        .withNewFieldRef("v1", "spec.nodeName")
        .endValueFrom()
        .build();
  }

  /**
   * Loading the RAPL kernel modules needs CAP_SYS_MODULE on the host: only this short-lived step
   * gets it.
   */
  private static SecurityContext privilegedInit() {
    return new SecurityContextBuilder().withPrivileged(true).withRunAsUser(0L).build();
  }

  private static Container builtinAgent(
      AgentSpec agent, String defaultAgentImage, AgentPower power) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--path.procfs=/host/proc",
                "--path.sysfs=/host/sys",
                "--path.rootfs=/host",
                "--web.listen-address=:" + agent.getPort(),
                "--interval=" + agent.getInterval()));
    args.addAll(power.args());
    args.addAll(agent.getExtraArgs());
    return agentContainer(agent, AgentImages.agent(agent, defaultAgentImage), args)
        .withSecurityContext(
            power.needsPrivilegedAgent() ? ipmiAgentSecurityContext() : agentSecurityContext())
        .withLivenessProbe(httpProbe("/healthz", 3))
        .withReadinessProbe(httpProbe("/readyz", 1))
        .withVolumeMounts(
            power.withMounts(
                List.of(
                    readOnly("proc", "/host/proc"),
                    readOnly("sys", "/host/sys"),
                    new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())))
        .build();
  }

  private static Container scaphandreAgent(AgentSpec agent) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "prometheus",
                "--address",
                "0.0.0.0",
                "--port",
                String.valueOf(agent.getPort()),
                "--qemu",
                "--containers"));
    args.addAll(agent.getExtraArgs());
    // Scaphandre serves no health endpoint; an open port is what can be checked.
    Probe tcp =
        new ProbeBuilder()
            .withNewTcpSocket()
            .withPort(new IntOrString(MonitorNames.METRICS_PORT_NAME))
            .endTcpSocket()
            .withInitialDelaySeconds(5)
            .withPeriodSeconds(10)
            .withTimeoutSeconds(2)
            .withFailureThreshold(3)
            .build();
    return agentContainer(agent, AgentImages.agent(agent), args)
        .withLivenessProbe(tcp)
        .withReadinessProbe(tcp)
        .withVolumeMounts(
            readOnly("powercap", "/sys/class/powercap"),
            readOnly("powercap-devices", "/sys/devices/virtual/powercap"))
        .build();
  }

  private static ContainerBuilder agentContainer(AgentSpec agent, String image, List<String> args) {
    return new ContainerBuilder()
        .withName(MonitorNames.AGENT_CONTAINER_NAME)
        .withImage(image)
        .withImagePullPolicy(agent.getImagePullPolicy())
        .withArgs(args)
        .withEnv(nodeNameEnv())
        .addNewPort()
        .withName(MonitorNames.METRICS_PORT_NAME)
        .withContainerPort(agent.getPort())
        .withHostPort(agent.getPort())
        .withProtocol("TCP")
        .endPort()
        .withSecurityContext(agentSecurityContext())
        .withResources(
            agent.getResources() != null ? agent.getResources() : defaultResources(agent));
  }

  /**
   * Root, because energy_uj is 0400 root since CVE-2020-8694 (as owner, root needs no capability to
   * read it); not privileged, every capability dropped. What the agent reads is world-readable
   * (/proc/&lt;pid&gt;/stat, cmdline and cgroup, /proc/stat, cgroup CPU files, powercap names and
   * ranges) or owned by root (energy_uj). It never reads /proc/&lt;pid&gt;/exe, which would need
   * SYS_PTRACE for another user's process (QEMU runs as oneadmin): the emulator's name comes from
   * its command line. Without SYS_PTRACE, root with hostPID cannot ptrace host processes.
   */
  static SecurityContext agentSecurityContext() {
    return new SecurityContextBuilder()
        .withPrivileged(false)
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsUser(0L)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  /**
   * With the ipmi source: in-band IPMI opens /dev/ipmi0, which the device cgroup of an unprivileged
   * container denies whatever is mounted; only a privileged container reaches it. The cost of
   * {@code ipmi} in {@code spec.power.sources}, which is why it is not among the default sources.
   */
  static SecurityContext ipmiAgentSecurityContext() {
    return new SecurityContextBuilder()
        .withPrivileged(true)
        .withReadOnlyRootFilesystem(true)
        .withRunAsUser(0L)
        .build();
  }

  private static Probe httpProbe(String path, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(MonitorNames.METRICS_PORT_NAME))
        .withScheme("HTTP")
        .endHttpGet()
        .withInitialDelaySeconds(5)
        .withPeriodSeconds(10)
        .withTimeoutSeconds(2)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static ResourceRequirements defaultResources(AgentSpec agent) {
    boolean builtin = agent.getFlavor() == AgentFlavor.BUILTIN;
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity(builtin ? "50m" : "75m"))
        .addToRequests("memory", new Quantity(builtin ? "128Mi" : "100Mi"))
        .addToLimits("memory", new Quantity(builtin ? "256Mi" : "200Mi"))
        .build();
  }

  private static ResourceRequirements initResources() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("10m"))
        .addToRequests("memory", new Quantity("64Mi"))
        .addToLimits("memory", new Quantity("256Mi"))
        .build();
  }

  private static VolumeMount readOnly(String volume, String path) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(true).build();
  }

  private static List<Volume> builtinVolumes() {
    return List.of(
        hostPath("proc", "/proc", "Directory"),
        hostPath("sys", "/sys", "Directory"),
        hostPath("modules", "/lib/modules", "Directory"),
        // OpenNebula 7 keeps the host id in /var/tmp/one_db; older versions only the IM status DBs
        // in /var/tmp/one/im. Either may be missing (a host not installed yet): a hostPath of its
        // own
        // without a type would make the kubelet create it, root-owned, on the host. /var/tmp exists
        // on
        // every host, so it is mounted (type Directory: never created) and the init reads below it.
        hostPath("var-tmp", "/var/tmp", "Directory"),
        new VolumeBuilder()
            .withName("tmp")
            .withNewEmptyDir()
            .withMedium("Memory")
            .withSizeLimit(new Quantity("16Mi"))
            .endEmptyDir()
            .build());
  }

  private static List<Volume> scaphandreVolumes() {
    // powercap entries are symlinks into /sys/devices/virtual/powercap: both are mounted so they
    // resolve.
    return List.of(
        hostPath("modules", "/lib/modules", "Directory"),
        hostPath("powercap", "/sys/class/powercap", "Directory"),
        hostPath("powercap-devices", "/sys/devices/virtual/powercap", "Directory"));
  }

  private static Volume hostPath(String name, String path, String type) {
    return new VolumeBuilder()
        .withName(name)
        .withNewHostPath()
        .withPath(path)
        .withType(type)
        .endHostPath()
        .build();
  }
}
