package io.onescaphandre.operator.dependent;

import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.onescaphandre.operator.api.AgentFlavor;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AgentDaemonSetDependentTest {

  private static PodSpec pod(DaemonSet ds) {
    return ds.getSpec().getTemplate().getSpec();
  }

  private static Container init(DaemonSet ds) {
    return pod(ds).getInitContainers().get(0);
  }

  private static Container agent(DaemonSet ds) {
    return pod(ds).getContainers().get(0);
  }

  private static String arg(Container c, String flag) {
    return c.getArgs().stream()
        .filter(a -> a.startsWith(flag + "="))
        .findFirst()
        .map(a -> a.substring(flag.length() + 1))
        .orElseThrow(() -> new AssertionError(flag + " not in " + c.getArgs()));
  }

  @Test
  void builtinAgentRunsUnprivilegedOnTheNodesPortWithHttpProbes() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getAgent().setPort(9101);
    DaemonSet ds = AgentDaemonSetDependent.desiredFor(m, "one-scaphandre-agent:0.1.0");

    assertThat(ds.getMetadata().getName()).isEqualTo("lab-agent");
    assertThat(ds.getMetadata().getLabels())
        .containsOnly(
            Map.entry(MonitorNames.NAME_LABEL, "one-scaphandre-agent"),
            Map.entry(MonitorNames.INSTANCE_LABEL, "lab"),
            Map.entry(MonitorNames.MANAGED_BY_LABEL, "one-scaphandre-operator"));
    assertThat(ds.getSpec().getSelector().getMatchLabels())
        .containsOnly(
            Map.entry(MonitorNames.NAME_LABEL, "one-scaphandre-agent"),
            Map.entry(MonitorNames.INSTANCE_LABEL, "lab"));
    assertThat(pod(ds).getHostPID()).isTrue();
    assertThat(pod(ds).getNodeSelector())
        .containsOnly(Map.entry("node-role.one-scaphandre.io/kvm", "true"));
    assertThat(pod(ds).getAutomountServiceAccountToken()).isFalse();
    assertThat(pod(ds).getServiceAccountName()).isEqualTo("lab-agent");

    Container agent = agent(ds);
    assertThat(agent.getName()).isEqualTo("agent");
    assertThat(agent.getImage()).isEqualTo("one-scaphandre-agent:0.1.0");
    assertThat(agent.getCommand()).isEmpty();
    assertThat(agent.getArgs()).first().isEqualTo("run");
    assertThat(arg(agent, "--web.listen-address")).isEqualTo(":9101");
    assertThat(agent.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("metrics");
              assertThat(p.getContainerPort()).isEqualTo(9101);
              assertThat(p.getHostPort()).isEqualTo(9101);
            });
    var sc = agent.getSecurityContext();
    assertThat(sc.getPrivileged()).isFalse();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getRunAsUser()).isZero();
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    // No SYS_PTRACE: root with hostPID could otherwise ptrace any host process, QEMU included.
    assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(agent.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(agent.getResources().getLimits()).containsKey("memory");
    assertHttpProbe(agent.getLivenessProbe(), "/healthz");
    assertHttpProbe(agent.getReadinessProbe(), "/readyz");
    // Every host path the long-running container sees is read-only; /tmp is its only writable
    // place.
    assertThat(agent.getVolumeMounts())
        .filteredOn(v -> !"tmp".equals(v.getName()))
        .isNotEmpty()
        .allSatisfy(v -> assertThat(v.getReadOnly()).isTrue());
    assertThat(agent.getVolumeMounts())
        .extracting(VolumeMount::getMountPath)
        .containsExactlyInAnyOrder("/host/proc", "/host/sys", "/tmp");
  }

  @Test
  void onlyTheInitContainerIsPrivilegedAndItWritesTheTerminationMessage() {
    DaemonSet ds = AgentDaemonSetDependent.desiredFor(monitor("lab"));
    Container init = init(ds);
    assertThat(init.getName()).isEqualTo(MonitorNames.INIT_CONTAINER_NAME);
    assertThat(init.getSecurityContext().getPrivileged()).isTrue();
    assertThat(init.getArgs()).first().isEqualTo("init");
    assertThat(init.getCommand()).isEmpty();
    assertThat(arg(init, "--termination-message-path")).isEqualTo("/dev/termination-log");
    assertThat(init.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
    assertThat(init.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(init.getVolumeMounts()).allSatisfy(v -> assertThat(v.getReadOnly()).isTrue());
    assertThat(
            Stream.concat(pod(ds).getInitContainers().stream(), pod(ds).getContainers().stream())
                .filter(
                    c ->
                        c.getSecurityContext() != null
                            && Boolean.TRUE.equals(c.getSecurityContext().getPrivileged())))
        .extracting(Container::getName)
        .containsExactly("init");
  }

  @Test
  void initFindsTheHostsModulesAndOpenNebulaFilesUnderItsRootfs() {
    DaemonSet ds = AgentDaemonSetDependent.desiredFor(monitor("lab"));
    Container init = init(ds);
    String rootfs = arg(init, "--path.rootfs");
    Map<String, String> hostPathByVolume = hostPaths(ds);
    Function<String, String> mountedHostPath =
        containerPath ->
            init.getVolumeMounts().stream()
                .filter(v -> v.getMountPath().equals(containerPath))
                .findFirst()
                .map(v -> hostPathByVolume.get(v.getName()))
                .orElse(null);
    // The agent's ModuleLoader runs "modprobe --dirname=<rootfs>", which reads
    // <rootfs>/lib/modules.
    assertThat(mountedHostPath.apply(rootfs + "/lib/modules")).isEqualTo("/lib/modules");
    assertThat(mountedHostPath.apply("/lib/modules")).isEqualTo("/lib/modules");
    // HypervisorFilesHostIdFinder reads <rootfs>/var/tmp/one_db/config and <rootfs>/var/tmp/one/im,
    // both below
    // the host's /var/tmp.
    assertThat(mountedHostPath.apply(rootfs + "/var/tmp")).isEqualTo("/var/tmp");
    assertThat(mountedHostPath.apply(arg(init, "--path.sysfs"))).isEqualTo("/sys");
  }

  @Test
  void noHostPathIsEverCreatedOnTheHost() {
    // A hostPath without a type (or DirectoryOrCreate, FileOrCreate) makes the kubelet create a
    // missing path, root-owned: an OpenNebula host not installed yet would get /var/tmp/one/im.
    for (AgentFlavor flavor : AgentFlavor.values()) {
      ScaphandreMonitor m = monitor("lab");
      m.getSpec().getAgent().setFlavor(flavor);
      assertThat(pod(AgentDaemonSetDependent.desiredFor(m)).getVolumes())
          .filteredOn(v -> v.getHostPath() != null)
          .isNotEmpty()
          .allSatisfy(
              v -> assertThat(v.getHostPath().getType()).as(v.getName()).isIn("Directory", "File"));
    }
  }

  @Test
  void imagesComeFromTheSpecElseTheOperatorsDefault() {
    ScaphandreMonitor m = monitor("lab");
    assertThat(agent(AgentDaemonSetDependent.desiredFor(m, "registry.example/agent:9")).getImage())
        .isEqualTo("registry.example/agent:9");
    assertThat(init(AgentDaemonSetDependent.desiredFor(m, "registry.example/agent:9")).getImage())
        .isEqualTo("registry.example/agent:9");
    m.getSpec().getAgent().setImage("mine/agent:2");
    DaemonSet ds = AgentDaemonSetDependent.desiredFor(m, "registry.example/agent:9");
    assertThat(agent(ds).getImage()).isEqualTo("mine/agent:2");
    assertThat(init(ds).getImage()).isEqualTo("mine/agent:2");
    assertThat(AgentImages.BUILTIN).isEqualTo("one-scaphandre-agent:0.1.0");
  }

  @Test
  void scaphandreFlavourReadsOnlyPowercapAndIsProbedOnItsPort() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getAgent().setFlavor(AgentFlavor.SCAPHANDRE);
    DaemonSet ds = AgentDaemonSetDependent.desiredFor(m, "ignored:1");
    Container agent = agent(ds);
    assertThat(agent.getImage()).isEqualTo(AgentImages.SCAPHANDRE);
    assertThat(agent.getArgs()).startsWith("prometheus").contains("--qemu");
    assertThat(agent.getLivenessProbe().getTcpSocket().getPort().getStrVal()).isEqualTo("metrics");
    assertThat(agent.getLivenessProbe().getExec()).isNull();
    assertThat(agent.getSecurityContext().getPrivileged()).isFalse();
    assertThat(agent.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(agent.getVolumeMounts()).allSatisfy(v -> assertThat(v.getReadOnly()).isTrue());
    assertThat(hostPaths(ds).values())
        .containsExactlyInAnyOrder(
            "/lib/modules", "/sys/class/powercap", "/sys/devices/virtual/powercap");
    assertThat(init(ds).getImage()).isEqualTo(AgentImages.MODPROBE);
    assertThat(pod(ds).getAutomountServiceAccountToken()).isTrue();
  }

  private static Map<String, String> hostPaths(DaemonSet ds) {
    return pod(ds).getVolumes().stream()
        .filter(v -> v.getHostPath() != null)
        .collect(
            java.util.stream.Collectors.toMap(Volume::getName, v -> v.getHostPath().getPath()));
  }

  private static void assertHttpProbe(Probe probe, String path) {
    assertThat(probe.getExec()).isNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
  }
}
