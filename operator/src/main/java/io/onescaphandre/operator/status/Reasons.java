package io.onescaphandre.operator.status;

/** Condition reasons (CamelCase, as Kubernetes expects). */
public final class Reasons {
  public static final String AGENTS_READY = "AgentsReady";
  public static final String AGENTS_NOT_READY = "AgentsNotReady";
  public static final String NO_NODES_SELECTED = "NoNodesSelected";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String RECONCILE_ERROR = "ReconcileError";
  public static final String HOST_ID_CONFLICT = "HostIdConflict";
  public static final String HOST_IDS_MISSING = "HostIdsMissing";

  /** The Secret (or CA Secret) of spec.openNebula, or its key, cannot be read. */
  public static final String OPEN_NEBULA_SECRET_MISSING = "OpenNebulaSecretMissing";

  /** spec.openNebula and its Secrets are there but unusable (not user:password, bad CA PEM). */
  public static final String OPEN_NEBULA_SETTINGS_INVALID = "OpenNebulaSettingsInvalid";

  /** OpenNebula refused the session (error 0x0100: wrong user:password, expired token). */
  public static final String OPEN_NEBULA_AUTHENTICATION_FAILED = "OpenNebulaAuthenticationFailed";

  /** The session may not list the host pool (error 0x0200). */
  public static final String OPEN_NEBULA_NOT_AUTHORIZED = "OpenNebulaNotAuthorized";

  /** No answer: connection refused, DNS, timeout, HTTP 5xx. */
  public static final String OPEN_NEBULA_UNREACHABLE = "OpenNebulaUnreachable";

  /** Any other failure of the call (unknown method, malformed answer, API error). */
  public static final String OPEN_NEBULA_ERROR = "OpenNebulaError";

  /**
   * The OpenNebula Secret lacks the label one-scaphandre.io/opennebula-credentials: "true"; it was
   * not used.
   */
  public static final String OPEN_NEBULA_SECRET_NOT_OPTED_IN = "OpenNebulaSecretNotOptedIn";

  /** spec.openNebula.endpoint is not on the operator's --allowed-opennebula-endpoints. */
  public static final String OPEN_NEBULA_ENDPOINT_NOT_ALLOWED = "OpenNebulaEndpointNotAllowed";

  /**
   * The agent image (given or the flavour's default) is not on the operator's
   * --allowed-agent-images.
   */
  public static final String AGENT_IMAGE_NOT_ALLOWED = "AgentImageNotAllowed";

  /** The privileged init container's image is not on the operator's --allowed-init-images. */
  public static final String INIT_IMAGE_NOT_ALLOWED = "InitImageNotAllowed";

  /** spec.agent.extraArgs is set and the operator runs without --allow-agent-extra-args. */
  public static final String EXTRA_ARGS_NOT_ALLOWED = "ExtraArgsNotAllowed";

  /**
   * spec.power.sources lists ipmi (privileged agent container) and the operator runs without
   * --allow-privileged-power-sources.
   */
  public static final String PRIVILEGED_POWER_SOURCE_NOT_ALLOWED =
      "PrivilegedPowerSourceNotAllowed";

  public static final String PROMETHEUS_OPERATOR_MISSING = "PrometheusOperatorCRDsMissing";
  public static final String AS_EXPECTED = "AsExpected";
  public static final String ROLLING_OUT = "RollingOut";
  public static final String CREATING = "Creating";
  public static final String STABLE = "Stable";

  private Reasons() {}
}
