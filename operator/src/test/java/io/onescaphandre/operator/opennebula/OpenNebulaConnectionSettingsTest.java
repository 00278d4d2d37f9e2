package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onescaphandre.operator.opennebula.OpenNebulaException.Kind;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenNebulaConnectionSettingsTest {
  @TempDir Path home;

  @Test
  void commandLineDefaultsAreThoseOfOpenNebulasTools() throws IOException {
    Files.createDirectories(home.resolve(".one"));
    Files.writeString(home.resolve(".one/one_auth"), "\noneadmin:secret\n");

    OpenNebulaConnectionSettings settings =
        OpenNebulaConnectionSettings.fromCommandLine(null, null, null, Map.of(), home);

    assertThat(settings.endpoint()).isEqualTo(URI.create("http://localhost:2633/RPC2"));
    assertThat(settings.session()).isEqualTo("oneadmin:secret");
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void environmentComesBeforeDefaultsAndOptionsBeforeEnvironment() throws IOException {
    Path envAuth = Files.writeString(home.resolve("env_auth"), "envuser:pw");
    Path optionAuth = Files.writeString(home.resolve("option_auth"), "optuser:pw");
    Map<String, String> env =
        Map.of("ONE_XMLRPC", "http://front:2633/RPC2", "ONE_AUTH", envAuth.toString());

    OpenNebulaConnectionSettings fromEnv =
        OpenNebulaConnectionSettings.fromCommandLine(null, null, Duration.ofSeconds(3), env, home);
    OpenNebulaConnectionSettings fromOptions =
        OpenNebulaConnectionSettings.fromCommandLine(
            "https://other:443/RPC2", optionAuth, null, env, home);

    assertThat(fromEnv.endpoint()).hasToString("http://front:2633/RPC2");
    assertThat(fromEnv.session()).isEqualTo("envuser:pw");
    assertThat(fromEnv.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(fromOptions.endpoint()).hasToString("https://other:443/RPC2");
    assertThat(fromOptions.session()).isEqualTo("optuser:pw");
  }

  @Test
  void aMissingAuthFileSaysWhereItLookedAndWhatToDo() {
    assertThatThrownBy(
            () -> OpenNebulaConnectionSettings.fromCommandLine(null, null, null, Map.of(), home))
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
              assertThat(e.getMessage())
                  .contains(home.resolve(".one/one_auth").toString())
                  .contains("the default ~/.one/one_auth")
                  .contains("--auth-file");
            });
  }

  @Test
  void anAuthFileWithoutColonIsRefused() throws IOException {
    Path auth = Files.writeString(home.resolve("auth"), "justapassword\n");

    assertThatThrownBy(
            () -> OpenNebulaConnectionSettings.fromCommandLine(null, auth, null, Map.of(), home))
        .hasMessageContaining("is not of the form user:password");
  }

  @Test
  void monitorSpecValuesBecomeSettings() {
    OpenNebulaConnectionSettings settings =
        OpenNebulaConnectionSettings.fromMonitorSpec(
            "https://one.example:2633/RPC2", "serveradmin:tok3n\n", true, null, "1m30s");

    assertThat(settings.insecureSkipVerify()).isTrue();
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(settings.session()).isEqualTo("serveradmin:tok3n");
  }

  @Test
  void badMonitorSpecValuesAreClearErrors() {
    assertThatThrownBy(
            () ->
                OpenNebulaConnectionSettings.fromMonitorSpec(
                    "ftp://x/RPC2", "a:b", null, null, null))
        .hasMessageContaining("is not an http(s) URL");
    assertThatThrownBy(
            () ->
                OpenNebulaConnectionSettings.fromMonitorSpec("http://x/RPC2", "", null, null, null))
        .hasMessageContaining("spec.openNebula.secretRef");
    assertThatThrownBy(
            () ->
                OpenNebulaConnectionSettings.fromMonitorSpec(
                    "http://x/RPC2", "a:b", null, null, "ten"))
        .hasMessageContaining("spec.openNebula.timeout: 'ten' is not a duration such as");
  }

  @Test
  void durationsInGoAndIsoForms() {
    assertThat(OpenNebulaConnectionSettings.parseDuration("1m30s", "t"))
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(OpenNebulaConnectionSettings.parseDuration("5m", "t"))
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(OpenNebulaConnectionSettings.parseDuration(null, "t"))
        .isEqualTo(Duration.ofSeconds(10));
    // One grammar (contracts' Durations) with the bounds of spec.openNebula.timeout: no ISO-8601.
    assertThatThrownBy(() -> OpenNebulaConnectionSettings.parseDuration("PT15S", "--timeout"))
        .isInstanceOf(OpenNebulaException.class)
        .hasMessageContaining("--timeout: 'PT15S' is not a duration");
    assertThatThrownBy(() -> OpenNebulaConnectionSettings.parseDuration("500ms", "t"))
        .isInstanceOf(OpenNebulaException.class)
        .hasMessageContaining("outside 1s to 5m");
    assertThatThrownBy(() -> OpenNebulaConnectionSettings.parseDuration("0s", "t"))
        .isInstanceOf(OpenNebulaException.class);
  }

  @Test
  void toStringNeverShowsThePassword() {
    OpenNebulaConnectionSettings settings =
        new OpenNebulaConnectionSettings(
            URI.create("http://x:2633/RPC2"), "oneadmin:hunter2", false, null, null);

    assertThat(settings.toString()).contains("user=oneadmin").doesNotContain("hunter2");
  }

  @Test
  void aCaWithoutCertificateIsAConfigurationError() {
    OpenNebulaConnectionSettings settings =
        new OpenNebulaConnectionSettings(
            URI.create("https://x:2633/RPC2"), "a:b", false, "not a pem", null);

    assertThatThrownBy(() -> new XmlRpcOpenNebulaClient(settings))
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
              assertThat(e.getMessage()).contains("holds no PEM certificate");
            });
  }

  @Test
  void retryBackoffDoublesUpToTheCap() {
    RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(3));

    assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.backoffAfter(3)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.backoffAfter(4)).isEqualTo(Duration.ofSeconds(3));
    assertThat(policy.backoffAfter(5)).isEqualTo(Duration.ofSeconds(3));
  }
}
