package io.onescaphandre.agent.proc;

/**
 * The aggregate {@code cpu} line of {@code /proc/stat}, in USER_HZ ticks.
 *
 * @param busyTicks user + nice + system + irq + softirq + steal (guest time is already inside user
 *     and nice, so it is not added again)
 * @param totalTicks busy + idle + iowait
 * @param cpuCount number of {@code cpuN} lines (online logical CPUs)
 */
public record CpuTimes(long busyTicks, long totalTicks, int cpuCount) {

  /** Parses /proc/stat; null when it has no cpu line. */
  public static CpuTimes parse(byte[] buf, int len) {
    long busy = -1;
    long total = 0;
    int cpus = 0;
    int lineStart = 0;
    while (lineStart < len) {
      int lineEnd = lineStart;
      while (lineEnd < len && buf[lineEnd] != '\n') {
        lineEnd++;
      }
      if (lineEnd - lineStart > 4
          && buf[lineStart] == 'c'
          && buf[lineStart + 1] == 'p'
          && buf[lineStart + 2] == 'u') {
        if (buf[lineStart + 3] == ' ') {
          long[] v = new long[8];
          int pos = lineStart + 3;
          for (int i = 0; i < v.length; i++) {
            while (pos < lineEnd && buf[pos] == ' ') {
              pos++;
            }
            int end = pos;
            while (end < lineEnd && buf[end] != ' ') {
              end++;
            }
            v[i] = pos < end ? Math.max(0, ProcStat.parseLong(buf, pos, end)) : 0;
            pos = end;
          }
          // user nice system idle iowait irq softirq steal
          busy = sum(v[0], v[1], v[2], v[5], v[6], v[7]);
          total = sum(busy, v[3], v[4]);
        } else if (buf[lineStart + 3] >= '0' && buf[lineStart + 3] <= '9') {
          cpus++;
        }
      } else if (busy >= 0) {
        break;
      }
      lineStart = lineEnd + 1;
    }
    return busy < 0 ? null : new CpuTimes(busy, total, Math.max(cpus, 1));
  }

  /** Sum of non-negative counters, saturating instead of wrapping. */
  private static long sum(long... values) {
    long total = 0;
    for (long v : values) {
      total = ProcStat.saturatedSum(total, v);
    }
    return total;
  }
}
