package io.onescaphandre.agent.sampling;

import io.onescaphandre.agent.consumer.ConsumerKey;
import io.onescaphandre.agent.proc.CpuTimes;
import io.onescaphandre.agent.proc.TrackedProcess;
import java.util.List;
import java.util.Map;

/**
 * What {@link HostScan} found in one sample, handed forward to attribution and the ledger.
 *
 * @param cpu the host's CPU times ({@code /proc/stat}), or null when unreadable
 * @param cpuCount CPUs of the host (1 when {@code /proc/stat} is unreadable)
 * @param processes every process listed, with its consumer set and its ticks settled
 * @param groups each consumer's processes, in the order first seen
 * @param cpuSeconds each consumer's CPU seconds in the interval
 * @param otherSeconds CPU seconds of the processes in no consumer
 * @param vcpus each KVM VM's virtual CPUs
 * @param processesSkipped processes left out since the start because their files defeat a parser
 */
record Resources(
    CpuTimes cpu,
    int cpuCount,
    List<TrackedProcess> processes,
    Map<ConsumerKey, ConsumerGroup> groups,
    Map<ConsumerKey, Double> cpuSeconds,
    double otherSeconds,
    Map<ConsumerKey, Integer> vcpus,
    long processesSkipped) {}
