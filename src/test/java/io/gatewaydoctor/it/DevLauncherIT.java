package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's launcher, {@code bin/gateway-doctor}, runs the one-shot commands on the JVM's
 * application class loader (the fast-jar's jars on {@code -cp}, not Quarkus' loader): they answer
 * exactly as {@code java -jar quarkus-run.jar} does ({@link AnalyzeIT}), the first analyze writes
 * the class-data archive for that class path, and the next runs map it.
 */
class DevLauncherIT {
  static AnalyzeIT.Run run(Path cache, List<String> argv) throws IOException, InterruptedException {
    return run(cache, null, argv);
  }

  /** {@code argv} with its own class-data cache and {@code javaOpts} (null: none). */
  static AnalyzeIT.Run run(Path cache, String javaOpts, List<String> argv)
      throws IOException, InterruptedException {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("XDG_CACHE_HOME", cache.toString());
    env.put("JAVA_OPTS", javaOpts);
    env.put("GATEWAYDOCTOR_CDS", null);
    return AnalyzeIT.exec(argv, env, 120);
  }

  @Test
  void oneShotCommandsAnswerAsThePackagedJarDoes(@TempDir Path tmp) throws Exception {
    String dump = "src/test/resources/dumps/kubectl-all/cluster.yaml";
    String jar = System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar");
    AnalyzeIT.Run packaged = run(tmp, List.of("java", "-jar", jar, "analyze", "-f", dump));
    assertThat(packaged.code()).as(packaged.err()).isEqualTo(1);
    assertThat(packaged.out()).contains("TargetPortMismatch");

    AnalyzeIT.Run first = run(tmp, List.of("bin/gateway-doctor", "analyze", "-f", dump));
    assertThat(first).isEqualTo(packaged);
    List<Path> archives;
    try (Stream<Path> s = Files.list(tmp.resolve("gateway-doctor"))) {
      archives = s.filter(f -> f.getFileName().toString().matches("cds-[0-9]+\\.jsa")).toList();
    }
    assertThat(archives).as("the first analyze wrote the archive").hasSize(1);

    // -Xshare:on: the JVM stops rather than run without the archive
    Path loads = tmp.resolve("loads.txt");
    AnalyzeIT.Run mapped =
        run(
            tmp,
            "-Xshare:on -Xlog:class+load=info:file=" + loads,
            List.of("bin/gateway-doctor", "analyze", "-f", dump));
    assertThat(mapped).isEqualTo(packaged);
    assertThat(Files.readString(loads))
        .contains("io.gatewaydoctor.cli.AnalyzeCommand source: shared objects file (top)")
        .contains("io.fabric8.kubernetes.api.model.networking.v1.Ingress source: shared objects");
    // bench --operator starts the packaged jar, which the class path no longer names
    AnalyzeIT.Run settings =
        run(tmp, "-XshowSettings:properties", List.of("bin/gateway-doctor", "--version"));
    assertThat(settings.err())
        .contains(
            "gatewaydoctor.jar = " + Path.of("target/quarkus-app/quarkus-run.jar").toRealPath());
    AnalyzeIT.Run version = run(tmp, List.of("bin/gateway-doctor", "--version"));
    assertThat(version.code()).isZero();
    assertThat(version.out()).startsWith("gateway-doctor ");
    assertThat(version.err()).isEmpty();
  }
}
