package io.onescaphandre.operator.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
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
}
