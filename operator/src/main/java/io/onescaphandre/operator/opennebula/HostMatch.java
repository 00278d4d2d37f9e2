package io.onescaphandre.operator.opennebula;

/**
 * A node bound to exactly one OpenNebula host.
 *
 * @param reason which node value matched which host field, for the node's status row
 */
public record HostMatch(String nodeName, int hostId, String hostName, String reason) {}
