package io.onescaphandre.operator.opennebula;

import java.io.Reader;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the single-valued attributes of {@code <HOST><TEMPLATE>} (the body of one.host.info);
 * vector attributes such as PCI or RESERVED ones are skipped.
 */
final class HostTemplateParser {
  private HostTemplateParser() {}

  /** The text of a single attribute; null (and the reader on its end tag) for a vector. */
  private static String singleValue(XMLStreamReader xml) throws XMLStreamException {
    StringBuilder text = new StringBuilder();
    while (true) {
      int event = xml.next();
      switch (event) {
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
            text.append(xml.getText());
        case XMLStreamConstants.START_ELEMENT -> {
          PoolXml.skip(xml); // the vector's first child
          PoolXml.skip(xml); // the rest of the vector
          return null;
        }
        case XMLStreamConstants.END_ELEMENT -> {
          return text.toString().strip();
        }
        case XMLStreamConstants.END_DOCUMENT ->
            throw new XMLStreamException("document ends inside an element");
        default -> {
          // comments
        }
      }
    }
  }

  static Map<String, String> parse(Reader body) throws XMLStreamException {
    XMLStreamReader xml = SecureXml.reader(body);
    try {
      PoolXml.enterRoot(xml, "HOST");
      Map<String, String> template = new LinkedHashMap<>();
      while (PoolXml.nextChild(xml)) {
        if (!xml.getLocalName().equals("TEMPLATE")) {
          PoolXml.skip(xml);
          continue;
        }
        while (PoolXml.nextChild(xml)) {
          String name = xml.getLocalName();
          String value = singleValue(xml);
          if (value != null) {
            template.put(name, value);
          }
        }
      }
      PoolXml.finish(xml);
      return template;
    } finally {
      xml.close();
    }
  }
}
