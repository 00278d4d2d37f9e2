package io.onescaphandre.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory and CPU of a process read from /proc (USER_HZ is 100 on Linux/x86-64). */
public final class ProcStat {
  private static final double USER_HZ = 100.0;

  private ProcStat() {}

  /** VmRSS in KiB, 0 when the process is gone. */
  public static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  /** utime + stime in seconds, 0 when the process is gone. */
  public static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return cpuSecondsOfStatLine(stat);
    } catch (IOException e) {
      return 0;
    }
  }

  /** Fields after the command (which may hold spaces and parentheses): utime is the 14th field. */
  static double cpuSecondsOfStatLine(String stat) {
    String[] afterComm = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    long utime = Long.parseLong(afterComm[11]);
    long stime = Long.parseLong(afterComm[12]);
    return (utime + stime) / USER_HZ;
  }
}
