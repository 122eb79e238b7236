package io.gatewaydoctor.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.gatewaydoctor.gateway.UpstreamNames;
import io.gatewaydoctor.model.ChainResolver;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.ObjectLoader;
import io.gatewaydoctor.probe.ProbeEvidence;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * #18: ingress-nginx names an upstream {@code <namespace>-<service>-<port>}, so {@code
 * team-a}/{@code web} and {@code team}/{@code a-web} both make {@code team-a-web-80}. Another
 * tenant's failing pods behind the same name must not become this target's verdict: where the name
 * is ambiguous, only lines whose last try went to this target's endpoints (or to none) count.
 */
class SharedUpstreamNameTest {
  @Test
  void theNamespacesThatCouldShareANameAreTheDashPrefixesFollowedByAServiceAndAPort() {
    assertThat(UpstreamNames.otherNamespaces("team-a-web-80", "team-a")).containsExactly("team");
    assertThat(UpstreamNames.otherNamespaces("team-a-web-80", "team")).containsExactly("team-a");
    assertThat(UpstreamNames.otherNamespaces("shop-web-80", "shop")).isEmpty();
    assertThat(UpstreamNames.otherNamespaces("a-b-c-d-http", "a")).containsExactly("a-b", "a-b-c");
  }

  @Test
  void anotherNamespacesFailingPodsBehindTheSameUpstreamNameAreNotThisTargetsErrors()
      throws Exception {
    // the other tenant's pod 10.9.9.9 refuses every request that its Service team/a-web gets
    GatewayEvidence.Builder log =
        new GatewayEvidence.Builder(ScenarioTest.NOW, AnalysisContext.DEFAULT_WINDOW);
    for (int i = 0; i < 30; i++) {
      String t = String.format("01/Dec/2026:11:5%d:%02d +0000", i / 10, i);
      log.line(
          "10.244.0.1 - - ["
              + t
              + "] \"GET / HTTP/1.1\" 502 150 \"-\" \"curl/8.5.0\" 217 0.001 [team-a-web-80] []"
              + " 10.9.9.9:8080 0 0.001 502 r"
              + i);
      log.line(
          String.format(
              "2026/12/01 11:5%d:%02d [error] 31#31: *%d connect() failed (111: Connection refused) while connecting"
                  + " to upstream, client: 10.244.0.1, server: team-a.example.com, request: \"GET / HTTP/1.1\", upstream:"
                  + " \"http://10.9.9.9:8080/\", host: \"team-a.example.com\"",
              i / 10, i, i));
    }
    // and its requests that reached no pod at all (its Service has none ready, or a rate limit):
    // 503
    for (int i = 0; i < 10; i++) {
      log.line(
          "10.244.0.1 - - [01/Dec/2026:11:58:"
              + (10 + i)
              + " +0000] \"GET / HTTP/1.1\" 503 190 \"-\""
              + " \"curl/8.5.0\" 217 0.000 [team-a-web-80] [] - - - - n"
              + i);
    }
    GatewayEvidence gateway = log.build();
    assertThat(gateway.upstream("team-a-web-80").gateway502()).isEqualTo(30);
    assertThat(gateway.upstream("team-a-web-80").gateway[2]).isEqualTo(10);

    Diagnosis alone = analyze(false, gateway);
    assertThat(alone.health())
        .as("without namespace team the name is this target's alone: " + alone.summary())
        .isNotEqualTo(Health.Healthy);
    Diagnosis shared = analyze(true, gateway);
    assertThat(shared.health()).as(shared.summary()).isEqualTo(Health.Healthy);
    assertThat(shared.summary()).doesNotContain("10.9.9.9");
  }

  static Diagnosis analyze(boolean otherNamespaceExists, GatewayEvidence gateway) throws Exception {
    Path f = Path.of("src/test/resources/scenarios/healthy-basic/in-cluster.yaml");
    List<HasMetadata> objects =
        new ArrayList<>(
            ObjectLoader.parse(Files.readString(f).replace("shop", "team-a"), f.toString()));
    if (otherNamespaceExists) {
      objects.add(new NamespaceBuilder().withNewMetadata().withName("team").endMetadata().build());
    }
    ClusterSnapshot snapshot = ClusterSnapshot.of(objects, ScenarioTest.LISTED);
    var chain = ChainResolver.resolve(snapshot.ingress("team-a", "web").orElseThrow(), snapshot);
    return new Analyzer()
        .analyze(
            chain,
            snapshot,
            ScenarioTest.NOW,
            AnalysisContext.DEFAULT_WINDOW,
            ProbeEvidence.NONE,
            gateway,
            null);
  }
}
