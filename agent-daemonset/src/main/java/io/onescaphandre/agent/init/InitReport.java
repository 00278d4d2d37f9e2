package io.onescaphandre.agent.init;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The one JSON line the init container leaves for the operator (docs/interfaces.md).
 * {@code powerSource} is the source that makes the host total when the agent starts (the first
 * {@code ok} of {@code powerSources}, which lists each source of {@code --power.sources} in order
 * with its state); null when none is usable.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"version", "hostId", "hostIdSource", "hostIdFile", "hypervisor", "rapl", "raplZones",
    "cpuVendor", "kernel", "modulesLoaded", "powerSource", "powerSources", "message"})
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
    String powerSource,
    java.util.Map<String, String> powerSources,
    String message) {}
