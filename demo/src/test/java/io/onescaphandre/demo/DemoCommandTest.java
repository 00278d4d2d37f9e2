package io.onescaphandre.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole demo, as the README runs it, for a few seconds. Needs the agent jar (package it first).
 */
class DemoCommandTest {
  @TempDir Path workdir;

  @Test
  @Timeout(240)
  void showsStatusJobAndLivePowerThenLeavesNoProcessBehind() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd =
        new CommandLine(new DemoCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));

    int exit =
        cmd.execute("--duration", "8s", "--workdir", workdir.toString(), "--ready-timeout", "180s");

    String text = out.toString();
    System.out.println(text);
    assertThat(exit).as("exit code; stderr: %s", err).isZero();
    assertThat(text).contains("SIMULATED").contains("REAL");

    String status = section(text, "STATUS of the monitor", "PROMETHEUS JOB");
    assertThat(status).contains("agents ready 3/3, hosts mapped 3").contains("Ready=True");
    assertThat(status)
        .containsPattern(
            "one-kvm-01\\s+10\\.20\\.0\\.11\\s+7\\s+nodeLabel\\s+yes\\s+ok \\(simulated\\)");
    assertThat(status)
        .containsPattern(
            "one-kvm-02\\s+10\\.20\\.0\\.12\\s+8\\s+hypervisorFiles\\s+yes\\s+ok \\(simulated\\)");
    assertThat(status)
        .containsPattern(
            "one-kvm-03\\s+10\\.20\\.0\\.13\\s+9\\s+hypervisorFiles\\s+yes\\s+ok \\(simulated\\)");
    assertThat(status).contains("not selected by spec.nodeSelector: k8s-control-plane");

    String job = section(text, "PROMETHEUS JOB", "Live power");
    assertThat(job).contains("job_name:").contains("static_configs:");
    for (String[] target :
        List.of(
            new String[] {"10.20.0.11:8080", "7"},
            new String[] {"10.20.0.12:8080", "8"},
            new String[] {"10.20.0.13:8080", "9"})) {
      assertThat(job)
          .containsPattern(
              "- " + Pattern.quote(target[0]) + "\\s+labels:\\s+host_id: \"" + target[1] + "\"");
    }
    assertThat(job)
        .contains("PodMonitor opennebula")
        .contains("PrometheusRule opennebula")
        .contains("DaemonSet opennebula-agent");

    String live = text.substring(text.lastIndexOf("LIVE "));
    assertThat(live).contains("RAPL SIMULATED");
    Matcher host = Pattern.compile("HOST POWER (\\d+\\.\\d) W").matcher(live);
    assertThat(host.find()).as("host power in %s", live).isTrue();
    assertThat(Double.parseDouble(host.group(1))).isGreaterThan(30);
    for (String vm : List.of("one-42", "one-43", "one-44")) {
      assertThat(live)
          .containsPattern(
              "VM " + vm + " \\(kvm, simulated guest\\)\\s+\\d+\\.\\d W\\s+\\d+\\.\\d %");
    }
    Matcher total = Pattern.compile("TOTAL\\s+\\d+\\.\\d W\\s+(\\d+\\.\\d) %").matcher(live);
    assertThat(total.find()).isTrue();
    assertThat(Double.parseDouble(total.group(1))).isBetween(99.0, 101.0);
    assertThat(watts(live, "one-42")).isGreaterThan(watts(live, "one-44"));

    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
        .as("children of the test JVM after the demo")
        .isEmpty();
    assertThat(ProcessHandle.allProcesses().filter(p -> DemoMachine.mentions(p, workdir)).toList())
        .as("processes started by the demo")
        .isEmpty();
  }

  @Test
  void aMissingAgentJarIsReportedClearly() {
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new DemoCommand()).setErr(new PrintWriter(err, true));
    int exit =
        cmd.execute(
            "--agent-jar", workdir.resolve("nope.jar").toString(), "--workdir", workdir.toString());
    assertThat(exit).isNotZero();
    assertThat(err.toString())
        .contains("the agent jar is missing")
        .contains("nope.jar")
        .contains("--agent-jar");
  }

  private static double watts(String live, String vm) {
    Matcher m =
        Pattern.compile("VM " + vm + " \\(kvm, simulated guest\\)\\s+(\\d+\\.\\d) W").matcher(live);
    assertThat(m.find()).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static String section(String text, String from, String to) {
    int start = text.indexOf(from);
    assertThat(start).as("'%s' in the output", from).isNotNegative();
    int end = text.indexOf(to, start);
    return end < 0 ? text.substring(start) : text.substring(start, end);
  }
}
