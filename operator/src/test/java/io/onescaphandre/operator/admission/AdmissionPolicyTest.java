package io.onescaphandre.operator.admission;

import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onescaphandre.operator.api.AgentFlavor;
import io.onescaphandre.operator.api.PowerSourceType;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.AgentImages;
import io.onescaphandre.operator.status.Reasons;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdmissionPolicyTest {
  private static final String DEFAULT = "registry.example/one-scaphandre-agent:0.1.0";
  private final AdmissionPolicy defaults = AdmissionPolicy.defaults(DEFAULT);

  private static ScaphandreMonitor withAgent(
      String image, String initImage, AgentFlavor flavor, List<String> args) {
    ScaphandreMonitor m = monitor("lab");
    m.withDefaultSpecIfMissing();
    m.getSpec().getAgent().setImage(image);
    m.getSpec().getAgent().setInitImage(initImage);
    m.getSpec().getAgent().setFlavor(flavor);
    m.getSpec().getAgent().setExtraArgs(args);
    return m;
  }

  @Test
  void theDefaultImagesOfBothFlavoursAreAllowed() {
    assertThat(defaults.violations(withAgent(null, null, AgentFlavor.BUILTIN, List.of())))
        .isEmpty();
    assertThat(defaults.violations(withAgent(DEFAULT, DEFAULT, AgentFlavor.BUILTIN, List.of())))
        .isEmpty();
    assertThat(defaults.violations(withAgent(null, null, AgentFlavor.SCAPHANDRE, List.of())))
        .isEmpty();
    assertThat(
            defaults.violations(
                withAgent(
                    AgentImages.SCAPHANDRE,
                    AgentImages.MODPROBE,
                    AgentFlavor.SCAPHANDRE,
                    List.of())))
        .isEmpty();
  }

  @Test
  void aForeignAgentOrInitImageIsRefusedNamingWhatIsAllowed() {
    List<PolicyViolation> agent =
        defaults.violations(
            withAgent("evil.example/miner:1", null, AgentFlavor.BUILTIN, List.of()));
    // The init container runs the agent's image by default: both are refused.
    assertThat(agent)
        .extracting(PolicyViolation::reason)
        .containsExactly(Reasons.AGENT_IMAGE_NOT_ALLOWED, Reasons.INIT_IMAGE_NOT_ALLOWED);
    assertThat(agent.get(0).message())
        .contains(
            "agent image evil.example/miner:1 is not allowed",
            DEFAULT,
            AgentImages.SCAPHANDRE,
            "--allowed-agent-images");

    List<PolicyViolation> init =
        defaults.violations(withAgent(null, "busybox:latest", AgentFlavor.BUILTIN, List.of()));
    assertThat(init)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.reason()).isEqualTo(Reasons.INIT_IMAGE_NOT_ALLOWED);
              assertThat(v.message())
                  .contains("init image busybox:latest", "privileged", "--allowed-init-images");
            });
    // The upstream image is an agent image, not an init image.
    assertThat(
            defaults.violations(
                withAgent(null, AgentImages.SCAPHANDRE, AgentFlavor.BUILTIN, List.of())))
        .extracting(PolicyViolation::reason)
        .containsExactly(Reasons.INIT_IMAGE_NOT_ALLOWED);
  }

  @Test
  void extraArgsAreRefusedUnlessTheAdminAllowsThem() {
    ScaphandreMonitor m =
        withAgent(null, null, AgentFlavor.BUILTIN, List.of("--path.procfs=/host/etc"));
    assertThat(defaults.violations(m))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.reason()).isEqualTo(Reasons.EXTRA_ARGS_NOT_ALLOWED);
              assertThat(v.message()).contains("--allow-agent-extra-args");
            });
    AdmissionPolicy allowing = new AdmissionPolicy(DEFAULT, Set.of(), Set.of(), true, false);
    assertThat(allowing.violations(m)).isEmpty();
  }

  @Test
  void ipmiInTheSourcesIsRefusedUnlessTheAdminAllowsPrivilegedPowerSources() {
    ScaphandreMonitor m = withAgent(null, null, AgentFlavor.BUILTIN, List.of());
    assertThat(defaults.violations(m)).as("the default sources need no privilege").isEmpty();
    m.getSpec()
        .getPower()
        .setSources(List.of(PowerSourceType.RAPL, PowerSourceType.ACPI, PowerSourceType.ESTIMATE));
    assertThat(defaults.violations(m)).isEmpty();

    m.getSpec().getPower().setSources(List.of(PowerSourceType.IPMI, PowerSourceType.RAPL));
    assertThat(defaults.violations(m))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.reason()).isEqualTo(Reasons.PRIVILEGED_POWER_SOURCE_NOT_ALLOWED);
              assertThat(v.message())
                  .contains(
                      "spec.power.sources lists ipmi",
                      "privileged",
                      "/dev/ipmi0",
                      "--allow-privileged-power-sources");
            });
    AdmissionPolicy allowing = new AdmissionPolicy(DEFAULT, Set.of(), Set.of(), false, true);
    assertThat(allowing.violations(m)).isEmpty();
    // The other switches do not allow it.
    assertThat(new AdmissionPolicy(DEFAULT, Set.of("*x"), Set.of("*x"), true, false).violations(m))
        .extracting(PolicyViolation::reason)
        .containsExactly(Reasons.PRIVILEGED_POWER_SOURCE_NOT_ALLOWED);
  }

  @Test
  void anEntryEndingInAStarAllowsAPrefixAndAStarAloneIsRefused() {
    AdmissionPolicy pinned =
        new AdmissionPolicy(
            DEFAULT,
            Set.of("registry.example/one-scaphandre-agent@sha256:*"),
            Set.of("registry.example/one-scaphandre-agent@sha256:*"),
            false,
            false);
    String digest = "registry.example/one-scaphandre-agent@sha256:" + "ab".repeat(32);
    assertThat(pinned.violations(withAgent(digest, null, AgentFlavor.BUILTIN, List.of())))
        .isEmpty();
    assertThat(
            pinned.violations(
                withAgent(
                    "registry.example/one-scaphandre-agent:latest",
                    null,
                    AgentFlavor.BUILTIN,
                    List.of())))
        .isNotEmpty();
    // Only the admin's list counts: the scaphandre image is not allowed once the list is replaced.
    assertThat(pinned.violations(withAgent(null, null, AgentFlavor.SCAPHANDRE, List.of())))
        .extracting(PolicyViolation::reason)
        .containsExactly(Reasons.AGENT_IMAGE_NOT_ALLOWED, Reasons.INIT_IMAGE_NOT_ALLOWED);
    assertThatThrownBy(() -> new AdmissionPolicy(DEFAULT, Set.of("*"), Set.of(), false, false))
        .hasMessageContaining("would allow any image");
  }

  @Test
  void endpointsAreComparedAsUrls() {
    OpenNebulaEndpoints endpoints =
        OpenNebulaEndpoints.of(
            List.of("http://Frontend.example:2633/RPC2", "https://one.example/RPC2"));
    assertThat(endpoints.allows("http://frontend.example:2633/RPC2")).isTrue();
    assertThat(endpoints.allows("HTTPS://one.example:443/RPC2")).isTrue();
    assertThat(endpoints.allows("http://frontend.example:2633/RPC2/")).isFalse();
    assertThat(endpoints.allows("http://frontend.example.evil:2633/RPC2")).isFalse();
    assertThat(endpoints.allows("http://user:pw@frontend.example:2633/RPC2")).isFalse();
    assertThat(endpoints.refusal("http://evil:2633/RPC2"))
        .contains(
            "http://evil:2633/RPC2", "--allowed-opennebula-endpoints", "its Secret was not read");
    assertThat(OpenNebulaEndpoints.ANY.allows("http://anything/RPC2")).isTrue();
    assertThatThrownBy(() -> OpenNebulaEndpoints.of(List.of("frontend:2633")))
        .hasMessageContaining("not an http(s) URL");
  }
}
