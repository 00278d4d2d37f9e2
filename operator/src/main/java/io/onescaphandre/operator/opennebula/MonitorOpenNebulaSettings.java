package io.onescaphandre.operator.opennebula;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.onescaphandre.operator.admission.OpenNebulaEndpoints;
import io.onescaphandre.operator.api.OpenNebulaSpec;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.SecretKeyRef;
import io.onescaphandre.operator.status.Reasons;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The connection settings of a monitor's {@code spec.openNebula}: the endpoint, the session from
 * the Secret named by {@code secretRef} and the CA from {@code tls.caSecretRef}, both read (GET
 * only, the operator's RBAC allows no list) from the monitor's namespace at each call, so a rotated
 * Secret is used at the next reconcile.
 *
 * <p>Whoever may create a monitor must not be able to make the operator read or send out other
 * Secrets of the namespace: a Secret is used only when it carries the label {@value
 * #CREDENTIALS_LABEL}{@code : "true"}, and only for an endpoint the admin allows ({@link
 * OpenNebulaEndpoints}; checked before any Secret is fetched). Messages name Secrets and keys,
 * never their values.
 */
public final class MonitorOpenNebulaSettings {
  /** The label by which a Secret opts in to be read as OpenNebula credentials (or CA). */
  public static final String CREDENTIALS_LABEL = "one-scaphandre.io/opennebula-credentials";

  /**
   * Key tried for the CA when {@code tls.caSecretRef} names no key and the Secret has no one_auth.
   */
  static final String DEFAULT_CA_KEY = "ca.crt";

  private MonitorOpenNebulaSettings() {}

  /**
   * The settings, or why there are none.
   *
   * @param failureReason a {@link Reasons} constant, null when {@code settings} is set
   */
  public record Result(
      OpenNebulaConnectionSettings settings, String failureReason, String failureMessage) {
    static Result ok(OpenNebulaConnectionSettings settings) {
      return new Result(settings, null, null);
    }

    static Result failed(String reason, String message) {
      return new Result(null, reason, message);
    }

    public boolean ok() {
      return settings != null;
    }
  }

  /** With any endpoint allowed. */
  public static Result read(KubernetesClient client, ScaphandreMonitor monitor) {
    return read(client, monitor, OpenNebulaEndpoints.ANY);
  }

  /** Never throws for a missing or bad Secret: that is a {@link Result#failed failed} result. */
  public static Result read(
      KubernetesClient client, ScaphandreMonitor monitor, OpenNebulaEndpoints endpoints) {
    OpenNebulaSpec one = monitor.getSpec().getOpenNebula();
    if (one == null) {
      return Result.failed(Reasons.OPEN_NEBULA_SETTINGS_INVALID, "spec.openNebula is not set");
    }
    String refusal = endpoints.refusal(one.getEndpoint());
    if (refusal != null) {
      return Result.failed(Reasons.OPEN_NEBULA_ENDPOINT_NOT_ALLOWED, refusal);
    }
    String namespace = monitor.getMetadata().getNamespace();
    SecretValue session =
        value(client, namespace, one.getSecretRef(), null, "spec.openNebula.secretRef");
    if (session.failure() != null) {
      return session.failure();
    }
    String caPem = null;
    SecretKeyRef caRef = one.getTls().getCaSecretRef();
    if (caRef != null) {
      SecretValue ca =
          value(client, namespace, caRef, DEFAULT_CA_KEY, "spec.openNebula.tls.caSecretRef");
      if (ca.failure() != null) {
        return ca.failure();
      }
      caPem = ca.value();
    }
    try {
      return Result.ok(
          OpenNebulaConnectionSettings.fromMonitorSpec(
              one.getEndpoint(),
              session.value(),
              one.getTls().getInsecureSkipVerify(),
              caPem,
              one.getTimeout()));
    } catch (OpenNebulaException e) {
      return Result.failed(
          Reasons.OPEN_NEBULA_SETTINGS_INVALID,
          e.getMessage()
              .replace(
                  "the Secret referenced by spec.openNebula.secretRef",
                  "Secret "
                      + namespace
                      + "/"
                      + one.getSecretRef().getName()
                      + " key "
                      + one.getSecretRef().getKey()));
    }
  }

  /** The Degraded reason for a failed call to OpenNebula. */
  public static String reasonOf(OpenNebulaException e) {
    return switch (e.kind()) {
      case AUTHENTICATION -> Reasons.OPEN_NEBULA_AUTHENTICATION_FAILED;
      case AUTHORIZATION -> Reasons.OPEN_NEBULA_NOT_AUTHORIZED;
      case UNREACHABLE -> Reasons.OPEN_NEBULA_UNREACHABLE;
      case CONFIGURATION -> Reasons.OPEN_NEBULA_SETTINGS_INVALID;
      default -> Reasons.OPEN_NEBULA_ERROR;
    };
  }

  private record SecretValue(String value, Result failure) {}

  private static SecretValue value(
      KubernetesClient client,
      String namespace,
      SecretKeyRef ref,
      String fallbackKey,
      String field) {
    if (ref == null || ref.getName() == null || ref.getName().isBlank()) {
      return new SecretValue(
          null, Result.failed(Reasons.OPEN_NEBULA_SECRET_MISSING, field + ".name is not set"));
    }
    String where = "Secret " + namespace + "/" + ref.getName();
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
    } catch (KubernetesClientException e) {
      return new SecretValue(
          null,
          Result.failed(
              Reasons.OPEN_NEBULA_SECRET_MISSING,
              "cannot read "
                  + where
                  + " ("
                  + field
                  + "): HTTP "
                  + e.getCode()
                  + (e.getStatus() == null || e.getStatus().getReason() == null
                      ? ""
                      : " " + e.getStatus().getReason())
                  + "; the operator needs get on secrets in "
                  + namespace));
    }
    if (secret == null) {
      return new SecretValue(
          null,
          Result.failed(
              Reasons.OPEN_NEBULA_SECRET_MISSING, where + " (" + field + ") does not exist"));
    }
    if (!optedIn(secret)) {
      // Nothing of it is decoded or kept; the monitor's author learns only that it did not opt in.
      return new SecretValue(
          null,
          Result.failed(
              Reasons.OPEN_NEBULA_SECRET_NOT_OPTED_IN,
              where
                  + " ("
                  + field
                  + ") is not labelled "
                  + CREDENTIALS_LABEL
                  + "=true: the operator uses only"
                  + " Secrets that opt in; its owner can run kubectl -n "
                  + namespace
                  + " label secret "
                  + ref.getName()
                  + " "
                  + CREDENTIALS_LABEL
                  + "=true"));
    }
    String value = entry(secret, ref.getKey());
    if (value == null && fallbackKey != null && SecretKeyRef.DEFAULT_KEY.equals(ref.getKey())) {
      value = entry(secret, fallbackKey);
    }
    if (value == null || value.isBlank()) {
      return new SecretValue(
          null,
          Result.failed(
              Reasons.OPEN_NEBULA_SECRET_MISSING,
              where
                  + " ("
                  + field
                  + ") has no key "
                  + ref.getKey()
                  + (fallbackKey == null ? "" : " nor " + fallbackKey)));
    }
    return new SecretValue(value, null);
  }

  static boolean optedIn(Secret secret) {
    Map<String, String> labels =
        secret.getMetadata() == null ? null : secret.getMetadata().getLabels();
    return labels != null && "true".equals(labels.get(CREDENTIALS_LABEL));
  }

  /**
   * data (base64, what the API server returns) first, else stringData (kept as is by some servers).
   */
  private static String entry(Secret secret, String key) {
    Map<String, String> data = secret.getData();
    if (data != null && data.get(key) != null) {
      try {
        return new String(
            Base64.getDecoder().decode(data.get(key).strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException notBase64) {
        return null;
      }
    }
    Map<String, String> stringData = secret.getStringData();
    return stringData == null ? null : stringData.get(key);
  }
}
