package io.onescaphandre.operator.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.fabric8.kubernetes.client.CustomResource;
import org.junit.jupiter.api.Test;

/** Structure the build enforces on the operator (issue 19). */
class OperatorArchitectureTest {
  private static final JavaClasses OPERATOR =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.onescaphandre.operator");

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.onescaphandre.operator.(*)..").should().beFreeOfCycles().check(OPERATOR);
  }

  @Test
  void theCrdTypesDependOnNothingOfTheReconciler() {
    // The CR classes are the API: the model, its annotations and the shared grammars, nothing else.
    // Of the client, only CustomResource, the base class every CR class must extend.
    classes()
        .that()
        .resideInAPackage("io.onescaphandre.operator.api..")
        .should()
        .onlyDependOnClassesThat(
            resideInAnyPackage(
                    "io.onescaphandre.operator.api..",
                    "io.onescaphandre.contracts..",
                    "io.fabric8.kubernetes.api.model..",
                    "io.fabric8.kubernetes.model..",
                    "io.fabric8.generator.annotation..",
                    "io.fabric8.crd.generator.annotation..",
                    "com.fasterxml.jackson.annotation..",
                    "java..")
                .or(equivalentTo(CustomResource.class)))
        .check(OPERATOR);
  }

  @Test
  void noProductionClassUsesTheDemoTheSimulationOrTheMockServer() {
    // The demo, its embedded API server (Fabric8's mock server) and the simulated RAPL tree are a
    // module and jar of their own (demo, simulation); the mock server is on the operator's test
    // class path only, for the mock-server tier.
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.onescaphandre.demo..",
            "io.onescaphandre.simulation..",
            "io.fabric8.kubernetes.client.server.mock..",
            "io.fabric8.mockwebserver..")
        .because("the production operator jar must carry neither the demo nor the mock server")
        .check(OPERATOR);
  }
}
