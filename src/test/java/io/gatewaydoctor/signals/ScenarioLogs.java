package io.gatewaydoctor.signals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The gateway logs of the scenarios, for the readers' comparisons. */
final class ScenarioLogs {
  private ScenarioLogs() {}

  /** The lines of every scenario's log (read as Latin-1), one list per file, in path order. */
  static List<List<String>> each() throws IOException {
    List<List<String>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/test/resources/scenarios"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        out.add(Files.readAllLines(f, StandardCharsets.ISO_8859_1));
      }
    }
    return out;
  }
}
