package io.onescaphandre.contracts.duration;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Duration flags of both command lines, in the one grammar of {@link Durations}: any positive
 * duration up to a day. The nested converters give the flags that mirror a spec field that field's
 * bounds, so that what the CRD admits the flag admits too.
 */
public class DurationConverter implements ITypeConverter<Duration> {
  private final DurationField field;

  public DurationConverter() {
    this(new DurationField("duration", "1ms", "24h"));
  }

  protected DurationConverter(DurationField field) {
    this.field = field;
  }

  @Override
  public Duration convert(String value) {
    try {
      return field.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** The agent's {@code --interval}: what {@code spec.agent.interval} admits. */
  public static final class AgentInterval extends DurationConverter {
    public AgentInterval() {
      super(
          new DurationField(
              "--interval", DurationFields.AGENT_INTERVAL_MIN, DurationFields.AGENT_INTERVAL_MAX));
    }
  }

  /** {@code generate-conf --timeout}: what {@code spec.openNebula.timeout} admits. */
  public static final class OpenNebulaTimeout extends DurationConverter {
    public OpenNebulaTimeout() {
      super(
          new DurationField(
              "--timeout",
              DurationFields.OPENNEBULA_TIMEOUT_MIN,
              DurationFields.OPENNEBULA_TIMEOUT_MAX));
    }
  }
}
