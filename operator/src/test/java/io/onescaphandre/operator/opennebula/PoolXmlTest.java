package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import javax.xml.stream.XMLStreamException;
import org.junit.jupiter.api.Test;

/** Leaf values as the pool parsers read them. */
class PoolXmlTest {

  private static OneVm onlyVm(String vmChildren) throws XMLStreamException {
    return VmPoolParser.parse(new StringReader("<VM_POOL><VM>" + vmChildren + "</VM></VM_POOL>"))
        .get(0);
  }

  @Test
  void textInSeveralPiecesIsJoinedAndStripped() throws XMLStreamException {
    OneVm vm =
        onlyVm(
            "<ID> 7\n</ID><NAME>\n a &lt;b&gt; <![CDATA[& c]]><!-- x --> d&#233; </NAME>"
                + "<UNAME><![CDATA[alice]]></UNAME><GNAME></GNAME><STATE>3</STATE><LCM_STATE>3</LCM_STATE>"
                + "<HISTORY_RECORDS><HISTORY><SEQ>0</SEQ><HID>4</HID><VM_MAD><![CDATA[kvm]]></VM_MAD></HISTORY>"
                + "</HISTORY_RECORDS>");

    assertThat(vm).isEqualTo(new OneVm(7, "a <b> & c d\u00e9", "alice", "", 3, 3, 4, "kvm"));
  }

  @Test
  void anElementWhereTextBelongsIsMalformed() {
    assertThatThrownBy(() -> onlyVm("<ID>1</ID><NAME>a<B/>b</NAME>"))
        .isInstanceOf(XMLStreamException.class)
        .hasMessageContaining("<B> inside an element that should hold only text");
  }

  @Test
  void aNonIntegerIdIsMalformedAndNamed() {
    assertThatThrownBy(() -> onlyVm("<ID>1x</ID>"))
        .isInstanceOf(XMLStreamException.class)
        .hasMessageContaining("<ID> holds '1x', not an integer");
  }
}
