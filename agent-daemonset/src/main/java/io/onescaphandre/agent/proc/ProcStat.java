package io.onescaphandre.agent.proc;

/**
 * The fields of {@code /proc/<pid>/stat} the agent uses.
 *
 * @param pid process id
 * @param comm command name, which may contain spaces and parentheses
 * @param ppid parent process id
 * @param flags kernel task flags (PF_KTHREAD marks kernel threads)
 * @param cpuTicks utime + stime, in USER_HZ ticks, all threads live and exited
 * @param startTime start time in ticks since boot: with the pid, the identity of a process
 */
public record ProcStat(int pid, String comm, int ppid, long flags, long cpuTicks, long startTime) {
  private static final long PF_KTHREAD = 0x00200000L;

  public boolean kernelThread() {
    return (flags & PF_KTHREAD) != 0 || ppid == 2 || pid == 2;
  }

  /**
   * Parses the content of a stat file. The command name is read up to the LAST ')' because it can
   * itself contain ") ".
   *
   * @return null when the content is not a stat line (truncated read of an exiting process)
   */
  public static ProcStat parse(byte[] buf, int len) {
    int open = -1;
    for (int i = 0; i < len; i++) {
      if (buf[i] == '(') {
        open = i;
        break;
      }
    }
    int close = -1;
    for (int i = len - 1; i > open; i--) {
      if (buf[i] == ')') {
        close = i;
        break;
      }
    }
    if (open <= 0 || close < 0 || close + 4 >= len) {
      return null;
    }
    int pid = toInt(parseLong(buf, 0, open - 1));
    String comm =
        new String(buf, open + 1, close - open - 1, java.nio.charset.StandardCharsets.UTF_8);
    // Field 3 (state) starts at close + 2; fields are numbered from 1 as in proc(5).
    int field = 3;
    int pos = close + 2;
    long ppid = 0;
    long flags = 0;
    long utime = 0;
    long stime = 0;
    long start = -1;
    while (pos < len && field <= 22) {
      int end = pos;
      while (end < len && buf[end] != ' ' && buf[end] != '\n') {
        end++;
      }
      switch (field) {
        case 4 -> ppid = parseLong(buf, pos, end);
        case 9 -> flags = parseLong(buf, pos, end);
        case 14 -> utime = Math.max(0, parseLong(buf, pos, end));
        case 15 -> stime = Math.max(0, parseLong(buf, pos, end));
        case 22 -> start = parseLong(buf, pos, end);
        default -> {}
      }
      field++;
      pos = end + 1;
    }
    if (start < 0) {
      return null;
    }
    return new ProcStat(pid, comm, toInt(ppid), flags, saturatedSum(utime, stime), start);
  }

  /**
   * The CPU ticks (utime + stime) and start time of a stat line, without building the rest: the
   * per-sample path for a process already known.
   *
   * @param out receives {ticks, startTime}
   * @return false when the content is not a complete stat line
   */
  public static boolean parseTimes(byte[] buf, int len, long[] out) {
    int close = -1;
    for (int i = len - 1; i >= 0; i--) {
      if (buf[i] == ')') {
        close = i;
        break;
      }
    }
    if (close < 0 || close + 4 >= len) {
      return false;
    }
    int field = 3;
    int pos = close + 2;
    long ticks = 0;
    while (pos < len && field <= 22) {
      int end = pos;
      while (end < len && buf[end] != ' ' && buf[end] != '\n') {
        end++;
      }
      if (field == 14 || field == 15) {
        ticks = saturatedSum(ticks, Math.max(0, parseLong(buf, pos, end)));
      } else if (field == 22) {
        out[0] = ticks;
        out[1] = parseLong(buf, pos, end);
        return true;
      }
      field++;
      pos = end + 1;
    }
    return false;
  }

  /**
   * The decimal number at {@code buf[from, to)}; stops at the first other character. Saturates at
   * {@link Long#MAX_VALUE} instead of overflowing (procfs never shows such numbers, a corrupt or
   * hostile tree may).
   */
  static long parseLong(byte[] buf, int from, int to) {
    long value = 0;
    boolean negative = false;
    for (int i = from; i < to; i++) {
      byte b = buf[i];
      if (b == '-' && i == from) {
        negative = true;
      } else if (b >= '0' && b <= '9') {
        if (value > (Long.MAX_VALUE - 9) / 10) {
          value = Long.MAX_VALUE;
          break;
        }
        value = value * 10 + (b - '0');
      } else {
        break;
      }
    }
    return negative ? -value : value;
  }

  /** utime + stime without wrapping to a negative count. */
  static long saturatedSum(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
  }

  private static int toInt(long value) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
  }
}
