package io.onescaphandre.agent.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The agent's data flows one way: sources (rapl, proc, cgroup, the kernel files below them) ->
 * consumers (what a process belongs to) -> attribution -> sampling (the snapshot) -> exporters
 * (metrics, and the OpenNebula probes' feed) -> web; the command line on top wires them. {@code
 * init} is a command of its own beside that flow. The simulation (simulated RAPL, /proc and cgroup
 * trees) and the demo are modules of their own that no production class may use.
 */
class AgentArchitectureTest {
  private static final JavaClasses AGENT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.onescaphandre.agent");

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.onescaphandre.agent.(*)..").should().beFreeOfCycles().check(AGENT);
  }

  @Test
  void dataFlowsOneWay() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("Commands")
        .definedBy("io.onescaphandre.agent")
        .layer("Init")
        .definedBy("io.onescaphandre.agent.init..")
        .layer("Web")
        .definedBy("io.onescaphandre.agent.web..")
        .layer("Exporter")
        .definedBy("io.onescaphandre.agent.metrics..", "io.onescaphandre.agent.opennebula..")
        .layer("Sampling")
        .definedBy("io.onescaphandre.agent.sampling..")
        .layer("Attribution")
        .definedBy("io.onescaphandre.agent.attribution..")
        .layer("Consumers")
        .definedBy("io.onescaphandre.agent.consumer..")
        .layer("Sources")
        .definedBy(
            "io.onescaphandre.agent.rapl..",
            "io.onescaphandre.agent.proc..",
            "io.onescaphandre.agent.cgroup..",
            "io.onescaphandre.agent.power..")
        .layer("KernelFiles")
        .definedBy("io.onescaphandre.agent.pseudofs..")
        .whereLayer("Commands")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Init")
        .mayOnlyBeAccessedByLayers("Commands")
        .whereLayer("Web")
        .mayOnlyBeAccessedByLayers("Commands")
        .whereLayer("Exporter")
        .mayOnlyBeAccessedByLayers("Web", "Commands")
        .whereLayer("Sampling")
        .mayOnlyBeAccessedByLayers("Exporter", "Web", "Commands")
        .whereLayer("Attribution")
        .mayOnlyBeAccessedByLayers("Sampling", "Exporter", "Commands")
        .whereLayer("Consumers")
        .mayOnlyBeAccessedByLayers("Sources", "Attribution", "Sampling", "Exporter", "Commands")
        .whereLayer("Sources")
        .mayOnlyBeAccessedByLayers("Sampling", "Exporter", "Init", "Commands")
        .whereLayer("KernelFiles")
        .mayOnlyBeAccessedByLayers("Sources", "Sampling", "Init", "Commands")
        .check(AGENT);
  }

  @Test
  void theAgentCarriesNoYamlAndNoKubernetesClient() {
    // The plain Prometheus job is the operator's (its YAML library is optional in contracts).
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.onescaphandre.contracts.prometheus..",
            "io.onescaphandre.operator..",
            "io.fabric8..",
            "com.fasterxml.jackson.dataformat.yaml..")
        .check(AGENT);
  }

  @Test
  void noProductionClassUsesTheSimulationOrTheDemo() {
    // The simulated trees are test support (test scope here): the production jar measures real
    // hardware only, and a simulated counter can never reach a bill.
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.onescaphandre.simulation..", "io.onescaphandre.demo..")
        .because("the agent jar must carry no simulation (issue 19)")
        .check(AGENT);
  }
}
