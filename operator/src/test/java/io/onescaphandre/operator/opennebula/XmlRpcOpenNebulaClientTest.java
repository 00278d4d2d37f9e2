package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onescaphandre.contracts.hostid.Hypervisor;
import io.onescaphandre.operator.opennebula.FakeOpenNebula.Reply;
import io.onescaphandre.operator.opennebula.OpenNebulaClient.VmStateFilter;
import io.onescaphandre.operator.opennebula.OpenNebulaException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XmlRpcOpenNebulaClientTest {
  private FakeOpenNebula one;
  private final List<Duration> sleeps = new ArrayList<>();
  private final RetryPolicy threeQuickAttempts =
      new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(150));

  @BeforeEach
  void start() throws IOException {
    one = new FakeOpenNebula();
  }

  @AfterEach
  void stop() {
    one.close();
  }

  private XmlRpcOpenNebulaClient client(OpenNebulaConnectionSettings settings) {
    return new XmlRpcOpenNebulaClient(settings, threeQuickAttempts, sleeps::add);
  }

  @Test
  void readsEveryHostOfThePool() {
    one.answerBody("one.hostpool.info", OpenNebulaFixtures.hostPool(OpenNebulaFixtures.HOSTS));

    List<OneHost> hosts = client(one.settings()).hostPool();

    assertThat(hosts)
        .containsExactly(
            new OneHost(0, "kvm-a.example.org", "kvm-a.example.org", "kvm", "kvm", 2, 0, "default"),
            new OneHost(3, "kvm-b", "kvm-b.example.org", "kvm", "kvm", 3, 100, "edge"),
            new OneHost(7, "10.0.0.17", "qemu-c", "qemu", "qemu", 4, 100, "edge"),
            new OneHost(12, "lxc-d", "lxc-d", "lxc", "lxc", 2, 101, "containers"),
            new OneHost(20, "vcenter-e", "vcenter-e", "vcenter", "vcenter", 2, 0, "default"),
            new OneHost(21, "new-host", null, "kvm", "kvm", 8, 0, "default"));
    assertThat(hosts)
        .filteredOn(OneHost::isMonitorable)
        .extracting(OneHost::id)
        .containsExactly(0, 3, 7, 12, 21);
    assertThat(hosts.get(3).hypervisor()).contains(Hypervisor.LXC);
    assertThat(hosts.get(2).hypervisor()).contains(Hypervisor.KVM);
    assertThat(hosts.get(1).stateName()).isEqualTo("ERROR");
    assertThat(one.calls.get(0).body())
        .contains("<methodName>one.hostpool.info</methodName>")
        .contains("<string>oneadmin:opennebula</string>");
  }

  @Test
  void readsTheShortVmPoolOfAllUsersFilteredOnState() {
    one.answerBody("one.vmpool.info", OpenNebulaFixtures.vmPoolShort(OpenNebulaFixtures.VMS));

    List<OneVm> vms = client(one.settings()).vmPool(VmStateFilter.ACTIVE);

    assertThat(vms)
        .containsExactly(
            new OneVm(40, "web-1", "alice", "users", 3, 3, 0, "kvm"),
            new OneVm(41, "db <primary> & co", "bob", "oneadmin", 3, 3, 3, "kvm"),
            new OneVm(42, "ct-1", "carol", "users", 3, 3, 12, "lxc"),
            new OneVm(43, "booting", "alice", "users", 3, 2, 7, "qemu"),
            new OneVm(44, "powered-off", "alice", "users", 8, 0, 0, "kvm"),
            new OneVm(45, "pending", "dave", "users", 1, 0, -1, null));
    assertThat(vms)
        .filteredOn(OneVm::isRunning)
        .extracting(OneVm::id)
        .containsExactly(40, 41, 42, 43);
    assertThat(one.methodsCalled()).containsExactly("one.vmpool.info");
    // session, filter -2 (all users), start -1, end -1, state 3 (ACTIVE)
    assertThat(one.calls.get(0).body())
        .contains(
            "<param><value><i4>-2</i4></value></param><param><value><i4>-1</i4></value>"
                + "</param><param><value><i4>-1</i4></value></param><param><value><i4>3</i4></value>");
  }

  @Test
  void neverAsksForTheExtendedVmPool() {
    // Were the client to ask infoextended, the fake would answer it, and the extended body would
    // show; it answers the short one with other VMs so that the two cannot be confused.
    one.answerBody(
        "one.vmpool.infoextended", OpenNebulaFixtures.vmPoolExtended(OpenNebulaFixtures.VMS));
    one.answerBody(
        "one.vmpool.info", OpenNebulaFixtures.vmPoolShort(OpenNebulaFixtures.VMS.subList(0, 2)));
    XmlRpcOpenNebulaClient client = client(one.settings());

    assertThat(client.vmPool(VmStateFilter.ANY_BUT_DONE))
        .extracting(OneVm::id)
        .containsExactly(40, 41);
    assertThat(client.vmPool(VmStateFilter.ANY_BUT_DONE))
        .extracting(OneVm::id)
        .containsExactly(40, 41);
    assertThat(one.methodsCalled()).containsExactly("one.vmpool.info", "one.vmpool.info");
  }

  @Test
  void theParserStillReadsAnExtendedBodyAndTakesTheHistoryWithTheHighestSeq() throws Exception {
    // infoextended lists every HISTORY record; VM 41 migrated from host 0 (SEQ 0) to host 3 (SEQ
    // 1).
    List<OneVm> vms =
        VmPoolParser.parse(
            new java.io.StringReader(OpenNebulaFixtures.vmPoolExtended(OpenNebulaFixtures.VMS)));

    assertThat(vms)
        .isEqualTo(
            VmPoolParser.parse(
                new java.io.StringReader(OpenNebulaFixtures.vmPoolShort(OpenNebulaFixtures.VMS))));
    assertThat(vms.get(1))
        .isEqualTo(new OneVm(41, "db <primary> & co", "bob", "oneadmin", 3, 3, 3, "kvm"));
  }

  @Test
  void aWrongSessionIsAClearErrorAndIsNotRetried() {
    one.answerBody("one.hostpool.info", OpenNebulaFixtures.hostPool(OpenNebulaFixtures.HOSTS));

    assertThatThrownBy(
            () -> client(one.settings("oneadmin:wrong", Duration.ofSeconds(5))).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
              assertThat(e.getMessage())
                  .contains("User couldn't be authenticated")
                  .contains("Check the user:password")
                  .doesNotContain("wrong");
            });
    assertThat(one.calls).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void otherErrorAnswersKeepOpenNebulasMessageAndCode() {
    one.answer(
        "one.hostpool.info",
        Reply.ok(
            OpenNebulaFixtures.error(
                "[one.hostpool.info] Not authorized to perform USE HOST", 512)));

    assertThatThrownBy(() -> client(one.settings()).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.AUTHORIZATION);
              assertThat(e.getMessage()).contains("Not authorized to perform USE HOST");
            });
  }

  @Test
  void theTimeoutIsOneDeadlineForTheWholeCallRetriesIncluded() {
    one.answer(
        "one.hostpool.info",
        new Reply(200, OpenNebulaFixtures.success("<HOST_POOL/>"), Duration.ofSeconds(3)));

    assertThatThrownBy(
            () -> client(one.settings(FakeOpenNebula.SESSION, Duration.ofMillis(300))).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
              assertThat(e.getMessage())
                  .contains(
                      "did not give its whole answer to one.hostpool.info within the"
                          + " timeout of PT0.3S");
            });
    // The first attempt used the whole deadline: no second one, no pause.
    assertThat(one.calls).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aClosedPortIsUnreachable() throws IOException {
    FakeOpenNebula gone = new FakeOpenNebula();
    OpenNebulaConnectionSettings settings = gone.settings();
    gone.close();

    assertThatThrownBy(() -> client(settings).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
              assertThat(e.getMessage())
                  .contains("Cannot reach OpenNebula at " + settings.endpoint())
                  .contains("connection refused")
                  .contains("Check the endpoint");
            });
    assertThat(sleeps).hasSize(2);
  }

  @Test
  void serverErrorsAreRetriedAndRecoverWhenOpenNebulaComesBack() throws Exception {
    one.answer("one.hostpool.info", new Reply(503, "busy", Duration.ZERO));
    RetryPolicy.Sleeper healOnFirstSleep =
        d -> {
          sleeps.add(d);
          one.answerBody("one.hostpool.info", "<HOST_POOL/>");
        };
    XmlRpcOpenNebulaClient client =
        new XmlRpcOpenNebulaClient(one.settings(), threeQuickAttempts, healOnFirstSleep);

    assertThat(client.hostPool()).isEmpty();
    assertThat(one.calls).hasSize(2);
  }

  @Test
  void aWrongPathIsAConfigurationErrorWithoutRetry() {
    OpenNebulaConnectionSettings settings =
        new OpenNebulaConnectionSettings(
            one.endpoint().resolve("/nothing-here"),
            FakeOpenNebula.SESSION,
            false,
            null,
            Duration.ofSeconds(5));

    assertThatThrownBy(() -> client(settings).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
              assertThat(e.getMessage()).contains("HTTP 404").contains("/RPC2");
            });
    assertThat(sleeps).isEmpty();
  }

  @Test
  void anEmptyPoolIsAnEmptyList() {
    one.answerBody("one.hostpool.info", "<HOST_POOL></HOST_POOL>");
    one.answerBody("one.vmpool.info", "<VM_POOL/>");

    assertThat(client(one.settings()).hostPool()).isEmpty();
    assertThat(client(one.settings()).vmPool(VmStateFilter.ACTIVE)).isEmpty();
  }

  @Test
  void aTruncatedAnswerIsMalformed() {
    String full = OpenNebulaFixtures.success(OpenNebulaFixtures.hostPool(OpenNebulaFixtures.HOSTS));
    one.answer("one.hostpool.info", Reply.ok(full.substring(0, full.length() / 2)));

    assertThatThrownBy(() -> client(one.settings()).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.MALFORMED_ANSWER);
              assertThat(e.getMessage())
                  .contains("Check that the endpoint is OpenNebula's XML-RPC API");
            });
    assertThat(one.calls).hasSize(1);
  }

  @Test
  void aWebPageInsteadOfXmlRpcIsMalformed() {
    one.answer("one.hostpool.info", Reply.ok("<html><body>Sunstone</body></html>"));

    assertThatThrownBy(() -> client(one.settings()).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.MALFORMED_ANSWER);
              assertThat(e.getMessage()).contains("expected <methodResponse>, got <html>");
            });
  }

  @Test
  void aBodyThatIsNotWellFormedIsMalformed() {
    one.answerBody("one.hostpool.info", "<HOST_POOL><HOST><ID>1</ID></HOST_POOL>");

    assertThatThrownBy(() -> client(one.settings()).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED_ANSWER));
  }

  @Test
  void aBodyWithTheWrongRootIsMalformed() {
    one.answerBody("one.hostpool.info", "<VM_POOL/>");

    assertThatThrownBy(() -> client(one.settings()).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> assertThat(e.getMessage()).contains("expected <HOST_POOL>, got <VM_POOL>"));
  }

  @Test
  void aHostWithoutIdIsMalformed() {
    one.answerBody("one.hostpool.info", "<HOST_POOL><HOST><NAME>x</NAME></HOST></HOST_POOL>");

    assertThatThrownBy(() -> client(one.settings()).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> assertThat(e.getMessage()).contains("HOST number 1 of the pool has no ID"));
  }

  @Test
  void anUntypedValueIsAStringBodyToo() {
    String answer =
        "<methodResponse><params><param><value><array><data>"
            + "<value><boolean>1</boolean></value><value>&lt;HOST_POOL/&gt;</value>"
            + "<value><int>0</int></value></data></array></value></param></params></methodResponse>";
    one.answer("one.hostpool.info", Reply.ok(answer));

    assertThat(client(one.settings()).hostPool()).isEmpty();
  }

  @Test
  void billionLaughsInTheAnswerIsRefusedNotExpanded() {
    StringBuilder dtd =
        new StringBuilder(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE methodResponse [\n" + "<!ENTITY lol \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
      dtd.append("<!ENTITY lol")
          .append(i)
          .append(" \"")
          .append(("&lol" + (i == 1 ? "" : String.valueOf(i - 1)) + ";").repeat(10))
          .append("\">\n");
    }
    dtd.append(
        "]>\n<methodResponse><params><param><value><array><data>"
            + "<value><boolean>1</boolean></value><value><string>&lol9;</string></value>"
            + "</data></array></value></param></params></methodResponse>");
    one.answer("one.hostpool.info", Reply.ok(dtd.toString()));

    assertThatThrownBy(() -> client(one.settings()).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.MALFORMED_ANSWER);
              assertThat(e.getMessage()).doesNotContain("lollollol");
            });
  }

  @Test
  void anExternalEntityInThePoolBodyIsNotRead(@TempDir Path dir) throws IOException {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET-MARKER");
    String body =
        "<!DOCTYPE HOST_POOL [<!ENTITY xxe SYSTEM \""
            + secret.toUri()
            + "\">]>"
            + "<HOST_POOL><HOST><ID>1</ID><NAME>&xxe;</NAME></HOST></HOST_POOL>";
    one.answerBody("one.hostpool.info", body);

    assertThatThrownBy(() -> client(one.settings()).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.MALFORMED_ANSWER);
              assertThat(e.getMessage()).contains("DOCTYPE").doesNotContain("TOP-SECRET-MARKER");
            });
  }

  @Test
  void anExternalEntityInTheAnswerIsNotRead(@TempDir Path dir) throws IOException {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET-MARKER");
    String answer =
        "<?xml version=\"1.0\"?><!DOCTYPE methodResponse [<!ENTITY xxe SYSTEM \""
            + secret.toUri()
            + "\">]><methodResponse><params><param><value><array><data>"
            + "<value><boolean>0</boolean></value><value><string>&xxe;</string></value>"
            + "<value><i4>256</i4></value></data></array></value></param></params></methodResponse>";
    one.answer("one.hostpool.info", Reply.ok(answer));

    assertThatThrownBy(() -> client(one.settings()).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.MALFORMED_ANSWER);
              assertThat(e.getMessage()).doesNotContain("TOP-SECRET-MARKER");
            });
  }
}
