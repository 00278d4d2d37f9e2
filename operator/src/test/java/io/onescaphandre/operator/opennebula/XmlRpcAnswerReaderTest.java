package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onescaphandre.operator.opennebula.OpenNebulaException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The XML-RPC envelope scanner: what the body parser gets out of the answer's string. */
class XmlRpcAnswerReaderTest {
  private static final String HEAD =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>"
          + "<params><param><value><array><data><value><boolean>1</boolean></value><value>";
  private static final String TAIL =
      "</value><value><i4>0</i4></value></data></array></value></param></params></methodResponse>\r\n";

  private static String whole(Reader body) throws IOException {
    StringBuilder text = new StringBuilder();
    char[] buffer = new char[8192];
    for (int n; (n = body.read(buffer, 0, buffer.length)) >= 0; ) {
      text.append(buffer, 0, n);
    }
    return text.toString();
  }

  /** Reads one char per call, so that every boundary case of the Reader is crossed. */
  private static String charByChar(Reader body) throws IOException {
    StringBuilder text = new StringBuilder();
    char[] one = new char[1];
    for (int n; (n = body.read(one, 0, 1)) >= 0; ) {
      assertThat(n).isEqualTo(1);
      text.append(one[0]);
    }
    return text.toString();
  }

  private static String body(String answer) {
    return body(answer, StandardCharsets.UTF_8);
  }

  private static String body(String answer, Charset charset) {
    byte[] bytes = answer.getBytes(charset);
    String bulk =
        XmlRpcAnswerReader.read(
            new ByteArrayInputStream(bytes),
            "m",
            b -> {
              try {
                return whole(b);
              } catch (IOException e) {
                throw new javax.xml.stream.XMLStreamException(e.getMessage(), e);
              }
            });
    String single =
        XmlRpcAnswerReader.read(
            new ByteArrayInputStream(bytes),
            "m",
            b -> {
              try {
                return charByChar(b);
              } catch (IOException e) {
                throw new javax.xml.stream.XMLStreamException(e.getMessage(), e);
              }
            });
    assertThat(single).isEqualTo(bulk);
    return bulk;
  }

  private static OpenNebulaException failure(String answer) {
    try {
      XmlRpcAnswerReader.read(
          new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)),
          "m",
          XmlRpcAnswerReaderTest::whole0);
    } catch (OpenNebulaException e) {
      return e;
    }
    throw new AssertionError("no failure for " + answer);
  }

  private static String whole0(Reader body) throws javax.xml.stream.XMLStreamException {
    try {
      return whole(body);
    } catch (IOException e) {
      throw new javax.xml.stream.XMLStreamException(e.getMessage(), e);
    }
  }

  @Test
  void unescapesEveryPredefinedEntityAndCharacterReferences() {
    assertThat(
            body(
                HEAD
                    + "<string>&lt;A x=&quot;1&quot; y=&apos;2&apos;&gt;a &amp;amp; b&#233;&#xE9;"
                    + "&#x1F600;&lt;/A&gt;</string>"
                    + TAIL))
        .isEqualTo("<A x=\"1\" y='2'>a &amp; b\u00e9\u00e9\uD83D\uDE00</A>");
  }

  @Test
  void cdataAndCommentsInsideTheStringAreHandledLikeAnXmlParserWould() {
    assertThat(
            body(
                HEAD
                    + "<string>&lt;A&gt;<![CDATA[<B>&amp;]]]]><!-- gone --><?pi gone?>&lt;/A&gt;"
                    + "</string>"
                    + TAIL))
        .isEqualTo("<A><B>&amp;]]</A>");
  }

  @Test
  void anUntypedValueEndsAtItsValueTagAndKeepsNonAsciiText() {
    assertThat(body(HEAD + "&lt;P n=\"\u00fc\u4e2d\"/&gt;" + TAIL))
        .isEqualTo("<P n=\"\u00fc\u4e2d\"/>");
  }

  @Test
  void aBodyLongerThanTheBufferArrivesWhole() {
    String element = "<VM><ID>1</ID><NAME>caf\u00e9 &amp; co</NAME></VM>";
    String pool = "<VM_POOL>" + element.repeat(20_000) + "</VM_POOL>";
    assertThat(pool.length()).isGreaterThan(4 << 16);
    assertThat(body(OpenNebulaFixtures.success(pool))).isEqualTo(pool);
  }

  @Test
  void theEncodingOfTheXmlDeclarationIsHonoured() {
    String answer = HEAD.replace("UTF-8", "ISO-8859-1") + "<string>caf\u00e9</string>" + TAIL;
    assertThat(body(answer, StandardCharsets.ISO_8859_1)).isEqualTo("caf\u00e9");
  }

  @Test
  void bytesThatAreNotUtf8AreMalformedNotReplaced() {
    byte[] latin1 =
        (HEAD + "<string>caf\u00e9</string>" + TAIL).getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(
            () ->
                XmlRpcAnswerReader.read(
                    new ByteArrayInputStream(latin1), "m", XmlRpcAnswerReaderTest::whole0))
        .isInstanceOfSatisfying(
            OpenNebulaException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED_ANSWER));
  }

  @Test
  void anUndeclaredEntityIsRefused() {
    assertThat(failure(HEAD + "<string>&lt;A&gt;&xxe;&lt;/A&gt;</string>" + TAIL).getMessage())
        .contains("&xxe;")
        .contains("not declared");
    assertThat(
            failure(HEAD.replace("<boolean>1", "<boolean>&nope;1") + "<string/>" + TAIL)
                .getMessage())
        .contains("&nope;");
  }

  @Test
  void aCharacterReferenceToANonXmlCharacterIsRefused() {
    assertThat(failure(HEAD + "<string>a&#1;b</string>" + TAIL).getMessage()).contains("&#1;");
  }

  @Test
  void anElementInsideTheStringIsRefused() {
    assertThat(failure(HEAD + "<string>&lt;A/&gt;<b>x</b></string>" + TAIL).getMessage())
        .contains("unexpected <b> inside the answer body string");
  }

  @Test
  void anEmptyBodyIsRefused() {
    assertThat(failure(HEAD + "<string/>" + TAIL).getMessage())
        .contains("the answer body is empty");
    assertThat(failure(HEAD + "  " + TAIL).getMessage()).contains("the answer body is empty");
  }

  @Test
  void tagsThatDoNotNestAreRefused() {
    assertThat(failure(HEAD + "<string>x</value>" + TAIL).getMessage())
        .contains("expected </string>, got </value>");
    assertThat(
            failure(HEAD + "<string>x</string>" + TAIL.replace("</data>", "</dada>")).getMessage())
        .contains("expected </data>, got </dada>");
  }

  @Test
  void anAnswerCutAfterTheBodyIsMalformed() {
    String full = HEAD + "<string>x</string>" + TAIL;
    assertThat(body(full)).isEqualTo("x");
    assertThat(failure(full.substring(0, full.indexOf("</data>"))).getMessage())
        .contains("the answer ends inside <data>");
  }

  @Test
  void textOrASecondRootAfterTheAnswerIsMalformed() {
    String full = HEAD + "<string>x</string>" + TAIL;
    assertThat(failure(full + "junk").getMessage()).contains("text outside its root element");
    assertThat(failure(full + "<methodResponse/>").getMessage()).contains("second root element");
  }

  @Test
  void aDoctypeIsRefusedBeforeAnyEntityIsRead() {
    String answer =
        "<?xml version=\"1.0\"?><!DOCTYPE methodResponse [<!ENTITY a \"b\">]>"
            + HEAD.substring(HEAD.indexOf("<methodResponse>"))
            + "<string>&a;</string>"
            + TAIL;
    assertThat(failure(answer).getMessage()).contains("DOCTYPE declaration, which is refused");
  }

  @Test
  void faultsAndErrorAnswersStillCarryTheirStructAndCode() {
    OpenNebulaException fault = failure(OpenNebulaFixtures.noSuchMethodFault("one.x.y"));
    assertThat(fault.kind()).isEqualTo(Kind.NO_SUCH_METHOD);
    assertThat(fault.getMessage()).contains("fault -506").contains("Method 'one.x.y' not defined");

    OpenNebulaException error = failure(OpenNebulaFixtures.error("[one.x] <denied> & gone", 512));
    assertThat(error.kind()).isEqualTo(Kind.AUTHORIZATION);
    assertThat(error.getMessage()).contains("[one.x] <denied> & gone");
  }

  @Test
  void attributesCommentsAndWhitespaceInTheEnvelopeAreTolerated() {
    String answer =
        "\uFEFF<?xml version='1.0'?>\n<!-- oned -->\n<methodResponse a=\"1\" b='2'>\n"
            + "<params>\n<param>\n<value>\n<array>\n<data>\n<value><boolean>1</boolean></value>\n"
            + "<value><string><![CDATA[<VM_POOL/>]]></string></value>\n<value><i4>0</i4></value>\n"
            + "</data>\n</array>\n</value>\n</param>\n</params>\n</methodResponse >\n<!-- end -->\n";
    assertThat(body(answer)).isEqualTo("<VM_POOL/>");
  }

  @Test
  void thePoolParsersReadTheScannersBody() {
    List<OneVm> vms =
        XmlRpcAnswerReader.read(
            new ByteArrayInputStream(
                OpenNebulaFixtures.success(OpenNebulaFixtures.vmPoolShort(OpenNebulaFixtures.VMS))
                    .getBytes(StandardCharsets.UTF_8)),
            "one.vmpool.info",
            VmPoolParser::parse);
    assertThat(vms).hasSize(OpenNebulaFixtures.VMS.size());
    assertThat(vms.get(1))
        .isEqualTo(new OneVm(41, "db <primary> & co", "bob", "oneadmin", 3, 3, 3, "kvm"));
  }
}
