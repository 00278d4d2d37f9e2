package io.onescaphandre.operator.dependent;

import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.onescaphandre.operator.api.PowerSourceType;
import io.onescaphandre.operator.api.PowerSpec;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The power-source part of the builtin agent's pod: the {@code --power.*}, {@code --redfish.*} and
 * {@code --estimate.*} arguments (the same for the init container's probe and the agent), and the
 * BMC endpoints ConfigMap and credentials Secret mounted read-only when the redfish source can use
 * them.
 */
final class AgentPower {
  static final String ENDPOINTS_DIR = "/etc/one-scaphandre/bmc-endpoints";
  static final String CREDENTIALS_DIR = "/etc/one-scaphandre/bmc-credentials";
  private static final String ENDPOINTS_VOLUME = "bmc-endpoints";
  private static final String CREDENTIALS_VOLUME = "bmc-credentials";

  private final ScaphandreMonitor monitor;
  private final PowerSpec spec;
  private final BmcAccess bmc;

  AgentPower(ScaphandreMonitor monitor, BmcAccess bmc) {
    this.monitor = monitor;
    this.spec = monitor.getSpec().getPower();
    this.bmc = bmc;
  }

  /** In-band IPMI: see {@link PowerSpec#privilegedSources()}. */
  boolean needsPrivilegedAgent() {
    return !spec.privilegedSources().isEmpty();
  }

  private boolean endpoints() {
    return spec.reads(PowerSourceType.REDFISH) && !bmc.endpoints().isEmpty();
  }

  private boolean credentials() {
    return endpoints() && bmc.credentialsSecret() != null;
  }

  List<String> args() {
    List<String> args = new ArrayList<>();
    args.add(
        "--power.sources="
            + spec.effectiveSources().stream()
                .map(PowerSourceType::wireName)
                .collect(Collectors.joining(",")));
    if (spec.getRemainderPolicy() != null) {
      args.add("--power.remainder-policy=" + spec.getRemainderPolicy());
    }
    if (spec.getMaxWatts() != null) {
      args.add("--power.max-watts=" + spec.getMaxWatts());
    }
    if (spec.getEstimate() != null && spec.getEstimate().getIdleWatts() != null) {
      args.add("--estimate.idle-watts=" + spec.getEstimate().getIdleWatts());
    }
    if (spec.getEstimate() != null && spec.getEstimate().getMaxWatts() != null) {
      args.add("--estimate.max-watts=" + spec.getEstimate().getMaxWatts());
    }
    if (endpoints()) {
      args.add(
          "--redfish.endpoints-file="
              + ENDPOINTS_DIR
              + "/"
              + BmcEndpointsConfigMapDependent.DATA_KEY);
      if (spec.getRedfish().getChassis() != null) {
        args.add("--redfish.chassis=" + spec.getRedfish().getChassis());
      }
    }
    if (credentials()) {
      args.add("--redfish.username-file=" + CREDENTIALS_DIR + "/username");
      args.add("--redfish.password-file=" + CREDENTIALS_DIR + "/password");
    }
    return args;
  }

  List<VolumeMount> withMounts(List<VolumeMount> mounts) {
    List<VolumeMount> result = new ArrayList<>(mounts);
    if (endpoints()) {
      result.add(
          new VolumeMountBuilder()
              .withName(ENDPOINTS_VOLUME)
              .withMountPath(ENDPOINTS_DIR)
              .withReadOnly(true)
              .build());
    }
    if (credentials()) {
      result.add(
          new VolumeMountBuilder()
              .withName(CREDENTIALS_VOLUME)
              .withMountPath(CREDENTIALS_DIR)
              .withReadOnly(true)
              .build());
    }
    return result;
  }

  List<Volume> withVolumes(List<Volume> volumes) {
    List<Volume> result = new ArrayList<>(volumes);
    if (endpoints()) {
      result.add(
          new VolumeBuilder()
              .withName(ENDPOINTS_VOLUME)
              .withNewConfigMap()
              .withName(MonitorResources.bmcEndpointsName(monitor))
              .withOptional(true)
              .endConfigMap()
              .build());
    }
    if (credentials()) {
      result.add(
          new VolumeBuilder()
              .withName(CREDENTIALS_VOLUME)
              .withNewSecret()
              .withSecretName(bmc.credentialsSecret())
              .withDefaultMode(0400)
              .withItems(
                  new KeyToPathBuilder().withKey("username").withPath("username").build(),
                  new KeyToPathBuilder().withKey("password").withPath("password").build())
              .endSecret()
              .build());
    }
    return result;
  }
}
