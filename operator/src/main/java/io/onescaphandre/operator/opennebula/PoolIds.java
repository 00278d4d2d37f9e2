package io.onescaphandre.operator.opennebula;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/** Refuses a pool that gives one id to two of its entries, naming both. */
final class PoolIds {
  private PoolIds() {}

  /**
   * @param describe how to name an entry, given its position (1-based) in the pool
   * @throws PoolInconsistency at the first id held twice
   */
  static <T> void requireUnique(
      List<T> entries, ToIntFunction<T> id, String what, Function<T, String> describe)
      throws PoolInconsistency {
    int[] ids = new int[entries.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = id.applyAsInt(entries.get(i));
    }
    // A sorted copy of primitive ints: no boxing, bounded memory, whatever the ids are.
    int[] sorted = ids.clone();
    Arrays.sort(sorted);
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        int duplicate = sorted[i];
        int first = -1;
        int second = -1;
        for (int p = 0; p < ids.length && second < 0; p++) {
          if (ids[p] == duplicate) {
            if (first < 0) {
              first = p;
            } else {
              second = p;
            }
          }
        }
        throw new PoolInconsistency(
            what
                + " id "
                + duplicate
                + " appears more than once: "
                + what.toUpperCase(java.util.Locale.ROOT)
                + " number "
                + (first + 1)
                + " of the pool ("
                + describe.apply(entries.get(first))
                + ") and number "
                + (second + 1)
                + " ("
                + describe.apply(entries.get(second))
                + ")");
      }
    }
  }
}
