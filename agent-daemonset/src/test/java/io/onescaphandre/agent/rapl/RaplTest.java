package io.onescaphandre.agent.rapl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.onescaphandre.simulation.SimulatedRaplTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaplTest {
  @TempDir Path root;

  @Test
  void serverZonesByNameWithSocketsFromPackages() {
    SimulatedRaplTree.server(root, 2);
    List<RaplZone> zones = new RaplZoneDiscovery(root).discover();
    assertThat(zones)
        .extracting(RaplZone::id)
        .containsExactly("intel-rapl:0", "intel-rapl:0:0", "intel-rapl:1", "intel-rapl:1:0");
    assertThat(zones)
        .extracting(z -> z.domain() + "@" + z.socket())
        .containsExactly("PACKAGE@0", "DRAM@0", "PACKAGE@1", "DRAM@1");
    assertThat(zones.get(1).maxEnergyRangeMicrojoules())
        .isEqualTo(SimulatedRaplTree.INTEL_SERVER_DRAM_RANGE_UJ);
    // The control type directory "intel-rapl" (no energy) is not a zone.
    assertThat(Files.isDirectory(root.resolve("class/powercap/intel-rapl"))).isTrue();
  }

  @Test
  void laptopHostPowerIsPsysAndMmioCopyIsNotCountedTwice() {
    SimulatedRaplTree tree = SimulatedRaplTree.laptop(root);
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    RaplMeter meter = new RaplMeter(new RaplZoneDiscovery(root), Files::readString, clock::get);
    meter.read();
    clock.addAndGet(1_000_000_000L);
    tree.addWatts(
        1.0,
        Map.of(
            "intel-rapl:0",
            10.0,
            "intel-rapl-mmio:0",
            10.0,
            "intel-rapl:0:0",
            6.0,
            "intel-rapl:0:1",
            1.0,
            "intel-rapl:0:2",
            1.5,
            "intel-rapl:1",
            15.0));
    RaplReading r = meter.read();
    assertThat(r.state()).isEqualTo(RaplState.OK);
    assertThat(r.hostJoules()).isCloseTo(15.0, within(1e-9));
    assertThat(r.domainJoules().get(RaplDomain.PACKAGE)).isCloseTo(10.0, within(1e-9));
    assertThat(r.domainJoules().get(RaplDomain.CORE)).isCloseTo(6.0, within(1e-9));
    assertThat(meter.zones())
        .filteredOn(RaplZone::mirror)
        .extracting(RaplZone::id)
        .containsExactly("intel-rapl-mmio:0");
  }

  @Test
  void amdNamesAndDieMirrorsAreCountedOnce() throws Exception {
    // AMD: package-N with a core subzone; kernel 6.10 added die zones mirroring the socket counter.
    for (String[] z :
        new String[][] {
          {"intel-rapl:0", "package-0-die-0"},
          {"intel-rapl:1", "package-0-die-1"},
          {"intel-rapl:0:0", "core"}
        }) {
      Path dir = root.resolve("devices/virtual/powercap/intel-rapl").resolve(z[0]);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("name"), z[1] + "\n");
      Files.writeString(dir.resolve("max_energy_range_uj"), "65532610987\n");
      Files.writeString(dir.resolve("energy_uj"), "1000\n");
      Files.createDirectories(root.resolve("class/powercap"));
      Files.createSymbolicLink(root.resolve("class/powercap").resolve(z[0]), dir);
    }
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    RaplMeter meter = new RaplMeter(new RaplZoneDiscovery(root), Files::readString, clock::get);
    meter.read();
    clock.addAndGet(1_000_000_000L);
    for (String id : List.of("intel-rapl:0", "intel-rapl:1")) {
      Files.writeString(
          root.resolve("class/powercap").resolve(id).resolve("energy_uj"), "5001000\n");
    }
    RaplReading r = meter.read();
    assertThat(r.hostJoules()).isCloseTo(5.0, within(1e-9));
    assertThat(meter.zones()).allSatisfy(z -> assertThat(z.socket()).isEqualTo("0"));
  }

  @Test
  void aSocketThatGoesAwayKeepsItsEnergyInTheTotals() throws Exception {
    SimulatedRaplTree tree = SimulatedRaplTree.server(root, 2);
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    RaplMeter meter = new RaplMeter(new RaplZoneDiscovery(root), Files::readString, clock::get);
    meter.read();
    clock.addAndGet(1_000_000_000L);
    tree.addWatts(1.0, Map.of("intel-rapl:0", 60.0, "intel-rapl:1", 50.0));
    double before = meter.read().hostJoules();
    assertThat(before).isCloseTo(110.0, within(1e-9));
    // Socket 1 offlined: its zones leave powercap.
    Files.delete(root.resolve("class/powercap/intel-rapl:1"));
    Files.delete(root.resolve("class/powercap/intel-rapl:1:0"));
    clock.addAndGet(1_000_000_000L);
    tree.addWatts(1.0, Map.of("intel-rapl:0", 60.0));
    RaplReading after = meter.read();
    assertThat(meter.zones())
        .extracting(RaplZone::id)
        .containsExactly("intel-rapl:0", "intel-rapl:0:0");
    assertThat(after.hostJoules()).isCloseTo(170.0, within(1e-9));
    assertThat(after.domainJoules().get(RaplDomain.PACKAGE)).isCloseTo(170.0, within(1e-9));
  }

  @Test
  void plausibilityOfWrapsAndJumps() {
    RaplZone pkg =
        new RaplZone(
            "intel-rapl:0",
            root,
            "package-0",
            RaplDomain.PACKAGE,
            "0",
            1_000_000_000L,
            100_000_000L,
            false);
    // 100 W ceiling, x2, over 2 s, + 1 J: 401 J.
    assertThat(RaplPlausibility.limitMicrojoules(pkg, 2.0)).isEqualTo(401_000_000L);
    assertThat(RaplPlausibility.delta(pkg, 100, 250, 250, 2.0).microjoules()).isEqualTo(150);
    // A wrap: 100 J to the top, 50 J after it.
    assertThat(
            RaplPlausibility.delta(pkg, 900_000_000L, 50_000_000L, 900_000_000L, 2.0).microjoules())
        .isEqualTo(150_000_000L);
    // A fall of 500 J far from the top: as a wrap it would be ~500 J more than the zone can use.
    assertThat(
            RaplPlausibility.delta(pkg, 600_000_000L, 100_000_000L, 600_000_000L, 2.0).isCounted())
        .isFalse();
    assertThat(RaplPlausibility.delta(pkg, 0, 402_000_000L, 0, 2.0).refusal())
        .contains("rose by 402 J");
    // Unknown range: the smallest range the hardware can have above every value seen.
    RaplZone amd =
        new RaplZone("intel-rapl:0", root, "package-0", RaplDomain.PACKAGE, "0", 0, 0, false);
    long top = SimulatedRaplTree.AMD_RANGE_UJ;
    assertThat(
            RaplPlausibility.delta(amd, top - 30_000_000L, 20_000_000L, top - 30_000_000L, 2.0)
                .microjoules())
        .isEqualTo(50_000_000L);
    assertThat(
            RaplPlausibility.delta(amd, 5_000_000_000L, 4_500_000_000L, 5_000_000_000L, 2.0)
                .isCounted())
        .isFalse();
    // A declared maximum of 1.1 MW (the fuzzer's find) is capped by the package's 600 W ceiling.
    RaplZone bogus =
        new RaplZone(
            "intel-rapl:0",
            root,
            "package-0",
            RaplDomain.PACKAGE,
            "0",
            655_361_098_787L,
            1_098_761_098_787L,
            false);
    assertThat(RaplPlausibility.limitMicrojoules(bogus, 2.0)).isEqualTo(2_401_000_000L);
    assertThat(RaplPlausibility.delta(bogus, 0, 655_360_000_000L, 0, 2.0).isCounted()).isFalse();
  }

  @Test
  void energyTextMustBeACounter() {
    assertThat(RaplMeter.parseEnergy(" 123\n")).isEqualTo(123);
    for (String bad : List.of("", "abc", "-5", "12a", "9".repeat(25), "+7")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> RaplMeter.parseEnergy(bad))
          .isInstanceOf(NumberFormatException.class);
    }
  }

  @Test
  void absentAndUnreadable() {
    assertThat(new RaplMeter(new RaplZoneDiscovery(root)).read().state())
        .isEqualTo(RaplState.ABSENT);
    SimulatedRaplTree.server(root, 1);
    RaplMeter denied =
        new RaplMeter(
            new RaplZoneDiscovery(root),
            f -> {
              throw new java.nio.file.AccessDeniedException(f.toString());
            });
    assertThat(denied.read().state()).isEqualTo(RaplState.UNREADABLE);
  }

  @Test
  void theClassOnlyLayoutResolvesWithinClassPowercap() throws Exception {
    // The layout e2e gives upstream Scaphandre, which sees class/powercap alone bind-mounted.
    SimulatedRaplTree tree =
        SimulatedRaplTree.server(root, 2, SimulatedRaplTree.Layout.CLASS_ONLY, 1L << 32, 1L << 32);
    Path powercap = root.resolve("class/powercap");
    assertThat(Files.isSymbolicLink(powercap.resolve("intel-rapl:0"))).isFalse();
    assertThat(Files.readString(powercap.resolve("intel-rapl:0/intel-rapl:0:0/name")))
        .isEqualTo("dram\n");
    assertThat(root.resolve("devices")).doesNotExist();
    tree.addMicrojoules("intel-rapl:1", (1L << 32) + 5);
    assertThat(tree.energy("intel-rapl:1")).as("wrapped at the given range").isEqualTo(5);
    assertThat(new RaplMeter(new RaplZoneDiscovery(root)).read().state()).isEqualTo(RaplState.OK);
  }
}
