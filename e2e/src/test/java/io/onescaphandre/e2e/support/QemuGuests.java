package io.onescaphandre.e2e.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Real QEMU guests as OpenNebula starts them: through an emulator named {@code qemu-kvm-one} with
 * {@code -name guest=one-<id>,debug-threads=on}. TCG (no VT-x here), a Debian kernel and an
 * initramfs of busybox whose /init keeps one vCPU busy for {@code duty} percent of the time
 * (build-binaries.sh makes both). These are real processes burning real CPU that any agent reading
 * /proc sees, exactly as on a KVM host.
 */
public final class QemuGuests implements AutoCloseable {
  public record Guest(int vmId, int dutyPercent, ManagedProcess process) {
    public String vmName() {
      return "one-" + vmId;
    }
  }

  private final List<Guest> guests = new ArrayList<>();
  private final Path emulator;

  public QemuGuests() {
    Path dir = E2e.work("qemu");
    emulator = dir.resolve("qemu-kvm-one");
    try {
      if (!Files.exists(emulator, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(emulator, Path.of(qemuSystem()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String qemuSystem() {
    for (String candidate :
        List.of("/usr/bin/qemu-system-x86_64", "/usr/local/bin/qemu-system-x86_64")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "qemu-system-x86_64 not found: run e2e/build-binaries.sh (Debian qemu-system-x86)");
  }

  public Guest start(int vmId, int dutyPercent) {
    Path kernel = E2e.cache().resolve("qemu/vmlinuz");
    Path initrd = E2e.cache().resolve("qemu/initrd.gz");
    Path console = E2e.work("qemu").resolve("one-" + vmId + ".console");
    List<String> command =
        List.of(
            emulator.toString(),
            "-name",
            "guest=one-" + vmId + ",debug-threads=on",
            "-uuid",
            String.format("00000000-0000-4000-8000-%012d", vmId),
            "-accel",
            "tcg",
            "-m",
            "128",
            "-smp",
            "1",
            "-nodefaults",
            "-no-user-config",
            "-display",
            "none",
            "-monitor",
            "none",
            "-no-reboot",
            "-serial",
            "file:" + console,
            "-kernel",
            kernel.toString(),
            "-initrd",
            initrd.toString(),
            "-append",
            "console=ttyS0 quiet panic=-1 duty=" + dutyPercent);
    Guest guest =
        new Guest(vmId, dutyPercent, ManagedProcess.start("qemu-one-" + vmId, command, Map.of()));
    guests.add(guest);
    return guest;
  }

  /** Waits until every guest's /init has printed its banner on the serial console. */
  public void awaitBooted(Duration timeout) {
    try {
      await("every guest to boot")
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                for (Guest guest : guests) {
                  if (!guest.process().isAlive()) {
                    throw new AssertionError(
                        guest.vmName() + " exited: " + guest.process().logTail());
                  }
                }
                return notBooted().isEmpty();
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(notBooted() + " did not boot within " + timeout, e);
    }
  }

  private List<String> notBooted() {
    return guests.stream()
        .filter(
            g -> !consoleSays(E2e.work("qemu").resolve(g.vmName() + ".console"), "e2e guest: duty"))
        .map(Guest::vmName)
        .toList();
  }

  public List<Guest> guests() {
    return List.copyOf(guests);
  }

  private static boolean consoleSays(Path console, String text) {
    try {
      return Files.exists(console) && Files.readString(console).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    guests.forEach(g -> g.process().close());
    guests.clear();
  }
}
