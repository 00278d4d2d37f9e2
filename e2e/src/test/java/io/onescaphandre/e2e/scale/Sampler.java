package io.onescaphandre.e2e.scale;

import io.onescaphandre.e2e.support.ManagedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** RSS and threads of the operator every second. */
final class Sampler {
  private final ManagedProcess process;
  private final AtomicBoolean running = new AtomicBoolean(true);
  volatile long maxRssKib;
  volatile long lastRssKib;
  volatile int maxThreads;
  volatile int lastThreads;
  private Thread thread;

  Sampler(ManagedProcess process) {
    this.process = process;
  }

  void start() {
    thread =
        new Thread(
            () -> {
              while (running.get() && process.isAlive()) {
                lastRssKib = process.rssKib();
                maxRssKib = Math.max(maxRssKib, lastRssKib);
                lastThreads = threads(process.pid());
                maxThreads = Math.max(maxThreads, lastThreads);
                try {
                  Thread.sleep(1000); // the sampling period, not a wait for something
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "sampler");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() {
    running.set(false);
    thread.interrupt();
  }

  private static int threads(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("Threads:")) {
          return Integer.parseInt(line.substring(8).strip());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
