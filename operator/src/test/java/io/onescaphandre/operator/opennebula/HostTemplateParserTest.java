package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostTemplateParserTest {

  @Test
  void readsSingleAttributesAndSkipsVectors() throws Exception {
    StringBuilder host = new StringBuilder();
    OpenNebulaFixtures.appendHost(OpenNebulaFixtures.HOSTS.get(0), host);
    String xml =
        host.toString()
            .replace(
                "<RESERVED_CPU><![CDATA[]]></RESERVED_CPU>",
                "<PCI><ADDRESS><![CDATA[0000:00:02:0]]></ADDRESS><CLASS><![CDATA[0300]]></CLASS></PCI>"
                    + "<POWER_W><![CDATA[212.4]]></POWER_W><ZEBRA>z</ZEBRA>");
    assertThatCode(() -> XsdValidation.validate(xml, "host.xsd")).doesNotThrowAnyException();
    assertThat(HostTemplateParser.parse(new StringReader(xml)))
        .containsEntry("POWER_W", "212.4")
        .containsEntry("HOSTNAME", "kvm-a.example.org")
        .containsEntry("ZEBRA", "z")
        .doesNotContainKey("PCI")
        .doesNotContainKey("ADDRESS");
  }

  @Test
  void refusesAnotherDocument() {
    assertThatThrownBy(
            () ->
                HostTemplateParser.parse(
                    new StringReader(
                        OpenNebulaFixtures.hostPool(List.of(OpenNebulaFixtures.HOSTS.get(0))))))
        .hasMessageContaining("expected <HOST>");
  }
}
