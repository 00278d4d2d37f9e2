package io.onescaphandre.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;

/** The objects {@code helm template} renders for one set of values, parsed into Fabric8 types. */
final class RenderedChart {

  static final String RELEASE = "energy";
  static final String NAMESPACE = "one-scaphandre-system";

  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final String manifests;
  private final List<HasMetadata> objects;

  private RenderedChart(String manifests, List<HasMetadata> objects) {
    this.manifests = manifests;
    this.objects = objects;
  }

  /** Renders the chart with the default values plus {@code values} (Helm's --set paths). */
  static RenderedChart render(Map<String, Object> values) {
    TemplateCommand template =
        new Helm(ProjectPaths.chart())
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion("1.31.0");
    values.forEach(template::set);
    String manifests = template.call();
    return new RenderedChart(manifests, parse(manifests));
  }

  /** Renders the chart with the default values overridden by a values file of that content. */
  static RenderedChart renderWithValuesFile(String yaml) {
    try {
      java.nio.file.Path file = java.nio.file.Files.createTempFile("values", ".yaml");
      try {
        java.nio.file.Files.writeString(file, yaml);
        String manifests =
            new Helm(ProjectPaths.chart())
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion("1.31.0")
                .withValuesFile(file)
                .call();
        return new RenderedChart(manifests, parse(manifests));
      } finally {
        java.nio.file.Files.deleteIfExists(file);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static RenderedChart renderDefaults() {
    return render(Map.of());
  }

  static Map<String, Object> values(Object... pathsAndValues) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndValues.length; i += 2) {
      values.put((String) pathsAndValues[i], pathsAndValues[i + 1]);
    }
    return values;
  }

  private static List<HasMetadata> parse(String manifests) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(manifests)) {
      if (document
          .lines()
          .allMatch(line -> line.isBlank() || line.stripLeading().startsWith("#"))) {
        continue;
      }
      Object parsed = SERIALIZATION.unmarshal(document);
      if (!(parsed instanceof HasMetadata object)) {
        throw new IllegalStateException("rendered document is no Kubernetes object:\n" + document);
      }
      objects.add(object);
    }
    return objects;
  }

  /**
   * Per rendered object ({@code Kind/name}), the fields its Fabric8 model does not know; only
   * non-empty entries.
   */
  Map<String, List<String>> unknownFields() {
    Map<String, List<String>> unknown = new LinkedHashMap<>();
    for (HasMetadata object : objects) {
      List<String> fields = UnknownFields.of(object);
      if (!fields.isEmpty()) {
        unknown.put(object.getKind() + "/" + object.getMetadata().getName(), fields);
      }
    }
    return unknown;
  }

  String manifests() {
    return manifests;
  }

  List<HasMetadata> objects() {
    return objects;
  }

  List<String> kinds() {
    return objects.stream().map(HasMetadata::getKind).toList();
  }

  boolean has(String kind) {
    return objects.stream().anyMatch(object -> object.getKind().equals(kind));
  }

  <T extends HasMetadata> T only(Class<T> type) {
    List<T> matches = all(type);
    if (matches.size() != 1) {
      throw new NoSuchElementException(
          "expected one "
              + type.getSimpleName()
              + ", found "
              + matches.size()
              + " among "
              + kinds());
    }
    return matches.get(0);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  HasMetadata only(String kind) {
    List<HasMetadata> matches =
        objects.stream().filter(object -> object.getKind().equals(kind)).toList();
    if (matches.size() != 1) {
      throw new NoSuchElementException(
          "expected one " + kind + ", found " + matches.size() + " among " + kinds());
    }
    return matches.get(0);
  }
}
