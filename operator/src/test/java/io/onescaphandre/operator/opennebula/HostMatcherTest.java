package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.operator.opennebula.HostMatchConflict.HostMatchesSeveralNodes;
import io.onescaphandre.operator.opennebula.HostMatchConflict.HostRef;
import io.onescaphandre.operator.opennebula.HostMatchConflict.NodeMatchesSeveralHosts;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostMatcherTest {
  private static final List<OneHost> HOSTS =
      List.of(
          host(0, "kvm-a.example.org", "kvm-a.example.org", "kvm"),
          host(3, "kvm-b", "kvm-b.example.org", "kvm"),
          host(7, "10.0.0.17", "qemu-c", "qemu"),
          host(12, "lxc-d", "lxc-d", "lxc"),
          host(20, "vcenter-e", "vcenter-e", "vcenter"),
          host(30, "web1.a.example", null, "kvm"),
          host(31, "web1.b.example", null, "kvm"));

  private static OneHost host(int id, String name, String hostname, String driver) {
    return new OneHost(id, name, hostname, driver, driver, 2, 0, "default");
  }

  private static NodeIdentity node(String name, String... addresses) {
    return new NodeIdentity(name, List.of(addresses));
  }

  private static HostMatchResult match(NodeIdentity... nodes) {
    return HostMatcher.match(List.of(nodes), HOSTS);
  }

  @Test
  void matchesTheHostNameExactly() {
    HostMatchResult result = match(node("kvm-a.example.org", "192.168.1.10"));

    assertThat(result.forNode("kvm-a.example.org"))
        .contains(
            new HostMatch(
                "kvm-a.example.org",
                0,
                "kvm-a.example.org",
                "node name 'kvm-a.example.org' = host NAME 'kvm-a.example.org'"));
    assertThat(result.conflicts()).isEmpty();
  }

  @Test
  void matchesTemplateHostnameAndIgnoresCase() {
    HostMatchResult result = match(node("KVM-B.Example.ORG."));

    assertThat(result.forNode("KVM-B.Example.ORG."))
        .get()
        .extracting(HostMatch::hostId)
        .isEqualTo(3);
  }

  @Test
  void matchesAnAddressAgainstAHostNamedByIp() {
    HostMatchResult result = match(node("worker-7", "10.0.0.17"));

    assertThat(result.forNode("worker-7"))
        .get()
        .extracting(HostMatch::hostId, HostMatch::reason)
        .containsExactly(7, "node address '10.0.0.17' = host NAME '10.0.0.17'");
  }

  @Test
  void aShortNodeNameMatchesAFullyQualifiedHostAndTheOtherWayRound() {
    HostMatchResult result = match(node("kvm-a"), node("qemu-c.lan.example"));

    assertThat(result.forNode("kvm-a"))
        .get()
        .extracting(HostMatch::hostId, HostMatch::reason)
        .containsExactly(0, "node name 'kvm-a' = host NAME 'kvm-a.example.org' (short name)");
    assertThat(result.forNode("qemu-c.lan.example"))
        .get()
        .extracting(HostMatch::hostId)
        .isEqualTo(7);
  }

  @Test
  void lxcHostsMatchLikeKvmHosts() {
    assertThat(match(node("lxc-d")).forNode("lxc-d"))
        .get()
        .extracting(HostMatch::hostId)
        .isEqualTo(12);
  }

  @Test
  void hostsOfOtherDriversNeverMatch() {
    HostMatchResult result = match(node("vcenter-e"));

    assertThat(result.matches()).isEmpty();
    assertThat(result.unmatchedNodes()).containsExactly("vcenter-e");
  }

  @Test
  void fullyQualifiedNamesInDifferentDomainsAndIpPrefixesDoNotMatch() {
    HostMatchResult result = match(node("kvm-a.other.org", "10.0.0.1"), node("10", "10.0.0.170"));

    assertThat(result.matches()).isEmpty();
    assertThat(result.unmatchedNodes()).containsExactly("10", "kvm-a.other.org");
  }

  @Test
  void aNodeMatchingTwoHostsIsAConflictNamingBoth() {
    HostMatchResult result = match(node("web1"));

    assertThat(result.matches()).isEmpty();
    assertThat(result.conflicts())
        .containsExactly(
            new NodeMatchesSeveralHosts(
                "web1",
                List.of(new HostRef(30, "web1.a.example"), new HostRef(31, "web1.b.example"))));
    assertThat(result.conflicts().get(0).message())
        .isEqualTo(
            "node web1 matches several OpenNebula hosts: web1.a.example (id 30),"
                + " web1.b.example (id 31); give it a host id with the node label or the static map");
  }

  @Test
  void anExactMatchWinsOverShortNameMatches() {
    HostMatchResult result = match(node("web1.a.example"));

    assertThat(result.conflicts()).isEmpty();
    assertThat(result.forNode("web1.a.example")).get().extracting(HostMatch::hostId).isEqualTo(30);
  }

  @Test
  void aNodeWhoseNameAndAddressPointToDifferentHostsIsAConflict() {
    HostMatchResult result = match(node("lxc-d", "10.0.0.17"));

    assertThat(result.matches()).isEmpty();
    assertThat(result.conflicts()).singleElement().isInstanceOf(NodeMatchesSeveralHosts.class);
  }

  @Test
  void twoNodesForOneHostIsAConflictNamingBothAndBindsNeither() {
    HostMatchResult result = match(node("kvm-b"), node("kvm-b.example.org"), node("lxc-d"));

    assertThat(result.matches()).containsOnlyKeys("lxc-d");
    assertThat(result.conflicts())
        .containsExactly(
            new HostMatchesSeveralNodes(
                new HostRef(3, "kvm-b"), List.of("kvm-b", "kvm-b.example.org")));
    assertThat(result.conflicts().get(0).message())
        .contains("OpenNebula host kvm-b (id 3) matches several nodes: kvm-b, kvm-b.example.org");
  }

  @Test
  void everyNodeEndsUpInExactlyOnePlace() {
    HostMatchResult result =
        match(
            node("kvm-a"), node("web1"), node("nowhere"), node("kvm-b"), node("kvm-b.example.org"));

    assertThat(result.matches()).containsOnlyKeys("kvm-a");
    assertThat(result.unmatchedNodes()).containsExactly("nowhere");
    assertThat(result.conflicts()).hasSize(2);
  }
}
