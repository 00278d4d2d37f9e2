package io.onescaphandre.operator;

import io.onescaphandre.contracts.cli.ExitCodes;
import io.onescaphandre.operator.cli.GenerateConfCommand;
import io.onescaphandre.operator.render.RenderCommand;
import io.onescaphandre.operator.report.EnergyReportCommand;
import io.onescaphandre.operator.run.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the operator jar: {@code run}, {@code render}, {@code generate-conf} and {@code
 * energy-report}. The demo is a jar of its own (module {@code demo}).
 */
@Command(
    name = "one-scaphandre-operator",
    mixinStandardHelpOptions = true,
    version = "0.1.0",
    subcommands = {
      RunCommand.class,
      RenderCommand.class,
      GenerateConfCommand.class,
      EnergyReportCommand.class
    },
    description = "Kubernetes operator metering the energy of OpenNebula hosts and their VMs.")
public final class OperatorMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs one command line and returns its exit code (2 for usage errors and failed commands). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    return ExitCodes.failingWithMessage(new CommandLine(new OperatorMain()));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: run, render, generate-conf or energy-report");
  }
}
