package io.onescaphandre.operator.opennebula;

import io.onescaphandre.contracts.bytes.ByteSize;

/**
 * How large an OpenNebula answer may be. The pools are read as a stream and only the fields the
 * operator uses are kept, but an endpoint that never stops sending (a wrong URL, a broken proxy, a
 * hostile server) must not hold the operator for long or grow its memory: past the cap the answer
 * is refused. The default fits 100,000 VMs of {@code one.vmpool.info} (108 MiB in the benchmark)
 * twice.
 *
 * @param maxAnswerBytes the largest answer read, in bytes on the wire
 */
public record AnswerLimits(long maxAnswerBytes) {
  public static final String DEFAULT_MAX_ANSWER_SIZE = "256Mi";
  public static final AnswerLimits DEFAULT =
      new AnswerLimits(ByteSize.parse(DEFAULT_MAX_ANSWER_SIZE));

  public AnswerLimits {
    if (maxAnswerBytes < 1024) {
      throw new IllegalArgumentException(
          "the answer cap must be at least 1Ki, got " + maxAnswerBytes + " bytes");
    }
  }
}
