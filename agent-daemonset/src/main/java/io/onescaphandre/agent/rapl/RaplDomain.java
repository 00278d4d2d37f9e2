package io.onescaphandre.agent.rapl;

import java.util.Optional;

/** The RAPL domains the kernel names in a powercap zone's {@code name} file. */
public enum RaplDomain {
  PACKAGE("package"),
  CORE("core"),
  UNCORE("uncore"),
  DRAM("dram"),
  PSYS("psys");

  private final String label;

  RaplDomain(String label) {
    this.label = label;
  }

  /** The value of the {@code domain} label. */
  public String label() {
    return label;
  }

  /**
   * Domain of a zone name: {@code package-0}, {@code package-0-die-1}, {@code core}, {@code dram},
   * {@code psys}, {@code psys-1}.
   */
  public static Optional<RaplDomain> fromZoneName(String zoneName) {
    for (RaplDomain domain : values()) {
      if (zoneName.equals(domain.label) || zoneName.startsWith(domain.label + "-")) {
        return Optional.of(domain);
      }
    }
    return Optional.empty();
  }
}
