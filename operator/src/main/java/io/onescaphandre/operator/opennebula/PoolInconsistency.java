package io.onescaphandre.operator.opennebula;

import javax.xml.stream.XMLStreamException;

/**
 * A pool document that is well-formed but cannot be true, such as one id given to two hosts: taking
 * either would label series with the wrong host, so the whole answer is refused.
 */
final class PoolInconsistency extends XMLStreamException {
  PoolInconsistency(String message) {
    super(message);
  }
}
