package io.onescaphandre.helm;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' promtool (Debian package {@code prometheus}, installed by .ci/run). Where it is
 * missing the calling test is skipped, except in CI ({@code CI=true}), where a missing promtool
 * fails the build.
 */
final class Promtool {

  private static final long TIMEOUT_SECONDS = 120;

  /** Exit code and combined output of one promtool run. */
  record Result(int exitCode, String output) {
    boolean succeeded() {
      return exitCode == 0;
    }
  }

  private final Path binary;

  private Promtool(Path binary) {
    this.binary = binary;
  }

  /** The promtool on PATH, or a skipped (locally) / failed (CI) test. */
  static Promtool require() {
    Optional<Path> found = findOnPath();
    if (found.isEmpty()) {
      String message = "promtool is not on PATH (apt-get install prometheus)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message + ": CI must run the promtool tests");
      }
      assumeTrue(false, message);
    }
    return new Promtool(found.get());
  }

  private static Optional<Path> findOnPath() {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String directory : path.split(File.pathSeparator)) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, "promtool");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  Result run(Path workingDirectory, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(arguments));
    Process process =
        new ProcessBuilder(command)
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(
          "promtool "
              + String.join(" ", arguments)
              + " did not finish in "
              + TIMEOUT_SECONDS
              + " s");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
