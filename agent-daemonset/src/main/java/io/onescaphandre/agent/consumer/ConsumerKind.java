package io.onescaphandre.agent.consumer;

/** What a group of processes is, for attribution and for the metric family it lands in. */
public enum ConsumerKind {
  /** An OpenNebula VM: a KVM domain or an LXC instance. */
  VM,
  /** A Kubernetes pod's container (or the pod itself for processes outside any container). */
  POD,
  /** A systemd service of the host. */
  SERVICE
}
