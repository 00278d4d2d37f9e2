package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.xml.stream.XMLStreamException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hardening of the parsers of OpenNebula's documents (the body string of an answer), whatever
 * StAX implementation {@link SecureXml} is given: no DTD, no entity but the predefined ones,
 * nothing fetched or read from disk. The XML-RPC envelope has its own tests
 * (XmlRpcAnswerReaderTest, XmlRpcOpenNebulaClientTest); these are the documents inside it, read by
 * StAX.
 */
class SecureXmlTest {
  /** One of the three document parsers, each opening its reader through SecureXml. */
  @FunctionalInterface
  interface DocumentParser {
    Object parse(String document) throws XMLStreamException;
  }

  /** A parser and a document it accepts, with {@code %s} where a name's text goes. */
  record Case(DocumentParser parser, String document) {
    Object parseWithName(String text) throws XMLStreamException {
      return parser.parse(document.formatted(text));
    }
  }

  static Stream<Named<Case>> parsers() {
    return Stream.of(
        Named.of(
            "host pool",
            new Case(
                d -> HostPoolParser.parse(new StringReader(d)),
                "<HOST_POOL><HOST><ID>1</ID><NAME>%s</NAME></HOST></HOST_POOL>")),
        Named.of(
            "VM pool",
            new Case(
                d -> VmPoolParser.parse(new StringReader(d)),
                "<VM_POOL><VM><ID>1</ID><NAME>%s</NAME></VM></VM_POOL>")),
        Named.of(
            "host template",
            new Case(
                d -> HostTemplateParser.parse(new StringReader(d)),
                "<HOST><ID>1</ID><TEMPLATE><A>%s</A></TEMPLATE></HOST>")));
  }

  @TempDir Path dir;
  private HttpServer server;
  private final AtomicInteger fetches = new AtomicInteger();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          fetches.incrementAndGet();
          byte[] dtd = "<!ENTITY leaked \"FETCHED-MARKER\">".getBytes();
          exchange.sendResponseHeaders(200, dtd.length);
          exchange.getResponseBody().write(dtd);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @ParameterizedTest
  @MethodSource("parsers")
  void anInternalSubsetIsRefusedBeforeItsEntityIsExpanded(Case parser) {
    String document =
        "<!DOCTYPE HOST_POOL [<!ENTITY a \"EXPANDED-MARKER\">]><HOST_POOL><HOST><ID>1</ID>"
            + "<NAME>&a;</NAME></HOST></HOST_POOL>";
    assertThatThrownBy(() -> parser.parser().parse(document))
        .isInstanceOf(XMLStreamException.class)
        .hasMessageContaining("DOCTYPE declaration, which is refused")
        .hasMessageNotContaining("EXPANDED-MARKER");
  }

  @ParameterizedTest
  @MethodSource("parsers")
  void anExternalEntityIsNeitherReadNorFetched(Case parser) throws IOException {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET-MARKER");
    String document =
        "<!DOCTYPE HOST [<!ENTITY file SYSTEM \""
            + secret.toUri()
            + "\"><!ENTITY web SYSTEM \""
            + url("/entity")
            + "\">]><HOST><ID>1</ID><TEMPLATE><A>&file;&web;</A></TEMPLATE></HOST>";
    assertThatThrownBy(() -> parser.parser().parse(document))
        .isInstanceOf(XMLStreamException.class)
        .hasMessageNotContaining("TOP-SECRET-MARKER");
    assertThat(fetches).hasValue(0);
  }

  @ParameterizedTest
  @MethodSource("parsers")
  void anExternalDtdOrParameterEntityIsNotFetched(Case parser) {
    String externalDtd = "<!DOCTYPE HOST SYSTEM \"" + url("/evil.dtd") + "\"><HOST/>";
    String parameterEntity =
        "<!DOCTYPE HOST [<!ENTITY % p SYSTEM \"" + url("/p.dtd") + "\"> %p;]><HOST/>";
    assertThatThrownBy(() -> parser.parser().parse(externalDtd))
        .isInstanceOf(XMLStreamException.class);
    assertThatThrownBy(() -> parser.parser().parse(parameterEntity))
        .isInstanceOf(XMLStreamException.class);
    assertThat(fetches).as("requests to the DTD server").hasValue(0);
  }

  @ParameterizedTest
  @MethodSource("parsers")
  void aBillionLaughsIsRefusedNotExpanded(Case parser) {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE VM_POOL [<!ENTITY lol \"lol\">");
    for (int i = 1; i <= 9; i++) {
      dtd.append("<!ENTITY lol")
          .append(i)
          .append(" \"")
          .append(("&lol" + (i == 1 ? "" : String.valueOf(i - 1)) + ";").repeat(10))
          .append("\">");
    }
    String document = dtd + "]><VM_POOL><VM><ID>1</ID><NAME>&lol9;</NAME></VM></VM_POOL>";
    assertThatThrownBy(() -> parser.parser().parse(document))
        .isInstanceOf(XMLStreamException.class)
        .hasMessageContaining("DOCTYPE declaration, which is refused");
  }

  @ParameterizedTest
  @MethodSource("parsers")
  void anUndeclaredEntityIsAnErrorNotSilentlyDropped(Case parser) throws XMLStreamException {
    assertThat(parser.parseWithName("kvm")).as("the document without it parses").isNotNull();
    assertThatThrownBy(() -> parser.parseWithName("kvm&xxe;"))
        .isInstanceOf(XMLStreamException.class);
  }

  @Test
  void thePredefinedEntitiesAndCharacterReferencesStillWork() throws XMLStreamException {
    assertThat(
            HostTemplateParser.parse(
                new StringReader(
                    "<HOST><ID>1</ID><TEMPLATE><A>&lt;a&amp;b&gt;&quot;&apos;&#x41;&#66;</A>"
                        + "</TEMPLATE></HOST>")))
        .containsEntry("A", "<a&b>\"'AB");
  }
}
