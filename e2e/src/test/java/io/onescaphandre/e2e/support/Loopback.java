package io.onescaphandre.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback addresses for the simulated OpenNebula hosts: 127.A.B.N with A and B drawn once per run,
 * so that two runs on one machine (other builds run here at the same time) do not share node
 * addresses. Linux answers on all of 127.0.0.0/8 without configuration.
 */
public final class Loopback {
  private static final int A = ThreadLocalRandom.current().nextInt(100, 200);
  private static final int B = ThreadLocalRandom.current().nextInt(1, 250);

  private Loopback() {}

  /** The InternalIP of the simulated node number {@code n} (1..200). */
  public static String nodeAddress(int n) {
    if (n < 1 || n > 200) {
      throw new IllegalArgumentException("node number out of 1..200: " + n);
    }
    return "127." + A + "." + B + "." + (n + 10);
  }

  /** A TCP port free on every loopback address right now (bound on 127.0.0.1 by port 0). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
