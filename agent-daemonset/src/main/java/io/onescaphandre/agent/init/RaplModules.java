package io.onescaphandre.agent.init;

import java.util.List;

/**
 * Which kernel modules create the powercap RAPL zones. Linux 5.3 split the driver into {@code
 * intel_rapl_common} and the MSR interface {@code intel_rapl_msr} (which creates the zones); before
 * that one module, {@code intel_rapl}, did both. AMD Zen (family 17h/19h, Hygon 18h) got powercap
 * RAPL in 5.11, through the same modules; earlier AMD kernels have none.
 */
public final class RaplModules {
  private RaplModules() {}

  /** The modules to load, in order; empty when this CPU and kernel have no powercap RAPL. */
  public static List<String> required(String cpuVendor, KernelRelease kernel) {
    boolean intel = "GenuineIntel".equals(cpuVendor);
    boolean amd = "AuthenticAMD".equals(cpuVendor) || "HygonGenuine".equals(cpuVendor);
    if (intel) {
      return !kernel.known() || kernel.atLeast(5, 3)
          ? List.of("intel_rapl_common", "intel_rapl_msr")
          : List.of("intel_rapl");
    }
    if (amd && (!kernel.known() || kernel.atLeast(5, 11))) {
      return List.of("intel_rapl_common", "intel_rapl_msr");
    }
    return List.of();
  }

  /** Why nothing is loaded, for the report; null when modules apply. */
  public static String whyNone(String cpuVendor, KernelRelease kernel) {
    if ("AuthenticAMD".equals(cpuVendor) || "HygonGenuine".equals(cpuVendor)) {
      return "AMD powercap RAPL needs kernel 5.11 or later, this is " + kernel.text();
    }
    if (!"GenuineIntel".equals(cpuVendor)) {
      return "no RAPL on CPU vendor " + (cpuVendor == null ? "unknown" : cpuVendor);
    }
    return null;
  }
}
