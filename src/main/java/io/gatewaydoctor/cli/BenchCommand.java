package io.gatewaydoctor.cli;

import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.bench.LogBench;
import io.gatewaydoctor.bench.OperatorBench;
import io.gatewaydoctor.bench.ProbeBench;
import io.gatewaydoctor.bench.SyntheticCluster;
import io.gatewaydoctor.bench.TimelineBench;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The analyze benchmark (docs/benchmarks.md): writes a synthetic dump of N Ingresses, then times
 * complete {@code analyze -f DUMP -o json} runs in this JVM (read, parse, analyse, serialise), and
 * the read-and-parse step alone. Run it on one core with {@code taskset -c 0}.
 */
@Command(
    name = "bench",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Benchmark analyze on a synthetic dump (see docs/benchmarks.md).")
public class BenchCommand implements Callable<Integer> {
  @Option(names = "--ingresses", defaultValue = "5000")
  int ingresses;

  @Option(names = "--pods-per-ingress", defaultValue = "4")
  int podsPerIngress;

  @Option(names = "--namespaces", defaultValue = "50")
  int namespaces;

  @Option(names = "--format", defaultValue = "yaml", description = "yaml or json")
  String format;

  @Option(names = "--runs", defaultValue = "3")
  int runs;

  @Option(names = "--keep", description = "Write the dump here and keep it.")
  Path keep;

  @Option(
      names = "--fat",
      description = "Pods as big as real ones (env, volumes, managedFields): about 4 KiB each.")
  boolean fat;

  @Option(
      names = "--probes",
      description = "Benchmark the prober instead: a sweep of --endpoints loopback endpoints.")
  boolean probes;

  @Option(names = "--endpoints", defaultValue = "10000")
  int endpoints;

  @Option(names = "--listeners", defaultValue = "50")
  int listeners;

  @Option(names = "--concurrency", defaultValue = "64")
  int concurrency;

  @Option(
      names = "--logs",
      description = "Benchmark the gateway-log parser instead, on --lines access lines.")
  boolean logs;

  @Option(names = "--lines", defaultValue = "2000000")
  long lines;

  @Option(
      names = "--timeline",
      description =
          "Benchmark the timelines' memory instead: --ingresses targets churning --rounds rounds.")
  boolean timeline;

  @Option(names = "--rounds", defaultValue = "400")
  int rounds;

  @Option(
      names = "--write-log",
      description =
          "Only write the --lines access-log lines of the log benchmark to this file"
              + " (for the flat-memory run of analyze --gateway-log and for awk).")
  Path writeLog;

  @Option(
      names = "--log-shape",
      defaultValue = "nginx",
      description =
          "The lines --write-log writes: nginx (ingress-nginx's default access format) or"
              + " envoy-json (Envoy Gateway's default JSON).")
  String logShape;

  @Option(
      names = "--operator",
      description =
          "Benchmark the packaged operator instead: --ingresses targets in the mock API server,"
              + " every pod answering on loopback (see bin/bench-operator).")
  boolean operator;

  @Option(
      names = "--operator-jvm",
      defaultValue = "",
      description = "JVM options of the operator under benchmark, e.g. -Xmx288m.")
  String operatorJvm;

  @Option(names = "--idle", defaultValue = "PT20S", description = "The settled window measured.")
  java.time.Duration idle;

  @Option(names = "--timeout", defaultValue = "PT15M", description = "Give up on the verdicts.")
  java.time.Duration timeout;

  @Option(names = "--changes", defaultValue = "20", description = "Services broken and fixed.")
  int changes;

  @Option(
      names = "--start-changes",
      defaultValue = "0",
      description =
          "Services broken and fixed while the start-up's first evaluations are still queued.")
  int startChanges;

  @Option(names = "--no-probes", description = "The operator benchmark without probes.")
  boolean noProbes;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = new PrintWriter(System.out, true);
    if (operator) {
      // the packaged application: bin/gateway-doctor names it (its one-shot commands run on -cp),
      // java -jar is it, else the build's
      String named = System.getProperty("gatewaydoctor.jar");
      String cp = System.getProperty("java.class.path", "");
      Path jar =
          named != null && !named.isEmpty()
              ? Path.of(named)
              : cp.endsWith("quarkus-run.jar")
                  ? Path.of(cp)
                  : Path.of("target/quarkus-app/quarkus-run.jar");
      OperatorBench.run(
          out,
          new OperatorBench.Options(
              ingresses,
              podsPerIngress,
              namespaces,
              fat,
              jar,
              operatorJvm.isBlank() ? List.of() : List.of(operatorJvm.trim().split("\\s+")),
              timeout,
              idle,
              changes,
              startChanges,
              !noProbes));
      return 0;
    }
    if (timeline) {
      TimelineBench.run(out, ingresses, rounds);
      return 0;
    }
    if (writeLog != null) {
      switch (logShape) {
        case "nginx" -> LogBench.write(writeLog, lines);
        case "envoy-json" -> LogBench.writeEnvoy(writeLog, lines);
        default -> {
          System.err.println("bench: --log-shape is nginx or envoy-json");
          return 2;
        }
      }
      out.printf(
          Locale.ROOT,
          "log: %s, %d access lines, %.1f MiB%n",
          writeLog,
          lines,
          Files.size(writeLog) / 1048576.0);
      return 0;
    }
    if (logs) {
      LogBench.run(out, lines, runs);
      return 0;
    }
    if (probes) {
      ProbeBench.run(out, endpoints, listeners, concurrency);
      return 0;
    }
    KubernetesList dump = SyntheticCluster.generate(ingresses, podsPerIngress, namespaces, fat);
    Path file = keep != null ? keep : Files.createTempFile("gateway-doctor-bench-", "." + format);
    Files.writeString(
        file, "json".equals(format) ? Serialization.asJson(dump) : Serialization.asYaml(dump));
    out.printf(
        Locale.ROOT,
        "dump: %s, %d objects (%d Ingresses, %d Pods), %.1f MiB %s; %d processor(s) available, max heap %d MiB%n",
        file,
        dump.getItems().size(),
        ingresses,
        ingresses * podsPerIngress,
        Files.size(file) / 1048576.0,
        format,
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() / 1048576);
    List<Long> totals = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      System.gc();
      long t0 = System.nanoTime();
      InputFiles.Loaded loaded;
      try {
        loaded = InputFiles.read(List.of(file));
      } catch (InputFiles.InputException e) {
        out.println("bench: " + e.getMessage());
        return 2;
      }
      long parsed = System.nanoTime() - t0;
      loaded = null;
      System.gc();
      CountingWriter sink = new CountingWriter();
      CommandLine cl = new CommandLine(new AnalyzeCommand());
      cl.setOut(new PrintWriter(sink));
      cl.setErr(new PrintWriter(System.err, true));
      long t1 = System.nanoTime();
      int code = cl.execute("-f", file.toString(), "-o", "json");
      long total = System.nanoTime() - t1;
      totals.add(total);
      Runtime rt = Runtime.getRuntime();
      out.printf(
          Locale.ROOT,
          "run %d: analyze -f -o json %.2f s (exit %d, %.1f MiB of JSON); read+parse alone %.2f s; heap in use after %d MiB%n",
          r,
          total / 1e9,
          code,
          sink.chars / 1048576.0,
          parsed / 1e9,
          (rt.totalMemory() - rt.freeMemory()) / 1048576);
    }
    out.printf(
        Locale.ROOT,
        "best %.2f s%n",
        totals.stream().mapToLong(Long::longValue).min().orElse(0) / 1e9);
    if (keep == null) {
      Files.deleteIfExists(file);
    }
    return 0;
  }

  private static final class CountingWriter extends Writer {
    long chars;

    @Override
    public void write(char[] cbuf, int off, int len) {
      chars += len;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
