package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xml.sax.SAXParseException;

/** The fixtures fed to the client are what OpenNebula's own schemas describe. */
class FixtureSchemaTest {

  @Test
  void hostPoolFixtureValidatesAgainstHostPoolXsd() {
    assertThatCode(
            () ->
                XsdValidation.validate(
                    OpenNebulaFixtures.hostPool(OpenNebulaFixtures.HOSTS), "host_pool.xsd"))
        .doesNotThrowAnyException();
  }

  @Test
  void emptyHostPoolValidates() {
    assertThatCode(() -> XsdValidation.validate("<HOST_POOL/>", "host_pool.xsd"))
        .doesNotThrowAnyException();
  }

  @Test
  void extendedVmPoolFixtureValidatesAgainstVmPoolExtendedXsd() {
    assertThatCode(
            () ->
                XsdValidation.validate(
                    OpenNebulaFixtures.vmPoolExtended(OpenNebulaFixtures.VMS),
                    "vm_pool_extended.xsd"))
        .doesNotThrowAnyException();
  }

  @Test
  void shortVmPoolFixtureValidatesAgainstVmPoolXsd() {
    assertThatCode(
            () ->
                XsdValidation.validate(
                    OpenNebulaFixtures.vmPoolShort(OpenNebulaFixtures.VMS), "vm_pool.xsd"))
        .doesNotThrowAnyException();
  }

  @Test
  void validationRejectsAHostWithoutName() {
    // Proves the validation is not vacuous: remove a required element and it fails.
    String broken =
        OpenNebulaFixtures.hostPool(List.of(OpenNebulaFixtures.HOSTS.get(0)))
            .replace("<NAME>kvm-a.example.org</NAME>", "");
    assertThatThrownBy(() -> XsdValidation.validate(broken, "host_pool.xsd"))
        .isInstanceOf(SAXParseException.class);
  }

  @Test
  void validationRejectsAnExtendedVmInAShortPool() {
    String extended = OpenNebulaFixtures.vmPoolExtended(OpenNebulaFixtures.VMS);
    assertThatThrownBy(() -> XsdValidation.validate(extended, "vm_pool.xsd"))
        .isInstanceOf(SAXParseException.class);
  }
}
