package io.onescaphandre.operator.dependent;

import io.onescaphandre.operator.api.AgentFlavor;
import io.onescaphandre.operator.api.AgentSpec;

/** Pinned default images: a monitor without an image gets a known version, never "latest". */
public final class AgentImages {
  /**
   * What images/build.sh builds and the chart's defaultAgentImage; {@code run
   * --default-agent-image} overrides it.
   */
  public static final String BUILTIN = "one-scaphandre-agent:0.1.0";

  /** Upstream Scaphandre 1.0.2 (2025-02-11), the last release before our fork of its defects. */
  public static final String SCAPHANDRE = "hubblo/scaphandre:1.0.2";

  /** Only used to run modprobe before upstream Scaphandre starts. */
  public static final String MODPROBE = "busybox:1.37.0";

  private AgentImages() {}

  public static String agent(AgentSpec agent) {
    return agent(agent, BUILTIN);
  }

  /**
   * @param builtinDefault the builtin agent's image when the spec names none
   */
  public static String agent(AgentSpec agent, String builtinDefault) {
    if (agent.getImage() != null && !agent.getImage().isBlank()) {
      return agent.getImage();
    }
    return agent.getFlavor() == AgentFlavor.SCAPHANDRE ? SCAPHANDRE : builtinDefault;
  }

  /**
   * The builtin agent's own {@code init} subcommand runs in its image; Scaphandre needs a modprobe.
   */
  public static String init(AgentSpec agent) {
    return init(agent, BUILTIN);
  }

  public static String init(AgentSpec agent, String builtinDefault) {
    if (agent.getInitImage() != null && !agent.getInitImage().isBlank()) {
      return agent.getInitImage();
    }
    return agent.getFlavor() == AgentFlavor.SCAPHANDRE ? MODPROBE : agent(agent, builtinDefault);
  }
}
