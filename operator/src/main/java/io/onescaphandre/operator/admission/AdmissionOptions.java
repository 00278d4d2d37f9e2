package io.onescaphandre.operator.admission;

import io.onescaphandre.operator.dependent.AgentImages;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The admin's {@link AdmissionPolicy} as command-line options, shared by {@code run} and {@code
 * render} so that a review sees what the operator would refuse.
 */
public final class AdmissionOptions {
  @Option(
      names = "--default-agent-image",
      defaultValue = AgentImages.BUILTIN,
      paramLabel = "IMAGE",
      description =
          "Image of the builtin agent (and of its init container) for monitors whose spec.agent.image"
              + " is empty; always allowed (default ${DEFAULT-VALUE}).")
  String defaultAgentImage = AgentImages.BUILTIN;

  @Option(
      names = AdmissionPolicy.AGENT_IMAGES_FLAG,
      split = ",",
      paramLabel = "IMAGE",
      defaultValue = AgentImages.SCAPHANDRE,
      description =
          "Further images a monitor's agent container may run, comma-separated; an entry ending in *"
              + " allows every image starting with the rest (default ${DEFAULT-VALUE}, the scaphandre flavour's"
              + " pinned image; an empty value allows only --default-agent-image).")
  List<String> allowedAgentImages = List.of(AgentImages.SCAPHANDRE);

  @Option(
      names = AdmissionPolicy.INIT_IMAGES_FLAG,
      split = ",",
      paramLabel = "IMAGE",
      defaultValue = AgentImages.MODPROBE,
      description =
          "Further images the privileged init container may run, comma-separated, as above"
              + " (default ${DEFAULT-VALUE}, the scaphandre flavour's pinned modprobe image).")
  List<String> allowedInitImages = List.of(AgentImages.MODPROBE);

  @Option(
      names = AdmissionPolicy.EXTRA_ARGS_FLAG,
      description =
          "Let monitors add spec.agent.extraArgs to the agent's command line (default: refused).")
  boolean allowExtraArgs;

  @Option(
      names = AdmissionPolicy.PRIVILEGED_POWER_SOURCES_FLAG,
      description =
          "Let monitors list power sources that make the agent container privileged in"
              + " spec.power.sources (ipmi: in-band IPMI on /dev/ipmi0) (default: refused).")
  boolean allowPrivilegedPowerSources;

  /**
   * @throws IllegalArgumentException for an entry that would allow any image
   */
  public AdmissionPolicy policy() {
    return new AdmissionPolicy(
        defaultAgentImage,
        new LinkedHashSet<>(allowedAgentImages),
        new LinkedHashSet<>(allowedInitImages),
        allowExtraArgs,
        allowPrivilegedPowerSources);
  }

  public String defaultAgentImage() {
    return defaultAgentImage;
  }
}
