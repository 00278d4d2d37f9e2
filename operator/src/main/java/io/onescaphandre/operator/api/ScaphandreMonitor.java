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
@AdditionalPrinterColumn(
    name = "Agents",
    jsonPath = ".status.readyAgentsOfDesired",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Mapped",
    jsonPath = ".status.mappedHosts",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ScaphandreMonitor
    extends CustomResource<ScaphandreMonitorSpec, ScaphandreMonitorStatus> implements Namespaced {

  // No initSpec(): JOSDK adds its finalizer by server-side applying a new instance of this class
  // with force, and a default spec made here would travel with it and overwrite the user's fields
  // (seen on a real API server: port, interval, sources reset). Code that needs a spec calls
  // withDefaultSpecIfMissing() on the object it reconciles or renders.

  /**
   * Gives a monitor applied without {@code spec} the all-defaults spec it stands for; returns it.
   */
  public ScaphandreMonitor withDefaultSpecIfMissing() {
    if (getSpec() == null) {
      setSpec(new ScaphandreMonitorSpec());
    }
    return this;
  }

  @Override
  protected ScaphandreMonitorStatus initStatus() {
    return new ScaphandreMonitorStatus();
  }
}
