package io.onescaphandre.operator.opennebula;

import io.onescaphandre.operator.opennebula.OpenNebulaException.Kind;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** The SSLContext for an https OpenNebula endpoint: a given CA, or no verification at all. */
final class TlsContexts {
  private TlsContexts() {}

  /** Null means: the JDK's default trust store. */
  static SSLContext forSettings(OpenNebulaConnectionSettings settings) {
    try {
      if (settings.insecureSkipVerify()) {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustEverything()}, null);
        return context;
      }
      if (settings.caPem() != null) {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagersFor(settings.caPem()), null);
        return context;
      }
      return null;
    } catch (GeneralSecurityException e) {
      throw new OpenNebulaException(
          Kind.CONFIGURATION, "Cannot set up TLS for OpenNebula: " + e.getMessage(), e);
    }
  }

  private static TrustManager[] trustManagersFor(String pem) throws GeneralSecurityException {
    Collection<? extends Certificate> certificates;
    try {
      certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      certificates = java.util.List.of();
    }
    if (certificates.isEmpty()) {
      throw new OpenNebulaException(
          Kind.CONFIGURATION,
          "The CA for OpenNebula (spec.openNebula.tls.caSecretRef) holds no PEM certificate;"
              + " expected -----BEGIN CERTIFICATE----- blocks.");
    }
    KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      trustStore.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
    int index = 0;
    for (Certificate certificate : certificates) {
      trustStore.setCertificateEntry("opennebula-ca-" + index++, certificate);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trustStore);
    return factory.getTrustManagers();
  }

  /**
   * Accepts any certificate. Being an X509ExtendedTrustManager, it also takes over the host-name
   * check, so that check is skipped too, which is what insecureSkipVerify promises.
   */
  private static final class TrustEverything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
