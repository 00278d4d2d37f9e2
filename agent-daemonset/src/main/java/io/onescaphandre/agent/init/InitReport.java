package io.onescaphandre.agent.init;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** The one JSON line the init container leaves for the operator (docs/interfaces.md). */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"version", "hostId", "hostIdSource", "hostIdFile", "hypervisor", "rapl", "raplZones",
    "cpuVendor", "kernel", "modulesLoaded", "message"})
public record InitReport(
    int version,
    Integer hostId,
    String hostIdSource,
    String hostIdFile,
    String hypervisor,
    String rapl,
    List<String> raplZones,
    String cpuVendor,
    String kernel,
    List<String> modulesLoaded,
    String message) {}
