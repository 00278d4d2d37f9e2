package io.onescaphandre.agent.cgroup;

import io.onescaphandre.agent.consumer.ConsumerKey;

/**
 * A consumer recognised from a cgroup path.
 *
 * @param consumer who the processes of that cgroup belong to
 * @param measuredPath the cgroup whose own CPU usage is the consumer's (the VM scope, LXC payload,
 *     container scope or service), or null when the consumer's time must come from its processes
 *     (an LXC monitor, pod processes outside a container)
 */
public record CgroupMatch(ConsumerKey consumer, String measuredPath) {}
