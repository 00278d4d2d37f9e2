package io.onescaphandre.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateConfCommandTest {
  /** A host pool of five KVM/QEMU/LXC hosts in three clusters and one vCenter host. */
  private static final String HOST_POOL =
      "<HOST_POOL>"
          + host(3, "kvm-b", "kvm", 100, "edge")
          + host(0, "kvm-a.example.org", "kvm", 0, "default")
          + host(7, "10.0.0.17", "qemu", 100, "edge")
          + host(12, "lxc-d", "lxc", 101, "containers")
          + host(20, "vcenter-e", "vcenter", 0, "default")
          + "</HOST_POOL>";

  private static String host(int id, String name, String driver, int clusterId, String cluster) {
    return "<HOST><ID>"
        + id
        + "</ID><NAME>"
        + name
        + "</NAME><STATE>2</STATE><IM_MAD>"
        + driver
        + "</IM_MAD><VM_MAD>"
        + driver
        + "</VM_MAD><CLUSTER_ID>"
        + clusterId
        + "</CLUSTER_ID><CLUSTER>"
        + cluster
        + "</CLUSTER><TEMPLATE><HOSTNAME>"
        + name
        + "</HOSTNAME></TEMPLATE></HOST>";
  }

  private static String answer(boolean ok, String text, int code) {
    String escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    return "<?xml version=\"1.0\"?><methodResponse><params><param><value><array><data>"
        + "<value><boolean>"
        + (ok ? 1 : 0)
        + "</boolean></value><value><string>"
        + escaped
        + "</string></value><value><i4>"
        + code
        + "</i4></value></data></array></value></param>"
        + "</params></methodResponse>";
  }

  @TempDir Path home;
  private HttpServer server;
  private volatile String hostPool = HOST_POOL;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void startFakeOpenNebula() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/RPC2",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String reply =
              body.contains("<string>oneadmin:pw</string>")
                  ? answer(true, hostPool, 0)
                  : answer(
                      false,
                      "[one.hostpool.info] User couldn't be authenticated, aborting call.",
                      256);
          byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream response = exchange.getResponseBody()) {
            response.write(bytes);
          }
        });
    server.start();
    Files.writeString(home.resolve("one_auth"), "oneadmin:pw\n");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/RPC2";
  }

  private int run(Map<String, String> env, String... args) {
    CommandLine command = new CommandLine(new GenerateConfCommand(env, home));
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    return command.execute(args);
  }

  private int run(String... args) {
    return run(Map.of(), args);
  }

  @Test
  void printsOneJobWithAGroupPerKvmQemuAndLxcHost() {
    int exit = run("--endpoint", endpoint(), "--auth-file", home.resolve("one_auth").toString());

    assertThat(exit).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(out.toString())
        .isEqualTo(
            """
        - job_name: scaphandre
          static_configs:
          - targets:
            - kvm-a.example.org:8080
            labels:
              host_id: "0"
              one_host_id: "0"
              cluster: default
          - targets:
            - kvm-b:8080
            labels:
              host_id: "3"
              one_host_id: "3"
              cluster: edge
          - targets:
            - 10.0.0.17:8080
            labels:
              host_id: "7"
              one_host_id: "7"
              cluster: edge
          - targets:
            - lxc-d:8080
            labels:
              host_id: "12"
              one_host_id: "12"
              cluster: containers
        """);
  }

  @Test
  void fileSdFormatWithAnotherPort() throws IOException {
    int exit =
        run(
            "--endpoint",
            endpoint(),
            "--auth-file",
            home.resolve("one_auth").toString(),
            "--format",
            "file_sd",
            "--port",
            "9100");

    assertThat(exit).isZero();
    List<?> groups = new ObjectMapper().readValue(out.toString(), List.class);
    assertThat(groups)
        .hasSize(4)
        .first()
        .isEqualTo(
            Map.of(
                "targets", List.of("kvm-a.example.org:9100"),
                "labels", Map.of("host_id", "0", "one_host_id", "0", "cluster", "default")));
  }

  @Test
  void takesEndpointAndAuthFileFromTheEnvironmentLikeOpenNebulasTools() {
    int exit =
        run(
            Map.of("ONE_XMLRPC", endpoint(), "ONE_AUTH", home.resolve("one_auth").toString()),
            "--job-name",
            "opennebula-power");

    assertThat(exit).isZero();
    assertThat(out.toString()).startsWith("- job_name: opennebula-power\n");
  }

  @Test
  void aWrongSessionPrintsNothingOnStdoutAndSaysWhatToCheck() throws IOException {
    Path wrong = Files.writeString(home.resolve("wrong_auth"), "oneadmin:nope");

    int exit = run("--endpoint", endpoint(), "--auth-file", wrong.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .contains("User couldn't be authenticated")
        .contains("Check the user:password")
        .doesNotContain("nope");
  }

  @Test
  void anUnreachableEndpointPrintsNothingOnStdout() {
    String endpoint = endpoint();
    server.stop(0);

    int exit = run("--endpoint", endpoint, "--auth-file", home.resolve("one_auth").toString());

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .contains("Cannot reach OpenNebula at " + endpoint)
        .contains("Check the endpoint");
  }

  @Test
  void aMissingAuthFileIsReported() {
    int exit = run("--endpoint", endpoint());

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains(".one/one_auth").contains("--auth-file");
  }

  @Test
  void aPoolWithoutKvmOrLxcHostIsAnError() {
    hostPool = "<HOST_POOL>" + host(20, "vcenter-e", "vcenter", 0, "default") + "</HOST_POOL>";

    int exit = run("--endpoint", endpoint(), "--auth-file", home.resolve("one_auth").toString());

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains("lists no KVM, QEMU or LXC host (1 hosts in all)");
  }

  @Test
  void localUsesTheHostsOwnFilesAndHostname(@TempDir Path rootfs) throws IOException {
    Files.createDirectories(rootfs.resolve("var/tmp/one_db"));
    Files.writeString(
        rootfs.resolve("var/tmp/one_db/config"),
        "<MONITOR_CONFIGURATION><HOST_ID>12</HOST_ID></MONITOR_CONFIGURATION>");
    Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(rootfs.resolve("etc/hostname"), "lxc-d\n");

    int exit = run("--local", "--path.rootfs", rootfs.toString());

    assertThat(exit).isZero();
    assertThat(out.toString())
        .isEqualTo(
            """
        - job_name: scaphandre
          static_configs:
          - targets:
            - lxc-d:8080
            labels:
              host_id: "12"
              one_host_id: "12"
        """);
  }

  @Test
  void localFromAStatusDbWithAnExplicitHostname(@TempDir Path rootfs) throws IOException {
    Files.createDirectories(rootfs.resolve("var/tmp/one/im"));
    Files.writeString(rootfs.resolve("var/tmp/one/im/status_kvm_5.db"), "");

    int exit =
        run(
            "--local",
            "--path.rootfs",
            rootfs.toString(),
            "--hostname",
            "kvm-5",
            "--format",
            "file_sd");

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("\"kvm-5:8080\"").contains("\"one_host_id\" : \"5\"");
  }

  @Test
  void localWithoutAnyIdPrintsNothingOnStdout(@TempDir Path rootfs) {
    int exit = run("--local", "--path.rootfs", rootfs.toString(), "--hostname", "x");

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains("No OpenNebula host id on this machine");
  }

  @Test
  void invalidOptionsAreUsageErrors() {
    assertThat(run("--local", "--port", "0")).isEqualTo(2);
    assertThat(run("--format", "xml")).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains("--port must be between 1 and 65535").contains("xml");
  }

  @Test
  void anOversizeSessionFileIsRefusedBeforeReading() throws IOException {
    Path big = Files.writeString(home.resolve("big_auth"), "oneadmin:pw\n" + "#".repeat(100_000));
    assertThat(run("--endpoint", endpoint(), "--auth-file", big.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains(
            "the OpenNebula session file " + big,
            "larger than the cap of 64 KiB",
            "(from --auth-file)");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void anAnswerLargerThanMaxAnswerSizeIsRefused() {
    StringBuilder pool = new StringBuilder("<HOST_POOL>");
    for (int i = 0; i < 200; i++) {
      pool.append(host(i, "kvm-" + i, "kvm", 0, "default"));
    }
    hostPool = pool.append("</HOST_POOL>").toString();
    assertThat(
            run(
                "--endpoint",
                endpoint(),
                "--auth-file",
                home.resolve("one_auth").toString(),
                "--max-answer-size=8Ki"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("larger than the cap of 8 KiB");
    assertThat(out.toString()).isEmpty();
    assertThat(
            run(
                "--endpoint",
                endpoint(),
                "--auth-file",
                home.resolve("one_auth").toString(),
                "--max-answer-size=1Mi"))
        .isZero();
  }

  @Test
  void oneHostListedTwiceIsRefusedNamingBoth() {
    hostPool =
        "<HOST_POOL>"
            + host(7, "kvm-a", "kvm", 0, "default")
            + host(7, "kvm-b", "kvm", 0, "default")
            + "</HOST_POOL>";
    assertThat(run("--endpoint", endpoint(), "--auth-file", home.resolve("one_auth").toString()))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("host id 7 appears more than once", "NAME kvm-a", "NAME kvm-b");
    assertThat(out.toString()).isEmpty();
  }
}
