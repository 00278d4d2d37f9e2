package io.onescaphandre.contracts.cli;

import picocli.CommandLine;

/**
 * How both jars end a command that failed: its message on stderr (never a stack trace, which tells
 * a user nothing and may carry more than they should see) and exit code 2, as for a usage error.
 */
public final class ExitCodes {
  /** A usage error or a command that failed. */
  public static final int FAILED = 2;

  private ExitCodes() {}

  /** The command line with that convention installed. */
  public static CommandLine failingWithMessage(CommandLine commandLine) {
    return commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr()
              .println(
                  cmd.getColorScheme()
                      .errorText(e.getMessage() == null ? e.toString() : e.getMessage()));
          return FAILED;
        });
  }
}
