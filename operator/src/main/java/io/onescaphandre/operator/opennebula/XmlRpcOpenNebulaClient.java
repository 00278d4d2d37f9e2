package io.onescaphandre.operator.opennebula;

import io.onescaphandre.contracts.bytes.ByteSize;
import io.onescaphandre.operator.opennebula.OpenNebulaException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * OpenNebula's XML-RPC API over the JDK's HTTP client. Answers are parsed while they stream in.
 *
 * <p>Bounded: the settings' timeout is one deadline for the whole call, retries included (connect,
 * headers and every byte of the body), and an answer larger than {@link AnswerLimits} is refused
 * while it streams in. Error messages never hold the session: a server that echoes it back (in a
 * fault, in a malformed answer) sees it replaced by {@code ***}. Thread-safe.
 */
public final class XmlRpcOpenNebulaClient implements OpenNebulaClient, OpenNebulaHostTemplates {
  /** PoolSQL::ALL: VMs of every user (the session needs the rights to see them). */
  private static final int FILTER_ALL_USERS = -2;

  private final OpenNebulaConnectionSettings settings;
  private final RetryPolicy retryPolicy;
  private final RetryPolicy.Sleeper sleeper;
  private final HttpClient http;
  private final AnswerLimits limits;

  public XmlRpcOpenNebulaClient(OpenNebulaConnectionSettings settings) {
    this(settings, AnswerLimits.DEFAULT);
  }

  public XmlRpcOpenNebulaClient(OpenNebulaConnectionSettings settings, AnswerLimits limits) {
    this(settings, RetryPolicy.DEFAULT, RetryPolicy.Sleeper.THREAD, limits);
  }

  public XmlRpcOpenNebulaClient(
      OpenNebulaConnectionSettings settings, RetryPolicy retryPolicy, RetryPolicy.Sleeper sleeper) {
    this(settings, retryPolicy, sleeper, AnswerLimits.DEFAULT);
  }

  public XmlRpcOpenNebulaClient(
      OpenNebulaConnectionSettings settings,
      RetryPolicy retryPolicy,
      RetryPolicy.Sleeper sleeper,
      AnswerLimits limits) {
    this.settings = settings;
    this.retryPolicy = retryPolicy;
    this.sleeper = sleeper;
    this.limits = limits;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER);
    SSLContext tls = TlsContexts.forSettings(settings);
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.http = builder.build();
  }

  @Override
  public List<OneHost> hostPool() {
    return call("one.hostpool.info", List.of(settings.session()), HostPoolParser::parse);
  }

  /**
   * {@code one.vmpool.info}, the short VM body: it holds every field {@link OneVm} needs (ID, NAME,
   * UNAME, GNAME, STATE, LCM_STATE and the last HISTORY record with HID and VM_MAD, see
   * OpenNebula's vm_pool.xsd), at a fraction of the size of {@code one.vmpool.infoextended}, whose
   * full templates and every past HISTORY record the operator would only skip. Every OpenNebula
   * version has it.
   */
  @Override
  public List<OneVm> vmPool(VmStateFilter filter) {
    List<Object> params = List.of(settings.session(), FILTER_ALL_USERS, -1, -1, filter.code());
    return call("one.vmpool.info", params, VmPoolParser::parse);
  }

  /** {@code one.host.info}: the host's TEMPLATE, single-valued attributes only. */
  @Override
  public java.util.Map<String, String> hostTemplate(int hostId) {
    return call(
        "one.host.info", List.of(settings.session(), hostId, false), HostTemplateParser::parse);
  }

  /**
   * {@code one.host.update} with type 1 (append): the attributes of {@code template} replace those
   * of the same name in HOST/TEMPLATE, every other attribute stays. OpenNebula asks HOST ADMIN
   * rights. Never retried: a write that timed out may have happened.
   */
  @Override
  public void appendHostTemplate(int hostId, String template) {
    String method = "one.host.update";
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    String call = XmlRpcCall.encode(method, List.of(settings.session(), hostId, template, 1));
    try {
      callOnce(request(call, remaining(deadline, method, 0)), method, null, deadline);
    } catch (OpenNebulaException e) {
      throw Redaction.of(settings.session()).apply(e);
    }
  }

  private HttpRequest request(String call, Duration timeout) {
    return HttpRequest.newBuilder(settings.endpoint())
        .timeout(timeout)
        .header("Content-Type", "text/xml")
        .POST(HttpRequest.BodyPublishers.ofString(call, StandardCharsets.UTF_8))
        .build();
  }

  private <T> T call(String method, List<?> params, XmlRpcAnswerReader.BodyParser<T> parser) {
    try {
      return callWithinDeadline(method, params, parser);
    } catch (OpenNebulaException e) {
      throw Redaction.of(settings.session()).apply(e);
    }
  }

  private <T> T callWithinDeadline(
      String method, List<?> params, XmlRpcAnswerReader.BodyParser<T> parser) {
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    String call = XmlRpcCall.encode(method, params);
    for (int attempt = 1; ; attempt++) {
      HttpRequest request = request(call, remaining(deadline, method, 0));
      try {
        return callOnce(request, method, parser, deadline);
      } catch (OpenNebulaException e) {
        if (!e.retryable() || attempt >= retryPolicy.maxAttempts()) {
          throw e;
        }
        Duration backoff = retryPolicy.backoffAfter(attempt);
        if (System.nanoTime() + backoff.toNanos() >= deadline) {
          throw e; // no time left for another attempt within the one deadline
        }
        try {
          sleeper.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** What is left of the call's deadline; past it, the deadline error. */
  private Duration remaining(long deadline, String method, long received) {
    long nanos = deadline - System.nanoTime();
    if (nanos <= 0) {
      throw deadlinePassed(method, received);
    }
    return Duration.ofNanos(nanos);
  }

  private <T> T callOnce(
      HttpRequest request, String method, XmlRpcAnswerReader.BodyParser<T> parser, long deadline) {
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw unreachable(method, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OpenNebulaException(Kind.UNREACHABLE, "Interrupted while calling " + method, e);
    }
    long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (announced > limits.maxAnswerBytes()) {
      closeQuietly(response.body());
      throw tooLarge(method, announced + " bytes announced by Content-Length");
    }
    BoundedAnswer body = new BoundedAnswer(response.body(), limits.maxAnswerBytes(), deadline);
    try (body) {
      checkStatus(response.statusCode(), method);
      return XmlRpcAnswerReader.read(body, method, parser);
    } catch (IOException | OpenNebulaException e) {
      BoundedAnswer.Failure failure = body.failure();
      if (failure == BoundedAnswer.Failure.TOO_LARGE) {
        throw tooLarge(method, "more than that was sent");
      }
      if (failure == BoundedAnswer.Failure.DEADLINE) {
        throw deadlinePassed(method, body.received());
      }
      if (e instanceof OpenNebulaException one) {
        throw one;
      }
      throw unreachable(method, (IOException) e);
    }
  }

  private OpenNebulaException tooLarge(String method, String detail) {
    return new OpenNebulaException(
        Kind.ANSWER_TOO_LARGE,
        "OpenNebula's answer to "
            + method
            + " from "
            + settings.endpoint()
            + " is larger than the cap of "
            + ByteSize.format(limits.maxAnswerBytes())
            + " ("
            + detail
            + "); it was not read further."
            + " Check the endpoint; if the pool really is that large, raise the cap"
            + " (run --opennebula.max-answer-size, generate-conf --max-answer-size).");
  }

  private OpenNebulaException deadlinePassed(String method, long received) {
    return new OpenNebulaException(
        Kind.UNREACHABLE,
        "OpenNebula at "
            + settings.endpoint()
            + " did not give its whole answer to "
            + method
            + " within the timeout of "
            + settings.timeout()
            + " (one deadline for connecting, the headers"
            + " and the body; "
            + ByteSize.format(received)
            + " of the body received). Check that oned is"
            + " not overloaded and the network path, or raise the timeout.");
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // the answer is refused either way
    }
  }

  private void checkStatus(int status, String method) {
    if (status == 200) {
      return;
    }
    String where = "HTTP " + status + " from " + settings.endpoint() + " for " + method;
    if (status >= 500) {
      throw new OpenNebulaException(
          Kind.UNREACHABLE, where + ". Check that oned is running and healthy.");
    }
    if (status == 401 || status == 403) {
      throw new OpenNebulaException(
          Kind.AUTHENTICATION,
          where + ": something in front of oned asks for credentials. Check the endpoint.");
    }
    throw new OpenNebulaException(
        Kind.CONFIGURATION,
        where
            + ". Check the endpoint URL: OpenNebula's XML-RPC API is usually"
            + " http://<frontend>:2633/RPC2.");
  }

  private OpenNebulaException unreachable(String method, IOException e) {
    String endpoint = String.valueOf(settings.endpoint());
    if (e instanceof HttpConnectTimeoutException) {
      return new OpenNebulaException(
          Kind.UNREACHABLE,
          "No connection to OpenNebula at "
              + endpoint
              + " within "
              + settings.timeout()
              + " ("
              + method
              + "). Check the endpoint, the network path and firewalls.",
          e);
    }
    if (e instanceof HttpTimeoutException) {
      return deadlinePassed(method, 0);
    }
    if (e instanceof SSLException) {
      return new OpenNebulaException(
          Kind.CONFIGURATION,
          "TLS with "
              + endpoint
              + " failed ("
              + e.getMessage()
              + "). Check the CA"
              + " (spec.openNebula.tls.caSecretRef) or, for tests only, insecureSkipVerify.",
          e);
    }
    String cause =
        e instanceof ConnectException
            ? "connection refused"
            : e.getCause() instanceof UnresolvedAddressException
                    || e instanceof UnknownHostException
                ? "unknown host"
                : e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return new OpenNebulaException(
        Kind.UNREACHABLE,
        "Cannot reach OpenNebula at "
            + endpoint
            + " ("
            + method
            + "): "
            + cause
            + ". Check the endpoint (ONE_XMLRPC, --endpoint or spec.openNebula.endpoint) and that"
            + " oned listens there.",
        e);
  }
}
