package io.onescaphandre.agent.rapl;

import java.nio.file.Path;

/**
 * One powercap zone that meters energy.
 *
 * @param id the sysfs name, such as {@code intel-rapl:0:1} or {@code intel-rapl-mmio:0}
 * @param directory where {@code energy_uj} lives
 * @param name the content of the zone's {@code name} file
 * @param domain the RAPL domain of that name
 * @param socket the physical package, from the zone or its parent ({@code "0"} for a platform psys)
 * @param maxEnergyRangeMicrojoules the value at which {@code energy_uj} wraps to zero; 0 when the
 *     kernel does not say (the zone is then {@link RaplZoneState#DEGRADED})
 * @param maxPowerMicrowatts the highest {@code constraint_*_max_power_uw} of the zone; 0 when none
 *     is given (the domain's ceiling of {@link RaplPlausibility} applies)
 * @param mirror true when another zone already meters the same energy (MMIO copy of an MSR package)
 */
public record RaplZone(
    String id,
    Path directory,
    String name,
    RaplDomain domain,
    String socket,
    long maxEnergyRangeMicrojoules,
    long maxPowerMicrowatts,
    boolean mirror) {

  public Path energyFile() {
    return directory.resolve("energy_uj");
  }

  public boolean rangeKnown() {
    return maxEnergyRangeMicrojoules > 0;
  }

  RaplZone asMirror() {
    return new RaplZone(
        id, directory, name, domain, socket, maxEnergyRangeMicrojoules, maxPowerMicrowatts, true);
  }
}
