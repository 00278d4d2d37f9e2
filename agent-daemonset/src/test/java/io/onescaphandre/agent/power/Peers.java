package io.onescaphandre.agent.power;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real peers the power sources are tested against, on loopback: ipmitool (Debian package) and
 * Python with pyghmi and sushy-tools (PyPI) in the virtual environment .ci/run creates ({@code
 * ONE_SCAPHANDRE_PEERS_VENV}, default /var/cache/one-scaphandre-peers/venv). A developer without
 * them skips these tests; under CI=true a missing peer fails them.
 */
final class Peers {
  private Peers() {}

  static Path venv() {
    String env = System.getenv("ONE_SCAPHANDRE_PEERS_VENV");
    return Path.of(env != null && !env.isBlank() ? env : "/var/cache/one-scaphandre-peers/venv");
  }

  static Path python() {
    Path python = venv().resolve("bin/python");
    require(
        Files.isExecutable(python),
        "no Python virtual environment at " + venv() + " (.ci/run makes it)");
    return python;
  }

  /** Fails under CI, skips elsewhere. */
  static void require(boolean present, String what) {
    if (present) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("test peer missing under CI: " + what);
    }
    Assumptions.abort("test peer missing: " + what);
  }

  static String ipmitool() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "ipmitool"))) {
        return Path.of(dir, "ipmitool").toString();
      }
    }
    require(false, "ipmitool (Debian package ipmitool)");
    return null;
  }

  static void requireModule(String module) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(python().toString(), "-c", "import " + module)
            .redirectErrorStream(true)
            .start();
    boolean ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    require(ok, "Python module " + module + " in " + venv());
  }

  static int freeUdpPort() throws IOException {
    try (DatagramSocket socket = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static int freeTcpPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A peer process, stopped (with its children) when closed; its output goes to a file. */
  static final class Peer implements AutoCloseable {
    final Process process;
    final Path log;

    Peer(Path log, String... command) throws IOException {
      this.log = log;
      List<String> cmd = new ArrayList<>(List.of(command));
      this.process =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    String output() throws IOException {
      return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
