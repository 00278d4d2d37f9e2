package io.onescaphandre.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the cached kubectl against the run's API server, as a user would, with a time limit. */
public final class Kubectl {
  private Kubectl() {}

  public record Result(int exitCode, String stdout, String stderr) {
    public Result assertSuccess() {
      if (exitCode != 0) {
        throw new AssertionError("kubectl failed (" + exitCode + "): " + stderr + stdout);
      }
      return this;
    }
  }

  public static Result run(String... args) {
    return runWithInput(null, args);
  }

  /** Runs kubectl with {@code stdin} (may be null) piped in. */
  public static Result runWithInput(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(E2e.bin("kubectl").toString());
    command.add("--kubeconfig=" + E2e.kubeconfig());
    command.addAll(List.of(args));
    return Commands.run(command, stdin, 120);
  }

  /**
   * Server-side apply (needed for the Prometheus Operator CRDs: over the client-side 256 KiB
   * annotation).
   */
  public static Result applyServerSide(String pathOrDash, String stdin) {
    return runWithInput(
        stdin,
        "apply",
        "--server-side",
        "--force-conflicts",
        "--field-manager=one-scaphandre-e2e",
        "-f",
        pathOrDash);
  }

  /** A small helper shared with other command-line tools (promtool, helm...). */
  public static final class Commands {
    private Commands() {}

    public static Result run(List<String> command, String stdin, int timeoutSeconds) {
      try {
        Process process = new ProcessBuilder(command).start();
        if (stdin != null) {
          process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        var out = process.getInputStream();
        var err = process.getErrorStream();
        var stdoutReader = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(out));
        var stderrReader = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(err));
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("timed out after " + timeoutSeconds + "s: " + command);
        }
        return new Result(process.exitValue(), stdoutReader.join(), stderrReader.join());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot run " + command, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted: " + command, e);
      }
    }

    private static String readAll(java.io.InputStream in) {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(unreadable: " + e.getMessage() + ")";
      }
    }
  }
}
