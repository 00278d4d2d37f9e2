package io.onescaphandre.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A set of OpenNebula hosts measured by power agents, and how Prometheus scrapes them. */
@Group(MonitorNames.GROUP)
@Version(MonitorNames.VERSION)
@Kind("ScaphandreMonitor")
@Plural("scaphandremonitors")
@ShortNames("scaph")
@AdditionalPrinterColumn(name = "Agents", jsonPath = ".status.readyAgentsOfDesired",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Mapped", jsonPath = ".status.mappedHosts",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ScaphandreMonitor extends CustomResource<ScaphandreMonitorSpec, ScaphandreMonitorStatus>
    implements Namespaced {

  @Override
  protected ScaphandreMonitorSpec initSpec() {
    return new ScaphandreMonitorSpec();
  }

  @Override
  protected ScaphandreMonitorStatus initStatus() {
    return new ScaphandreMonitorStatus();
  }
}
