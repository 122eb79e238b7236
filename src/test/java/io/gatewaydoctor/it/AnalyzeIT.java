package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged application runs {@code analyze} on a dump with no cluster and no kubeconfig: the
 * table on stdout, nothing on stderr, the exit code CI scripts rely on.
 */
class AnalyzeIT {
  record Run(int code, String out, String err) {}

  static Run run(String... args) throws IOException, InterruptedException {
    String jar = System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar");
    List<String> cmd = new ArrayList<>(List.of("java", "-jar", jar, "analyze"));
    cmd.addAll(List.of(args));
    return exec(cmd, java.util.Map.of(), 60);
  }

  /**
   * Runs {@code cmd} with no kubeconfig, stdin closed and {@code env} set (a null value removes the
   * variable), within {@code seconds}.
   */
  static Run exec(List<String> cmd, java.util.Map<String, String> env, int seconds)
      throws IOException, InterruptedException {
    Path err = Files.createTempFile(Path.of("target"), "run", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
    pb.environment().put("KUBECONFIG", "/nonexistent/kubeconfig");
    env.forEach(
        (k, v) -> {
          if (v == null) {
            pb.environment().remove(k);
          } else {
            pb.environment().put(k, v);
          }
        });
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    assertThat(done).as("finished within " + seconds + " s").isTrue();
    return new Run(p.exitValue(), out, Files.readString(err));
  }

  @Test
  void aDumpIsAnalysedWithoutACluster() throws IOException, InterruptedException {
    Run r = run("-f", "src/test/resources/dumps/kubectl-all/cluster.yaml");
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    // that dump, like the old recipe, has no Namespace objects: said once, nothing else
    assertThat(r.err())
        .isEqualTo(
            "warning: 2 namespaces of the Ingresses not in the input: their gatewaydoctor.io/diagnose and"
                + " remediation annotations are not seen (dump namespaces too)\n");
    assertThat(r.out())
        .containsPattern("shop\\s+Ingress/checkout\\s+Failing\\s+TargetPortMismatch")
        .containsPattern("payments\\s+Ingress/payments-api\\s+Failing\\s+NetworkPolicyBlocked")
        .containsPattern("shop\\s+Ingress/storefront\\s+Healthy\\s+None");
    Run healthy =
        run(
            "-f",
            "src/test/resources/dumps/kubectl-all/cluster.yaml",
            "--target",
            "ingress/shop/storefront");
    assertThat(healthy.code()).as(healthy.err()).isZero();
  }

  @Test
  void noInputAndNoClusterIsAUsageError() throws IOException, InterruptedException {
    Run r = run();
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("analyze: ").contains("-f FILE|DIR").doesNotContain("\tat ");
  }

  /**
   * #18 item 11: an error message that quotes the input (here a file name carrying an escape
   * sequence and a right-to-left override) reaches stderr escaped: the CLI's stderr goes through
   * the same filter as its table.
   */
  @Test
  void stderrNeverCarriesTheInputsControlCharacters(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws IOException, InterruptedException {
    Path f = tmp.resolve("dump\u001b]0;pwned\u0007\u202egol.yaml");
    Files.writeString(f, "kind: [unclosed");
    Run r = run("-f", f.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("\\x1b]0;pwned\\x07")
        .contains("\\u202e")
        .doesNotContain("\u001b")
        .doesNotContain("\u0007")
        .doesNotContain("\u202e");
  }
}
