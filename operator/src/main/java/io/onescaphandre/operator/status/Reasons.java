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
  public static final String PROMETHEUS_OPERATOR_MISSING = "PrometheusOperatorCRDsMissing";
  public static final String AS_EXPECTED = "AsExpected";
  public static final String ROLLING_OUT = "RollingOut";
  public static final String CREATING = "Creating";
  public static final String STABLE = "Stable";

  private Reasons() {}
}
