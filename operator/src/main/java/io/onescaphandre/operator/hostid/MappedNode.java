package io.onescaphandre.operator.hostid;

import io.onescaphandre.contracts.hostid.HostId;

/** A selected node with its OpenNebula host id and the address its agent listens on. */
public record MappedNode(String nodeName, HostId hostId, String address) {}
