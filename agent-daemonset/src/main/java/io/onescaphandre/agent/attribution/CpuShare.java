package io.onescaphandre.agent.attribution;

import io.onescaphandre.agent.consumer.ConsumerKey;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Splits an amount of energy in proportion to CPU time. The denominator is the larger of the busy
 * time and the measured time, so the parts never exceed the whole even when tick-granular process
 * times and microsecond cgroup times disagree slightly; what busy time no one accounts for
 * (interrupts, kernel threads of no consumer, processes that lived between two scans) is left over.
 */
final class CpuShare {
  private CpuShare() {}

  static Attribution split(
      double joules,
      double busySeconds,
      AttributionInput input,
      Predicate<ConsumerKey> included,
      Map<ConsumerKey, Double> fixed) {
    double measured = input.otherCpuSeconds();
    for (Map.Entry<ConsumerKey, Double> e : input.consumerCpuSeconds().entrySet()) {
      if (included.test(e.getKey())) {
        measured += e.getValue();
      }
    }
    double denominator = Math.max(busySeconds, measured);
    double perSecond = denominator > 0 && joules > 0 ? joules / denominator : 0;
    Map<ConsumerKey, Double> result = new HashMap<>(fixed);
    double given = 0;
    for (double j : fixed.values()) {
      given += j;
    }
    for (Map.Entry<ConsumerKey, Double> e : input.consumerCpuSeconds().entrySet()) {
      if (included.test(e.getKey())) {
        double j = e.getValue() * perSecond;
        result.merge(e.getKey(), j, Double::sum);
        given += j;
      } else {
        result.putIfAbsent(e.getKey(), 0.0);
      }
    }
    double other = input.otherCpuSeconds() * perSecond;
    given += other;
    double unattributed = Math.max(0, input.hostJoules() - given);
    return new Attribution(result, other, unattributed, perSecond);
  }
}
