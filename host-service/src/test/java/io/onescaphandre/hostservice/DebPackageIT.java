package io.onescaphandre.hostservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.onescaphandre.simulation.SimulatedRaplTree;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package the build made (host-service/target/one-scaphandre-agent_*.deb), read as dpkg
 * reads it: its files, modes and owners, control data, hardened units, and the agent started from
 * the package's own tree with the command line of its unit. Installing it into a Debian root (user,
 * unit enablement, systemd-analyze verify) is images/test.sh's part: it needs root and debootstrap.
 */
class DebPackageIT {
  static final String AGENT_UNIT = "lib/systemd/system/one-scaphandre-agent.service";
  static final String INIT_UNIT = "lib/systemd/system/one-scaphandre-agent-init.service";
  static final String DEFAULTS = "etc/default/one-scaphandre-agent";
  static final String LAUNCHER = "usr/sbin/one-scaphandre-agent";
  static final String LIB = "usr/lib/one-scaphandre-agent";

  static DebPackage deb;

  @BeforeAll
  static void read() throws Exception {
    deb = DebPackage.read(Path.of(System.getProperty("deb.file")));
  }

  @Test
  void holdsTheJarItsJavaRuntimeTheUnitsAndTheDefaultsFile() {
    assertThat(deb.debianBinary).isEqualTo("2.0\n");
    Map<String, Integer> expected = new LinkedHashMap<>();
    expected.put(LIB + "/one-scaphandre-agent.jar", 0644);
    expected.put(LIB + "/agent.options", 0644);
    expected.put(LIB + "/java/bin/java", 0755);
    expected.put(LIB + "/java/lib/server/libjvm.so", 0644);
    expected.put(LIB + "/java/lib/jspawnhelper", 0755);
    expected.put(LAUNCHER, 0755);
    expected.put(AGENT_UNIT, 0644);
    expected.put(INIT_UNIT, 0644);
    expected.put(DEFAULTS, 0644);
    expected.put("usr/share/doc/one-scaphandre-agent/copyright", 0644);
    expected.forEach(
        (path, mode) -> {
          assertThat(deb.data).as(path).containsKey(path);
          assertThat(Integer.toOctalString(deb.data.get(path).mode()))
              .as(path)
              .isEqualTo(Integer.toOctalString(mode));
        });
    for (DebPackage.Entry e : deb.data.values()) {
      assertThat(e.user() + ":" + e.group()).as(e.path()).isEqualTo("root:root");
      if (e.linkTarget() != null) {
        // jlink links each module's copy of a shared legal notice to one file: it must be there.
        Path resolved = Path.of(e.path()).resolveSibling(e.linkTarget()).normalize();
        assertThat(deb.data)
            .as("%s -> %s", e.path(), e.linkTarget())
            .containsKey(resolved.toString());
        continue;
      }
      assertThat(e.mode() & 07022)
          .as("%s is setuid/setgid/sticky or group/world-writable", e.path())
          .isZero();
    }
    // The JVM options are the image's, byte for byte: one file for both.
    assertThat(deb.data.get(LIB + "/agent.options").text())
        .isEqualTo(readRepoFile("images/jvm-options/agent.options"));
    // The runtime is the image's module set: what the agent loads by reflection is there.
    assertThat(deb.data.get(LIB + "/java/release").text())
        .contains("jdk.httpserver")
        .contains("jdk.management")
        .contains("java.base");
  }

  @Test
  void controlDataAndConffiles() {
    Map<String, String> control = controlFields(deb.control.get("control").text());
    assertThat(control.get("Package")).isEqualTo("one-scaphandre-agent");
    assertThat(control.get("Version")).matches("\\d+\\.\\d+\\.\\d+(~SNAPSHOT)?");
    assertThat(control.get("Architecture")).isIn("amd64", "arm64");
    assertThat(control.get("Depends"))
        .contains("libc6 (>= ")
        .contains("zlib1g")
        .contains("kmod")
        .contains("passwd");
    assertThat(deb.control.get("conffiles").text().strip()).isEqualTo("/" + DEFAULTS);
    for (String script : List.of("postinst", "prerm", "postrm")) {
      assertThat(deb.control.get(script).mode() & 0755).as(script).isEqualTo(0755);
      assertThat(deb.control.get(script).text()).as(script).startsWith("#!/bin/sh\nset -e\n");
    }
  }

  @Test
  void agentUnitRunsUnprivilegedInAReadOnlyHost() {
    SystemdUnit unit = SystemdUnit.parse(deb.data.get(AGENT_UNIT).text());
    assertThat(unit.get("Service", "User")).isEqualTo("one-scaphandre");
    assertThat(unit.get("Service", "Group")).isEqualTo("one-scaphandre");
    assertThat(unit.get("Service", "CapabilityBoundingSet")).as("no capability").isEmpty();
    assertThat(unit.get("Service", "AmbientCapabilities")).isEmpty();
    Map<String, String> hardening =
        Map.ofEntries(
            Map.entry("NoNewPrivileges", "yes"),
            Map.entry("ProtectSystem", "strict"),
            Map.entry("ProtectHome", "yes"),
            Map.entry("PrivateTmp", "yes"),
            Map.entry("PrivateDevices", "yes"),
            Map.entry("ProtectKernelTunables", "yes"),
            Map.entry("ProtectKernelModules", "yes"),
            Map.entry("ProtectControlGroups", "yes"),
            Map.entry("RestrictNamespaces", "yes"),
            Map.entry("RestrictSUIDSGID", "yes"),
            Map.entry("LockPersonality", "yes"),
            Map.entry("SystemCallArchitectures", "native"),
            Map.entry("ProtectProc", "default"));
    hardening.forEach(
        (key, value) -> assertThat(unit.get("Service", key)).as(key).isEqualTo(value));
    assertThat(unit.all("Service", "SystemCallFilter"))
        .containsExactly("@system-service", "~@privileged");
    assertThat(unit.get("Service", "RestrictAddressFamilies"))
        .isEqualTo("AF_INET AF_INET6 AF_UNIX");
    assertThat(unit.get("Unit", "Wants")).isEqualTo("one-scaphandre-agent-init.service");
    assertThat(unit.get("Unit", "After")).contains("one-scaphandre-agent-init.service");
    assertThat(unit.get("Install", "WantedBy")).isEqualTo("multi-user.target");
    assertRunsFromThePackage(unit);
  }

  @Test
  void initUnitHasOnlyWhatLoadingModulesAndGrantingEnergyReadNeeds() {
    SystemdUnit unit = SystemdUnit.parse(deb.data.get(INIT_UNIT).text());
    assertThat(unit.get("Service", "Type")).isEqualTo("oneshot");
    assertThat(unit.get("Service", "CapabilityBoundingSet")).isEqualTo("CAP_SYS_MODULE CAP_CHOWN");
    assertThat(unit.get("Service", "NoNewPrivileges")).isEqualTo("yes");
    assertThat(unit.get("Service", "ProtectSystem")).isEqualTo("strict");
    assertThat(unit.get("Service", "PrivateNetwork")).isEqualTo("yes");
    assertThat(unit.get("Service", "ExecStart"))
        .contains(" init ")
        .endsWith("$ONE_SCAPHANDRE_INIT_ARGS");
    assertThat(unit.get("Unit", "Before")).isEqualTo("one-scaphandre-agent.service");
    assertThat(unit.all("Install", "WantedBy"))
        .as("started by the agent unit, not on its own")
        .isEmpty();
    assertRunsFromThePackage(unit);
    // The group the init step gives energy_uj to is the one the agent runs as.
    String agentGroup = SystemdUnit.parse(deb.data.get(AGENT_UNIT).text()).get("Service", "Group");
    assertThat(defaults().get("ONE_SCAPHANDRE_INIT_ARGS")).contains("--rapl.group=" + agentGroup);
  }

  private static void assertRunsFromThePackage(SystemdUnit unit) {
    String executable = unit.get("Service", "ExecStart").split("\\s+")[0];
    assertThat(deb.data).containsKey(executable.substring(1));
    assertThat(deb.data.get(executable.substring(1)).mode() & 0111).isEqualTo(0111);
    assertThat(unit.get("Service", "EnvironmentFile")).isEqualTo("-/" + DEFAULTS);
  }

  @Test
  void agentStartedFromThePackagesTreeServesTheSimulatedHost(@TempDir Path tmp) throws Exception {
    Path root = tmp.resolve("root");
    deb.unpackData(root);
    Path host = tmp.resolve("host");
    SimulatedRaplTree rapl = SimulatedRaplTree.server(host.resolve("sys"), 1);
    Path config = host.resolve("var/tmp/one_db/config");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config, "<MONITOR_CONFIGURATION><HOST_ID>12</HOST_ID></MONITOR_CONFIGURATION>");

    // The unit's command line with the defaults file's flags, as systemd expands it, pointed at the
    // unpacked tree and the simulated host, on a port the system picks.
    Map<String, String> env = defaults();
    List<String> ours =
        List.of(
            "--web.listen-address=127.0.0.1:0",
            "--interval=500ms",
            "--path.sysfs=" + host.resolve("sys"),
            "--path.rootfs=" + host);
    List<String> command = new ArrayList<>();
    for (String word :
        SystemdUnit.parse(deb.data.get(AGENT_UNIT).text())
            .get("Service", "ExecStart")
            .split("\\s+")) {
      if (word.startsWith("$")) {
        Arrays.stream(env.getOrDefault(word.substring(1), "").split("\\s+"))
            .filter(
                w ->
                    !w.isEmpty()
                        && ours.stream().noneMatch(o -> o.startsWith(w.split("=")[0] + "=")))
            .forEach(command::add);
      } else {
        command.add(word.startsWith("/") ? root.resolve(word.substring(1)).toString() : word);
      }
    }
    command.addAll(ours);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment()
        .put(
            "ONE_SCAPHANDRE_AGENT_JAVA_OPTS",
            env.getOrDefault("ONE_SCAPHANDRE_AGENT_JAVA_OPTS", ""));
    Path log = tmp.resolve("agent.log");
    pb.redirectOutput(log.toFile());
    Process agent = pb.start();
    try {
      int port = awaitPort(log, agent);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
      String body = awaitBody(http, metrics, "opennebula_host_power_watts", agent, log);
      assertThat(body)
          .contains("opennebula_rapl_state{state=\"ok\"} 1.0")
          .contains(
              "opennebula_agent_host_info{host_id=\"12\",host_id_source=\"one_db_config\",hypervisor=\"\",one_host_id=\"12\"} 1");
      double before = hostJoules(body);
      rapl.addMicrojoules("intel-rapl:0", 30_000_000L);
      rapl.addMicrojoules("intel-rapl:0:0", 3_000_000L);
      double after =
          await("the agent to count the added 33 J")
              .atMost(Duration.ofSeconds(10))
              .pollInterval(Duration.ofMillis(250))
              .until(() -> hostJoules(get(http, metrics)), joules -> joules - before >= 32.9);
      assertThat(after - before)
          .as("host energy follows the simulated counters")
          .isBetween(32.9, 33.1);
      assertThat(agent.isAlive()).isTrue();
    } finally {
      agent.destroy();
      agent.waitFor();
    }
  }

  private static int awaitPort(Path log, Process agent) throws Exception {
    Pattern serving = Pattern.compile("serving /metrics on /127\\.0\\.0\\.1:(\\d+)");
    return whileAlive(
        agent,
        log,
        "the agent did not start serving",
        Duration.ofSeconds(30),
        () -> {
          Matcher m = serving.matcher(Files.readString(log));
          return m.find() ? Integer.parseInt(m.group(1)) : 0;
        },
        port -> port > 0);
  }

  private static String awaitBody(HttpClient http, URI uri, String needle, Process agent, Path log)
      throws Exception {
    return whileAlive(
        agent,
        log,
        "no " + needle + " on " + uri,
        Duration.ofSeconds(20),
        () -> {
          try {
            return get(http, uri);
          } catch (IOException notServingYet) {
            return "";
          }
        },
        body -> body.contains(needle));
  }

  /**
   * Polls {@code value} every 250 ms until {@code done}; fails with the agent's output when it
   * exits first or {@code timeout} passes.
   */
  private static <T> T whileAlive(
      Process agent,
      Path log,
      String failure,
      Duration timeout,
      Callable<T> value,
      Predicate<T> done)
      throws IOException {
    try {
      return await(failure)
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(250))
          .pollDelay(Duration.ZERO)
          .until(
              () -> {
                if (!agent.isAlive()) {
                  throw new IllegalStateException("the agent exited");
                }
                return value.call();
              },
              done);
    } catch (ConditionTimeoutException | IllegalStateException e) {
      throw new AssertionError(failure + "; agent output:\n" + Files.readString(log), e);
    }
  }

  private static String get(HttpClient http, URI uri) throws Exception {
    return http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static double hostJoules(String body) {
    Matcher m =
        Pattern.compile("(?m)^opennebula_host_energy_joules_total\\{domain=\"host\"} (\\S+)$")
            .matcher(body);
    if (!m.find()) {
      throw new AssertionError("no host energy in:\n" + body);
    }
    return Double.parseDouble(m.group(1));
  }

  /** The package's /etc/default file: KEY="value" lines, comments skipped. */
  static Map<String, String> defaults() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : deb.data.get(DEFAULTS).text().split("\n")) {
      Matcher m = Pattern.compile("^([A-Z_]+)=\"(.*)\"$").matcher(line.strip());
      if (m.matches()) {
        env.put(m.group(1), m.group(2));
      }
    }
    return env;
  }

  private static Map<String, String> controlFields(String control) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : control.split("\n")) {
      int colon = line.indexOf(':');
      if (!line.startsWith(" ") && colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return fields;
  }

  private static String readRepoFile(String path) {
    try {
      return Files.readString(
          Path.of(System.getProperty("user.dir")).resolve("..").resolve(path),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
