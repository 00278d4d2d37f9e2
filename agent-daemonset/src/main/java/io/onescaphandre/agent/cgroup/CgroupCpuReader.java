package io.onescaphandre.agent.cgroup;

import io.onescaphandre.agent.pseudofs.ProcFileReader;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the cumulative CPU usage of a cgroup, in microseconds: {@code usage_usec} of cgroup v2
 * {@code cpu.stat}, or v1 {@code cpuacct.usage} (nanoseconds). It covers every task the cgroup ever
 * had, including short-lived ones a {@code /proc} scan never sees. Sampler thread only.
 */
public final class CgroupCpuReader {
  /** A usage that would overflow a long is no usage: the file is corrupt. */
  private static final long MAX_BEFORE_DIGIT = (Long.MAX_VALUE - 9) / 10;

  private final Path cgroupRoot;
  private final Path unifiedRoot;
  private final List<Path> cpuacctRoots;
  private final ProcFileReader reader;
  private final Map<CgroupPath, String> resolvedFiles = new HashMap<>();

  public CgroupCpuReader(Path sysfs, ProcFileReader reader) {
    this.cgroupRoot = sysfs.resolve("fs").resolve("cgroup");
    this.reader = reader;
    this.unifiedRoot =
        Files.exists(cgroupRoot.resolve("cgroup.controllers"))
            ? cgroupRoot
            : cgroupRoot.resolve("unified");
    this.cpuacctRoots =
        List.of(
            cgroupRoot.resolve("cpu,cpuacct"),
            cgroupRoot.resolve("cpuacct"),
            cgroupRoot.resolve("cpuacct,cpu"));
  }

  /**
   * Whether the host has a cgroup filesystem: then a VM is recognised by its cgroup only, never by
   * a command line alone.
   */
  public boolean hostHasCgroups() {
    return Files.exists(cgroupRoot.resolve("cgroup.controllers"))
        || cpuacctRoots.stream().anyMatch(Files::isDirectory)
        || Files.isDirectory(unifiedRoot);
  }

  /** Which layout the host has, for the log. */
  public String describeLayout() {
    boolean unified = Files.exists(cgroupRoot.resolve("cgroup.controllers"));
    boolean v1 = cpuacctRoots.stream().anyMatch(Files::isDirectory);
    if (unified) {
      return "cgroup v2";
    }
    if (v1) {
      return Files.isDirectory(unifiedRoot)
          ? "cgroup hybrid (v1 cpu,cpuacct + v2 unified)"
          : "cgroup v1";
    }
    return "no cgroup filesystem under " + cgroupRoot;
  }

  /** Usage in µs, or -1 when the cgroup does not exist (any more) or has no usage file. */
  public long usageMicros(CgroupPath cgroup) {
    String file = resolvedFiles.get(cgroup);
    if (file == null) {
      try {
        file = resolve(cgroup);
      } catch (java.nio.file.InvalidPathException e) {
        // A path no file system can hold (a NUL byte): no usage to read.
        return -1;
      }
      if (file == null) {
        return -1;
      }
    }
    if (!reader.read(file)) {
      // The cgroup went away: forget where it was so a new one of that name is looked up again.
      resolvedFiles.remove(cgroup);
      return -1;
    }
    return cgroup.hierarchy() == CgroupHierarchy.V2 ? usageUsec() : nanosToMicros();
  }

  /** Forgets cgroups not in use any more, so the cache stays the size of the live set. */
  public void retainOnly(java.util.Set<CgroupPath> live) {
    resolvedFiles.keySet().retainAll(live);
  }

  private String resolve(CgroupPath cgroup) {
    for (String candidate : CgroupNamespacePaths.candidates(cgroup.path())) {
      if (cgroup.hierarchy() == CgroupHierarchy.V2) {
        File file = unifiedRoot.resolve(candidate.substring(1)).resolve("cpu.stat").toFile();
        if (file.isFile()) {
          resolvedFiles.put(cgroup, file.getPath());
          return file.getPath();
        }
      } else {
        for (Path root : cpuacctRoots) {
          File file = root.resolve(candidate.substring(1)).resolve("cpuacct.usage").toFile();
          if (file.isFile()) {
            resolvedFiles.put(cgroup, file.getPath());
            return file.getPath();
          }
        }
      }
    }
    return null;
  }

  private long usageUsec() {
    byte[] buf = reader.buffer();
    int len = reader.length();
    byte[] key = "usage_usec ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + key.length <= len; i++) {
      if (i == 0 || buf[i - 1] == '\n') {
        for (int k = 0; k < key.length; k++) {
          if (buf[i + k] != key[k]) {
            continue outer;
          }
        }
        long value = 0;
        for (int j = i + key.length; j < len && buf[j] >= '0' && buf[j] <= '9'; j++) {
          if (value > MAX_BEFORE_DIGIT) {
            return -1;
          }
          value = value * 10 + (buf[j] - '0');
        }
        return value;
      }
    }
    return -1;
  }

  private long nanosToMicros() {
    byte[] buf = reader.buffer();
    long value = 0;
    boolean digits = false;
    for (int j = 0; j < reader.length() && buf[j] >= '0' && buf[j] <= '9'; j++) {
      if (value > MAX_BEFORE_DIGIT) {
        return -1;
      }
      value = value * 10 + (buf[j] - '0');
      digits = true;
    }
    return digits ? value / 1000 : -1;
  }

  /** For tests and logs: the file a cgroup was resolved to. */
  List<String> resolvedFiles() {
    return new ArrayList<>(resolvedFiles.values());
  }
}
