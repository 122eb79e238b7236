package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #21 item 5: the single-file distribution for laptops and krew. bin/dist builds the uber-jar in a
 * copy of the sources (this clone's target/quarkus-app stays as the other tests need it) and packs
 * it with its launchers; unpacked elsewhere, the kubectl plugin runs analyze through a symlink on
 * the PATH, as krew installs it.
 */
class DistIT {
  record Run(int code, String out) {}

  static Run run(Path dir, String path, String... cmd) throws Exception {
    java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of(cmd));
    if (path != null) {
      // found on the child's PATH, as a shell finds it (ProcessBuilder looks on the parent's)
      argv.addAll(0, java.util.List.of("bash", "-c", "exec \"$0\" \"$@\""));
    }
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
    if (path != null) {
      pb.environment().put("PATH", path + ":" + System.getenv("PATH"));
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(out).isTrue();
    return new Run(p.exitValue(), out);
  }

  @Test
  void theDistributionRunsFromAnywhere(@TempDir Path tmp) throws Exception {
    Path root = Path.of("").toAbsolutePath();
    Run built = run(root, null, "bin/dist", "-o");
    assertThat(built.code()).as(built.out()).isZero();
    Path tarball = Path.of(built.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    assertThat(tarball).exists();
    Run untar = run(tmp, null, "tar", "-xzf", tarball.toString());
    assertThat(untar.code()).as(untar.out()).isZero();
    Path unpacked;
    try (var dirs = Files.list(tmp)) {
      unpacked = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    assertThat(unpacked.resolve("gateway-doctor.jar")).exists();
    // krew links the plugin from its own bin directory: a symlink elsewhere on the PATH
    Path bin = Files.createDirectories(tmp.resolve("krew-bin"));
    Files.createSymbolicLink(
        bin.resolve("kubectl-gateway_doctor"), unpacked.resolve("kubectl-gateway_doctor"));
    Run version = run(tmp, bin.toString(), "kubectl-gateway_doctor", "--version");
    assertThat(version.code()).as(version.out()).isZero();
    assertThat(version.out()).startsWith("gateway-doctor ");
    Path dump = root.resolve("src/test/resources/scenarios/healthy-basic/in-cluster.yaml");
    Run analyze =
        run(tmp, bin.toString(), "kubectl-gateway_doctor", "analyze", "-f", dump.toString());
    assertThat(analyze.code()).as(analyze.out()).isZero();
    assertThat(analyze.out()).containsPattern("shop\\s+Ingress/web\\s+Healthy\\s+None");
  }
}
