package io.onescaphandre.operator.opennebula;

import io.onescaphandre.operator.opennebula.OpenNebulaException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads OpenNebula's XML-RPC answer {@code [success, body|error, code]} as a stream: the body, a
 * pool document escaped inside an XML-RPC string, is handed to a {@link BodyParser} as a
 * {@link Reader} over the string's text, so a pool of 100,000 VMs is never held as one String.
 */
final class XmlRpcAnswerReader {
  /** xmlrpc-c (OpenNebula's server library) answers an unknown method with fault -506. */
  private static final int XMLRPC_C_NO_SUCH_METHOD = -506;

  private static final Pattern NO_SUCH_METHOD_TEXT =
      Pattern.compile("(?i)(not defined|no such method|unknown method|method not found)");
  private static final int MAX_SCALAR_CHARS = 1 << 20;

  /** Turns the body document into the caller's model. */
  @FunctionalInterface
  interface BodyParser<T> {
    T parse(Reader body) throws XMLStreamException;
  }

  private XmlRpcAnswerReader() {}

  static <T> T read(InputStream answer, String method, BodyParser<T> bodyParser) {
    try {
      XMLStreamReader xml = SecureXml.reader(answer);
      try {
        return readAnswer(xml, method, bodyParser);
      } finally {
        xml.close();
      }
    } catch (XMLStreamException e) {
      throw malformed(method, e);
    }
  }

  private static <T> T readAnswer(XMLStreamReader xml, String method, BodyParser<T> bodyParser)
      throws XMLStreamException {
    expectStart(xml, "methodResponse");
    String next = nextStart(xml);
    if (next.equals("fault")) {
      expectStart(xml, "value");
      throw fault(method, readValue(xml));
    }
    if (!next.equals("params")) {
      throw new XMLStreamException("expected <params> or <fault>, got <" + next + ">");
    }
    expectStart(xml, "param");
    expectStart(xml, "value");
    expectStart(xml, "array");
    expectStart(xml, "data");
    expectStart(xml, "value");
    Object success = readValue(xml);
    expectStart(xml, "value");
    if (Boolean.TRUE.equals(success)) {
      return readBody(xml, method, bodyParser);
    }
    if (!Boolean.FALSE.equals(success)) {
      throw new XMLStreamException("first element of the answer is " + success + ", not a boolean");
    }
    Object error = readValue(xml);
    Object code = null;
    if (nextStartOrEnd(xml) && xml.getLocalName().equals("value")) {
      code = readValue(xml);
    }
    throw errorAnswer(method, String.valueOf(error), code instanceof Integer i ? i : -1);
  }

  private static <T> T readBody(XMLStreamReader xml, String method, BodyParser<T> bodyParser)
      throws XMLStreamException {
    // <value><string>…</string></value> or, as XML-RPC allows, <value>…</value> without a type.
    while (true) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        if (!xml.getLocalName().equals("string")) {
          throw new XMLStreamException(
              "the answer body is <" + xml.getLocalName() + ">, expected a string");
        }
        return parseText(xml, method, bodyParser, false);
      }
      if (isText(event) && !xml.isWhiteSpace()) {
        return parseText(xml, method, bodyParser, true);
      }
      if (event == XMLStreamConstants.END_ELEMENT) {
        throw new XMLStreamException("the answer body is empty");
      }
    }
  }

  private static <T> T parseText(
      XMLStreamReader xml, String method, BodyParser<T> bodyParser, boolean onTextEvent)
      throws XMLStreamException {
    ElementTextReader body = new ElementTextReader(xml, onTextEvent);
    T result;
    try {
      result = bodyParser.parse(body);
    } catch (XMLStreamException e) {
      throw new OpenNebulaException(
          Kind.MALFORMED_ANSWER,
          "OpenNebula's answer to "
              + method
              + " holds a document that is not the expected XML: "
              + e.getMessage()
              + ". Check that the endpoint is OpenNebula's XML-RPC API (oned, usually port 2633"
              + " path /RPC2).",
          e);
    }
    body.drain();
    return result;
  }

  /** Reads one {@code <value>} (positioned on its start tag) into Java values. */
  static Object readValue(XMLStreamReader xml) throws XMLStreamException {
    StringBuilder untyped = new StringBuilder();
    while (true) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        Object value = readTyped(xml);
        skipToEndOf(xml, "value");
        return value;
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        return untyped.toString(); // <value>text</value> is a string
      } else if (isText(event)) {
        appendBounded(xml, untyped);
      } else if (event == XMLStreamConstants.DTD) {
        throw SecureXml.refuseDtd("the answer");
      }
    }
  }

  private static Object readTyped(XMLStreamReader xml) throws XMLStreamException {
    String type = xml.getLocalName();
    switch (type) {
      case "string":
        return readText(xml);
      case "i4":
      case "int":
      case "i8":
        {
          String text = readText(xml).trim();
          try {
            return type.equals("i8") ? (Object) Long.parseLong(text) : Integer.parseInt(text);
          } catch (NumberFormatException e) {
            throw new XMLStreamException("<" + type + "> holds '" + text + "', not an integer");
          }
        }
      case "boolean":
        {
          String text = readText(xml).trim();
          if (text.equals("1") || text.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
          }
          if (text.equals("0") || text.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
          }
          throw new XMLStreamException("<boolean> holds '" + text + "'");
        }
      case "double":
        try {
          return Double.parseDouble(readText(xml).trim());
        } catch (NumberFormatException e) {
          throw new XMLStreamException("<double> is not a number");
        }
      case "nil":
        skipToEndOf(xml, "nil");
        return null;
      case "array":
        return readArray(xml);
      case "struct":
        return readStruct(xml);
      default:
        throw new XMLStreamException("unsupported XML-RPC type <" + type + ">");
    }
  }

  private static List<Object> readArray(XMLStreamReader xml) throws XMLStreamException {
    expectStart(xml, "data");
    List<Object> items = new ArrayList<>();
    while (nextStartOrEnd(xml)) {
      requireName(xml, "value");
      items.add(readValue(xml));
    }
    skipToEndOf(xml, "array");
    return items;
  }

  private static Map<String, Object> readStruct(XMLStreamReader xml) throws XMLStreamException {
    Map<String, Object> members = new LinkedHashMap<>();
    while (nextStartOrEnd(xml)) {
      requireName(xml, "member");
      expectStart(xml, "name");
      String name = readText(xml);
      expectStart(xml, "value");
      members.put(name, readValue(xml));
      skipToEndOf(xml, "member");
    }
    return members;
  }

  private static String readText(XMLStreamReader xml) throws XMLStreamException {
    StringBuilder text = new StringBuilder();
    while (true) {
      int event = xml.next();
      if (isText(event)) {
        appendBounded(xml, text);
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        return text.toString();
      } else if (event == XMLStreamConstants.START_ELEMENT) {
        throw new XMLStreamException("unexpected <" + xml.getLocalName() + "> inside a scalar");
      }
    }
  }

  private static void appendBounded(XMLStreamReader xml, StringBuilder text)
      throws XMLStreamException {
    if (text.length() + xml.getTextLength() > MAX_SCALAR_CHARS) {
      throw new XMLStreamException("a scalar value longer than " + MAX_SCALAR_CHARS + " chars");
    }
    text.append(xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
  }

  private static boolean isText(int event) {
    return event == XMLStreamConstants.CHARACTERS
        || event == XMLStreamConstants.CDATA
        || event == XMLStreamConstants.SPACE;
  }

  /** Moves to the next start tag (true) or to the end tag of the enclosing element (false). */
  private static boolean nextStartOrEnd(XMLStreamReader xml) throws XMLStreamException {
    while (true) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        return true;
      }
      if (event == XMLStreamConstants.END_ELEMENT || event == XMLStreamConstants.END_DOCUMENT) {
        return false;
      }
      if (event == XMLStreamConstants.DTD) {
        throw SecureXml.refuseDtd("the answer");
      }
      if (isText(event) && !xml.isWhiteSpace()) {
        throw new XMLStreamException("unexpected text '" + shortText(xml) + "'");
      }
    }
  }

  private static String nextStart(XMLStreamReader xml) throws XMLStreamException {
    if (!nextStartOrEnd(xml)) {
      throw new XMLStreamException(
          "the answer ends early"
              + (xml.getEventType() == XMLStreamConstants.END_ELEMENT
                  ? " at </" + xml.getLocalName() + ">"
                  : ""));
    }
    return xml.getLocalName();
  }

  private static void expectStart(XMLStreamReader xml, String name) throws XMLStreamException {
    nextStart(xml);
    requireName(xml, name);
  }

  private static void requireName(XMLStreamReader xml, String name) throws XMLStreamException {
    if (!xml.getLocalName().equals(name)) {
      throw new XMLStreamException("expected <" + name + ">, got <" + xml.getLocalName() + ">");
    }
  }

  private static void skipToEndOf(XMLStreamReader xml, String name) throws XMLStreamException {
    int depth = 0;
    if (xml.getEventType() == XMLStreamConstants.END_ELEMENT && xml.getLocalName().equals(name)) {
      return;
    }
    while (xml.hasNext()) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        depth++;
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        if (depth == 0) {
          requireName(xml, name);
          return;
        }
        depth--;
      }
    }
    throw new XMLStreamException("the answer ends before </" + name + ">");
  }

  private static String shortText(XMLStreamReader xml) {
    String text = xml.getText().strip();
    return text.length() > 60 ? text.substring(0, 60) + "…" : text;
  }

  private static OpenNebulaException fault(String method, Object faultValue) {
    String message = String.valueOf(faultValue);
    int code = 0;
    if (faultValue instanceof Map<?, ?> struct) {
      message = String.valueOf(struct.get("faultString"));
      code = struct.get("faultCode") instanceof Integer i ? i : 0;
    }
    if (code == XMLRPC_C_NO_SUCH_METHOD || NO_SUCH_METHOD_TEXT.matcher(message).find()) {
      return new OpenNebulaException(
          Kind.NO_SUCH_METHOD,
          "OpenNebula does not know the method " + method + " (XML-RPC fault " + code + ": "
              + message + "). Check the OpenNebula version of the endpoint.");
    }
    return new OpenNebulaException(
        Kind.API_ERROR,
        "OpenNebula answered " + method + " with XML-RPC fault " + code + ": " + message);
  }

  /** Maps OpenNebula's error codes (0x0100 authentication, 0x0200 authorization, …). */
  static OpenNebulaException errorAnswer(String method, String error, int code) {
    if (code == 0x0100 || error.contains("couldn't be authenticated")) {
      return new OpenNebulaException(
          Kind.AUTHENTICATION,
          "OpenNebula refused the session for "
              + method
              + ": "
              + error.strip()
              + ". Check the user:password (one_auth file or the Secret referenced by"
              + " spec.openNebula.secretRef), that the user exists and is enabled, and that its"
              + " password or login token has not expired.");
    }
    if (code == 0x0200) {
      return new OpenNebulaException(
          Kind.AUTHORIZATION,
          "OpenNebula does not allow this user to call "
              + method
              + ": "
              + error.strip()
              + ". Use a user of the oneadmin group, or give the user USE rights on hosts and VMs.");
    }
    return new OpenNebulaException(
        Kind.API_ERROR,
        "OpenNebula answered " + method + " with error code " + code + ": " + error.strip());
  }

  private static OpenNebulaException malformed(String method, XMLStreamException e) {
    return new OpenNebulaException(
        Kind.MALFORMED_ANSWER,
        "The answer to "
            + method
            + " is not an OpenNebula XML-RPC answer: "
            + e.getMessage()
            + ". Check that the endpoint is OpenNebula's XML-RPC API (oned, usually port 2633,"
            + " path /RPC2) and not a proxy or web page.",
        e);
  }

  /**
   * The text content of the current element as a Reader: each read pulls the next text event of
   * the outer parser, so the inner document is parsed while the answer streams in.
   */
  private static final class ElementTextReader extends Reader {
    private final XMLStreamReader xml;
    private int offsetInEvent;
    private int eventLength;
    private boolean ended;

    ElementTextReader(XMLStreamReader xml, boolean onTextEvent) {
      this.xml = xml;
      this.eventLength = onTextEvent ? xml.getTextLength() : 0;
    }

    @Override
    public int read(char[] target, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      try {
        while (offsetInEvent == eventLength) {
          if (ended || !advance()) {
            return -1;
          }
        }
        int count = Math.min(len, eventLength - offsetInEvent);
        int copied = xml.getTextCharacters(offsetInEvent, target, off, count);
        offsetInEvent += copied;
        return copied;
      } catch (XMLStreamException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    private boolean advance() throws XMLStreamException {
      while (true) {
        int event = xml.next();
        if (isText(event)) {
          offsetInEvent = 0;
          eventLength = xml.getTextLength();
          return true;
        }
        if (event == XMLStreamConstants.END_ELEMENT) {
          ended = true;
          return false;
        }
        if (event == XMLStreamConstants.START_ELEMENT) {
          throw new XMLStreamException(
              "unexpected <" + xml.getLocalName() + "> inside the answer body string");
        }
      }
    }

    /** Consumes what the body parser left (trailing whitespace) up to the closing tag. */
    void drain() throws XMLStreamException {
      offsetInEvent = eventLength;
      while (!ended) {
        advance();
        offsetInEvent = eventLength;
      }
    }

    @Override
    public void close() {
      // The outer parser owns the stream.
    }
  }
}
