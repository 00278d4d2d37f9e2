package io.onescaphandre.operator.dependent;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.openshift.api.model.monitoring.v1.RuleGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A Prometheus rule file (the {@code groups:} format promtool checks). The shipped one is {@value
 * #SHIPPED} on the classpath; its groups become the PrometheusRule's spec unchanged.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RulesFile(List<RuleGroup> groups) {
  public static final String SHIPPED = "rules/one-scaphandre.rules.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public RulesFile {
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  /** The shipped rules, read once: they are part of the build, not configuration. */
  public static RulesFile shipped() {
    return Holder.SHIPPED_RULES;
  }

  public static RulesFile read(InputStream in) throws IOException {
    return YAML.readValue(in, RulesFile.class);
  }

  private static final class Holder {
    static final RulesFile SHIPPED_RULES = load();

    private static RulesFile load() {
      try (InputStream in = RulesFile.class.getClassLoader().getResourceAsStream(SHIPPED)) {
        if (in == null) {
          throw new IllegalStateException(SHIPPED + " is missing from the operator's classpath");
        }
        return read(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + SHIPPED, e);
      }
    }
  }
}
