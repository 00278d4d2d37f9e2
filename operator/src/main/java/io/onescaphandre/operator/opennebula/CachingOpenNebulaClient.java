package io.onescaphandre.operator.opennebula;

import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps the last good answer of each pool: when OpenNebula fails, callers get that answer, its age
 * and the failure, so host labels survive an OpenNebula outage while the failure is still reported.
 * Without any earlier good answer the failure is thrown. Thread-safe.
 */
public final class CachingOpenNebulaClient {
  private final OpenNebulaClient delegate;
  private final Clock clock;
  private final LastGood<List<OneHost>> hosts = new LastGood<>();
  private final Map<OpenNebulaClient.VmStateFilter, LastGood<List<OneVm>>> vms =
      new EnumMap<>(OpenNebulaClient.VmStateFilter.class);

  public CachingOpenNebulaClient(OpenNebulaClient delegate, Clock clock) {
    this.delegate = delegate;
    this.clock = clock;
    for (OpenNebulaClient.VmStateFilter filter : OpenNebulaClient.VmStateFilter.values()) {
      vms.put(filter, new LastGood<>());
    }
  }

  public Answer<List<OneHost>> hostPool() {
    return hosts.fetch(delegate::hostPool);
  }

  public Answer<List<OneVm>> vmPool(OpenNebulaClient.VmStateFilter filter) {
    return vms.get(filter).fetch(() -> delegate.vmPool(filter));
  }

  private final class LastGood<T> {
    private Answer<T> last;

    synchronized Answer<T> fetch(Supplier<T> call) {
      try {
        last = new Answer<>(call.get(), clock.instant(), null);
        return last;
      } catch (OpenNebulaException e) {
        if (last == null) {
          throw e;
        }
        return new Answer<>(last.value(), last.fetchedAt(), e);
      }
    }
  }
}
