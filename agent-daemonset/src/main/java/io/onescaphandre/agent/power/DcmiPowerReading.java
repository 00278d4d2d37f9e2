package io.onescaphandre.agent.power;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the DCMI "Get Power Reading" answer as ipmitool ({@code dcmi power reading}) and FreeIPMI
 * ({@code ipmi-dcmi --get-system-power-statistics}) print it. Only the instantaneous value is a
 * current reading: minimum, maximum and average cover the BMC's whole statistics period, often
 * days. A meter whose state is "deactivated" (OpenBMC answers so, with zeros) is not measuring.
 */
public final class DcmiPowerReading {
  private static final Pattern IPMITOOL_WATTS =
      Pattern.compile("Instantaneous power reading:\\s*(\\d+)\\s*Watts", Pattern.CASE_INSENSITIVE);
  private static final Pattern IPMITOOL_STATE =
      Pattern.compile("Power reading state is:\\s*(\\w+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern FREEIPMI_WATTS =
      Pattern.compile(
          "^Current Power\\s*:\\s*(\\d+)\\s*Watts", Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
  private static final Pattern FREEIPMI_STATE =
      Pattern.compile(
          "^Power Measurement\\s*:\\s*(\\w+)", Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);

  private DcmiPowerReading() {}

  public static WattReading parse(String output, PlausibleWatts plausible) {
    Matcher watts = IPMITOOL_WATTS.matcher(output);
    Matcher state = IPMITOOL_STATE.matcher(output);
    if (!watts.find()) {
      watts = FREEIPMI_WATTS.matcher(output);
      state = FREEIPMI_STATE.matcher(output);
      if (!watts.find()) {
        return WattReading.failed(SourceState.INVALID, "no instantaneous power in the DCMI answer");
      }
    }
    if (state.find()) {
      String value = state.group(1).toLowerCase(java.util.Locale.ROOT);
      if (!value.equals("activated") && !value.equals("active")) {
        return WattReading.failed(SourceState.INVALID, "the BMC's power measurement is " + value);
      }
    }
    return plausible.check(Long.parseLong(watts.group(1)), 0, "DCMI power reading");
  }
}
