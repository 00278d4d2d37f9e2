package io.onescaphandre.operator.opennebula;

import java.util.Map;

/** Reading and appending to a host's TEMPLATE. Every failure is an {@link OpenNebulaException}. */
public interface OpenNebulaHostTemplates {

  /** {@code one.host.info}: the single-valued attributes of HOST/TEMPLATE. */
  Map<String, String> hostTemplate(int hostId);

  /** {@code one.host.update(id, template, 1)}: merges {@code template} into HOST/TEMPLATE. */
  void appendHostTemplate(int hostId, String template);
}
