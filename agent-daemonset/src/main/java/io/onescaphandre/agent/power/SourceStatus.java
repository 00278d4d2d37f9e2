package io.onescaphandre.agent.power;

/**
 * One enabled source in one sample.
 *
 * @param source which
 * @param state its health
 * @param watts its power over the interval (0 unless OK)
 * @param joules its own energy since the agent started (its power integrated over the intervals it
 *     was OK; RAPL's counters for rapl)
 * @param message why it is not OK ("" when it is), for logs and status
 */
public record SourceStatus(
    PowerSourceName source, SourceState state, double watts, double joules, String message) {}
