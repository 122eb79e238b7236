package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code analyze}'s gateway logs begun before picocli reads the command line ({@link EarlyStart}):
 * only for a command line it fully understands, and the command's answer is the same whether the
 * reading began there, began for other files, or not at all.
 */
class EarlyStartTest {
  /** Every option of analyze is known to the glance, with the right number of values. */
  @Test
  void knowsEveryOptionOfAnalyzeAndWhetherItTakesAValue() {
    Set<String> valued = new HashSet<>();
    Set<String> flags = new HashSet<>();
    Set<String> repeatable = new HashSet<>();
    for (OptionSpec o : new CommandLine(new AnalyzeCommand()).getCommandSpec().options()) {
      CommandLine.Range arity = o.arity();
      if (o.usageHelp() || o.versionHelp()) {
        assertThat(List.of(o.names())).noneMatch(EarlyStart.FLAGS::contains);
        continue; // they read no log: the glance stops there
      }
      if (o.isMultiValue()) {
        repeatable.addAll(List.of(o.names()));
      }
      Set<String> to = arity.min() == 0 && arity.max() == 0 ? flags : valued;
      assertThat(arity.max())
          .as(o.longestName() + ": one value or none (else add it to neither set)")
          .isLessThanOrEqualTo(1);
      assertThat(arity.min()).as(o.longestName()).isEqualTo(arity.max());
      for (String n : o.names()) {
        to.add(n);
        if (o.negatable() && n.startsWith("--")) {
          to.add("--no-" + n.substring(2));
        }
      }
    }
    assertThat(EarlyStart.VALUED).isEqualTo(valued);
    assertThat(EarlyStart.FLAGS).isEqualTo(flags);
    assertThat(EarlyStart.REPEATABLE).isEqualTo(repeatable);
  }

  @Test
  void readsEarlyOnlyAPlainCommandLineWithADumpAndLogs() {
    assertThat(EarlyStart.logs("analyze", "-f", "d.yaml", "--gateway-log", "a.log"))
        .containsExactly(Path.of("a.log"));
    assertThat(
            EarlyStart.logs(
                "analyze",
                "--filename",
                "-",
                "-A",
                "--gateway-log",
                "a.log",
                "-o",
                "json",
                "--gateway-log",
                "b.log",
                "--probe",
                "--target",
                "ingress/shop/web"))
        .containsExactly(Path.of("a.log"), Path.of("b.log"));
    // repeatable options, and - (standard input) as a dump
    assertThat(
            EarlyStart.logs(
                "analyze",
                "-f",
                "-",
                "-f",
                "e.yaml",
                "--gateway-log",
                "a.log",
                "--baseline",
                "b",
                "--baseline",
                "c"))
        .containsExactly(Path.of("a.log"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "analyze --gateway-log a.log", // no dump: live, evaluated at the clock's instant
        "analyze -f d.yaml", // no log
        "describe -f d.yaml --gateway-log a.log",
        "analyze -f d.yaml --gateway-log a.log --now 2026-12-01T12:00:00Z",
        "analyze -f d.yaml --gateway-log a.log --window 1h",
        "analyze -f d.yaml --gateway-log a.log --log-format $status",
        "analyze -f d.yaml --gateway-log=a.log",
        "analyze -f d.yaml --gateway-log a.log --window=1h",
        "analyze -f d.yaml --gateway-log a.log -ojson",
        "analyze -f d.yaml --gateway-log a.log @more-args",
        "analyze -f d.yaml --gateway-log a.log -- x",
        "analyze -f d.yaml --gateway-log a.log stray",
        "analyze -f d.yaml --gateway-log a.log --unknown",
        "analyze -f d.yaml -o --gateway-log a.log", // -o's value, then a word
        "analyze -f d.yaml --gateway-log", // no value
        "analyze -f d.yaml --gateway-log a.log --help", // help, version: no log read
        "analyze -f d.yaml --gateway-log a.log -V",
        "analyze -f d.yaml --gateway-log @a.args", // an argument file as a value too
        "analyze -f @d.args --gateway-log a.log",
        "analyze -f d.yaml --target --gateway-log --gateway-log a.log", // a value like an option
        "analyze -f d.yaml --gateway-log a.log -n -A",
        "analyze -f d.yaml --gateway-log a.log -o json --output yaml", // once at most
        "analyze -f d.yaml --gateway-log a.log --probe --probe",
        "analyze -f d.yaml --gateway-log a.log --probe-keepalive --no-probe-keepalive",
        "analyze -f d.yaml --gateway-log a\u0000.log" // no path
      })
  void leavesAnyOtherCommandLineToTheCommand(String line) {
    assertThat(EarlyStart.logs(line.split(" "))).isNull();
  }

  /** A pipe given as a log is refused, not opened (its opening would wait for a writer). */
  @Test
  void aPipeIsRefusedNotWaitedFor(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("log.fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo");
    Path dump = AnalyzeEnvoyTest.dump("httproute-envoy-one-pod-refusing", dir);
    String[] args = {"-f", dump.toString(), "--gateway-log", fifo.toString(), "-o", "json"};
    for (boolean begin : new boolean[] {true, false}) {
      if (begin) {
        EarlyStart.begin(prepend("analyze", args));
      }
      var r =
          org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
              java.time.Duration.ofSeconds(60), () -> AnalyzeCommandTest.run(args));
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains(fifo + ": not a regular file (--gateway-log)");
    }
  }

  static String[] prepend(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  @Test
  void theAnswerIsTheSameWhateverBeganEarly(@TempDir Path dir) throws IOException {
    String s = "httproute-envoy-one-pod-refusing";
    Path dump = AnalyzeEnvoyTest.dump(s, dir);
    Path log = AnalyzeEnvoyTest.log(s, dir);
    String[] args = {"-f", dump.toString(), "--gateway-log", log.toString(), "-o", "json"};
    String[] line = prepend("analyze", args);
    assertThat(EarlyStart.take()).isNull();
    var plain = AnalyzeCommandTest.run(args);
    assertThat(plain.code()).as(plain.err()).isEqualTo(1);
    assertThat(plain.out()).contains("BackendRefusingConnections");

    EarlyStart.begin(line);
    var begun = AnalyzeCommandTest.run(args);
    assertThat(EarlyStart.take()).as("the command took the reading").isNull();
    assertThat(begun.out()).isEqualTo(plain.out());
    assertThat(begun.err()).isEqualTo(plain.err());
    assertThat(begun.code()).isEqualTo(plain.code());

    // begun for another log (an empty one): not that reading, so the logs are read again
    Path other = dir.resolve("other.log");
    Files.writeString(other, "");
    EarlyStart.begin("analyze", "-f", dump.toString(), "--gateway-log", other.toString());
    var again = AnalyzeCommandTest.run(args);
    assertThat(again.out()).isEqualTo(plain.out());
    // and a reading begun for a command that reads no log is stopped, not used
    EarlyStart.begin(line);
    String[] noLog = {"-f", dump.toString(), "-o", "json"};
    var plainNoLog = AnalyzeCommandTest.run(noLog);
    EarlyStart.begin(line);
    var noLogBegun = AnalyzeCommandTest.run(noLog);
    assertThat(noLogBegun.out()).isEqualTo(plainNoLog.out()).isNotEqualTo(plain.out());
    assertThat(EarlyStart.take()).isNull();
    assertThat(List.of(plain.code(), begun.code(), again.code())).containsOnly(1);
  }
}
