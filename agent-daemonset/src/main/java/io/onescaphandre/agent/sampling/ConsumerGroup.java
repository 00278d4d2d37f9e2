package io.onescaphandre.agent.sampling;

import io.onescaphandre.agent.cgroup.CgroupPath;
import io.onescaphandre.agent.consumer.ConsumerKey;
import io.onescaphandre.agent.proc.TrackedProcess;
import java.util.ArrayList;
import java.util.List;

/** The processes of one consumer in one sample, and where its CPU time is measured. */
final class ConsumerGroup {
  final ConsumerKey key;
  CgroupPath measured;
  final List<TrackedProcess> processes = new ArrayList<>(4);
  TrackedProcess main;

  /** Processes inside the measured cgroup that belong to another consumer (a VM's monitor). */
  final List<TrackedProcess> movedOut = new ArrayList<>(0);

  ConsumerGroup(ConsumerKey key) {
    this.key = key;
  }

  long movedOutTicks() {
    long sum = 0;
    for (TrackedProcess p : movedOut) {
      sum += p.deltaTicks();
    }
    return sum;
  }

  /** Whether the process lies in the measured cgroup, whose usage then includes its CPU. */
  boolean isInsideMeasured(TrackedProcess p) {
    return measured != null
        && p.cgroup() != null
        && p.cgroup().hierarchy() == measured.hierarchy()
        && p.cgroup().isWithin(measured.path());
  }

  /**
   * CPU ticks of the interval.
   *
   * @param all of every process of the consumer
   * @param outsideMeasured of those outside the measured cgroup (kernel threads of a VM)
   */
  record Ticks(long all, long outsideMeasured) {}

  Ticks ticks() {
    long all = 0;
    long outside = 0;
    for (TrackedProcess p : processes) {
      all += p.deltaTicks();
      if (!isInsideMeasured(p)) {
        outside += p.deltaTicks();
      }
    }
    return new Ticks(all, outside);
  }
}
