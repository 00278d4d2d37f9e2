package io.onescaphandre.operator.api;

/** Names shared with the other parts (docs/interfaces.md): do not rename one without its users. */
public final class MonitorNames {
  public static final String GROUP = "one-scaphandre.io";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "scaphandremonitors." + GROUP;

  public static final String HOST_ID_LABEL = "one-scaphandre.io/host-id";
  public static final String HOST_ID_SOURCE_ANNOTATION = "one-scaphandre.io/host-id-source";

  /** Which monitor set a node's host-id label: the operator only ever removes labels it set. */
  public static final String LABELLED_BY_ANNOTATION = "one-scaphandre.io/labelled-by";

  public static final String NAME_LABEL = "app.kubernetes.io/name";
  public static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String AGENT_APP = "one-scaphandre-agent";
  public static final String OPERATOR_NAME = "one-scaphandre-operator";
  public static final String MANAGED_SELECTOR = MANAGED_BY_LABEL + "=" + OPERATOR_NAME;

  /**
   * Node annotation with the node's BMC address for the redfish power source (wins over the
   * monitor's map).
   */
  public static final String BMC_ADDRESS_ANNOTATION = "one-scaphandre.io/bmc-address";

  /**
   * Label a Secret must carry ({@code "true"}) before a monitor may mount it as BMC credentials:
   * the Secret's owner opts in, so a monitor's author cannot borrow any Secret of the namespace.
   */
  public static final String BMC_CREDENTIALS_LABEL = "one-scaphandre.io/bmc-credentials";

  public static final String METRICS_PORT_NAME = "metrics";
  public static final String INIT_CONTAINER_NAME = "init";
  public static final String AGENT_CONTAINER_NAME = "agent";

  private MonitorNames() {}
}
