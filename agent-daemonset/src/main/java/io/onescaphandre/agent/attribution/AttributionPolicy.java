package io.onescaphandre.agent.attribution;

/** Divides one interval's host energy between consumers, other processes and no one. */
public interface AttributionPolicy {

  Attribution attribute(AttributionInput input);

  /** The {@code --attribution.policy} value. */
  String name();
}
