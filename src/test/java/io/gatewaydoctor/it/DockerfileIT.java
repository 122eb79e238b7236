package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The image cannot be built here (no Docker), so its recipe is checked against the packaged
 * application: every COPY source exists after {@code package}, it runs as a non-root user, and the
 * chart's command ({@code args: [operator]}) reaches the application.
 */
class DockerfileIT {
  @Test
  void everyCopySourceExistsAndTheImageRunsAsNonRoot() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("src/main/docker/Dockerfile.jvm"));
    List<String> copies = lines.stream().filter(l -> l.startsWith("COPY ")).toList();
    assertThat(copies).hasSize(4);
    for (String c : copies) {
      String[] words = c.split("\\s+");
      String src = words[words.length - 2];
      if (src.endsWith("*.jar")) {
        try (var jars = Files.list(Path.of(src.substring(0, src.lastIndexOf('/'))))) {
          assertThat(jars.filter(p -> p.toString().endsWith(".jar"))).as(c).isNotEmpty();
        }
      } else {
        assertThat(Path.of(src)).as(c).isDirectory().isNotEmptyDirectory();
      }
    }
    assertThat(Path.of("target/quarkus-app/quarkus-run.jar")).exists();
    assertThat(lines).contains("USER 185").anyMatch(l -> l.startsWith("ENTRYPOINT"));
    assertThat(Files.readString(Path.of("helm/gateway-doctor/templates/deployment.yaml")))
        .contains("args: [operator]", "runAsUser: 185");
  }
}
