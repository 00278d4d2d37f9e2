package io.onescaphandre.operator.opennebula;

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
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * OpenNebula's XML-RPC API over the JDK's HTTP client. Answers are parsed while they stream in.
 * Thread-safe.
 */
public final class XmlRpcOpenNebulaClient implements OpenNebulaClient, OpenNebulaHostTemplates {
  /** PoolSQL::ALL: VMs of every user (the session needs the rights to see them). */
  private static final int FILTER_ALL_USERS = -2;

  private final OpenNebulaConnectionSettings settings;
  private final RetryPolicy retryPolicy;
  private final RetryPolicy.Sleeper sleeper;
  private final HttpClient http;

  public XmlRpcOpenNebulaClient(OpenNebulaConnectionSettings settings) {
    this(settings, RetryPolicy.DEFAULT, RetryPolicy.Sleeper.THREAD);
  }

  public XmlRpcOpenNebulaClient(
      OpenNebulaConnectionSettings settings, RetryPolicy retryPolicy, RetryPolicy.Sleeper sleeper) {
    this.settings = settings;
    this.retryPolicy = retryPolicy;
    this.sleeper = sleeper;
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
   * UNAME, GNAME, STATE, LCM_STATE and the last HISTORY record with HID and VM_MAD, see OpenNebula's
   * vm_pool.xsd), at a fraction of the size of {@code one.vmpool.infoextended}, whose full templates
   * and every past HISTORY record the operator would only skip. Every OpenNebula version has it.
   */
  @Override
  public List<OneVm> vmPool(VmStateFilter filter) {
    List<Object> params = List.of(settings.session(), FILTER_ALL_USERS, -1, -1, filter.code());
    return call("one.vmpool.info", params, VmPoolParser::parse);
  }

  /** {@code one.host.info}: the host's TEMPLATE, single-valued attributes only. */
  @Override
  public java.util.Map<String, String> hostTemplate(int hostId) {
    return call("one.host.info", List.of(settings.session(), hostId, false), HostTemplateParser::parse);
  }

  /**
   * {@code one.host.update} with type 1 (append): the attributes of {@code template} replace those
   * of the same name in HOST/TEMPLATE, every other attribute stays. OpenNebula asks HOST ADMIN rights.
   * Never retried: a write that timed out may have happened.
   */
  @Override
  public void appendHostTemplate(int hostId, String template) {
    HttpRequest request = request("one.host.update", List.of(settings.session(), hostId, template, 1));
    callOnce(request, "one.host.update", null);
  }

  private HttpRequest request(String method, List<?> params) {
    return HttpRequest.newBuilder(settings.endpoint())
        .timeout(settings.timeout())
        .header("Content-Type", "text/xml")
        .POST(HttpRequest.BodyPublishers.ofString(XmlRpcCall.encode(method, params), StandardCharsets.UTF_8))
        .build();
  }

  private <T> T call(String method, List<?> params, XmlRpcAnswerReader.BodyParser<T> parser) {
    HttpRequest request = request(method, params);
    for (int attempt = 1; ; attempt++) {
      try {
        return callOnce(request, method, parser);
      } catch (OpenNebulaException e) {
        if (!e.retryable() || attempt >= retryPolicy.maxAttempts()) {
          throw e;
        }
        try {
          sleeper.sleep(retryPolicy.backoffAfter(attempt));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private <T> T callOnce(
      HttpRequest request, String method, XmlRpcAnswerReader.BodyParser<T> parser) {
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw unreachable(method, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OpenNebulaException(Kind.UNREACHABLE, "Interrupted while calling " + method, e);
    }
    try (InputStream body = response.body()) {
      checkStatus(response.statusCode(), method);
      return XmlRpcAnswerReader.read(body, method, parser);
    } catch (IOException e) {
      throw unreachable(method, e);
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
        where + ". Check the endpoint URL: OpenNebula's XML-RPC API is usually"
            + " http://<frontend>:2633/RPC2.");
  }

  private OpenNebulaException unreachable(String method, IOException e) {
    String endpoint = String.valueOf(settings.endpoint());
    if (e instanceof HttpConnectTimeoutException) {
      return new OpenNebulaException(
          Kind.UNREACHABLE,
          "No connection to OpenNebula at " + endpoint + " within " + settings.timeout()
              + " (" + method + "). Check the endpoint, the network path and firewalls.",
          e);
    }
    if (e instanceof HttpTimeoutException) {
      return new OpenNebulaException(
          Kind.UNREACHABLE,
          "OpenNebula at " + endpoint + " did not answer " + method + " within "
              + settings.timeout() + ". Check that oned is not overloaded, or raise the timeout.",
          e);
    }
    if (e instanceof SSLException) {
      return new OpenNebulaException(
          Kind.CONFIGURATION,
          "TLS with " + endpoint + " failed (" + e.getMessage() + "). Check the CA"
              + " (spec.openNebula.tls.caSecretRef) or, for tests only, insecureSkipVerify.",
          e);
    }
    String cause =
        e instanceof ConnectException
            ? "connection refused"
            : e.getCause() instanceof UnresolvedAddressException
                    || e instanceof UnknownHostException
                ? "unknown host"
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return new OpenNebulaException(
        Kind.UNREACHABLE,
        "Cannot reach OpenNebula at " + endpoint + " (" + method + "): " + cause
            + ". Check the endpoint (ONE_XMLRPC, --endpoint or spec.openNebula.endpoint) and that"
            + " oned listens there.",
        e);
  }
}
