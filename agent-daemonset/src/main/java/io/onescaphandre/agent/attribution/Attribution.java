package io.onescaphandre.agent.attribution;

import io.onescaphandre.agent.consumer.ConsumerKey;
import java.util.Map;

/**
 * Energy of one interval, divided. {@code consumers + other + unattributed = host} exactly.
 *
 * @param consumerJoules energy of each consumer
 * @param otherJoules energy of processes in no consumer
 * @param unattributedJoules energy the policy gives to no one
 * @param joulesPerCpuSecond the price of one CPU-second for processes outside VMs, used to give
 *     individual processes a power figure
 */
public record Attribution(
    Map<ConsumerKey, Double> consumerJoules,
    double otherJoules,
    double unattributedJoules,
    double joulesPerCpuSecond) {}
