package io.onescaphandre.operator.opennebula;

import java.io.StringReader;
import java.net.URL;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

/**
 * Validates fixtures against OpenNebula's XSDs (copied to src/test/resources/opennebula-xsd). The
 * schemas declare the namespace http://opennebula.org/XMLSchema that oned's answers omit, so the
 * namespace is added to the root element before validating.
 */
final class XsdValidation {
  static final String NAMESPACE = "http://opennebula.org/XMLSchema";

  private XsdValidation() {}

  static void validate(String xml, String xsdFile) throws Exception {
    URL schemaUrl = XsdValidation.class.getResource("/opennebula-xsd/" + xsdFile);
    if (schemaUrl == null) {
      throw new IllegalStateException("missing XSD " + xsdFile);
    }
    SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
    Schema schema = factory.newSchema(schemaUrl);
    schema.newValidator().validate(new StreamSource(new StringReader(withNamespace(xml))));
  }

  /** {@code <HOST_POOL>} becomes {@code <HOST_POOL xmlns="…">}; children inherit it. */
  static String withNamespace(String xml) {
    int rootStart = xml.indexOf('<');
    while (xml.startsWith("<?", rootStart) || xml.startsWith("<!", rootStart)) {
      rootStart = xml.indexOf('<', rootStart + 1);
    }
    int nameEnd = rootStart + 1;
    while (nameEnd < xml.length() && "/> \t\r\n".indexOf(xml.charAt(nameEnd)) < 0) {
      nameEnd++;
    }
    return xml.substring(0, nameEnd) + " xmlns=\"" + NAMESPACE + "\"" + xml.substring(nameEnd);
  }
}
