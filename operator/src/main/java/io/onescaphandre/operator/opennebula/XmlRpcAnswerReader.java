package io.onescaphandre.operator.opennebula;

import io.onescaphandre.operator.opennebula.OpenNebulaException.Kind;
import io.onescaphandre.operator.opennebula.XmlRpcScanner.Token;
import java.io.InputStream;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamException;

/**
 * Reads OpenNebula's XML-RPC answer {@code [success, body|error, code]} as a stream: the body, a
 * pool document escaped inside an XML-RPC string, is handed to a {@link BodyParser} as a {@link
 * Reader} that unescapes the string's text while the parser reads it (see {@link XmlRpcScanner}),
 * so a pool of 100,000 VMs is never held as one String.
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

  /**
   * The second element of a successful answer that carries no document, such as the object id that
   * {@code one.host.update} returns; failures are thrown as for {@link #read}.
   */
  static Object readValue(InputStream answer, String method) {
    return read(answer, method, null);
  }

  static <T> T read(InputStream answer, String method, BodyParser<T> bodyParser) {
    XmlRpcScanner scanner = null;
    try {
      scanner = XmlRpcScanner.of(answer, MAX_SCALAR_CHARS);
      return readAnswer(scanner, method, bodyParser);
    } catch (XMLStreamException e) {
      throw malformed(method, e, scanner == null ? 0 : scanner.offset());
    }
  }

  private static <T> T readAnswer(XmlRpcScanner xml, String method, BodyParser<T> bodyParser)
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
    if (Boolean.TRUE.equals(success) && bodyParser == null) {
      @SuppressWarnings("unchecked")
      T value = (T) readValue(xml);
      finish(xml);
      return value;
    }
    if (Boolean.TRUE.equals(success)) {
      T result = readBody(xml, method, bodyParser);
      finish(xml);
      return result;
    }
    if (!Boolean.FALSE.equals(success)) {
      throw new XMLStreamException("first element of the answer is " + success + ", not a boolean");
    }
    Object error = readValue(xml);
    Object code = null;
    if (nextStartOrEnd(xml) && xml.name().equals("value")) {
      code = readValue(xml);
    }
    throw errorAnswer(method, String.valueOf(error), code instanceof Integer i ? i : -1);
  }

  private static <T> T readBody(XmlRpcScanner xml, String method, BodyParser<T> bodyParser)
      throws XMLStreamException {
    // <value><string>…</string></value> or, as XML-RPC allows, <value>…</value> without a type.
    if (xml.atUntypedText()) {
      return parseText(xml, method, bodyParser);
    }
    Token token = xml.next();
    if (token == Token.START) {
      if (!xml.name().equals("string")) {
        throw new XMLStreamException("the answer body is <" + xml.name() + ">, expected a string");
      }
      if (xml.emptyElement()) {
        throw new XMLStreamException("the answer body is empty");
      }
      T result = parseText(xml, method, bodyParser);
      skipToEndOf(xml, "value");
      return result;
    }
    throw new XMLStreamException("the answer body is empty");
  }

  private static <T> T parseText(XmlRpcScanner xml, String method, BodyParser<T> bodyParser)
      throws XMLStreamException {
    XmlRpcScanner.BodyReader body = xml.body();
    T result;
    try {
      result = bodyParser.parse(body);
    } catch (PoolInconsistency e) {
      throw new OpenNebulaException(
          Kind.MALFORMED_ANSWER,
          "OpenNebula's answer to "
              + method
              + " is refused: "
              + e.getMessage()
              + ". No host id or VM is taken from it; check the OpenNebula database or the endpoint.",
          e);
    } catch (XMLStreamException e) {
      throw new OpenNebulaException(
          Kind.MALFORMED_ANSWER,
          "OpenNebula's answer to "
              + method
              + " holds a document that is not the expected XML: "
              + e.getMessage()
              + " (reading stopped near character "
              + xml.offset()
              + " of the answer)"
              + ". Check that the endpoint is OpenNebula's XML-RPC API (oned, usually port 2633"
              + " path /RPC2).",
          e);
    }
    body.drain();
    return result;
  }

  /** Reads the rest of the answer (the code after the body), so that a cut answer is noticed. */
  private static void finish(XmlRpcScanner xml) throws XMLStreamException {
    while (xml.next() != Token.EOF) {
      // only well-formedness matters here
    }
  }

  /** Reads one {@code <value>} (positioned just after its start tag) into Java values. */
  static Object readValue(XmlRpcScanner xml) throws XMLStreamException {
    StringBuilder untyped = new StringBuilder();
    while (true) {
      Token token = xml.next();
      if (token == Token.START) {
        Object value = readTyped(xml);
        skipToEndOf(xml, "value");
        return value;
      } else if (token == Token.END) {
        return untyped.toString(); // <value>text</value> is a string
      } else if (token == Token.TEXT) {
        appendBounded(xml, untyped);
      } else {
        throw new XMLStreamException("the answer ends inside a <value>");
      }
    }
  }

  private static Object readTyped(XmlRpcScanner xml) throws XMLStreamException {
    String type = xml.name();
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

  private static List<Object> readArray(XmlRpcScanner xml) throws XMLStreamException {
    expectStart(xml, "data");
    List<Object> items = new ArrayList<>();
    while (nextStartOrEnd(xml)) {
      requireName(xml, "value");
      items.add(readValue(xml));
    }
    skipToEndOf(xml, "array");
    return items;
  }

  private static Map<String, Object> readStruct(XmlRpcScanner xml) throws XMLStreamException {
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

  private static String readText(XmlRpcScanner xml) throws XMLStreamException {
    StringBuilder text = new StringBuilder();
    while (true) {
      Token token = xml.next();
      if (token == Token.TEXT) {
        appendBounded(xml, text);
      } else if (token == Token.END) {
        return text.toString();
      } else if (token == Token.START) {
        throw new XMLStreamException("unexpected <" + xml.name() + "> inside a scalar");
      } else {
        throw new XMLStreamException("the answer ends inside a scalar");
      }
    }
  }

  private static void appendBounded(XmlRpcScanner xml, StringBuilder text)
      throws XMLStreamException {
    if (text.length() + xml.text().length() > MAX_SCALAR_CHARS) {
      throw new XMLStreamException("a scalar value longer than " + MAX_SCALAR_CHARS + " chars");
    }
    text.append(xml.text());
  }

  /** Moves to the next start tag (true) or to the end tag of the enclosing element (false). */
  private static boolean nextStartOrEnd(XmlRpcScanner xml) throws XMLStreamException {
    while (true) {
      Token token = xml.next();
      if (token == Token.START) {
        return true;
      }
      if (token == Token.END || token == Token.EOF) {
        return false;
      }
      if (!xml.textIsWhitespace()) {
        throw new XMLStreamException("unexpected text '" + shortText(xml) + "'");
      }
    }
  }

  private static String nextStart(XmlRpcScanner xml) throws XMLStreamException {
    if (!nextStartOrEnd(xml)) {
      throw new XMLStreamException(
          "the answer ends early" + (xml.name() != null ? " at </" + xml.name() + ">" : ""));
    }
    return xml.name();
  }

  private static void expectStart(XmlRpcScanner xml, String name) throws XMLStreamException {
    nextStart(xml);
    requireName(xml, name);
  }

  private static void requireName(XmlRpcScanner xml, String name) throws XMLStreamException {
    if (!xml.name().equals(name)) {
      throw new XMLStreamException("expected <" + name + ">, got <" + xml.name() + ">");
    }
  }

  /** Skips to the end tag of {@code name}, the innermost open element or the one just closed. */
  private static void skipToEndOf(XmlRpcScanner xml, String name) throws XMLStreamException {
    int depth = 0;
    while (true) {
      Token token = xml.next();
      if (token == Token.START) {
        depth++;
      } else if (token == Token.END) {
        if (depth == 0) {
          requireName(xml, name);
          return;
        }
        depth--;
      } else if (token == Token.EOF) {
        throw new XMLStreamException("the answer ends before </" + name + ">");
      }
    }
  }

  private static String shortText(XmlRpcScanner xml) {
    String text = xml.text().toString().strip();
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
          "OpenNebula does not know the method "
              + method
              + " (XML-RPC fault "
              + code
              + ": "
              + message
              + "). Check the OpenNebula version of the endpoint.");
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
              + (method.equals("one.host.update")
                  ? ". Writing host attributes needs ADMIN rights on the hosts: a user of the oneadmin"
                      + " group, or an ACL such as oneacl create \"#<uid> HOST/* USE+ADMIN\"."
                  : ". Use a user of the oneadmin group, or give the user USE rights on hosts and VMs."));
    }
    return new OpenNebulaException(
        Kind.API_ERROR,
        "OpenNebula answered " + method + " with error code " + code + ": " + error.strip());
  }

  private static OpenNebulaException malformed(String method, XMLStreamException e, long offset) {
    return new OpenNebulaException(
        Kind.MALFORMED_ANSWER,
        "The answer to "
            + method
            + " is not an OpenNebula XML-RPC answer: "
            + e.getMessage()
            + " (at character "
            + offset
            + " of the answer). Check that the endpoint is OpenNebula's XML-RPC API (oned, usually port 2633,"
            + " path /RPC2) and not a proxy or web page.",
        e);
  }
}
