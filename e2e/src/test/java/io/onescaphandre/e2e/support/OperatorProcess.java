package io.onescaphandre.e2e.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Our operator jar ({@code run}) as a process with the run's kubeconfig in KUBECONFIG, as a user
 * runs it outside a cluster. One per test JVM, shared by the phases that need it.
 */
public final class OperatorProcess {
  private static ManagedProcess operator;

  private OperatorProcess() {}

  public static synchronized ManagedProcess ensureRunning() {
    if (operator == null || !operator.isAlive()) {
      String help = Kubectl.Commands.run(List.of(Parts.javaBinary(), "-jar", Parts.operatorJar().toString(),
          "run", "--help"), null, 60).stdout();
      List<String> command = new ArrayList<>(List.of(Parts.javaBinary(), "-Xmx256m", "-jar",
          Parts.operatorJar().toString(), "run"));
      // Its HTTP endpoints (metrics, health) must not take a fixed port on all interfaces here.
      if (help.contains("--web.listen-address")) {
        command.add("--web.listen-address=127.0.0.1:" + Loopback.freePort());
      }
      if (help.contains("--health.listen-address")) {
        command.add("--health.listen-address=127.0.0.1:" + Loopback.freePort());
      }
      operator = ManagedProcess.start("one-scaphandre-operator", command,
          Map.of("KUBECONFIG", E2e.kubeconfig().toString()));
    }
    return operator;
  }
}
