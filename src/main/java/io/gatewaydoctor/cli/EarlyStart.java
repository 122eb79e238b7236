package io.gatewaydoctor.cli;

import io.gatewaydoctor.analysis.Windows;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Begins reading the gateway logs of {@code analyze -f DUMP --gateway-log FILE} before logging is
 * set up and picocli reads the command line (about 0.25 s of one core at the start that the second
 * core spent compiling): {@link Main} calls {@link #begin} first thing. The command line is only
 * glanced at: the reading begins only when every word is an option {@code analyze} knows (its
 * value, if it takes one, the next word), a dump is given and neither {@code --now}, {@code
 * --window} nor {@code --log-format} is; anything else (a value joined to its option, an argument
 * file anywhere, a value that looks like an option, an option given twice that may not be, help,
 * version, an unknown word) leaves the start to {@link AnalyzeCommand} as before. Only regular
 * files are opened ({@code GatewayLogs}: a pipe would block, a device never end). What begins here
 * is what {@link AnalyzeCommand} would begin with the same words; it takes it ({@link #take}) and
 * the reading is used only if it is that reading ({@link GatewayLogs.Early#take}), else it stops
 * and the logs are read again.
 */
final class EarlyStart {
  private EarlyStart() {}

  /**
   * The options of {@code analyze} that take one value. {@code EarlyStartTest} checks this against
   * picocli's model of the command: an option missing here would have its value read as a word.
   */
  static final Set<String> VALUED =
      Set.of(
          "-f",
          "--filename",
          "--kubeconfig",
          "--context",
          "-n",
          "--namespace",
          "--target",
          "-l",
          "--selector",
          "-o",
          "--output",
          "--fail-on",
          "--now",
          "--window",
          "--gateway-log",
          "--prometheus",
          "--log-format",
          "--baseline",
          "--probe-allowed-cidr",
          "--probe-timeout",
          "--probe-concurrency",
          "--upstream-keepalive-timeout",
          "--controller-namespace");

  /** The options that take no value (but help and version, which read no log). */
  static final Set<String> FLAGS =
      Set.of(
          "-A",
          "--all-namespaces",
          "--explain",
          "--probe",
          "--probe-keepalive",
          "--no-probe-keepalive",
          "--timings",
          "--no-gateway-logs");

  /** The options that may be given more than once (the others once at most, else an error). */
  static final Set<String> REPEATABLE =
      Set.of(
          "-f",
          "--filename",
          "--target",
          "--gateway-log",
          "--baseline",
          "--probe-allowed-cidr",
          "--controller-namespace");

  /** The short names of options that are also given long (one option, given once). */
  private static final java.util.Map<String, String> ALIASES =
      java.util.Map.of(
          "-f", "--filename",
          "-n", "--namespace",
          "-l", "--selector",
          "-o", "--output",
          "-A", "--all-namespaces",
          "--no-probe-keepalive", "--probe-keepalive");

  /** Options whose use means the early reading would not be the command's. */
  private static final Set<String> OWN_READING = Set.of("--now", "--window", "--log-format");

  private static GatewayLogs.Early started;

  /**
   * Begins the early reading when {@code args} are a plain {@code analyze -f … --gateway-log …}.
   */
  static void begin(String... args) {
    List<Path> logs = logs(args);
    if (logs != null) {
      try {
        started = GatewayLogs.Early.start(logs, null, Windows.parse(AnalyzeCommand.WINDOW), null);
      } catch (RuntimeException e) {
        started = null; // a path the platform refuses: picocli says so
      }
    }
  }

  /** The gateway logs to read early for {@code args}, or null: leave it to the command. */
  static List<Path> logs(String... args) {
    if (args.length < 2 || !"analyze".equals(args[0])) {
      return null;
    }
    List<String> logs = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    boolean dump = false;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (OWN_READING.contains(a)) {
        return null;
      }
      if (!REPEATABLE.contains(a) && !seen.add(ALIASES.getOrDefault(a, a))) {
        return null; // given twice: picocli refuses it
      }
      if (VALUED.contains(a)) {
        if (i + 1 >= args.length) {
          return null;
        }
        String v = args[++i];
        // a value like an option (picocli may refuse it) or an argument file (it expands it)
        if (v.startsWith("@") || v.startsWith("-") && !v.equals("-")) {
          return null;
        }
        if (a.equals("--gateway-log")) {
          logs.add(v);
        } else if (a.equals("-f") || a.equals("--filename")) {
          dump = true;
        }
      } else if (!FLAGS.contains(a)) {
        return null; // --opt=value, -ojson, @file, --, a word: picocli's to read
      }
    }
    if (!dump || logs.isEmpty()) {
      return null;
    }
    List<Path> paths = new ArrayList<>();
    try {
      for (String l : logs) {
        paths.add(Path.of(l));
      }
    } catch (RuntimeException e) {
      return null;
    }
    return paths;
  }

  /** The reading {@link #begin} began, once (null: none). */
  static GatewayLogs.Early take() {
    GatewayLogs.Early e = started;
    started = null;
    return e;
  }
}
