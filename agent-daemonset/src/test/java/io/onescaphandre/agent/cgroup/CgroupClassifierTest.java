package io.onescaphandre.agent.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.agent.consumer.ConsumerKey;
import org.junit.jupiter.api.Test;

class CgroupClassifierTest {
  private final CgroupClassifier classifier = new CgroupClassifier();
  private static final String CID =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final String UID = "8f2c1a7e-3b4d-4e5f-9a0b-1c2d3e4f5a6b";

  @Test
  void libvirtScopes() {
    CgroupMatch m =
        classifier.classify(
            "/machine.slice/machine-qemu\\x2d12\\x2done\\x2d345.scope/libvirt/vcpu0");
    assertThat(m.consumer()).isEqualTo(ConsumerKey.kvm("345"));
    assertThat(m.measuredPath())
        .isEqualTo("/machine.slice/machine-qemu\\x2d12\\x2done\\x2d345.scope");
    assertThat(classifier.classify("/machine/qemu-3-one-9.libvirt-qemu/emulator").consumer())
        .isEqualTo(ConsumerKey.kvm("9"));
    assertThat(classifier.classify("/machine.slice/machine-qemu\\x2d1\\x2dwindows.scope")).isNull();
  }

  @Test
  void lxcLayouts() {
    assertThat(classifier.classify("/lxc.payload.one-12/init.scope"))
        .isEqualTo(new CgroupMatch(ConsumerKey.lxc("12"), "/lxc.payload.one-12"));
    assertThat(classifier.classify("/lxc.payload.one-12-1").consumer())
        .isEqualTo(ConsumerKey.lxc("12"));
    assertThat(classifier.classify("/custom/dir/lxc.payload.one-7/system.slice/sshd.service"))
        .isEqualTo(new CgroupMatch(ConsumerKey.lxc("7"), "/custom/dir/lxc.payload.one-7"));
    assertThat(classifier.classify("/lxc/one-3/user.slice"))
        .isEqualTo(new CgroupMatch(ConsumerKey.lxc("3"), "/lxc/one-3"));
    assertThat(classifier.classify("/lxc.payload/one-4").consumer())
        .isEqualTo(ConsumerKey.lxc("4"));
    assertThat(classifier.classify("/lxc.monitor.one-12"))
        .isEqualTo(new CgroupMatch(ConsumerKey.lxc("12"), null));
    assertThat(classifier.classify("/lxc.payload.web")).isNull();
  }

  @Test
  void kubernetesPodsUnderBothDrivers() {
    String underscored = UID.replace('-', '_');
    assertThat(
            classifier.classify(
                "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                    + underscored
                    + ".slice/cri-containerd-"
                    + CID
                    + ".scope"))
        .isEqualTo(
            new CgroupMatch(
                ConsumerKey.pod(UID, CID),
                "/kubepods.slice/kubepods-burstable.slice/"
                    + "kubepods-burstable-pod"
                    + underscored
                    + ".slice/cri-containerd-"
                    + CID
                    + ".scope"));
    assertThat(
            classifier
                .classify(
                    "/kubepods.slice/kubepods-pod" + underscored + ".slice/crio-" + CID + ".scope")
                .consumer())
        .isEqualTo(ConsumerKey.pod(UID, CID));
    assertThat(
            classifier.classify(
                "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                    + underscored
                    + ".slice/crio-conmon-"
                    + CID
                    + ".scope"))
        .isEqualTo(new CgroupMatch(ConsumerKey.pod(UID, ""), null));
    assertThat(classifier.classify("/kubepods/burstable/pod" + UID + "/" + CID))
        .isEqualTo(
            new CgroupMatch(
                ConsumerKey.pod(UID, CID), "/kubepods/burstable/pod" + UID + "/" + CID));
    assertThat(classifier.classify("/kubepods/pod" + UID + "/" + CID).consumer())
        .isEqualTo(ConsumerKey.pod(UID, CID));
    assertThat(classifier.classify("/kubepods/besteffort/pod" + UID + "/" + CID).consumer())
        .isEqualTo(ConsumerKey.pod(UID, CID));
  }

  @Test
  void services() {
    assertThat(classifier.classify("/system.slice/libvirtd.service"))
        .isEqualTo(
            new CgroupMatch(
                ConsumerKey.service("libvirtd.service"), "/system.slice/libvirtd.service"));
    assertThat(
            classifier.classify("/system.slice/system-getty.slice/getty@tty1.service").consumer())
        .isEqualTo(ConsumerKey.service("getty@tty1.service"));
    assertThat(classifier.classify("/user.slice/user-0.slice/session-3.scope")).isNull();
    assertThat(classifier.classify("/init.scope")).isNull();
    assertThat(classifier.classify("/")).isNull();
  }

  @Test
  void procCgroupFilesV1V2HybridAndNamespaces() {
    assertThat(CgroupPath.parse("0::/system.slice/ssh.service\n"))
        .isEqualTo(new CgroupPath("/system.slice/ssh.service", CgroupHierarchy.V2));
    assertThat(
            CgroupPath.parse(
                "12:pids:/lxc.payload.one-3\n4:cpu,cpuacct:/lxc.payload.one-3\n1:name=systemd:/x\n0::/lxc.payload.one-3\n"))
        .isEqualTo(new CgroupPath("/lxc.payload.one-3", CgroupHierarchy.V1_CPUACCT));
    assertThat(
            CgroupPath.parse("0::/../../../machine.slice/machine-qemu\\x2d1\\x2done\\x2d2.scope\n"))
        .isEqualTo(
            new CgroupPath(
                "/machine.slice/machine-qemu\\x2d1\\x2done\\x2d2.scope", CgroupHierarchy.V2));
    assertThat(CgroupPath.parse("")).isNull();
    assertThat(
            CgroupNamespacePaths.candidates(
                "/kubepods-burstable-podX.slice/cri-containerd-Y.scope"))
        .contains(
            "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podX.slice/cri-containerd-Y.scope");
    assertThat(CgroupNamespacePaths.candidates("/podX/Y")).contains("/kubepods/besteffort/podX/Y");
  }
}
