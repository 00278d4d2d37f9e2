package io.onescaphandre.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.onescaphandre.contracts.duration.DurationConverter;
import io.onescaphandre.contracts.duration.DurationField;
import io.onescaphandre.contracts.duration.DurationFields;
import io.onescaphandre.contracts.duration.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/**
 * The property of issue 15, item 3, in the unit tier: for every duration field, every value the
 * generated CRD's schema admits (its pattern, min/maxLength, and its CEL rule evaluated by CEL
 * itself) the agent's and the operator's parsers read as the same duration as CEL's {@code
 * duration()}, and every value the schema refuses they refuse too. The real kube-apiserver checks a
 * sample of the same in e2e phase E13 (E13DurationGrammarIT).
 */
class DurationSchemaPropertyTest {
  private static final Path GENERATED_CRD =
      Path.of("target/classes/META-INF/fabric8/scaphandremonitors.one-scaphandre.io-v1.yml");
  private static final CelCompiler CEL =
      CelCompilerFactory.standardCelCompilerBuilder()
          .addVar("self", SimpleType.STRING)
          .addVar("expected", SimpleType.STRING)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private static final int SAMPLES_PER_FIELD = 4_000;

  /** One field's schema as the API server sees it. */
  private record FieldSchema(
      Pattern pattern, int minLength, int maxLength, CelRuntime.Program rule) {
    boolean admits(String text) {
      if (text.codePointCount(0, text.length()) < minLength
          || text.codePointCount(0, text.length()) > maxLength
          || !pattern.matcher(text).find()) {
        return false;
      }
      try {
        return Boolean.TRUE.equals(rule.eval(Map.of("self", text)));
      } catch (Exception celError) {
        return false;
      }
    }
  }

  @Test
  void whatTheSchemaAdmitsIsParsedAlikeAndWhatItRefusesIsRefused() throws Exception {
    JsonNode spec =
        new YAMLMapper()
            .readTree(Files.readString(GENERATED_CRD))
            .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties");
    CelRuntime.Program sameDuration = program("duration(self) == duration(expected)");
    Random random = new Random(15_3);
    for (DurationField field : DurationField.specFields()) {
      FieldSchema schema = schemaOf(spec, field);
      int admitted = 0;
      for (String text : samples(field, random)) {
        boolean schemaAdmits = schema.admits(text);
        Optional<Duration> parsed = parse(field, text);
        assertThat(parsed.isPresent())
            .as("%s '%s': schema admits %s", field.name(), text, schemaAdmits)
            .isEqualTo(schemaAdmits);
        if (schemaAdmits) {
          admitted++;
          assertThat(
                  sameDuration.eval(
                      Map.of("self", text, "expected", Durations.format(parsed.get()))))
              .as("%s '%s' is %s for CEL too", field.name(), text, parsed.get())
              .isEqualTo(true);
        }
      }
      // Both sides of the property are exercised, not only refusals.
      assertThat(admitted)
          .as(field.name() + " admitted samples")
          .isGreaterThan(SAMPLES_PER_FIELD / 10);
    }
  }

  /**
   * How the agent (its --interval converter) or the operator (SpecValidator, render) reads the
   * field.
   */
  private static Optional<Duration> parse(DurationField field, String text) {
    try {
      if (field.equals(DurationFields.AGENT_INTERVAL)) {
        return Optional.of(new DurationConverter.AgentInterval().convert(text));
      }
      return Optional.of(field.parse(text));
    } catch (IllegalArgumentException | TypeConversionException refused) {
      return Optional.empty();
    }
  }

  private static FieldSchema schemaOf(JsonNode spec, DurationField field) throws Exception {
    JsonNode node = spec;
    String[] path = field.name().substring("spec.".length()).split("\\.");
    for (int i = 0; i < path.length; i++) {
      node = node.path(path[i]);
      if (i < path.length - 1) {
        node = node.path("properties");
      }
    }
    assertThat(node.path("type").asText()).as(field.name()).isEqualTo("string");
    JsonNode rules = node.path("x-kubernetes-validations");
    assertThat(rules).as(field.name() + " CEL rules").hasSize(1);
    assertThat(rules.get(0).path("message").asText()).contains(field.name(), field.range());
    return new FieldSchema(
        Pattern.compile(node.path("pattern").asText()),
        node.path("minLength").asInt(),
        node.path("maxLength").asInt(),
        program(rules.get(0).path("rule").asText()));
  }

  private static CelRuntime.Program program(String expression) throws Exception {
    return RUNTIME.createProgram(CEL.compile(expression).getAst());
  }

  /** Values near the bounds, across the grammar, and near misses of it. */
  private static List<String> samples(DurationField field, Random random) {
    Set<String> samples = new LinkedHashSet<>();
    for (Duration edge : List.of(field.min(), field.max())) {
      for (long delta : new long[] {-1, 0, 1, -1000, 1000}) {
        Duration d = edge.plusMillis(delta);
        if (!d.isNegative()) {
          samples.add(Durations.format(d));
        }
      }
    }
    samples.addAll(
        List.of(
            "0s",
            "1m30s",
            "90s",
            "1h",
            "24h",
            "1d",
            "1.5s",
            "1m1m",
            "30s1m",
            "",
            "s",
            "-1s",
            "999999h",
            "1000000h",
            "PT10S",
            " 2s",
            "2s ",
            "2s\n",
            "1h0m0s0ms",
            "5m0s",
            "0h5m",
            "00005m"));
    String[] units = {"h", "m", "s", "ms"};
    String[] noise = {
      "d", "w", "y", "us", "ns", ".", "-", "+", " ", "H", "Ms", "µs", "0", "m", "s"
    };
    while (samples.size() < SAMPLES_PER_FIELD) {
      StringBuilder text = new StringBuilder();
      // A random duration of the grammar around the field's range ...
      long millis =
          (long)
              Math.exp(
                  Math.log(Math.max(1, field.min().toMillis() / 10))
                      + random.nextDouble()
                          * (Math.log(field.max().toMillis() * 10.0)
                              - Math.log(Math.max(1, field.min().toMillis() / 10))));
      long[] unitMillis = {3_600_000L, 60_000L, 1_000L, 1L};
      for (int u = 0; u < units.length; u++) {
        long amount = millis / unitMillis[u];
        millis %= unitMillis[u];
        if (amount > 0 || random.nextInt(8) == 0) {
          text.append(amount).append(units[u]);
        }
      }
      String value = text.length() == 0 ? "0s" : text.toString();
      // ... written out of order, with a foreign unit or a stray character now and then.
      switch (random.nextInt(6)) {
        case 0 -> value = value.replaceFirst("([0-9]+[hms]+)([0-9]+[hms]+)", "$2$1");
        case 1 ->
            value =
                new StringBuilder(value)
                    .insert(random.nextInt(value.length() + 1), noise[random.nextInt(noise.length)])
                    .toString();
        case 2 -> value = random.nextInt(1_000_000) + units[random.nextInt(units.length)];
        default -> {}
      }
      samples.add(value);
    }
    return new ArrayList<>(samples);
  }
}
