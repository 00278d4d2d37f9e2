package io.onescaphandre.contracts.init;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onescaphandre.contracts.hostid.HostId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one JSON line the agent's init container leaves as its termination message, and the operator
 * reads back (docs/interfaces.md): what it found on the host, since the agent has no API access.
 * Written by {@link #toJson}, read by {@link #parse}; both sides use only these two.
 *
 * @param hostId null when none was found
 * @param hostIdSource {@code one_db_config}, {@code im_status_db} or null
 * @param hypervisor {@code kvm}, {@code lxc} or null
 * @param rapl {@code ok}, {@code absent} or {@code unreadable}
 * @param powerSource the power source that makes the host total when the agent starts (the first
 *     {@code ok} of {@code powerSources}); null when none is usable or the agent does not say
 * @param powerSources each power source the agent tries, in order, with its state; may be null
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({
  "version",
  "hostId",
  "hostIdSource",
  "hostIdFile",
  "hypervisor",
  "rapl",
  "raplZones",
  "cpuVendor",
  "kernel",
  "modulesLoaded",
  "powerSource",
  "powerSources",
  "message"
})
public record InitReport(
    int version,
    HostId hostId,
    String hostIdSource,
    String hostIdFile,
    String hypervisor,
    String rapl,
    List<String> raplZones,
    String cpuVendor,
    String kernel,
    List<String> modulesLoaded,
    String powerSource,
    Map<String, String> powerSources,
    String message) {

  public static final int VERSION = 1;

  /** The kubelet keeps at most 4096 bytes of a termination message; the line must fit whole. */
  public static final int MAX_BYTES = 4096;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How Jackson reads a report: a host id that is negative or beyond oned's range is no host id
   * (and so has no source), not a reason to lose the rest of the report.
   */
  @JsonCreator
  static InitReport read(
      @JsonProperty("version") Integer version,
      @JsonProperty("hostId") Long hostId,
      @JsonProperty("hostIdSource") String hostIdSource,
      @JsonProperty("hostIdFile") String hostIdFile,
      @JsonProperty("hypervisor") String hypervisor,
      @JsonProperty("rapl") String rapl,
      @JsonProperty("raplZones") List<String> raplZones,
      @JsonProperty("cpuVendor") String cpuVendor,
      @JsonProperty("kernel") String kernel,
      @JsonProperty("modulesLoaded") List<String> modulesLoaded,
      @JsonProperty("powerSource") String powerSource,
      @JsonProperty("powerSources") Map<String, String> powerSources,
      @JsonProperty("message") String message) {
    boolean usable = hostId != null && hostId >= 0 && hostId <= Integer.MAX_VALUE;
    return new InitReport(
        version == null ? 0 : version,
        usable ? HostId.of(hostId) : null,
        usable ? hostIdSource : null,
        hostIdFile,
        hypervisor,
        rapl,
        raplZones,
        cpuVendor,
        kernel,
        modulesLoaded,
        powerSource,
        powerSources,
        message);
  }

  /** The line to write, at most {@link #MAX_BYTES} bytes: a message too long for it is cut. */
  public String toJson() {
    String line = encode(this);
    int excess = line.getBytes(StandardCharsets.UTF_8).length - MAX_BYTES;
    if (excess > 0 && message != null) {
      String cut = message.substring(0, Math.max(0, message.length() - excess - 16)) + " [cut]";
      line =
          encode(
              new InitReport(
                  version,
                  hostId,
                  hostIdSource,
                  hostIdFile,
                  hypervisor,
                  rapl,
                  raplZones,
                  cpuVendor,
                  kernel,
                  modulesLoaded,
                  powerSource,
                  powerSources,
                  cut));
    }
    return line;
  }

  /**
   * Reads one report; anything that is not a JSON object (e.g. the logs of a failed init, which the
   * kubelet falls back to) is no report.
   */
  public static Optional<InitReport> parse(String message) {
    if (message == null) {
      return Optional.empty();
    }
    String line = message.strip();
    if (!line.startsWith("{")) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(line, InitReport.class));
    } catch (JsonProcessingException notAReport) {
      return Optional.empty();
    }
  }

  private static String encode(InitReport report) {
    try {
      return JSON.writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the init report", e);
    }
  }
}
