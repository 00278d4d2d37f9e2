package io.onescaphandre.agent.attribution;

import io.onescaphandre.agent.consumer.ConsumerKey;
import java.util.Map;

/**
 * What one interval measured.
 *
 * @param hostJoules energy of the host over the interval
 * @param intervalSeconds length of the interval
 * @param busyCpuSeconds busy CPU time of the whole host (/proc/stat)
 * @param cpuCount online logical CPUs
 * @param consumerCpuSeconds CPU time of each consumer
 * @param otherCpuSeconds CPU time of processes in no consumer
 * @param allocatedVcpus vCPUs of each KVM VM (from {@code -smp}); VMs without are absent
 */
public record AttributionInput(
    double hostJoules,
    double intervalSeconds,
    double busyCpuSeconds,
    int cpuCount,
    Map<ConsumerKey, Double> consumerCpuSeconds,
    double otherCpuSeconds,
    Map<ConsumerKey, Integer> allocatedVcpus) {

  /** The CPUs a reservation is a share of: the host's, or all VMs' vCPUs when overcommitted. */
  public double vcpuCapacity() {
    int totalVcpus = 0;
    for (int vcpus : allocatedVcpus.values()) {
      totalVcpus += vcpus;
    }
    return Math.max(cpuCount, totalVcpus);
  }

  /** Consumers' and other processes' CPU time together. */
  public double measuredCpuSeconds() {
    double sum = otherCpuSeconds;
    for (double seconds : consumerCpuSeconds.values()) {
      sum += seconds;
    }
    return sum;
  }
}
