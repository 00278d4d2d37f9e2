package io.onescaphandre.e2e.support;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Our operator jar ({@code run}) as a process with the run's kubeconfig in KUBECONFIG, as a user
 * runs it outside a cluster. One per test JVM, shared by the phases that need it. When it serves
 * health endpoints, it counts as started once /readyz answers 200.
 */
public final class OperatorProcess {
  private static ManagedProcess operator;

  private OperatorProcess() {}

  public static synchronized ManagedProcess ensureRunning() {
    if (operator == null || !operator.isAlive()) {
      String help =
          Kubectl.Commands.run(
                  List.of(
                      Parts.javaBinary(), "-jar", Parts.operatorJar().toString(), "run", "--help"),
                  null,
                  60)
              .stdout();
      List<String> command =
          new ArrayList<>(
              List.of(
                  Parts.javaBinary(), "-Xmx256m", "-jar", Parts.operatorJar().toString(), "run"));
      // Its HTTP endpoints (metrics, health) must not take a fixed port on all interfaces here.
      if (help.contains("--web.listen-address")) {
        command.add("--web.listen-address=127.0.0.1:" + Loopback.freePort());
      }
      String readyz = null;
      if (help.contains("--health.listen-address")) {
        int port = Loopback.freePort();
        command.add("--health.listen-address=127.0.0.1:" + port);
        readyz = "http://127.0.0.1:" + port + "/readyz";
      }
      long start = System.nanoTime();
      operator =
          ManagedProcess.start(
              "one-scaphandre-operator",
              command,
              Map.of("KUBECONFIG", E2e.kubeconfig().toString()));
      if (readyz != null) {
        awaitReady(operator, readyz, Duration.ofSeconds(120));
        Figures.record(
            "operator", "process start -> /readyz 200", (System.nanoTime() - start) / 1e9, "s");
      }
    }
    return operator;
  }

  private static void awaitReady(ManagedProcess process, String url, Duration timeout) {
    ProcessWaits.untilOk(
        process, "the operator's " + url + " to answer 200", URI.create(url), timeout);
  }
}
