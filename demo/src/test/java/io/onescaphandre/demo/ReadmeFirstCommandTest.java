package io.onescaphandre.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's first command runs this module's jar, in one line. */
class ReadmeFirstCommandTest {
  @Test
  void theFirstCommandBuildsAndRunsTheDemoJarInOneLine() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    int block = readme.indexOf("```sh\n");
    assertThat(block).as("a sh block in the README").isNotNegative();
    List<String> commands =
        readme
            .substring(block + "```sh\n".length(), readme.indexOf("```", block + 5))
            .lines()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .toList();
    assertThat(commands.get(0))
        .isEqualTo(
            "./mvnw -B -q -DskipTests package && java -jar demo/target/one-scaphandre-demo.jar");
    // The path the command names is where this module's build puts its jar, with DemoMain in it.
    String pom = Files.readString(Path.of("pom.xml"));
    assertThat(pom)
        .contains("<finalName>one-scaphandre-demo</finalName>")
        .contains("<mainClass>" + DemoMain.class.getName() + "</mainClass>");
  }
}
