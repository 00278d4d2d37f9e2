package io.onescaphandre.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SIMULATED: three OpenNebula VMs. Each is a shell loop, busy for a share of every 100 ms, whose
 * argv reads like the QEMU of VM {@code one-<id>} ({@code qemu-kvm-one ... -name
 * guest=one-<id>,...}), which is how the agent recognises a VM on a KVM host. They stop when the
 * demo's JVM is gone.
 */
public final class SimulatedGuests {
  /** A guest: VM id, vCPUs, and the percentage of one CPU it keeps busy. */
  public record Guest(int vmId, int vcpus, int busyPercent) {
    public String vmName() {
      return "one-" + vmId;
    }
  }

  public static final List<Guest> GUESTS =
      List.of(new Guest(42, 4, 45), new Guest(43, 2, 25), new Guest(44, 1, 10));

  private static final String SCRIPT =
      """
      # one-scaphandre demo: a SIMULATED OpenNebula VM. Not QEMU: a shell loop that keeps one CPU busy
      # for DEMO_BUSY_US of every 100000 microseconds; its argv reads like the QEMU of the VM.
      export LC_ALL=C
      exec 3<>"$DEMO_FIFO"
      busy=$DEMO_BUSY_US
      idle=$(printf '0.%06d' $((100000 - busy)))
      while [ -d "/proc/$DEMO_PARENT" ]; do
        now=${EPOCHREALTIME/[.,]/}
        end=$((now + busy))
        while (( ${EPOCHREALTIME/[.,]/} < end )); do :; done
        read -r -t "$idle" -u 3 _ || :
      done
      """;

  private SimulatedGuests() {}

  /** Starts the guests; returns their pids. */
  public static List<Long> start(ChildProcesses children, Path dir)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path script = dir.resolve("qemu-guest.sh");
    Files.writeString(script, SCRIPT);
    Path fifo = dir.resolve("idle.fifo");
    if (!Files.exists(fifo)) {
      int exit = children.run("mkfifo", List.of("mkfifo", fifo.toString()), 10);
      if (exit != 0) {
        throw new IOException("mkfifo " + fifo + " failed (exit " + exit + ")");
      }
    }
    List<Long> pids = new ArrayList<>();
    for (Guest g : GUESTS) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  "bash",
                  "-c",
                  "exec -a qemu-kvm-one bash \"$0\" \"$@\"",
                  script.toString(),
                  "-name",
                  "guest=" + g.vmName() + ",debug-threads=on",
                  "-uuid",
                  String.format("6f1c2b1e-0000-4000-8000-%012d", g.vmId()),
                  "-machine",
                  "pc-q35-7.2,usb=off,accel=kvm",
                  "-smp",
                  g.vcpus() + ",sockets=1,cores=" + g.vcpus() + ",threads=1",
                  "-m",
                  Integer.toString(1024 * g.vcpus())));
      Process p =
          children.start(
              "guest-" + g.vmName(),
              command,
              Map.of(
                  "DEMO_FIFO", fifo.toString(),
                  "DEMO_BUSY_US", Integer.toString(g.busyPercent() * 1000),
                  "DEMO_PARENT", Long.toString(ProcessHandle.current().pid())));
      pids.add(p.pid());
    }
    return pids;
  }
}
