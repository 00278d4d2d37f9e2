package io.onescaphandre.agent.cgroup;

/** Which hierarchy a cgroup path belongs to, which decides the file that holds its CPU usage. */
public enum CgroupHierarchy {
  /** cgroup v2 (unified, or the {@code unified} mount of a hybrid host): {@code cpu.stat}. */
  V2,
  /** cgroup v1 {@code cpu,cpuacct} controller: {@code cpuacct.usage}. */
  V1_CPUACCT
}
