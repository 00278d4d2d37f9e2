package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onescaphandre.operator.opennebula.FakeOpenNebula.Reply;
import io.onescaphandre.operator.opennebula.OpenNebulaClient.VmStateFilter;
import io.onescaphandre.operator.opennebula.OpenNebulaException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CachingOpenNebulaClientTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-11-25T10:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };

  @Test
  void keepsTheLastGoodAnswerWithItsAgeWhileOpenNebulaIsDown() throws Exception {
    try (FakeOpenNebula one = new FakeOpenNebula()) {
      one.answerBody("one.hostpool.info", OpenNebulaFixtures.hostPool(OpenNebulaFixtures.HOSTS));
      CachingOpenNebulaClient client =
          new CachingOpenNebulaClient(
              new XmlRpcOpenNebulaClient(one.settings(), RetryPolicy.NONE, d -> {}), clock);

      Answer<List<OneHost>> fresh = client.hostPool();
      one.answer("one.hostpool.info", new Reply(503, "down", Duration.ZERO));
      now.set(now.get().plusSeconds(90));
      Answer<List<OneHost>> kept = client.hostPool();

      assertThat(fresh.stale()).isFalse();
      assertThat(kept.stale()).isTrue();
      assertThat(kept.value()).isEqualTo(fresh.value()).hasSize(6);
      assertThat(kept.age(clock.instant())).isEqualTo(Duration.ofSeconds(90));
      assertThat(kept.lastFailure())
          .get()
          .extracting(OpenNebulaException::kind)
          .isEqualTo(Kind.UNREACHABLE);

      one.answerBody("one.hostpool.info", "<HOST_POOL/>");
      Answer<List<OneHost>> recovered = client.hostPool();
      assertThat(recovered.stale()).isFalse();
      assertThat(recovered.value()).isEmpty();
      assertThat(recovered.age(clock.instant())).isZero();
    }
  }

  @Test
  void withoutAnyGoodAnswerTheFailureIsThrown() throws Exception {
    try (FakeOpenNebula one = new FakeOpenNebula()) {
      CachingOpenNebulaClient client =
          new CachingOpenNebulaClient(
              new XmlRpcOpenNebulaClient(
                  one.settings("oneadmin:nope", Duration.ofSeconds(5)), RetryPolicy.NONE, d -> {}),
              clock);

      assertThatThrownBy(client::hostPool)
          .isInstanceOfSatisfying(
              OpenNebulaException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION));
      assertThatThrownBy(() -> client.vmPool(VmStateFilter.ACTIVE))
          .isInstanceOf(OpenNebulaException.class);
    }
  }

  @Test
  void theResolverMatchesNodesOnTheCachedPool() throws Exception {
    try (FakeOpenNebula one = new FakeOpenNebula()) {
      one.answerBody("one.hostpool.info", OpenNebulaFixtures.hostPool(OpenNebulaFixtures.HOSTS));
      OpenNebulaConnections connections =
          new OpenNebulaConnections(
              s -> new XmlRpcOpenNebulaClient(s, RetryPolicy.NONE, d -> {}), clock);

      Answer<HostMatchResult> answer =
          connections
              .hostIdResolver(one.settings())
              .resolve(
                  List.of(
                      new NodeIdentity("kvm-a", List.of("192.168.0.5")),
                      new NodeIdentity("lxc-d", List.of())));
      one.answer("one.hostpool.info", new Reply(500, "", Duration.ZERO));
      Answer<HostMatchResult> later =
          connections
              .hostIdResolver(one.settings())
              .resolve(List.of(new NodeIdentity("kvm-a", List.of())));

      assertThat(answer.value().matches()).containsOnlyKeys("kvm-a", "lxc-d");
      assertThat(answer.value().forNode("lxc-d")).get().extracting(HostMatch::hostId).isEqualTo(12);
      assertThat(later.stale()).isTrue();
      assertThat(later.value().forNode("kvm-a")).get().extracting(HostMatch::hostId).isEqualTo(0);
      assertThat(connections.client(one.settings())).isSameAs(connections.client(one.settings()));
    }
  }
}
