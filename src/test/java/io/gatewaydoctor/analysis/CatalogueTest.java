package io.gatewaydoctor.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The code catalogue holds together: every code has a rule that can emit it (a main source that
 * names it), at least one scenario where it is found, and its section in docs/root-causes.md; and
 * every scenario file is one something reads.
 */
class CatalogueTest {
  static final Path MAIN = Path.of("src/main/java/io/gatewaydoctor");

  static String mainSources() throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        if (!f.endsWith(Path.of("analysis", "Code.java"))) {
          sb.append(Files.readString(f));
        }
      }
    }
    return sb.toString();
  }

  static Set<String> foundInScenarios() throws IOException {
    Set<String> out = new HashSet<>();
    for (String s : ScenarioFixtures.names().toList()) {
      JsonNode e =
          Serialization.yamlMapper()
              .readTree(ScenarioFixtures.ROOT.resolve(s).resolve("expected.yaml").toFile());
      out.add(e.path("rootCause").asText());
      e.path("findings").forEach(f -> out.add(f.path("code").asText()));
    }
    return out;
  }

  @Test
  void everyCodeHasARuleAScenarioAndItsDocumentation() throws IOException {
    String sources = mainSources();
    Set<String> found = foundInScenarios();
    String docs = Files.readString(Path.of("docs/root-causes.md"));
    List<String> missing = new ArrayList<>();
    for (Code c : Code.values()) {
      if (!sources.contains("Code." + c.name())) {
        missing.add(c + ": no rule names it");
      }
      if (!found.contains(c.name())) {
        missing.add(c + ": no scenario finds it");
      }
      if (!docs.contains("\n## " + c.name() + "\n")) {
        missing.add(c + ": no section in docs/root-causes.md");
      }
    }
    assertThat(missing).isEmpty();
  }

  @Test
  void everyScenarioFileIsOneSomethingReads() throws IOException {
    List<String> unused = new ArrayList<>();
    for (String s : ScenarioFixtures.names().toList()) {
      Path dir = ScenarioFixtures.ROOT.resolve(s);
      try (Stream<Path> files = Files.list(dir)) {
        files
            .map(f -> f.getFileName().toString())
            .filter(f -> !ScenarioFixtures.FILES.contains(f))
            .forEach(f -> unused.add(s + "/" + f));
      }
      boolean own = Files.exists(dir.resolve("in-cluster.yaml"));
      boolean overlay = Files.exists(dir.resolve("overlay.yaml"));
      if (own == overlay) {
        unused.add(s + ": needs exactly one of in-cluster.yaml (a base) and overlay.yaml");
      }
      if (!Files.exists(dir.resolve("expected.yaml"))) {
        unused.add(s + ": no expected.yaml");
      }
      // every overlay applies: each patch meets its base object (ScenarioFixtures throws otherwise)
      assertThat(ScenarioFixtures.objects(s)).as(s).isNotEmpty();
    }
    assertThat(unused).isEmpty();
  }
}
