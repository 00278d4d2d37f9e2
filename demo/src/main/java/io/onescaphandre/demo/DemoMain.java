package io.onescaphandre.demo;

import io.onescaphandre.contracts.cli.ExitCodes;
import picocli.CommandLine;

/**
 * Entry point of the demo jar, {@code java -jar demo/target/one-scaphandre-demo.jar}: the demo is
 * its only command. A jar of its own, so that the production operator and agent jars carry neither
 * the embedded API server nor the simulation.
 */
public final class DemoMain {
  private DemoMain() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs one command line and returns its exit code (2 for usage errors and failed commands). */
  static int execute(String... args) {
    return ExitCodes.failingWithMessage(new CommandLine(new DemoCommand())).execute(args);
  }
}
