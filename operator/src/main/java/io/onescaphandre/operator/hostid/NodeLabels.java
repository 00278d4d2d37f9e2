package io.onescaphandre.operator.hostid;

import io.fabric8.kubernetes.api.model.Node;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.util.Map;

/** Who set a node's host-id label: the operator only changes and removes labels it set itself. */
public final class NodeLabels {
  private NodeLabels() {}

  /** The value of the labelled-by annotation for this monitor: namespace/name. */
  public static String owner(ScaphandreMonitor monitor) {
    return monitor.getMetadata().getNamespace() + "/" + monitor.getMetadata().getName();
  }

  public static boolean labelledBy(ScaphandreMonitor monitor, Node node) {
    Map<String, String> annotations = node.getMetadata().getAnnotations();
    return annotations != null
        && owner(monitor).equals(annotations.get(MonitorNames.LABELLED_BY_ANNOTATION));
  }
}
