package io.onescaphandre.agent.sampling;

import io.onescaphandre.agent.attribution.Attribution;
import io.onescaphandre.agent.consumer.ConsumerKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The energy and CPU totals since the agent started, kept across samples: each consumer's (from
 * when it appeared), the other processes', the unattributed energy, and the rest of the pods and
 * services outside the top N. {@link #record} adds one interval's attribution and returns the
 * series of the snapshot. Not thread-safe: the sampler's thread only.
 */
final class Ledger {
  /** One consumer's totals since it appeared. */
  record Totals(double joules, double cpuSeconds) {
    static final Totals ZERO = new Totals(0, 0);

    Totals plus(double moreJoules, double moreCpuSeconds) {
      return new Totals(joules + moreJoules, cpuSeconds + moreCpuSeconds);
    }
  }

  /**
   * One interval as recorded: the consumers' series and the watts of every consumer.
   *
   * @param watts each consumer's power over the interval (0 without power)
   */
  record Entries(
      List<Snapshot.Vm> vms,
      List<Snapshot.Pod> pods,
      List<Snapshot.Service> services,
      double otherWatts,
      double otherJoules,
      double unattributedWatts,
      double unattributedJoules,
      Map<ConsumerKey, Double> watts) {}

  private final int topConsumers;
  private final Map<ConsumerKey, Totals> consumers = new HashMap<>();
  private double otherJoules;
  private double unattributedJoules;
  private final Rest podRest = new Rest();
  private final Rest serviceRest = new Rest();

  /**
   * The consumers of one kind outside the top N, as one series whose energy counter accumulates the
   * rest's energy of each interval, so it stays monotonic while consumers move in and out of the
   * top N.
   */
  private static final class Rest {
    private double joules;

    /**
     * Adds one interval; true when the series is shown (there is a rest now, or there was one).
     *
     * @param watts the rest's power, or -1 when every consumer is in the top N
     */
    boolean add(double watts, double interval) {
      if (watts >= 0) {
        joules += watts * interval;
      }
      return watts >= 0 || joules > 0;
    }
  }

  Ledger(int topConsumers) {
    this.topConsumers = topConsumers;
  }

  /**
   * @param present the consumers on the host in this sample (the others' totals are dropped)
   * @param attribution the interval's energy, or null when there is none (no power)
   */
  Entries record(
      Set<ConsumerKey> present,
      Map<ConsumerKey, Double> cpuSeconds,
      Attribution attribution,
      boolean power,
      double interval) {
    consumers.keySet().retainAll(present);
    Map<ConsumerKey, Double> watts = new HashMap<>();
    for (ConsumerKey key : present) {
      double joules = attribution == null ? 0 : attribution.consumerJoules().getOrDefault(key, 0.0);
      consumers.put(
          key,
          consumers.getOrDefault(key, Totals.ZERO).plus(joules, cpuSeconds.getOrDefault(key, 0.0)));
      watts.put(key, power ? joules / interval : 0);
    }
    double otherW = 0;
    double unattributedW = 0;
    if (attribution != null) {
      otherJoules += attribution.otherJoules();
      unattributedJoules += attribution.unattributedJoules();
      otherW = attribution.otherJoules() / interval;
      unattributedW = attribution.unattributedJoules() / interval;
    }

    List<Snapshot.Vm> vms = new ArrayList<>();
    List<ConsumerKey> pods = new ArrayList<>();
    List<ConsumerKey> services = new ArrayList<>();
    for (ConsumerKey key : present) {
      Totals totals = consumers.get(key);
      switch (key.kind()) {
        case VM ->
            vms.add(
                new Snapshot.Vm(
                    key.id(), key.detail(), watts.get(key), totals.joules(), totals.cpuSeconds()));
        case POD -> pods.add(key);
        case SERVICE -> services.add(key);
      }
    }
    vms.sort(Comparator.comparing(Snapshot.Vm::vmId).thenComparing(Snapshot.Vm::hypervisor));

    List<Snapshot.Pod> podSeries = new ArrayList<>();
    double podRestWatts =
        topN(
            pods,
            watts,
            (key, w) ->
                podSeries.add(
                    new Snapshot.Pod(key.id(), key.detail(), w, consumers.get(key).joules())));
    if (podRest.add(podRestWatts, interval)) {
      podSeries.add(
          new Snapshot.Pod(
              Snapshot.REST, Snapshot.REST, Math.max(0, podRestWatts), podRest.joules));
    }
    List<Snapshot.Service> serviceSeries = new ArrayList<>();
    double serviceRestWatts =
        topN(
            services,
            watts,
            (key, w) ->
                serviceSeries.add(new Snapshot.Service(key.id(), w, consumers.get(key).joules())));
    if (serviceRest.add(serviceRestWatts, interval)) {
      serviceSeries.add(
          new Snapshot.Service(Snapshot.REST, Math.max(0, serviceRestWatts), serviceRest.joules));
    }
    return new Entries(
        List.copyOf(vms),
        List.copyOf(podSeries),
        List.copyOf(serviceSeries),
        otherW,
        otherJoules,
        unattributedW,
        unattributedJoules,
        watts);
  }

  /**
   * Keeps the N highest-power consumers; returns the watts of the rest, or -1 when there is none.
   */
  private double topN(
      List<ConsumerKey> keys,
      Map<ConsumerKey, Double> watts,
      BiConsumer<ConsumerKey, Double> keep) {
    keys.sort(
        Comparator.comparing((ConsumerKey k) -> watts.get(k))
            .reversed()
            .thenComparing(ConsumerKey::id)
            .thenComparing(ConsumerKey::detail));
    double rest = -1;
    for (int i = 0; i < keys.size(); i++) {
      ConsumerKey key = keys.get(i);
      if (i < topConsumers) {
        keep.accept(key, watts.get(key));
      } else {
        rest = Math.max(rest, 0) + watts.get(key);
      }
    }
    return rest;
  }
}
