package io.onescaphandre.operator.opennebula;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/** Small StAX moves shared by the pool parsers: walk children, read text, skip subtrees. */
final class PoolXml {
  private PoolXml() {}

  /** Moves to the root element and checks its name. */
  static void enterRoot(XMLStreamReader xml, String expected) throws XMLStreamException {
    while (xml.hasNext()) {
      int event = xml.next();
      if (event == XMLStreamConstants.DTD) {
        throw SecureXml.refuseDtd("the " + expected + " document");
      }
      if (event == XMLStreamConstants.START_ELEMENT) {
        if (!xml.getLocalName().equals(expected)) {
          throw new XMLStreamException(
              "expected <" + expected + ">, got <" + xml.getLocalName() + ">");
        }
        return;
      }
    }
    throw new XMLStreamException("empty document, expected <" + expected + ">");
  }

  /** Advances to the next child start tag (true) or to the end tag of the parent (false). */
  static boolean nextChild(XMLStreamReader xml) throws XMLStreamException {
    while (true) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        return true;
      }
      if (event == XMLStreamConstants.END_ELEMENT) {
        return false;
      }
      if (event == XMLStreamConstants.END_DOCUMENT) {
        throw new XMLStreamException("document ends inside an element");
      }
    }
  }

  /**
   * The text of a leaf element, stripped; leaves the reader on its end tag. Unlike
   * {@link XMLStreamReader#getElementText()} it builds no StringBuffer when the text comes as one
   * event, which is the rule for the short values the parsers read (a million per VM pool).
   */
  static String text(XMLStreamReader xml) throws XMLStreamException {
    String first = null;
    StringBuilder more = null;
    while (true) {
      int event = xml.next();
      switch (event) {
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
          if (first == null) {
            first = xml.getText();
          } else {
            if (more == null) {
              more = new StringBuilder(first);
            }
            more.append(xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
          }
        }
        case XMLStreamConstants.END_ELEMENT -> {
          return more != null ? more.toString().strip() : first == null ? "" : first.strip();
        }
        case XMLStreamConstants.START_ELEMENT -> throw new XMLStreamException(
            "<" + xml.getLocalName() + "> inside an element that should hold only text",
            xml.getLocation());
        case XMLStreamConstants.END_DOCUMENT -> throw new XMLStreamException(
            "document ends inside an element");
        default -> {
          // comments and processing instructions do not count as text
        }
      }
    }
  }

  /** The integer a leaf element holds (surrounding whitespace allowed). */
  static int integer(XMLStreamReader xml) throws XMLStreamException {
    String element = xml.getLocalName();
    String text = text(xml);
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new XMLStreamException(
          "<" + element + "> holds '" + text + "', not an integer", xml.getLocation());
    }
  }

  /** Skips the current element and everything in it; leaves the reader on its end tag. */
  static void skip(XMLStreamReader xml) throws XMLStreamException {
    int depth = 1;
    while (depth > 0) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        depth++;
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        depth--;
      } else if (event == XMLStreamConstants.END_DOCUMENT) {
        throw new XMLStreamException("document ends inside an element");
      }
    }
  }

  /** Reads to the end so that trailing garbage after the root is reported, not ignored. */
  static void finish(XMLStreamReader xml) throws XMLStreamException {
    while (xml.hasNext()) {
      xml.next();
    }
  }
}
