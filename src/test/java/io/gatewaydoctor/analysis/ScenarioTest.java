package io.gatewaydoctor.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.ObjectLoader;
import io.gatewaydoctor.remediation.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One directory per scenario under src/test/resources/scenarios: {@code in-*.yaml} (objects as
 * kubectl prints them) and {@code expected.yaml} (health, rootCause, the exact set of findings as
 * "code severity resource", and optionally {@code summaryContains}: words the summary must carry).
 * A scenario may add {@code in-gateway.log}: the gateway's access and error lines, as kubectl logs
 * prints them, and {@code baseline.yaml}: the objects as they were when the target worked (for
 * drift). Evaluated at a fixed instant.
 */
class ScenarioTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final Path ROOT = Path.of("src/test/resources/scenarios");
  static final List<String> LISTED =
      List.of(
          "Namespace",
          "IngressClass",
          "Ingress",
          "Service",
          "EndpointSlice",
          "Pod",
          "GatewayClass",
          "Gateway",
          "HTTPRoute",
          "GRPCRoute",
          "ReferenceGrant");

  static Stream<String> scenarios() throws IOException {
    try (Stream<Path> dirs = Files.list(ROOT)) {
      return dirs
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  static Diagnosis run(String scenario) throws IOException {
    Path dir = ROOT.resolve(scenario);
    List<HasMetadata> objects = new ArrayList<>(ScenarioFixtures.objects(scenario));
    JsonNode expected = Serialization.yamlMapper().readTree(dir.resolve("expected.yaml").toFile());
    String[] target = expected.get("target").asText().split("/");
    // the kinds the dump command listed (see each in-cluster.yaml header), even where none came
    // back
    ClusterSnapshot snapshot = ClusterSnapshot.of(objects, LISTED);
    // "ns/name" is an Ingress; "httproute/ns/name" an HTTPRoute
    boolean route =
        target.length == 3
            && (target[0].equalsIgnoreCase("httproute") || target[0].equalsIgnoreCase("grpcroute"));
    String routeKind = route ? target[0].toLowerCase(java.util.Locale.ROOT) : null;
    if (route) {
      target = new String[] {target[1], target[2]};
    }
    String[] at = target;
    io.fabric8.kubernetes.api.model.HasMetadata object =
        route
            ? snapshot.routes().stream()
                .filter(
                    r ->
                        io.gatewaydoctor.model.Routes.lowerKind(r).equals(routeKind)
                            && r.getMetadata().getNamespace().equals(at[0])
                            && r.getMetadata().getName().equals(at[1]))
                .findFirst()
                .orElseThrow()
            : snapshot.ingress(target[0], target[1]).orElseThrow();
    var resolved =
        route
            ? io.gatewaydoctor.evaluation.Pipeline.resolve(
                io.gatewaydoctor.model.HTTPRouteTargets.of(object, snapshot), snapshot)
            : io.gatewaydoctor.evaluation.Pipeline.resolve((Ingress) object, snapshot);
    Path log = dir.resolve("in-gateway.log");
    Path baseline = dir.resolve("baseline.yaml");
    java.util.Map<String, String> base = null;
    if (Files.exists(baseline)) {
      // what the chain was when it worked (kubectl get -o yaml of then)
      ClusterSnapshot before =
          ClusterSnapshot.of(
              ObjectLoader.parse(Files.readString(baseline), baseline.toString()), LISTED);
      base =
          io.gatewaydoctor.history.ChainBaseline.of(
              io.gatewaydoctor.model.ChainResolver.resolve(
                  before.ingress(target[0], target[1]).orElseThrow(), before),
              before);
    }
    // the gateway's log as kubectl logs prints it (access and error lines mixed)
    var gateway =
        new io.gatewaydoctor.signals.GatewayEvidence.Builder(NOW, AnalysisContext.DEFAULT_WINDOW);
    if (Files.exists(log)) {
      Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1).forEach(gateway::line);
    }
    // the pipeline the operator and analyze run, with the policy analyze reads
    var ns = snapshot.namespace(target[0]).map(n -> n.getMetadata().getAnnotations()).orElse(null);
    var policy =
        io.gatewaydoctor.remediation.RemediationPolicy.of(
            object.getMetadata().getAnnotations(),
            ns,
            io.gatewaydoctor.remediation.RemediationPolicy.Mode.auto,
            java.util.Set.of());
    return io.gatewaydoctor.evaluation.Pipeline.evaluate(
            resolved,
            new io.gatewaydoctor.evaluation.Pipeline.Inputs(
                ScenarioFixtures.probes(scenario),
                gateway.build(),
                base,
                true,
                policy,
                NOW,
                AnalysisContext.DEFAULT_WINDOW))
        .diagnosis();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenarioYieldsExpectedVerdict(String scenario) throws IOException {
    Diagnosis d = run(scenario);
    JsonNode expected =
        Serialization.yamlMapper()
            .readTree(ROOT.resolve(scenario).resolve("expected.yaml").toFile());
    List<String> wanted = new ArrayList<>();
    expected
        .get("findings")
        .forEach(
            f ->
                wanted.add(
                    f.get("code").asText()
                        + " "
                        + f.get("severity").asText()
                        + " "
                        + f.get("resource").asText()));
    List<String> got =
        d.findings().stream().map(f -> f.code() + " " + f.severity() + " " + f.resource()).toList();
    String context =
        "scenario "
            + scenario
            + "\nsummary: "
            + d.summary()
            + "\nfindings:\n  "
            + String.join(
                "\n  ",
                d.findings().stream()
                    .map(
                        f ->
                            f.code() + " " + f.severity() + " " + f.resource() + ": " + f.message())
                    .toList());
    assertThat(got).as(context).containsExactlyInAnyOrderElementsOf(wanted);
    assertThat(d.health().name()).as(context).isEqualTo(expected.get("health").asText());
    assertThat(d.rootCause()).as(context).isEqualTo(expected.get("rootCause").asText());
    assertThat(d.summary()).as(context).isNotBlank();
    if (expected.has("summaryContains")) {
      expected
          .get("summaryContains")
          .forEach(w -> assertThat(d.summary()).as(context).contains(w.asText()));
    }
    if (expected.has("fixContains")) {
      // what the root cause's fix says (the object to apply, the setting to change)
      String fix =
          d.findings().isEmpty() || d.findings().get(0).remediation() == null
              ? ""
              : d.findings().get(0).remediation().description();
      expected.get("fixContains").forEach(w -> assertThat(fix).as(context).contains(w.asText()));
    }
    if (expected.has("plans")) {
      // the typed remediation plans, in order: "action Kind ns/name"
      List<String> plans = new ArrayList<>();
      expected.get("plans").forEach(p -> plans.add(p.asText()));
      assertThat(Plan.of(d).stream().map(p -> p.action() + " " + p.objectKey()).toList())
          .as(context)
          .containsExactlyElementsOf(plans);
    }
    if (!"None".equals(d.rootCause())) {
      // the summary names the culprit object
      RuleFinding root = d.findings().get(0);
      assertThat(root.code().name()).isEqualTo(d.rootCause());
      assertThat(d.summary())
          .as(context)
          .contains(root.resource().namespace + "/" + root.resource().name);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void healthyCorpusHasNoWarningOrCritical(String scenario) throws IOException {
    if (!scenario.startsWith("healthy-")) {
      return;
    }
    Diagnosis d = run(scenario);
    assertThat(d.findings()).as(scenario).noneMatch(f -> f.severity().atLeast(Severity.Warning));
    assertThat(d.health()).isEqualTo(Health.Healthy);
  }
}
