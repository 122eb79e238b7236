package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #21 item 5: the kubectl plugin launcher, linked from a directory on the PATH as kubectl finds
 * plugins (kubectl-gateway_doctor), runs the packaged application of its clone: {@code kubectl
 * gateway-doctor analyze} works from anywhere.
 */
class KubectlPluginIT {
  @Test
  void thePluginLinkedElsewhereRunsTheApplication(@TempDir Path path) throws Exception {
    Path link = path.resolve("kubectl-gateway_doctor");
    Files.createSymbolicLink(link, Path.of("bin/kubectl-gateway_doctor").toAbsolutePath());
    Path dump = Path.of("src/test/resources/dumps/kubectl-all/cluster.yaml").toAbsolutePath();
    ProcessBuilder pb =
        new ProcessBuilder(link.toString(), "analyze", "-f", dump.toString(), "-o", "json")
            .directory(path.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("KUBECONFIG", "/nonexistent/kubeconfig");
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    assertThat(done).isTrue();
    assertThat(p.exitValue()).isEqualTo(1); // a Failing target, as analyze exits
    assertThat(out).contains("\"kind\":\"List\"", "\"rootCause\":\"TargetPortMismatch\"");
  }
}
