package io.onescaphandre.operator.opennebula;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An answer body read within a byte cap and a deadline. The HTTP client's own timeout stops when
 * the headers arrive; a server that then trickles its body (or stalls) would hold the caller
 * forever. At the deadline a watchdog closes the stream, which wakes a read blocked on it; past the
 * cap a read fails at once. After either, {@link #failure()} says which, so the caller reports that
 * and not the parse error the cut stream causes.
 */
final class BoundedAnswer extends FilterInputStream {
  enum Failure {
    TOO_LARGE,
    DEADLINE
  }

  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "opennebula-answer-deadline");
            thread.setDaemon(true);
            return thread;
          });

  private final long maxBytes;
  private final ScheduledFuture<?> watchdog;
  private long received;
  private volatile Failure failure;

  /**
   * @param deadlineNanos {@link System#nanoTime()} by which the whole answer must be read
   */
  BoundedAnswer(InputStream in, long maxBytes, long deadlineNanos) {
    super(in);
    this.maxBytes = maxBytes;
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      failure = Failure.DEADLINE;
      watchdog = null;
      closeQuietly(in);
    } else {
      watchdog =
          WATCHDOG.schedule(
              () -> {
                failure = Failure.DEADLINE;
                closeQuietly(in);
              },
              remaining,
              TimeUnit.NANOSECONDS);
    }
  }

  /** What stopped the reading, null while nothing did. */
  Failure failure() {
    return failure;
  }

  long received() {
    return received;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    check();
    int n;
    try {
      n = super.read(b, off, (int) Math.min(len, maxBytes - received + 1));
    } catch (IOException e) {
      check();
      throw e;
    }
    check();
    if (n > 0) {
      received += n;
      if (received > maxBytes) {
        failure = Failure.TOO_LARGE;
        check();
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] discard = new byte[(int) Math.min(n, 8192)];
    int read = read(discard, 0, discard.length);
    return Math.max(read, 0);
  }

  private void check() throws IOException {
    Failure f = failure;
    if (f != null) {
      throw new IOException(
          f == Failure.TOO_LARGE
              ? "answer larger than " + maxBytes + " bytes"
              : "deadline passed after " + received + " bytes");
    }
  }

  @Override
  public void close() throws IOException {
    if (watchdog != null) {
      watchdog.cancel(false);
    }
    super.close();
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException | RuntimeException ignored) {
      // the reader sees the failure either way
    }
  }
}
