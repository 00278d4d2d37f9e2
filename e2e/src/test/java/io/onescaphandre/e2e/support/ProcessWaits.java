package io.onescaphandre.e2e.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waiting on a process the tier started (Awaitility polls): fails at once with the process's log
 * tail when it exits, or after the timeout with the last value seen and the log tail.
 */
public final class ProcessWaits {
  private ProcessWaits() {}

  /** Polls {@code value} every {@code poll} until {@code done} holds; returns that value. */
  public static <T> T until(
      ManagedProcess process,
      String what,
      Duration timeout,
      Duration poll,
      Callable<T> value,
      Predicate<? super T> done) {
    AtomicReference<Object> last = new AtomicReference<>("nothing yet");
    try {
      return await(what)
          .atMost(timeout)
          .pollInterval(poll)
          .pollDelay(Duration.ZERO)
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new ProcessExited();
                }
                T v = value.call();
                last.set(v);
                return v;
              },
              done);
    } catch (ProcessExited e) {
      throw new AssertionError(process.name() + " exited:\n" + process.logTail());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          what + " not within " + timeout + " (last: " + last.get() + "):\n" + process.logTail(),
          e);
    }
  }

  /** Until a GET of {@code url} answers 200. */
  public static void untilOk(ManagedProcess process, String what, URI url, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    until(process, what, timeout, Duration.ofMillis(300), () -> answer(http, url), "200"::equals);
  }

  /** "200", another status and its body, or why there was no answer. */
  private static String answer(HttpClient http, URI url) throws InterruptedException {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? "200" : response.statusCode() + " " + response.body();
    } catch (IOException notListeningYet) {
      return notListeningYet.toString();
    }
  }

  private static final class ProcessExited extends RuntimeException {
    ProcessExited() {
      super(null, null, false, false);
    }
  }
}
