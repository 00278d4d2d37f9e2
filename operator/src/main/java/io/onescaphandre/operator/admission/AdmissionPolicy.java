package io.onescaphandre.operator.admission;

import io.onescaphandre.operator.api.AgentFlavor;
import io.onescaphandre.operator.api.AgentSpec;
import io.onescaphandre.operator.api.PowerSourceType;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.AgentImages;
import io.onescaphandre.operator.status.Reasons;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the cluster admin lets a ScaphandreMonitor put on the nodes, from the operator's flags (the
 * chart's values). The agent's init container runs privileged with the host's PID namespace, and
 * the agent reads every process of the host: whoever may create a monitor must not choose what runs
 * there.
 *
 * <p>Images are compared as written in the pod spec: an entry matches exactly, or, ending in {@code
 * *}, matches every image starting with what precedes it ({@code
 * registry.example/one-scaphandre-agent@sha256:*}). The default agent image is always allowed, as
 * agent and as init image: the admin chose it.
 *
 * @param defaultAgentImage the builtin agent's image for monitors that name none
 * @param agentImages allowed images of the agent container
 * @param initImages allowed images of the privileged init container
 * @param extraArgsAllowed whether spec.agent.extraArgs may be non-empty
 * @param privilegedPowerSourcesAllowed whether spec.power.sources may list a source that makes the
 *     agent container privileged ({@code ipmi}: in-band IPMI opens /dev/ipmi0, which only a
 *     privileged container reaches)
 */
public record AdmissionPolicy(
    String defaultAgentImage,
    Set<String> agentImages,
    Set<String> initImages,
    boolean extraArgsAllowed,
    boolean privilegedPowerSourcesAllowed) {

  /** The operator's flags whose values change this policy, for the messages. */
  public static final String AGENT_IMAGES_FLAG = "--allowed-agent-images";

  public static final String INIT_IMAGES_FLAG = "--allowed-init-images";
  public static final String EXTRA_ARGS_FLAG = "--allow-agent-extra-args";
  public static final String PRIVILEGED_POWER_SOURCES_FLAG = "--allow-privileged-power-sources";

  public AdmissionPolicy {
    if (defaultAgentImage == null || defaultAgentImage.isBlank()) {
      throw new IllegalArgumentException("the default agent image must be named");
    }
    agentImages = withDefault(agentImages, defaultAgentImage);
    initImages = withDefault(initImages, defaultAgentImage);
  }

  /**
   * The policy when the admin set nothing but the default image: that image, and for the {@code
   * scaphandre} flavour the pinned upstream Scaphandre image with its pinned modprobe init image;
   * no extraArgs; no privileged power source.
   */
  public static AdmissionPolicy defaults(String defaultAgentImage) {
    return new AdmissionPolicy(
        defaultAgentImage, defaultAgentImages(), defaultInitImages(), false, false);
  }

  public static Set<String> defaultAgentImages() {
    return Set.of(AgentImages.SCAPHANDRE);
  }

  public static Set<String> defaultInitImages() {
    return Set.of(AgentImages.MODPROBE);
  }

  /** What in the monitor the admin does not allow; empty when everything is. */
  public List<PolicyViolation> violations(ScaphandreMonitor monitor) {
    List<PolicyViolation> violations = new ArrayList<>();
    AgentSpec agent = monitor.getSpec().getAgent();
    String image = AgentImages.agent(agent, defaultAgentImage);
    if (!allowed(agentImages, image)) {
      violations.add(
          new PolicyViolation(
              Reasons.AGENT_IMAGE_NOT_ALLOWED,
              "agent image "
                  + image
                  + (agent.getImage() == null || agent.getImage().isBlank()
                      ? " (the " + flavorName(agent) + " flavour's default)"
                      : "")
                  + " is not allowed by the operator; allowed: "
                  + String.join(", ", agentImages)
                  + " (the cluster admin sets "
                  + AGENT_IMAGES_FLAG
                  + ")"));
    }
    String initImage = AgentImages.init(agent, defaultAgentImage);
    if (!allowed(initImages, initImage)) {
      violations.add(
          new PolicyViolation(
              Reasons.INIT_IMAGE_NOT_ALLOWED,
              "init image "
                  + initImage
                  + " (runs privileged on every selected node) is not allowed by the"
                  + " operator; allowed: "
                  + String.join(", ", initImages)
                  + " (the cluster admin sets "
                  + INIT_IMAGES_FLAG
                  + ")"));
    }
    if (!extraArgsAllowed && !agent.getExtraArgs().isEmpty()) {
      violations.add(
          new PolicyViolation(
              Reasons.EXTRA_ARGS_NOT_ALLOWED,
              "agent.extraArgs ("
                  + agent.getExtraArgs().size()
                  + " given) are not allowed by the operator"
                  + " (the cluster admin allows them with "
                  + EXTRA_ARGS_FLAG
                  + ")"));
    }
    List<PowerSourceType> privileged = monitor.getSpec().getPower().privilegedSources();
    if (!privilegedPowerSourcesAllowed && !privileged.isEmpty()) {
      violations.add(
          new PolicyViolation(
              Reasons.PRIVILEGED_POWER_SOURCE_NOT_ALLOWED,
              "spec.power.sources lists "
                  + privileged.stream()
                      .map(PowerSourceType::wireName)
                      .collect(java.util.stream.Collectors.joining(", "))
                  + ", which makes the agent container privileged on every selected node (in-band IPMI on"
                  + " /dev/ipmi0); not allowed by the operator (the cluster admin allows it with "
                  + PRIVILEGED_POWER_SOURCES_FLAG
                  + ")"));
    }
    return violations;
  }

  static boolean allowed(Set<String> patterns, String image) {
    for (String pattern : patterns) {
      if (pattern.endsWith("*")
          ? image.startsWith(pattern.substring(0, pattern.length() - 1))
          : pattern.equals(image)) {
        return true;
      }
    }
    return false;
  }

  private static String flavorName(AgentSpec agent) {
    return agent.getFlavor() == AgentFlavor.SCAPHANDRE ? "scaphandre" : "builtin";
  }

  private static Set<String> withDefault(Set<String> images, String defaultImage) {
    Set<String> all = new LinkedHashSet<>();
    all.add(defaultImage);
    if (images != null) {
      images.stream()
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .forEach(
              s -> {
                if (s.equals("*")) {
                  throw new IllegalArgumentException(
                      "'*' would allow any image; list the images (or prefixes ending"
                          + " in *) the nodes may run");
                }
                all.add(s);
              });
    }
    return java.util.Collections.unmodifiableSet(all);
  }
}
