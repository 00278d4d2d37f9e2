package io.onescaphandre.agent.init;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads kernel modules with the {@code modprobe} executable. Its absence (a minimal image), a
 * missing module or a failure is logged and reported, never fatal. Does not rely on {@code
 * /proc/modules}, which some kernels do not have.
 */
public final class ModuleLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ModuleLoader.class);

  private final String modprobe;
  private final Path rootfs;

  /**
   * @param modprobe the executable (name looked up in PATH, or a path)
   * @param rootfs the host root: when not {@code /}, modules come from {@code <rootfs>/lib/modules}
   */
  public ModuleLoader(String modprobe, Path rootfs) {
    this.modprobe = modprobe;
    this.rootfs = rootfs;
  }

  /** Loads each module; returns those modprobe reported as loaded. */
  public List<String> load(List<String> modules) {
    List<String> loaded = new ArrayList<>();
    for (String module : modules) {
      List<String> command = new ArrayList<>(List.of(modprobe));
      if (!rootfs.toString().equals("/")) {
        command.add("--dirname=" + rootfs);
      }
      command.add(module);
      try {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          LOG.warn("{} timed out", command);
          continue;
        }
        if (process.exitValue() == 0) {
          loaded.add(module);
        } else {
          LOG.warn("{} failed ({}): {}", command, process.exitValue(), new String(output).trim());
        }
      } catch (IOException e) {
        LOG.warn(
            "cannot run {}: {}; load {} on the host instead", modprobe, e.getMessage(), modules);
        return loaded;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return loaded;
      }
    }
    return loaded;
  }
}
