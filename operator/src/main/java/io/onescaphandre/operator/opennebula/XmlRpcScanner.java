package io.onescaphandre.operator.opennebula;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamException;

/**
 * A small pull scanner for XML-RPC answers, used instead of StAX for the envelope because the body
 * of a pool answer is a whole XML document escaped inside one {@code <string>}: StAX hands such
 * text over in pieces cut at every {@code &lt;} and {@code &gt;}, one event and one copy each,
 * which for 100,000 VMs cost as much as parsing the pool itself. {@link #body} instead unescapes
 * the string straight into the caller's buffer, copying the runs between two references in bulk.
 *
 * <p>Checked like a non-validating parser would: elements nest and close, one root, no text outside
 * it, no characters XML forbids. Hardened like {@link SecureXml}: a DOCTYPE is refused, the only
 * entities are the five predefined ones and character references, nothing is fetched. Not
 * thread-safe; one scanner reads one answer.
 */
final class XmlRpcScanner {
  enum Token {
    START,
    END,
    TEXT,
    EOF
  }

  private static final Pattern ENCODING =
      Pattern.compile("encoding\\s*=\\s*[\"']([A-Za-z0-9._:-]+)[\"']");
  private static final int MAX_NAME_CHARS = 256;
  private static final int MAX_REFERENCE_CHARS = 12;

  private final Reader in;
  private final int maxTextChars;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int limit;
  private boolean eof;

  /** Chars dropped from the front of {@link #buf}: the answer's offset of {@code buf[0]}. */
  private long shifted;

  private final Deque<String> open = new ArrayDeque<>();
  private boolean rootSeen;
  private String pendingEnd;
  private String name;
  private final StringBuilder text = new StringBuilder();

  private XmlRpcScanner(Reader in, int maxTextChars) {
    this.in = in;
    this.maxTextChars = maxTextChars;
  }

  /**
   * A scanner over an answer in the encoding its XML declaration or byte order mark names (UTF-8
   * when neither does); bytes that are not valid in that encoding are an error, not replaced. Text
   * tokens longer than {@code maxTextChars} are refused.
   */
  static XmlRpcScanner of(InputStream answer, int maxTextChars) throws XMLStreamException {
    try {
      BufferedInputStream bytes = new BufferedInputStream(answer, 1 << 16);
      bytes.mark(512);
      byte[] head = bytes.readNBytes(256);
      bytes.reset();
      Charset charset = StandardCharsets.UTF_8;
      int bom = 0;
      if (head.length >= 3
          && (head[0] & 0xff) == 0xef
          && (head[1] & 0xff) == 0xbb
          && (head[2] & 0xff) == 0xbf) {
        bom = 3;
      } else if (head.length >= 2 && (head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff) {
        charset = StandardCharsets.UTF_16BE;
        bom = 2;
      } else if (head.length >= 2 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe) {
        charset = StandardCharsets.UTF_16LE;
        bom = 2;
      } else {
        String start = new String(head, StandardCharsets.ISO_8859_1);
        int declarationEnd = start.indexOf("?>");
        if (start.startsWith("<?xml") && declarationEnd > 0) {
          Matcher encoding = ENCODING.matcher(start.substring(0, declarationEnd));
          if (encoding.find()) {
            charset = charset(encoding.group(1));
          }
        }
      }
      bytes.skipNBytes(bom);
      Reader chars =
          new InputStreamReader(
              bytes,
              charset
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT));
      return new XmlRpcScanner(chars, maxTextChars);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  private static Charset charset(String name) throws XMLStreamException {
    try {
      return Charset.forName(name);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new XMLStreamException("the answer is in an unknown encoding '" + name + "'");
    }
  }

  /** How many chars of the answer were read so far: where an error was found. */
  long offset() {
    return shifted + pos;
  }

  /** The name of the element a START or END token opened or closed. */
  String name() {
    return name;
  }

  /** The text of a TEXT token, references resolved, line ends normalized to LF. */
  CharSequence text() {
    return text;
  }

  boolean textIsWhitespace() {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n') {
        return false;
      }
    }
    return true;
  }

  /** After a START token: whether the tag was an empty element ({@code <nil/>}). */
  boolean emptyElement() {
    return pendingEnd != null;
  }

  /**
   * The next token. Comments and processing instructions are skipped; a text between two tags is
   * one TEXT token (CDATA sections included), or several when a comment cuts it.
   */
  Token next() throws XMLStreamException {
    try {
      return nextToken();
    } catch (IOException e) {
      throw failure(e);
    }
  }

  private Token nextToken() throws IOException, XMLStreamException {
    text.setLength(0);
    if (pendingEnd != null) {
      name = pendingEnd;
      pendingEnd = null;
      return Token.END;
    }
    while (true) {
      if (!ensure(1)) {
        if (text.length() > 0) {
          return Token.TEXT;
        }
        if (!open.isEmpty()) {
          throw new XMLStreamException("the answer ends inside <" + open.peek() + ">");
        }
        if (!rootSeen) {
          throw new XMLStreamException("the answer is empty");
        }
        return Token.EOF;
      }
      char c = buf[pos];
      if (c == '<') {
        if (lookingAt("<!--")) {
          pos += 4;
          skipPast("-->", "a comment");
        } else if (lookingAt("<?")) {
          pos += 2;
          skipPast("?>", "a processing instruction");
        } else if (lookingAt("<![CDATA[")) {
          pos += 9;
          requireInsideRoot("a CDATA section");
          appendCdata();
        } else if (lookingAt("<!DOCTYPE")) {
          throw SecureXml.refuseDtd("the answer");
        } else if (lookingAt("<!")) {
          throw new XMLStreamException("the answer holds an unexpected '<!' declaration");
        } else if (text.length() > 0) {
          return Token.TEXT;
        } else {
          return tag();
        }
      } else if (c == '&') {
        requireInsideRoot("a reference");
        appendCodePoint(reference());
      } else {
        pos++;
        if (c == '\r') {
          if (ensure(1) && buf[pos] == '\n') {
            pos++;
          }
          c = '\n';
        } else if (c < 0x20 && c != '\t' && c != '\n') {
          throw new XMLStreamException(
              "the answer holds control character U+" + Integer.toHexString(c));
        }
        if (open.isEmpty() && c != ' ' && c != '\t' && c != '\n') {
          throw new XMLStreamException("the answer holds text outside its root element");
        }
        append(c);
      }
    }
  }

  private Token tag() throws IOException, XMLStreamException {
    pos++; // '<'
    if (ensure(1) && buf[pos] == '/') {
      pos++;
      name = readName();
      skipWhitespace();
      expect('>');
      String expected = open.poll();
      if (expected == null) {
        throw new XMLStreamException("the answer closes </" + name + ">, which was never opened");
      }
      if (!expected.equals(name)) {
        throw new XMLStreamException("expected </" + expected + ">, got </" + name + ">");
      }
      return Token.END;
    }
    name = readName();
    if (open.isEmpty() && rootSeen) {
      throw new XMLStreamException("the answer has a second root element <" + name + ">");
    }
    rootSeen = true;
    while (true) {
      skipWhitespace();
      if (!ensure(1)) {
        throw new XMLStreamException("the answer ends inside the tag <" + name + ">");
      }
      char c = buf[pos];
      if (c == '>') {
        pos++;
        open.push(name);
        return Token.START;
      }
      if (c == '/') {
        pos++;
        expect('>');
        pendingEnd = name;
        return Token.START;
      }
      skipAttribute();
    }
  }

  /** Attributes mean nothing in XML-RPC; they are checked for form and dropped. */
  private void skipAttribute() throws IOException, XMLStreamException {
    String attribute = readName();
    skipWhitespace();
    expect('=');
    skipWhitespace();
    if (!ensure(1) || (buf[pos] != '"' && buf[pos] != '\'')) {
      throw new XMLStreamException(
          "attribute " + attribute + " of <" + name + "> has no quoted value");
    }
    char quote = buf[pos++];
    while (true) {
      if (!ensure(1)) {
        throw new XMLStreamException("the answer ends inside the tag <" + name + ">");
      }
      char c = buf[pos++];
      if (c == quote) {
        return;
      }
      if (c == '<') {
        throw new XMLStreamException("attribute " + attribute + " of <" + name + "> holds '<'");
      }
    }
  }

  private String readName() throws IOException, XMLStreamException {
    int length = 0;
    char[] chars = new char[16];
    while (ensure(1)) {
      char c = buf[pos];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '>' || c == '/' || c == '='
          || c == '<' || c == '&' || c == '"' || c == '\'') {
        break;
      }
      if (length == MAX_NAME_CHARS) {
        throw new XMLStreamException(
            "the answer holds a name longer than " + MAX_NAME_CHARS + " chars");
      }
      if (length == chars.length) {
        chars = Arrays.copyOf(chars, length * 2);
      }
      chars[length++] = c;
      pos++;
    }
    if (length == 0) {
      throw new XMLStreamException("the answer holds a tag without a name");
    }
    return new String(chars, 0, length);
  }

  private void skipWhitespace() throws IOException {
    while (ensure(1)) {
      char c = buf[pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private void expect(char wanted) throws IOException, XMLStreamException {
    if (!ensure(1) || buf[pos] != wanted) {
      throw new XMLStreamException(
          "expected '" + wanted + "' in the tag <" + (name == null ? "" : name) + ">");
    }
    pos++;
  }

  private void requireInsideRoot(String what) throws XMLStreamException {
    if (open.isEmpty()) {
      throw new XMLStreamException("the answer holds " + what + " outside its root element");
    }
  }

  private void appendCdata() throws IOException, XMLStreamException {
    while (true) {
      if (!ensure(3)) {
        throw new XMLStreamException("the answer ends inside a CDATA section");
      }
      if (buf[pos] == ']' && buf[pos + 1] == ']' && buf[pos + 2] == '>') {
        pos += 3;
        return;
      }
      append(buf[pos++]);
    }
  }

  private void append(char c) throws XMLStreamException {
    if (text.length() >= maxTextChars) {
      throw new XMLStreamException("a scalar value longer than " + maxTextChars + " chars");
    }
    text.append(c);
  }

  private void appendCodePoint(int codePoint) throws XMLStreamException {
    if (Character.isBmpCodePoint(codePoint)) {
      append((char) codePoint);
    } else {
      append(Character.highSurrogate(codePoint));
      append(Character.lowSurrogate(codePoint));
    }
  }

  /** Resolves the reference at {@code pos} ({@code &lt;}, {@code &#60;}, …) and moves past it. */
  private int reference() throws IOException, XMLStreamException {
    ensure(MAX_REFERENCE_CHARS);
    // &lt; and &gt; come by the million in a pool body: no String for them.
    if (limit - pos >= 4 && buf[pos + 3] == ';' && buf[pos + 2] == 't') {
      if (buf[pos + 1] == 'l') {
        pos += 4;
        return '<';
      }
      if (buf[pos + 1] == 'g') {
        pos += 4;
        return '>';
      }
    }
    int end = -1;
    for (int i = pos + 1; i < limit && i < pos + MAX_REFERENCE_CHARS; i++) {
      if (buf[i] == ';') {
        end = i;
        break;
      }
    }
    if (end < 0) {
      throw new XMLStreamException("the answer holds a '&' that starts no reference");
    }
    String reference = new String(buf, pos + 1, end - pos - 1);
    pos = end + 1;
    switch (reference) {
      case "lt":
        return '<';
      case "gt":
        return '>';
      case "amp":
        return '&';
      case "quot":
        return '"';
      case "apos":
        return '\'';
      default:
        break;
    }
    if (reference.startsWith("#")) {
      int codePoint;
      try {
        codePoint =
            reference.startsWith("#x")
                ? Integer.parseInt(reference.substring(2), 16)
                : Integer.parseInt(reference.substring(1));
      } catch (NumberFormatException e) {
        codePoint = -1;
      }
      if (isXmlChar(codePoint)) {
        return codePoint;
      }
      throw new XMLStreamException("the answer holds &" + reference + ";, not an XML character");
    }
    throw new XMLStreamException(
        "the answer holds the entity &"
            + reference
            + ";, which is not declared (only the five"
            + " predefined ones are)");
  }

  private static boolean isXmlChar(int c) {
    return c == 0x9
        || c == 0xa
        || c == 0xd
        || (c >= 0x20 && c <= 0xd7ff)
        || (c >= 0xe000 && c <= 0xfffd)
        || (c >= 0x10000 && c <= 0x10ffff);
  }

  private boolean lookingAt(String s) throws IOException {
    if (!ensure(s.length())) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (buf[pos + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void skipPast(String terminator, String what) throws IOException, XMLStreamException {
    while (true) {
      if (!ensure(terminator.length())) {
        throw new XMLStreamException("the answer ends inside " + what);
      }
      if (lookingAt(terminator)) {
        pos += terminator.length();
        return;
      }
      pos++;
    }
  }

  /**
   * True when at least {@code count} chars are buffered after {@code pos}; reads more if needed.
   */
  private boolean ensure(int count) throws IOException {
    while (limit - pos < count) {
      if (eof) {
        return false;
      }
      if (pos > 0) {
        shifted += pos;
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
      }
      int read = in.read(buf, limit, buf.length - limit);
      if (read < 0) {
        eof = true;
      } else {
        limit += read;
      }
    }
    return true;
  }

  private static XMLStreamException failure(IOException e) {
    if (e instanceof CharacterCodingException) {
      return new XMLStreamException("the answer is not valid text in its encoding (" + e + ")", e);
    }
    return new XMLStreamException("reading the answer failed: " + e, e);
  }

  /**
   * Where the body string starts, just after {@code <value>}: {@code true} when the value is an
   * untyped text (XML-RPC's default string type), {@code false} when it has a type tag, which
   * {@link #next} then returns. Whitespace before either is dropped.
   */
  boolean atUntypedText() throws XMLStreamException {
    try {
      while (true) {
        skipWhitespace();
        if (lookingAt("<!--")) {
          pos += 4;
          skipPast("-->", "a comment");
        } else {
          return ensure(1) && (buf[pos] != '<' || lookingAt("<![CDATA["));
        }
      }
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /**
   * The text of the open element (positioned just after its start tag, or at its untyped text) as a
   * Reader, unescaped on the fly; the Reader ends at the element's end tag and consumes it.
   */
  BodyReader body() {
    return new BodyReader(open.peek());
  }

  /** The escaped text of one element, unescaped while read. Errors are IOExceptions. */
  final class BodyReader extends Reader {
    private final String closing;
    private boolean ended;
    private boolean inCdata;
    private char pendingLowSurrogate;

    private BodyReader(String closing) {
      this.closing = closing;
    }

    @Override
    public int read(char[] target, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (ended) {
        return -1;
      }
      int n = 0;
      if (pendingLowSurrogate != 0) {
        target[off] = pendingLowSurrogate;
        pendingLowSurrogate = 0;
        n = 1;
      }
      while (n < len) {
        if (pos == limit && !ensure(1)) {
          throw new IOException("the answer ends inside <" + closing + ">");
        }
        char[] b = buf;
        int start = pos;
        int stop = Math.min(limit, start + (len - n));
        int p = start;
        if (inCdata) {
          while (p < stop && b[p] != ']') {
            p++;
          }
        } else {
          while (p < stop) {
            char c = b[p];
            if (c == '<' || c == '&') {
              break;
            }
            p++;
          }
        }
        if (p > start) {
          System.arraycopy(b, start, target, off + n, p - start);
          n += p - start;
          pos = p;
        } else if (p < stop) {
          n += special(target, off + n, len - n);
          if (ended) {
            break;
          }
        }
      }
      return n == 0 && ended ? -1 : n;
    }

    /** Handles the '<', '&' or (in CDATA) ']' at {@code pos}; returns the chars it wrote. */
    private int special(char[] target, int at, int room) throws IOException {
      try {
        char c = buf[pos];
        if (inCdata) {
          if (lookingAt("]]>")) {
            pos += 3;
            inCdata = false;
            return 0;
          }
          pos++;
          target[at] = c;
          return 1;
        }
        if (c == '&') {
          int codePoint = reference();
          if (Character.isBmpCodePoint(codePoint)) {
            target[at] = (char) codePoint;
            return 1;
          }
          target[at] = Character.highSurrogate(codePoint);
          if (room > 1) {
            target[at + 1] = Character.lowSurrogate(codePoint);
            return 2;
          }
          pendingLowSurrogate = Character.lowSurrogate(codePoint);
          return 1;
        }
        if (lookingAt("<![CDATA[")) {
          pos += 9;
          inCdata = true;
        } else if (lookingAt("<!--")) {
          pos += 4;
          skipPast("-->", "a comment");
        } else if (lookingAt("<?")) {
          pos += 2;
          skipPast("?>", "a processing instruction");
        } else if (lookingAt("</")) {
          pos += 2;
          String closed = readName();
          skipWhitespace();
          expect('>');
          if (!closed.equals(closing)) {
            throw new XMLStreamException("expected </" + closing + ">, got </" + closed + ">");
          }
          open.pop();
          name = closed;
          ended = true;
        } else {
          pos++;
          throw new XMLStreamException(
              "unexpected <" + readName() + "> inside the answer body string");
        }
        return 0;
      } catch (XMLStreamException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    /** Consumes what the body parser left (trailing whitespace) up to the closing tag. */
    void drain() throws XMLStreamException {
      char[] discard = new char[1 << 12];
      try {
        while (read(discard, 0, discard.length) >= 0) {
          // discarded
        }
      } catch (IOException e) {
        throw e.getCause() instanceof XMLStreamException x ? x : failure(e);
      }
    }

    @Override
    public void close() {
      // The scanner owns the stream.
    }
  }
}
