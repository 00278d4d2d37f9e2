package io.onescaphandre.agent.power;

import java.util.Arrays;

/**
 * Power as a piecewise-linear function of CPU utilisation (0 to 1), and where it comes from.
 *
 * @param basis {@code ccf} (SPECpower-derived watts per thread of this microarchitecture, whole
 *     server), {@code ccf-average} (the same for an unknown CPU), {@code tdp} (the CPU packages'
 *     power limit times Teads' load ratios: CPU only), or {@code configured}
 * @param cpu the microarchitecture or CPU the curve is for
 * @param loads utilisation points, ascending from 0 to 1
 * @param watts power at those points
 */
public record PowerCurve(String basis, String cpu, double[] loads, double[] watts) {
  /**
   * Teads' measured ratios of CPU power to TDP at 0, 10, 50 and 100 % load (as used by Boavizta;
   * the ratios are facts, reimplemented here, no code reused).
   */
  static final double[] TDP_LOADS = {0, 0.1, 0.5, 1};

  static final double[] TDP_RATIOS = {0.12, 0.32, 0.75, 1.02};

  public static PowerCurve linear(String basis, String cpu, double idleWatts, double maxWatts) {
    return new PowerCurve(basis, cpu, new double[] {0, 1}, new double[] {idleWatts, maxWatts});
  }

  public static PowerCurve ccf(CcfCoefficients.Row row, int threads, boolean known) {
    return linear(
        known ? "ccf" : "ccf-average",
        row.microarchitecture(),
        row.minWatts() * threads,
        row.maxWatts() * threads);
  }

  public static PowerCurve tdp(double tdpWatts, String cpu) {
    double[] watts = new double[TDP_RATIOS.length];
    for (int i = 0; i < watts.length; i++) {
      watts[i] = TDP_RATIOS[i] * tdpWatts;
    }
    return new PowerCurve("tdp", cpu, TDP_LOADS.clone(), watts);
  }

  public double at(double utilisation) {
    double u = Math.max(0, Math.min(1, Double.isNaN(utilisation) ? 0 : utilisation));
    for (int i = 1; i < loads.length; i++) {
      if (u <= loads[i]) {
        double f = (u - loads[i - 1]) / (loads[i] - loads[i - 1]);
        return watts[i - 1] + f * (watts[i] - watts[i - 1]);
      }
    }
    return watts[watts.length - 1];
  }

  @Override
  public String toString() {
    return basis
        + " "
        + cpu
        + " "
        + Arrays.toString(watts)
        + " W at loads "
        + Arrays.toString(loads);
  }
}
