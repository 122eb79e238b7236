package io.gatewaydoctor.cli;

import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.bench.LogBench;
import io.gatewaydoctor.bench.SyntheticCluster;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The launchers' class-data archive is written by this run (hidden): {@code analyze} of a small
 * synthetic dump, as YAML and as JSON, with an ingress-nginx and an Envoy log, so the archive holds
 * the classes an {@code analyze} loads. Its output goes nowhere; it reads and writes only its own
 * temporary files.
 */
@Command(
    name = "warm-up",
    hidden = true,
    description = "Load what analyze loads (for the launchers).")
public class WarmUpCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("gateway-doctor-warm-up-");
    try {
      KubernetesList dump = SyntheticCluster.generate(4, 2, 2);
      Path yaml = Files.writeString(dir.resolve("dump.yaml"), Serialization.asYaml(dump));
      Path json = Files.writeString(dir.resolve("dump.json"), Serialization.asJson(dump));
      Path nginx = LogBench.write(dir.resolve("nginx.log"), 2_000);
      Path envoy = LogBench.writeEnvoy(dir.resolve("envoy.log"), 200);
      for (Path d : new Path[] {yaml, json}) {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        new CommandLine(new AnalyzeCommand())
            .setOut(none)
            .setErr(none)
            .execute(
                "-f",
                d.toString(),
                "--gateway-log",
                nginx.toString(),
                "--gateway-log",
                envoy.toString(),
                "-o",
                "json",
                "--explain");
      }
      return 0;
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }
}
