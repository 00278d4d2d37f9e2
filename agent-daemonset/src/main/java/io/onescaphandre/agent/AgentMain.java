package io.onescaphandre.agent;

import io.onescaphandre.agent.init.InitCommand;
import io.onescaphandre.contracts.cli.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the node agent: {@code run} (the DaemonSet's container) and {@code init}. */
@Command(
    name = "one-scaphandre-agent",
    mixinStandardHelpOptions = true,
    version = "0.1.0",
    subcommands = {RunCommand.class, InitCommand.class},
    description = "RAPL power and energy for an OpenNebula host and its VMs, pods and services.")
public final class AgentMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  static int execute(String... args) {
    return ExitCodes.failingWithMessage(new CommandLine(new AgentMain())).execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: run or init");
  }
}
