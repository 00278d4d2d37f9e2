package io.onescaphandre.demo;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.onescaphandre.operator.api.MonitorNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A simulated node of the demo cluster. OpenNebula hosts carry the label the sample monitor
 * selects; an admin has labelled some with their host id; the others have OpenNebula's files under
 * their simulated root filesystem, where the agent's init finds the id.
 *
 * @param adminHostIdLabel whether an admin set {@code one-scaphandre.io/host-id} on the node
 * @param hostId the OpenNebula host id (written to its files, and to the label when an admin set
 *     it), null for nodes that are not OpenNebula hosts
 */
public record DemoNode(String name, String internalIp, Long hostId, boolean adminHostIdLabel) {
  /** The label of examples/scaphandremonitor.yaml's nodeSelector. */
  public static final String OPENNEBULA_HOST_LABEL = "one-scaphandre.io/opennebula-host";

  public static final List<DemoNode> CLUSTER =
      List.of(
          new DemoNode("k8s-control-plane", "10.20.0.10", null, false),
          new DemoNode("one-kvm-01", "10.20.0.11", 7L, true),
          new DemoNode("one-kvm-02", "10.20.0.12", 8L, false),
          new DemoNode("one-kvm-03", "10.20.0.13", 9L, false));

  public boolean openNebulaHost() {
    return hostId != null;
  }

  public Node toNode() {
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels("kubernetes.io/hostname", name)
            .addToLabels("kubernetes.io/os", "linux")
            .addToLabels("kubernetes.io/arch", "amd64")
            .endMetadata()
            .withNewStatus()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress(internalIp)
            .endAddress()
            .addNewAddress()
            .withType("Hostname")
            .withAddress(name)
            .endAddress()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withReason("KubeletReady")
            .endCondition()
            .endStatus();
    if (openNebulaHost()) {
      b.editMetadata().addToLabels(OPENNEBULA_HOST_LABEL, "true").endMetadata();
    } else {
      b.editMetadata().addToLabels("node-role.kubernetes.io/control-plane", "").endMetadata();
    }
    if (adminHostIdLabel) {
      b.editMetadata().addToLabels(MonitorNames.HOST_ID_LABEL, Long.toString(hostId)).endMetadata();
    }
    return b.build();
  }

  /**
   * Writes this node's simulated root filesystem: OpenNebula 7's monitor configuration ({@code
   * /var/tmp/one_db/config}) and the KVM probes' state database, as on a KVM host.
   */
  public Path writeRootfs(Path nodesDir) throws IOException {
    Path rootfs = nodesDir.resolve(name).resolve("rootfs");
    Files.createDirectories(rootfs);
    if (openNebulaHost()) {
      Path config = rootfs.resolve("var/tmp/one_db/config");
      Files.createDirectories(config.getParent());
      Files.writeString(
          config,
          "<MONITOR_CONFIGURATION><TIMESTAMP>"
              + System.currentTimeMillis() / 1000
              + "</TIMESTAMP><HOST_ID>"
              + hostId
              + "</HOST_ID><PROBES_PERIOD><SYSTEM_HOST>600</SYSTEM_HOST>"
              + "</PROBES_PERIOD></MONITOR_CONFIGURATION>\n");
      Path im = rootfs.resolve("var/tmp/one/im");
      Files.createDirectories(im);
      Files.write(im.resolve("status_kvm_" + hostId + ".db"), new byte[0]);
    }
    return rootfs;
  }
}
