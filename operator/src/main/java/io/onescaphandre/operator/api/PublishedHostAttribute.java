package io.onescaphandre.operator.api;

/**
 * The host template attributes the agent serves on {@code /opennebula/host} (the same the IM probe
 * {@code host/system/one_scaphandre.rb} prints; meaning and units in the README).
 */
public enum PublishedHostAttribute {
  POWER_STATE,
  POWER_W,
  POWER_PERIOD_S,
  BUSY_CPUS,
  IDLE_POWER_W,
  MARGINAL_POWER_PER_CPU_W,
  ENERGY_KWH,
  ENERGY_SINCE
}
