package io.onescaphandre.e2e.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The parts of one-scaphandre that the phases exercise, which are written in parallel and land on
 * main one by one. A phase whose part is not there yet is SKIPPED with a message starting {@value
 * #MISSING}, which run.sh lists at the end: never silently.
 *
 * <p>A part counts as present only when it does what the contract in docs/interfaces.md says, not
 * when a placeholder file exists: the jars must answer {@code run --help} with their flags.
 */
public final class Parts {
  public static final String MISSING = "MISSING PART: ";
  private static final Map<String, Boolean> CHECKED = new ConcurrentHashMap<>();

  private Parts() {}

  public static Path operatorJar() {
    return E2e.repoRoot().resolve("operator/target/one-scaphandre-operator.jar");
  }

  public static Path agentJar() {
    return E2e.repoRoot().resolve("agent-daemonset/target/one-scaphandre-agent.jar");
  }

  public static Path crdsDir() {
    return E2e.repoRoot().resolve("crds");
  }

  public static Path chartDir() {
    return E2e.repoRoot().resolve("helm/one-scaphandre");
  }

  /** The ScaphandreMonitor CRD file generated into crds/, if any. */
  public static Path scaphandreMonitorCrd() {
    if (!Files.isDirectory(crdsDir())) {
      return null;
    }
    try (Stream<Path> files = Files.list(crdsDir())) {
      return files
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .filter(Parts::definesScaphandreMonitors)
          .findFirst()
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  public static void assumeOperator() {
    assumeTrue(
        scaphandreMonitorCrd() != null,
        MISSING
            + "operator CRD (no CustomResourceDefinition of scaphandremonitors in "
            + crdsDir()
            + ")");
    assumeTrue(
        answersHelp(operatorJar(), "run", "Usage"),
        MISSING + "operator (" + operatorJar() + " run --help does not answer with its usage)");
  }

  public static void assumeOperatorRender() {
    assumeTrue(
        answersHelp(operatorJar(), "generate-conf", "Usage"),
        MISSING + "operator generate-conf (" + operatorJar() + " generate-conf --help)");
  }

  public static void assumeAgent() {
    assumeTrue(
        answersHelp(agentJar(), "run", "--path.sysfs"),
        MISSING + "agent (" + agentJar() + " run --help does not list --path.sysfs)");
  }

  public static void assumeChart() {
    assumeTrue(
        Files.isRegularFile(chartDir().resolve("Chart.yaml")),
        MISSING + "Helm chart (" + chartDir().resolve("Chart.yaml") + ")");
  }

  private static boolean definesScaphandreMonitors(Path file) {
    try {
      String text = Files.readString(file);
      return text.contains("CustomResourceDefinition") && text.contains("scaphandremonitors");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean answersHelp(Path jar, String subcommand, String expected) {
    return CHECKED.computeIfAbsent(
        jar + " " + subcommand + " " + expected,
        key -> {
          if (!Files.isRegularFile(jar)) {
            return false;
          }
          Kubectl.Result help =
              Kubectl.Commands.run(
                  List.of(javaBinary(), "-jar", jar.toString(), subcommand, "--help"), null, 60);
          return help.exitCode() == 0 && (help.stdout() + help.stderr()).contains(expected);
        });
  }

  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
