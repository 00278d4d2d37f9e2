package io.onescaphandre.operator.opennebula;

import java.io.InputStream;
import java.io.Reader;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * StAX readers that never process a DTD, never resolve an entity other than the five predefined
 * ones and never fetch anything: OpenNebula answers have no DTD, so one is refused outright ({@link
 * #refuseDtd}) instead of being parsed (billion laughs, XXE file reads).
 *
 * <p>The JDK's own StAX implementation: Woodstox 7.1.1 in its place was measured no faster on the
 * 100,000-VM pool (docs/benchmarks/opennebula.md). Whoever tries another one: SecureXmlTest must
 * pass with it, and Woodstox needs its lazy parsing off ({@code com.ctc.wstx.lazyParsing}), else a
 * malformed document fails later, in {@code getText()}, with a RuntimeException instead of an
 * XMLStreamException.
 */
final class SecureXml {
  private static final XMLInputFactory FACTORY = newFactory();

  private SecureXml() {}

  private static XMLInputFactory newFactory() {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
    // Text arrives in chunks so that a pool body of hundreds of megabytes is never one String.
    factory.setProperty(XMLInputFactory.IS_COALESCING, false);
    factory.setProperty(XMLInputFactory.IS_VALIDATING, false);
    factory.setXMLResolver(
        (publicId, systemId, baseUri, namespace) -> {
          throw new XMLStreamException("external resource refused: " + systemId);
        });
    trySet(factory, XMLConstants.ACCESS_EXTERNAL_DTD, "");
    trySet(factory, XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    return factory;
  }

  private static void trySet(XMLInputFactory factory, String property, Object value) {
    try {
      factory.setProperty(property, value);
    } catch (IllegalArgumentException notSupportedByThisImplementation) {
      // The JDK's own implementation supports both; other StAX providers may not, and the
      // SUPPORT_DTD=false setting above already stops every external access.
    }
  }

  static XMLStreamReader reader(Reader input) throws XMLStreamException {
    return FACTORY.createXMLStreamReader(input);
  }

  static XMLStreamReader reader(InputStream input) throws XMLStreamException {
    return FACTORY.createXMLStreamReader(input);
  }

  /** Call on every {@code DTD} event: a DOCTYPE has no business in an OpenNebula answer. */
  static XMLStreamException refuseDtd(String where) {
    return new XMLStreamException(where + " contains a DOCTYPE declaration, which is refused");
  }
}
