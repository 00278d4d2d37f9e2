package io.onescaphandre.contracts.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The contracts depend on neither side, nor on what would make the agent large. */
class ContractsArchitectureTest {
  private static final JavaClasses CONTRACTS =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.onescaphandre.contracts");

  @Test
  void dependOnNeitherTheOperatorNorTheAgent() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.onescaphandre.operator..", "io.onescaphandre.agent..")
        .check(CONTRACTS);
  }

  @Test
  void carryNoKubernetesClientOrOperatorFramework() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.fabric8..", "io.javaoperatorsdk..", "io.micrometer..")
        .check(CONTRACTS);
  }

  @Test
  void onlyThePlainJobWritesYaml() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.onescaphandre.contracts.prometheus..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.fasterxml.jackson.dataformat.yaml..")
        .check(CONTRACTS);
  }

  @Test
  void packagesHaveNoCycles() {
    slices()
        .matching("io.onescaphandre.contracts.(*)..")
        .should()
        .beFreeOfCycles()
        .check(CONTRACTS);
  }
}
