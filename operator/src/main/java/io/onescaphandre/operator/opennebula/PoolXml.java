package io.onescaphandre.operator.opennebula;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/** Small StAX moves shared by the pool parsers: walk children, read text, skip subtrees. */
final class PoolXml {
  private PoolXml() {}

  /**
   * A hardened StAX reader of a pool document, which must start like an XML document: the parser
   * would only say "Content is not allowed in prolog" about a text that does not.
   */
  static XMLStreamReader open(Reader body) throws XMLStreamException {
    return SecureXml.reader(requireXml(body));
  }

  /**
   * The body, checked to start like an XML document: a pool answer always does, and a StAX parser
   * would only say "Content is not allowed in prolog" about a text that does not.
   */
  private static Reader requireXml(Reader body) throws XMLStreamException {
    PushbackReader peek = new PushbackReader(body, 64);
    try {
      int c;
      int skipped = 0;
      do {
        c = peek.read();
      } while (c >= 0 && Character.isWhitespace(c) && ++skipped < (1 << 16));
      if (c < 0) {
        throw new XMLStreamException("the answer's body string is empty, expected an XML document");
      }
      char[] start = new char[40];
      start[0] = (char) c;
      int n = 1 + Math.max(0, peek.read(start, 1, start.length - 1));
      if (c != '<') {
        throw new XMLStreamException(
            "the answer's body string is not an XML document: it starts with '"
                + printable(new String(start, 0, n))
                + "'");
      }
      peek.unread(start, 0, n);
      return peek;
    } catch (IOException e) {
      throw e.getCause() instanceof XMLStreamException x
          ? x
          : new XMLStreamException("reading the answer's body failed: " + e.getMessage(), e);
    }
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .forEach(cp -> out.append(cp < 0x20 || cp == 0x7f ? '?' : Character.toString(cp)));
    return out + (text.length() >= 40 ? "…" : "");
  }

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
   * The text of a leaf element, stripped; leaves the reader on its end tag. Unlike {@link
   * XMLStreamReader#getElementText()} it builds no StringBuffer when the text comes as one event,
   * which is the rule for the short values the parsers read (a million per VM pool).
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
        case XMLStreamConstants.START_ELEMENT ->
            throw new XMLStreamException(
                "<" + xml.getLocalName() + "> inside an element that should hold only text",
                xml.getLocation());
        case XMLStreamConstants.END_DOCUMENT ->
            throw new XMLStreamException("document ends inside an element");
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
