package io.onescaphandre.agent.power;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Whole-node power from the BMC's Redfish service. Per chassis, the legacy {@code Power} resource
 * first ({@code PowerControl[0]}: {@code PowerMetrics.AverageConsumedWatts} over {@code
 * PowerMetrics.IntervalInMin} when the BMC gives both, else {@code PowerConsumedWatts}), then
 * {@code PowerSubsystem} (the sum of the supplies' {@code Metrics.InputPowerWatts.Reading}: input
 * power, i.e. the wall side, not the DC output that misses the supplies' losses). The averaging
 * window goes with the reading so that the platform remainder compares it with RAPL over the same
 * window. Credentials go as HTTP basic authentication on each request (no session to leak or
 * expire) and never into logs, metrics or messages.
 */
public final class RedfishSource implements WattSource {
  /**
   * Loaded at the first answer: Jackson's classes cost the agent ~7 MiB of RSS that a node without
   * a BMC keeps.
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private final RedfishSettings settings;
  private final PlausibleWatts plausible;

  /**
   * Made at the first poll with an address: a node without a BMC pays for no HTTP client nor TLS.
   */
  private HttpClient http;

  private URI base;

  /** The resource that gave the last reading, to skip the discovery on the next poll. */
  private String powerPath;

  public RedfishSource(RedfishSettings settings, PlausibleWatts plausible) {
    this.settings = settings;
    this.plausible = plausible;
    if (settings.caFile() != null) {
      trusting(settings); // a bad --redfish.ca-file is a start-up error, not a state
    }
  }

  private HttpClient http() {
    if (http == null) {
      HttpClient.Builder builder =
          HttpClient.newBuilder()
              .connectTimeout(settings.timeout())
              .followRedirects(HttpClient.Redirect.NEVER);
      if (settings.caFile() != null) {
        builder.sslContext(trusting(settings));
      }
      http = builder.build();
    }
    return http;
  }

  @Override
  public PowerSourceName name() {
    return PowerSourceName.REDFISH;
  }

  @Override
  public WattReading read() {
    URI endpoint = settings.endpoint().resolve();
    if (endpoint == null) {
      return WattReading.failed(
          SourceState.ABSENT,
          "no BMC address for this node (annotation"
              + " one-scaphandre.io/bmc-address or spec.power.redfish.endpoints)");
    }
    if (!endpoint.equals(base)) {
      base = endpoint;
      powerPath = null;
    }
    String authorization;
    try {
      String user = Files.readString(settings.usernameFile()).strip();
      String password = Files.readString(settings.passwordFile()).strip();
      authorization =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    } catch (IOException | NullPointerException e) {
      return WattReading.failed(
          SourceState.UNREADABLE,
          "no BMC credentials: mount a Secret labelled"
              + " one-scaphandre.io/bmc-credentials=true with keys username and password");
    }
    try {
      if (powerPath != null) {
        WattReading reading = readPower(powerPath, authorization);
        if (reading != null) {
          return reading;
        }
        powerPath = null;
      }
      for (String chassis : chassisPaths(authorization)) {
        JsonNode node = get(chassis, authorization);
        for (String link : List.of("Power", "PowerSubsystem")) {
          String path = node.path(link).path("@odata.id").asText(null);
          if (path != null) {
            WattReading reading = readPower(path, authorization);
            if (reading != null) {
              powerPath = path;
              return reading;
            }
          }
        }
      }
      return WattReading.failed(
          SourceState.ABSENT,
          "no chassis of " + base.getHost() + " gives a power reading (Power or PowerSubsystem)");
    } catch (RedfishStatus e) {
      return e.reading();
    } catch (HttpTimeoutException e) {
      return WattReading.failed(
          SourceState.UNREACHABLE, "the BMC did not answer within " + settings.timeout());
    } catch (ConnectException e) {
      return WattReading.failed(
          SourceState.UNREACHABLE, "cannot connect to the BMC at " + base.getHost());
    } catch (IOException e) {
      return WattReading.failed(
          SourceState.UNREACHABLE,
          "Redfish request failed: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return WattReading.failed(SourceState.UNREACHABLE, "interrupted");
    }
  }

  private List<String> chassisPaths(String authorization) throws IOException, InterruptedException {
    if (settings.chassis() != null) {
      return List.of("/redfish/v1/Chassis/" + settings.chassis());
    }
    List<String> paths = new ArrayList<>();
    for (JsonNode member : get("/redfish/v1/Chassis", authorization).path("Members")) {
      String path = member.path("@odata.id").asText(null);
      if (path != null) {
        paths.add(path);
      }
    }
    return paths;
  }

  /** The reading of a Power or PowerSubsystem resource, or null when it holds none. */
  private WattReading readPower(String path, String authorization)
      throws IOException, InterruptedException {
    JsonNode resource = get(path, authorization);
    JsonNode control = resource.path("PowerControl").path(0);
    if (!control.isMissingNode()) {
      JsonNode metrics = control.path("PowerMetrics");
      if (metrics.path("AverageConsumedWatts").isNumber()
          && metrics.path("IntervalInMin").isNumber()) {
        return plausible.check(
            metrics.path("AverageConsumedWatts").asDouble(),
            metrics.path("IntervalInMin").asDouble() * 60,
            "Redfish " + path + " AverageConsumedWatts");
      }
      if (control.path("PowerConsumedWatts").isNumber()) {
        return plausible.check(
            control.path("PowerConsumedWatts").asDouble(),
            0,
            "Redfish " + path + " PowerConsumedWatts");
      }
    }
    String supplies = resource.path("PowerSupplies").path("@odata.id").asText(null);
    if (supplies == null) {
      return null;
    }
    double watts = 0;
    int read = 0;
    for (JsonNode member : get(supplies, authorization).path("Members")) {
      String supply = member.path("@odata.id").asText(null);
      if (supply == null) {
        continue;
      }
      String metricsPath =
          get(supply, authorization).path("Metrics").path("@odata.id").asText(null);
      if (metricsPath == null) {
        continue;
      }
      JsonNode input = get(metricsPath, authorization).path("InputPowerWatts").path("Reading");
      if (input.isNumber()) {
        watts += input.asDouble();
        read++;
      }
    }
    return read == 0
        ? null
        : plausible.check(watts, 0, "Redfish " + path + " supplies' InputPowerWatts");
  }

  private JsonNode get(String path, String authorization) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(settings.timeout())
            .header("Accept", "application/json")
            .header("Authorization", authorization)
            .GET()
            .build();
    HttpResponse<InputStream> response =
        http().send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status == 401 || status == 403) {
        throw new RedfishStatus(
            WattReading.failed(
                SourceState.UNREADABLE, "the BMC refused the credentials (HTTP " + status + ")"));
      }
      if (status == 404) {
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
      }
      if (status != 200) {
        throw new RedfishStatus(
            WattReading.failed(
                SourceState.UNREACHABLE, "the BMC answered HTTP " + status + " for " + path));
      }
      return Json.MAPPER.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new RedfishStatus(
          WattReading.failed(SourceState.INVALID, "the BMC's " + path + " is not JSON"));
    }
  }

  private static SSLContext trusting(RedfishSettings settings) {
    try (InputStream in = Files.newInputStream(settings.caFile())) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("bmc-ca-" + i++, certificate);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "--redfish.ca-file " + settings.caFile() + ": " + e.getMessage(), e);
    }
  }

  /** An HTTP answer that decides the reading's state. */
  private static final class RedfishStatus extends IOException {
    private final transient WattReading reading;

    RedfishStatus(WattReading reading) {
      super(reading.message());
      this.reading = reading;
    }

    WattReading reading() {
      return reading;
    }
  }
}
