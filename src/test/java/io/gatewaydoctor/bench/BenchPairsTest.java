package io.gatewaydoctor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * bin/bench-pairs, the public timer of docs/benchmarks.md: both commands run in turn, each figure's
 * min, median and max, and the ratios pair by pair.
 */
class BenchPairsTest {
  static final Path SCRIPT = Path.of("bin/bench-pairs").toAbsolutePath();

  static String run(int code, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(code);
    return out;
  }

  /** A row's median: the second number after its label. */
  static double median(String out, String label) {
    for (String line : out.split("\n")) {
      if (line.startsWith(label + " ")) {
        String[] f = line.substring(label.length()).trim().split("\\s+");
        return Double.parseDouble(f[1]);
      }
    }
    throw new AssertionError("no row " + label + " in\n" + out);
  }

  @Test
  void timesBothCommandsInTurnAndTheirRatioPairByPair() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/time")), "GNU time (/usr/bin/time)");
    Path log = Files.createTempFile("pairs", ".log");
    try {
      String out =
          run(
              0,
              "-n",
              "3",
              "--warmup",
              "1",
              "--",
              "echo a >> " + log + "; sleep 0.05",
              "echo b >> " + log + "; sleep 0.25; exit 3");
      // the warm-up pair, then three pairs, in turn
      assertThat(Files.readAllLines(log)).containsExactly("a", "b", "a", "b", "a", "b", "a", "b");
      assertThat(median(out, "A wall s")).isBetween(0.05, 0.2);
      assertThat(median(out, "B wall s")).isBetween(0.25, 0.4);
      assertThat(median(out, "A/B wall")).isBetween(0.1, 0.7);
      assertThat(median(out, "A peak MiB")).isGreaterThan(0);
      assertThat(out).contains("A exit codes: 0", "B exit codes: 3");
    } finally {
      Files.deleteIfExists(log);
    }
  }

  @Test
  void refusesWhatItCannotRun() throws Exception {
    assertThat(run(2, "--", "true")).contains("usage: bin/bench-pairs");
    assertThat(run(2, "-n", "0", "--", "true", "true")).contains("usage");
    assertThat(run(2, "-n", "x", "--", "true", "true")).contains("usage");
    assertThat(run(2, "--warmup", "11", "--", "true", "true")).contains("usage");
    // a leading zero is decimal, and a run GNU time gives no figures for stops the call
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/time")), "GNU time (/usr/bin/time)");
    assertThat(run(0, "-n", "08", "--warmup", "0", "--", "true", "true")).contains("(8 pairs");
    assertThat(run(1, "-n", "1", "--", "kill -9 $PPID", "true")).contains("gave no figures");
  }
}
