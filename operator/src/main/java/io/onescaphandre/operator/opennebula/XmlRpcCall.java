package io.onescaphandre.operator.opennebula;

import java.util.List;
import java.util.Map;

/**
 * Encodes an XML-RPC {@code methodCall}; parameters are String, Integer, Boolean or List of those.
 */
final class XmlRpcCall {
  private XmlRpcCall() {}

  static String encode(String method, List<?> params) {
    StringBuilder xml = new StringBuilder(256);
    xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodCall><methodName>");
    escape(method, xml);
    xml.append("</methodName><params>");
    for (Object param : params) {
      xml.append("<param>");
      appendValue(param, xml);
      xml.append("</param>");
    }
    xml.append("</params></methodCall>\n");
    return xml.toString();
  }

  private static void appendValue(Object value, StringBuilder xml) {
    xml.append("<value>");
    if (value instanceof String text) {
      xml.append("<string>");
      escape(text, xml);
      xml.append("</string>");
    } else if (value instanceof Integer number) {
      xml.append("<i4>").append(number).append("</i4>");
    } else if (value instanceof Boolean flag) {
      xml.append("<boolean>").append(flag ? '1' : '0').append("</boolean>");
    } else if (value instanceof List<?> list) {
      xml.append("<array><data>");
      for (Object item : list) {
        appendValue(item, xml);
      }
      xml.append("</data></array>");
    } else if (value instanceof Map<?, ?> struct) {
      xml.append("<struct>");
      for (Map.Entry<?, ?> member : struct.entrySet()) {
        xml.append("<member><name>");
        escape(String.valueOf(member.getKey()), xml);
        xml.append("</name>");
        appendValue(member.getValue(), xml);
        xml.append("</member>");
      }
      xml.append("</struct>");
    } else {
      throw new IllegalArgumentException(
          "XML-RPC parameter of unsupported type " + (value == null ? "null" : value.getClass()));
    }
    xml.append("</value>");
  }

  static void escape(String text, StringBuilder out) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            throw new IllegalArgumentException(
                "XML-RPC string holds control character U+" + Integer.toHexString(c));
          }
          out.append(c);
        }
      }
    }
  }
}
