package io.gatewaydoctor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.gatewaydoctor.analysis.Analyzer;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.Health;
import io.gatewaydoctor.probe.ProbeEvidence;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * #19: the core reads a {@link Target}, not an Ingress. An Ingress resolves to one (routes,
 * backends, controller); a target of another kind built by another resolver runs through the same
 * chain resolution and the same rules, and the Ingress-only checks stay silent for it.
 */
class TargetTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  static ClusterSnapshot cluster(String scenario) throws Exception {
    List<HasMetadata> objects = io.gatewaydoctor.analysis.ScenarioFixtures.objects(scenario);
    return ClusterSnapshot.of(
        objects,
        List.of("Namespace", "IngressClass", "Ingress", "Service", "EndpointSlice", "Pod"));
  }

  @Test
  void anIngressIsATargetWithItsRoutesBackendsAndController() throws Exception {
    ClusterSnapshot c = cluster("healthy-multi-path-tls");
    var ing = c.ingresses().iterator().next();
    Target t = IngressTargets.of(ing, c);
    assertThat(t.kind()).isEqualTo("Ingress");
    assertThat(t.ref().toString()).isEqualTo("Ingress " + t.namespace() + "/" + t.name());
    assertThat(t.routes())
        .isNotEmpty()
        .allSatisfy(r -> assertThat(t.backends()).anyMatch(b -> b.key().equals(r.backend())));
    assertThat(t.controller()).isEqualTo(Gateways.INGRESS_NGINX);
    assertThat(t.ingress()).contains(ing);
  }

  @Test
  void aTargetOfAnotherKindRunsThroughTheSameCore() throws Exception {
    ClusterSnapshot c = cluster("target-port-mismatch-number");
    var route =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("gateway.networking.k8s.io/v1")
            .withKind("HTTPRoute")
            .withNewMetadata()
            .withName("web")
            .withNamespace("shop")
            .endMetadata()
            .build();
    Target t =
        new Target(
            "HTTPRoute",
            "shop",
            "web",
            route,
            Map.of(),
            List.of(new Target.Route("shop.example.com", "/", Target.Match.PREFIX, "web:80")),
            List.of(new BackendRef("web", 80, null, new ArrayList<>(List.of("shop.example.com/")))),
            "gateway.envoyproxy.io/gatewayclass-controller",
            List.of());
    TargetChain chain = ChainResolver.resolve(t, c);
    assertThat(chain.backends()).singleElement().satisfies(b -> assertThat(b.pods()).isNotEmpty());
    Diagnosis d =
        new Analyzer()
            .analyze(
                chain, c, NOW, Duration.ofMinutes(10), ProbeEvidence.NONE, GatewayEvidence.NONE);
    assertThat(d.target()).isEqualTo("HTTPRoute/web");
    assertThat(d.health()).isNotEqualTo(Health.Healthy);
    assertThat(d.rootCause()).isEqualTo(Code.TargetPortMismatch.name());
    assertThat(d.findings())
        .noneMatch(f -> f.code() == Code.IngressClassMissing || f.code() == Code.TlsSecretMissing);
  }
}
