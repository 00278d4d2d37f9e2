package io.onescaphandre.agent.init;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InitCommandTest {
  @TempDir Path root;

  private Path rootfs() throws Exception {
    Path rootfs = root.resolve("host");
    Files.createDirectories(rootfs);
    return rootfs;
  }

  private Path procfs(String vendor, String kernel) throws Exception {
    Path proc = root.resolve("proc");
    Files.createDirectories(proc.resolve("sys/kernel"));
    Files.writeString(
        proc.resolve("cpuinfo"), "processor\t: 0\nvendor_id\t: " + vendor + "\ncpu family\t: 6\n");
    Files.writeString(proc.resolve("sys/kernel/osrelease"), kernel + "\n");
    return proc;
  }

  private JsonNode run(Path sysfs, Path rootfs, Path procfs, String modprobe) throws Exception {
    Path message = root.resolve("termination-log");
    int exit =
        new CommandLine(new InitCommand())
            .execute(
                "--path.sysfs",
                sysfs.toString(),
                "--path.rootfs",
                rootfs.toString(),
                "--path.procfs",
                procfs.toString(),
                "--termination-message-path",
                message.toString(),
                "--modprobe",
                modprobe,
                "--zone-wait",
                "100ms");
    assertThat(exit).isZero();
    String content = Files.readString(message);
    assertThat(content.strip().lines()).hasSize(1);
    return new ObjectMapper().readTree(content);
  }

  @Test
  void hostIdFromOneDbConfigAndRaplOk() throws Exception {
    Path rootfs = rootfs();
    Path config = rootfs.resolve("var/tmp/one_db/config");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "<MONITOR_CONFIGURATION><TIMESTAMP>1</TIMESTAMP><HOST_ID>12</HOST_ID>"
            + "<PROBES_PERIOD><SYSTEM_HOST>600</SYSTEM_HOST></PROBES_PERIOD></MONITOR_CONFIGURATION>");
    Path im = rootfs.resolve("var/tmp/one/im");
    Files.createDirectories(im);
    Files.writeString(im.resolve("status_kvm_99.db"), "");
    SimulatedRaplTree.server(root.resolve("sys"), 2);
    JsonNode json =
        run(
            root.resolve("sys"),
            rootfs,
            procfs("GenuineIntel", "6.1.0-18-amd64"),
            "/nonexistent/modprobe");
    assertThat(json.get("version").asInt()).isEqualTo(1);
    assertThat(json.get("hostId").asInt()).isEqualTo(12);
    assertThat(json.get("hostIdSource").asText()).isEqualTo("one_db_config");
    assertThat(json.get("hostIdFile").asText()).isEqualTo("/var/tmp/one_db/config");
    assertThat(json.get("hypervisor").asText()).isEqualTo("kvm");
    assertThat(json.get("rapl").asText()).isEqualTo("ok");
    assertThat(json.get("raplZones").toString())
        .isEqualTo("[\"package-0\",\"dram\",\"package-1\",\"dram\"]");
    assertThat(json.get("cpuVendor").asText()).isEqualTo("GenuineIntel");
    assertThat(json.get("kernel").asText()).isEqualTo("6.1.0-18-amd64");
    assertThat(json.get("modulesLoaded").size()).isZero();
    assertThat(json.get("powerSource").asText()).isEqualTo("rapl");
    assertThat(json.get("powerSources").toString())
        .isEqualTo(
            "{\"redfish\":\"absent\",\"acpi\":\"absent\",\"rapl\":\"ok\",\"estimate\":\"ok\"}");
    assertThat(json.get("message").asText())
        .isEqualTo("RAPL readable, host id 12 from /var/tmp/one_db/config, host power from rapl");
  }

  @Test
  void aWallMeterComesFirstAndWithoutAnythingMeasurableTheEstimate() throws Exception {
    Path sysfs = root.resolve("sys");
    SimulatedRaplTree.server(sysfs, 1);
    Path meter = sysfs.resolve("class/hwmon/hwmon1");
    Files.createDirectories(meter);
    Files.writeString(meter.resolve("name"), "power_meter\n");
    Files.writeString(meter.resolve("power1_average"), "230000000\n");
    JsonNode json = run(sysfs, rootfs(), procfs("GenuineIntel", "6.1.0"), "/nonexistent/modprobe");
    assertThat(json.get("powerSource").asText()).isEqualTo("acpi");

    JsonNode none =
        run(
            root.resolve("nosys"),
            rootfs(),
            procfs("GenuineIntel", "6.1.0"),
            "/nonexistent/modprobe");
    assertThat(none.get("powerSource").asText()).isEqualTo("estimate");
    assertThat(none.get("powerSources").get("rapl").asText()).isEqualTo("absent");
    assertThat(none.get("message").asText())
        .endsWith("host power from estimate (a model: nothing measurable)");
  }

  @Test
  void newestStatusDbWinsAndWalFilesAreIgnored() throws Exception {
    Path rootfs = rootfs();
    Path im = rootfs.resolve("var/tmp/one/im");
    Files.createDirectories(im);
    Instant now = Instant.now();
    touch(im.resolve("status_kvm_3.db"), now.minus(Duration.ofDays(30)));
    touch(im.resolve("status_lxc_8.db"), now.minus(Duration.ofMinutes(1)));
    touch(im.resolve("status_kvm_5.db-wal"), now);
    touch(im.resolve("status_qemu_6.db-shm"), now);
    JsonNode json =
        run(
            root.resolve("nosys"),
            rootfs,
            procfs("GenuineIntel", "6.1.0"),
            "/nonexistent/modprobe");
    assertThat(json.get("hostId").asInt()).isEqualTo(8);
    assertThat(json.get("hostIdSource").asText()).isEqualTo("im_status_db");
    assertThat(json.get("hostIdFile").asText()).isEqualTo("/var/tmp/one/im/status_lxc_8.db");
    assertThat(json.get("hypervisor").asText()).isEqualTo("lxc");
    assertThat(json.get("rapl").asText()).isEqualTo("absent");
  }

  @Test
  void nothingFoundStillExitsZeroWithNulls() throws Exception {
    JsonNode json =
        run(
            root.resolve("nosys"),
            rootfs(),
            procfs("AuthenticAMD", "5.4.0-150-generic"),
            "/nonexistent/modprobe");
    assertThat(json.get("hostId").isNull()).isTrue();
    assertThat(json.get("hostIdSource").isNull()).isTrue();
    assertThat(json.get("hypervisor").isNull()).isTrue();
    assertThat(json.get("rapl").asText()).isEqualTo("absent");
    assertThat(json.get("message").asText()).contains("AMD powercap RAPL needs kernel 5.11");
  }

  @Test
  void brokenConfigFallsBackToStatusDb() throws Exception {
    Path rootfs = rootfs();
    Path config = rootfs.resolve("var/tmp/one_db/config");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "<MONITOR_CONFIGURATION><HOST_ID>abc</HOST_ID>");
    Files.createDirectories(rootfs.resolve("var/tmp/one/im"));
    Files.writeString(rootfs.resolve("var/tmp/one/im/status_qemu_4.db"), "");
    JsonNode json =
        run(
            root.resolve("nosys"),
            rootfs,
            procfs("GenuineIntel", "6.1.0"),
            "/nonexistent/modprobe");
    assertThat(json.get("hostId").asInt()).isEqualTo(4);
    assertThat(json.get("hypervisor").asText()).isEqualTo("kvm");
  }

  @Test
  void modprobeIsRunAndZonesAreAwaited() throws Exception {
    // A fake modprobe that "loads" the module by creating the zones, as the kernel would.
    Path sysfs = root.resolve("sys");
    Path script = root.resolve("modprobe");
    Path log = root.resolve("modprobe.log");
    Files.writeString(
        script,
        "#!/bin/sh\necho \"$@\" >> "
            + log
            + "\n"
            + "case \"$*\" in *intel_rapl_msr*) mkdir -p "
            + sysfs
            + "/class/powercap/intel-rapl:0 && "
            + "echo package-0 > "
            + sysfs
            + "/class/powercap/intel-rapl:0/name && "
            + "echo 262143328850 > "
            + sysfs
            + "/class/powercap/intel-rapl:0/max_energy_range_uj && "
            + "echo 5 > "
            + sysfs
            + "/class/powercap/intel-rapl:0/energy_uj;; esac\n");
    script.toFile().setExecutable(true);
    Path rootfs = rootfs();
    JsonNode json =
        run(sysfs, rootfs, procfs("GenuineIntel", "5.15.0-91-generic"), script.toString());
    assertThat(json.get("modulesLoaded").toString())
        .isEqualTo("[\"intel_rapl_common\",\"intel_rapl_msr\"]");
    assertThat(json.get("rapl").asText()).isEqualTo("ok");
    assertThat(Files.readString(log)).contains("--dirname=" + rootfs + " intel_rapl_common");
  }

  @Test
  void modulesByVendorAndKernel() {
    assertThat(RaplModules.required("GenuineIntel", KernelRelease.parse("4.19.0-26-amd64")))
        .containsExactly("intel_rapl");
    assertThat(RaplModules.required("GenuineIntel", KernelRelease.parse("5.2.0")))
        .containsExactly("intel_rapl");
    assertThat(RaplModules.required("GenuineIntel", KernelRelease.parse("5.14.0-362.el9.x86_64")))
        .containsExactly("intel_rapl_common", "intel_rapl_msr");
    assertThat(RaplModules.required("AuthenticAMD", KernelRelease.parse("5.10.0"))).isEmpty();
    assertThat(RaplModules.required("AuthenticAMD", KernelRelease.parse("5.11.0")))
        .containsExactly("intel_rapl_common", "intel_rapl_msr");
    assertThat(RaplModules.required("HygonGenuine", KernelRelease.parse("6.8.0"))).hasSize(2);
    assertThat(RaplModules.required("ARM", KernelRelease.parse("6.8.0"))).isEmpty();
  }

  @Test
  void raplGroupGetsReadOnEveryEnergyFile() throws Exception {
    SimulatedRaplTree rapl = SimulatedRaplTree.server(root.resolve("sys"), 2);
    List<Path> energyFiles = new ArrayList<>();
    try (var files = Files.walk(root.resolve("sys"))) {
      files
          .filter(f -> f.getFileName().toString().equals("energy_uj") && !Files.isSymbolicLink(f))
          .forEach(energyFiles::add);
    }
    for (Path f : energyFiles) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
    }
    // The group the files already have: a test cannot create a system group, and setting the same
    // group still goes through the lookup and the chgrp.
    String group =
        Files.readAttributes(energyFiles.get(0), PosixFileAttributes.class).group().getName();
    JsonNode json =
        runWith(
            root.resolve("sys"), rootfs(), procfs("GenuineIntel", "6.1.0"), "--rapl.group", group);
    assertThat(energyFiles).hasSize(rapl.zoneIds().size());
    for (Path f : energyFiles) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
          .isEqualTo("r--r-----");
      assertThat(Files.readAttributes(f, PosixFileAttributes.class).group().getName())
          .isEqualTo(group);
    }
    assertThat(json.get("message").asText()).contains("energy_uj readable by group " + group);
  }

  @Test
  void unknownRaplGroupIsReportedNotFatal() throws Exception {
    SimulatedRaplTree.server(root.resolve("sys"), 1);
    JsonNode json =
        runWith(
            root.resolve("sys"),
            rootfs(),
            procfs("GenuineIntel", "6.1.0"),
            "--rapl.group",
            "no-such-group-one-scaphandre");
    assertThat(json.get("rapl").asText()).isEqualTo("ok");
    assertThat(json.get("message").asText())
        .contains(
            "group no-such-group-one-scaphandre does not exist (the agent will report rapl unreadable)");
  }

  private JsonNode runWith(Path sysfs, Path rootfs, Path procfs, String... extra) throws Exception {
    Path message = root.resolve("termination-log");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--path.sysfs",
                sysfs.toString(),
                "--path.rootfs",
                rootfs.toString(),
                "--path.procfs",
                procfs.toString(),
                "--termination-message-path",
                message.toString(),
                "--modprobe",
                "/nonexistent/modprobe",
                "--zone-wait",
                "100ms"));
    args.addAll(List.of(extra));
    assertThat(new CommandLine(new InitCommand()).execute(args.toArray(String[]::new))).isZero();
    return new ObjectMapper().readTree(Files.readString(message));
  }

  private static void touch(Path file, Instant mtime) throws Exception {
    Files.writeString(file, "");
    Files.setLastModifiedTime(file, FileTime.from(mtime));
  }
}
