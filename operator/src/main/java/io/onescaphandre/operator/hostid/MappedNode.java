package io.onescaphandre.operator.hostid;

/** A selected node with its OpenNebula host id and the address its agent listens on. */
public record MappedNode(String nodeName, long hostId, String address) {}
