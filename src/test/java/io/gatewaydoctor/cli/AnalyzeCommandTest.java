package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.analysis.ScenarioFixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code analyze} on files: selection, output formats, exit codes and error messages. */
class AnalyzeCommandTest {
  static final Path SCENARIOS = Path.of("src/test/resources/scenarios");

  record Result(int code, String out, String err) {
    JsonNode json() {
      try {
        return Serialization.jsonMapper().readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out, e);
      }
    }
  }

  /** #23: many Ingresses are analysed on every core, to the very same output as on one. */
  @org.junit.jupiter.api.Test
  void manyTargetsOnEveryCoreGiveTheSameOutputAsOnOne() throws IOException {
    Path dump = Files.createTempFile("many", ".json");
    dump.toFile().deleteOnExit();
    Files.writeString(
        dump,
        io.fabric8.kubernetes.client.utils.Serialization.asJson(
            io.gatewaydoctor.bench.SyntheticCluster.generate(600, 2, 10)));
    String[] args = {"-f", dump.toString(), "-o", "json", "--now", "2026-12-01T12:00:00Z"};
    int before = AnalyzeCommand.parallelTargets;
    try {
      AnalyzeCommand.parallelTargets = Integer.MAX_VALUE;
      Result oneCore = run(args);
      AnalyzeCommand.parallelTargets = 1;
      Result everyCore = run(args);
      org.assertj.core.api.Assertions.assertThat(oneCore.out()).contains("app-599");
      org.assertj.core.api.Assertions.assertThat(everyCore.out()).isEqualTo(oneCore.out());
      org.assertj.core.api.Assertions.assertThat(everyCore.code()).isEqualTo(oneCore.code());
    } finally {
      AnalyzeCommand.parallelTargets = before;
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new AnalyzeCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * -f for every in-*.yaml of the scenarios given, --gateway-log for their in-*.log, --baseline for
   * baseline.yaml.
   */
  static List<String> inputs(String... scenarios) throws IOException {
    List<String> args = new ArrayList<>();
    Path dir = Files.createTempDirectory("scenario");
    dir.toFile().deleteOnExit();
    for (String s : scenarios) {
      Path cluster = ScenarioFixtures.materialize(s, dir);
      cluster.toFile().deleteOnExit();
      args.add("-f");
      args.add(cluster.toString());
      Path log = SCENARIOS.resolve(s).resolve("in-gateway.log");
      if (Files.exists(log)) {
        args.add("--gateway-log");
        args.add(log.toString());
      }
      Path baseline = SCENARIOS.resolve(s).resolve("baseline.yaml");
      if (Files.exists(baseline)) {
        args.add("--baseline");
        args.add(baseline.toString());
      }
    }
    return args;
  }

  static String[] args(List<String> inputs, String... more) {
    List<String> all = new ArrayList<>(inputs);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /**
   * #18: the ingress controller is only ever a pod of the namespaces trusted to run it
   * (--controller-namespace, default ingress-nginx). A pod elsewhere that looks like one is named
   * on stderr and otherwise ignored: NetworkPolicy advice does not name it until its namespace is
   * trusted.
   */
  @Test
  void aControllerLookAlikeOutsideTheControllerNamespacesIsNamedButNotTakenForTheGateway(
      @TempDir Path dir) throws IOException {
    Path extra = dir.resolve("cluster.yaml");
    Files.writeString(
        extra,
        ScenarioFixtures.clusterYaml("network-policy-blocked")
            .replace("namespace: \"ingress-nginx\"", "namespace: \"edge\"")
            .replace("name: \"ingress-nginx\"\n", "name: \"edge\"\n")
            .replace("metadata.name: \"ingress-nginx\"", "metadata.name: \"edge\""));
    List<String> in = List.of("-f", extra.toString());
    Result untrusted = run(args(in, "-o", "json", "--now", "2026-12-01T12:00:00Z"));
    assertThat(untrusted.err())
        .contains(
            "note: 1 pod looks like an ingress controller outside --controller-namespace ingress-nginx",
            "edge/ingress-nginx-controller-5c8d66c76d-x7k2p",
            "add --controller-namespace NS");
    assertThat(untrusted.out()).doesNotContain("ingress-nginx-controller-5c8d66c76d-x7k2p");
    Result trusted =
        run(
            args(
                in,
                "-o",
                "json",
                "--now",
                "2026-12-01T12:00:00Z",
                "--controller-namespace",
                "edge"));
    assertThat(trusted.err()).doesNotContain("looks like an ingress controller");
    JsonNode d = trusted.json().get("items").get(0).get("status");
    assertThat(d.get("rootCause").asText()).as(trusted.err() + d).isEqualTo("NetworkPolicyBlocked");
    assertThat(d.get("summary").asText())
        .contains("edge/ingress-nginx-controller-5c8d66c76d-x7k2p");
  }

  /**
   * #20: a dump's HTTPRoutes are diagnosed beside its Ingresses, through the same pipeline; a
   * route's diagnosis is named NAME.httproute and names its kind in spec.targetRef.
   */
  @Test
  void httpRoutesInADumpAreDiagnosedBesideIngresses(@TempDir Path tmp) throws IOException {
    // a grant in shop for another namespace: the dump holds ReferenceGrants, and none permits
    // storefront
    Path grant = tmp.resolve("grant.yaml");
    Files.writeString(
        grant,
        """
        apiVersion: gateway.networking.k8s.io/v1beta1
        kind: ReferenceGrant
        metadata: {name: allow-other, namespace: shop}
        spec:
          from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: other}]
          to: [{group: "", kind: Service, name: web}]
        """);
    List<String> in = new ArrayList<>(inputs("httproute-backendref-not-permitted"));
    in.addAll(List.of("-f", grant.toString()));
    Result both = run(args(in, "-o", "json", "--now", "2026-12-01T12:00:00Z"));
    assertThat(both.code()).as(both.err() + both.out()).isEqualTo(1);
    assertThat(both.json().get("items")).hasSize(2);
    Result route =
        run(
            args(
                in,
                "--target",
                "httproute/storefront/web",
                "-o",
                "json",
                "--now",
                "2026-12-01T12:00:00Z"));
    JsonNode gd = route.json().at("/items/0");
    assertThat(route.json().get("items")).as(route.err()).hasSize(1);
    assertThat(gd.at("/metadata/name").asText()).isEqualTo("web.httproute");
    assertThat(gd.at("/metadata/namespace").asText()).isEqualTo("storefront");
    assertThat(gd.at("/spec/targetRef/kind").asText()).isEqualTo("HTTPRoute");
    assertThat(gd.at("/spec/targetRef/apiGroup").asText()).isEqualTo("gateway.networking.k8s.io");
    assertThat(gd.at("/status/target").asText()).isEqualTo("HTTPRoute/web");
    assertThat(gd.at("/status/rootCause").asText()).isEqualTo("BackendRefNotPermitted");
    assertThat(gd.at("/status/culprit").asText()).isEqualTo("HTTPRoute/storefront/web");
    Result ingressOnly =
        run(
            args(
                inputs("httproute-backendref-not-permitted"),
                "--target",
                "ingress/shop/web",
                "-o",
                "json",
                "--now",
                "2026-12-01T12:00:00Z"));
    assertThat(ingressOnly.json().get("items"))
        .singleElement()
        .satisfies(i -> assertThat(i.at("/status/health").asText()).isEqualTo("Healthy"));
    Result none =
        run(
            args(
                inputs("httproute-backendref-not-permitted"),
                "--target",
                "httproute/storefront/nope"));
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("--target httproute/storefront/nope: no such HTTPRoute");
  }

  @Test
  void healthyInputExitsZeroWithATable() throws IOException {
    Result r = run(args(inputs("healthy-basic")));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines().findFirst().orElseThrow())
        .containsSubsequence("NAMESPACE", "TARGET", "HEALTH", "ROOT-CAUSE", "502/MIN", "SUMMARY");
    assertThat(r.out())
        .contains(
            "shop",
            "Ingress/web",
            "Healthy",
            "None",
            "Service shop/web:80 healthy (2 of 2 endpoints ready)");
  }

  @Test
  void gatewayLogScenarioGivesTheSameVerdictThroughTheCommandWithOnsetAndPerPodCounts()
      throws IOException {
    Result r =
        run(
            args(
                inputs("gateway-all-pods-resetting-in-bursts"),
                "-o",
                "json",
                "--now",
                "2026-12-01T12:00:00Z"));
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    var status = r.json().at("/items/0/status");
    assertThat(status.get("rootCause").asText()).isEqualTo("BackendResettingConnections");
    assertThat(status.at("/findings/0/since").asText()).isEqualTo("2026-12-01T11:51:00Z");
    assertThat(status.at("/gatewayErrors/gateway/502").asLong()).isEqualTo(6);
    assertThat(status.get("errorRate").asDouble()).isEqualTo(0.6);
    assertThat(status.at("/backends/0/endpoints/0/gateway/errors502").asLong()).isEqualTo(6);
    // the garbage and the cut line were skipped, not fatal
    Result garbage =
        run(args(inputs("gateway-all-pods-resetting-in-bursts"), "--now", "2026-12-01T12:00:00Z"));
    assertThat(garbage.out()).contains("in bursts (3 of 9 min)");
  }

  @Test
  void theRemediationPlanIsShownWithItsExactPatchAndWhatTheGuardSays() throws IOException {
    Result r = run(args(inputs("target-port-mismatch-name"), "-o", "yaml"));
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    var plan = Serialization.yamlMapper().readTree(r.out()).at("/items/0/status/remediations/0");
    assertThat(plan.get("action").asText()).isEqualTo("fix-target-port");
    assertThat(plan.get("target").asText()).isEqualTo("Service shop/web");
    assertThat(plan.get("result").asText()).isEqualTo("Planned");
    assertThat(plan.get("dryRun").asBoolean()).isTrue();
    assertThat(plan.get("patch").asText())
        .contains("{\"op\":\"replace\",\"path\":\"/spec/ports/0/targetPort\"");
    assertThat(plan.get("reason").asText())
        .startsWith(
            "remediation is off for this target (gatewaydoctor.io/remediation); would run with");
    Result explained = run(args(inputs("target-port-mismatch-name"), "--explain"));
    assertThat(explained.out())
        .contains(
            "remediation plans",
            "Planned  fix-target-port  Service shop/web (TargetPortMismatch)",
            "patch: [{\"op\":\"test\"");
    // a rollback without a dump of when it worked is blocked, and says why
    Result rollback = run(args(inputs("rollout-new-revision-crash-looping"), "-o", "json"));
    var blocked = rollback.json().at("/items/0/status/remediations/0");
    assertThat(blocked.get("action").asText()).isEqualTo("rollback");
    assertThat(blocked.get("result").asText()).isEqualTo("Blocked");
    assertThat(blocked.get("reason").asText())
        .contains("nothing proves that ReplicaSet shop/web-5c8d9e7f6 worked");
    assertThat(blocked.get("patch").asText())
        .contains("registry.example.com/web:2.2.0")
        .doesNotContain("pod-template-hash");
  }

  @Test
  void aLogFormatThatCannotBeReadIsAUsageError() throws IOException {
    Result alone =
        run(args(inputs("healthy-basic"), "--log-format", "$status $upstream_addr [$time_local]"));
    assertThat(alone.code()).isEqualTo(2);
    assertThat(alone.err()).contains("--log-format goes with --gateway-log");
    Result bad =
        run(
            args(
                inputs("gateway-one-pod-refusing"), "--log-format", "$remote_addr $upstream_addr"));
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--log-format: log format must contain $status");
  }

  /**
   * #17: the access-log format comes from log-format-upstream of the ConfigMap the ingress-nginx
   * controller pod names (--configmap) when --log-format does not say: the same traffic written as
   * JSON is read to the same verdict, and without that ConfigMap the lines are skipped.
   */
  @Test
  void theAccessLogFormatComesFromTheControllersConfigMap(
      @org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    List<String> in = inputs("gateway-one-pod-refusing");
    Path log = Path.of(in.get(in.indexOf("--gateway-log") + 1));
    List<String> json = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      var a = io.gatewaydoctor.signals.NginxLogParser.access(line);
      json.add(
          a == null
              ? line
              : "{\"time\": \""
                  + a.time()
                  + "\", \"status\": "
                  + a.status()
                  + ", \"upstream\": \""
                  + a.upstream()
                  + "\", \"addr\": \""
                  + String.join(", ", a.upstreamAddrs())
                  + "\", \"ustatus\": \""
                  + String.join(", ", a.upstreamStatuses())
                  + "\"}");
    }
    Path jsonLog = tmp.resolve("gateway.json.log");
    Files.write(jsonLog, json);
    Path controller = tmp.resolve("controller.yaml");
    Files.writeString(
        controller,
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Pod
          metadata: {namespace: ingress-nginx, name: ingress-nginx-controller-5d8c7b9f4-x2k8p}
          spec:
            containers:
            - name: controller
              args: [/nginx-ingress-controller, --configmap=$(POD_NAMESPACE)/ingress-nginx-controller]
              env:
              - name: POD_NAMESPACE
                valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
          status: {phase: Running}
        - apiVersion: v1
          kind: ConfigMap
          metadata: {namespace: ingress-nginx, name: ingress-nginx-controller}
          data:
            log-format-upstream: >-
              {"time": "$time_iso8601", "status": $status, "upstream": "$proxy_upstream_name",
              "addr": "$upstream_addr", "ustatus": "$upstream_status"}
        """);
    String cluster = in.get(in.indexOf("-f") + 1);
    Result r =
        run(
            "-f",
            cluster,
            "-f",
            controller.toString(),
            "--gateway-log",
            jsonLog.toString(),
            "-o",
            "json");
    assertThat(r.err())
        .contains(
            "access-log format from ConfigMap ingress-nginx/ingress-nginx-controller (log-format-upstream)")
        .contains("gateway logs: 1 line neither"); // the controller's own klog line
    assertThat(r.json().at("/items/0/status/rootCause").asText())
        .as(r.out())
        .isEqualTo("BackendRefusingConnections");
    assertThat(r.json().at("/items/0/status/summary").asText()).contains("web-6d4b7c9f8-bbbbb");
    Result without = run("-f", cluster, "--gateway-log", jsonLog.toString(), "-o", "json");
    assertThat(without.err()).containsPattern("gateway logs: [0-9]{2,} lines neither");
    // read: the retries that hid every failure from clients are seen, so it is not Failing
    assertThat(r.json().at("/items/0/status/health").asText()).isEqualTo("Degraded");
    assertThat(r.json().at("/items/0/status/backends/0/endpoints/0/gateway/requests").asInt())
        .isEqualTo(24);
    assertThat(without.json().at("/items/0/status/backends/0/endpoints/0/gateway").isMissingNode())
        .as("no access line read")
        .isTrue();
  }

  /** --baseline: the healthy dump of before against the broken one of now. */
  @Test
  void aBaselineShowsWhatChangedOnTheChainAndWhen(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws IOException {
    String before = "src/test/resources/scenarios/healthy-basic/in-cluster.yaml";
    Result r = run(args(inputs("target-port-mismatch-number"), "--baseline", before, "-o", "json"));
    var s = r.json().at("/items/0/status");
    assertThat(s.get("rootCause").asText())
        .as(r.out())
        .isEqualTo("TargetPortMismatch"); // the direct cause stays first
    assertThat(s.get("drift"))
        .anySatisfy(
            d -> {
              assertThat(d.get("resource").asText()).isEqualTo("Service shop/web");
              assertThat(d.get("field").asText()).isEqualTo("spec.ports[80].targetPort");
              assertThat(d.get("from").asText()).isEqualTo("http");
              assertThat(d.get("to").asText()).isEqualTo("8081");
            });
    assertThat(s.get("findings"))
        .anySatisfy(
            f -> {
              assertThat(f.get("code").asText()).isEqualTo("ConfigDrift");
              assertThat(f.get("severity").asText()).isEqualTo("Warning");
              assertThat(f.get("message").asText())
                  .contains("Service shop/web spec.ports[80].targetPort http → 8081");
            });
    // a change on a target that works is only information; the same dump against itself is no drift
    String now =
        Files.readString(Path.of(before))
            .replace(
                "image: registry.example.com/web:2.3.1", "image: registry.example.com/web:2.4.0");
    assertThat(now).contains("web:2.4.0");
    Path changed = tmp.resolve("now.yaml");
    Files.writeString(changed, now);
    var healthy =
        run("-f", changed.toString(), "--baseline", before, "-o", "json")
            .json()
            .at("/items/0/status");
    assertThat(healthy.get("health").asText()).isEqualTo("Healthy");
    assertThat(healthy.get("drift"))
        .anySatisfy(d -> assertThat(d.get("field").asText()).endsWith(".image"));
    assertThat(healthy.get("findings"))
        .anySatisfy(f -> assertThat(f.get("severity").asText()).isEqualTo("Info"));
    assertThat(
            run("-f", before, "--baseline", before, "-o", "json")
                .json()
                .at("/items/0/status/drift"))
        .isEmpty();
  }

  /**
   * A dump's own timeline: the rollout (ReplicaSets with their revision) and the new pods' start.
   */
  @Test
  void aDumpTellsItsRolloutOnTheTimeline() throws IOException {
    var s =
        run(args(
                inputs("rollout-without-graceful-shutdown"),
                "-o",
                "json",
                "--now",
                "2026-12-01T12:00:00Z"))
            .json()
            .at("/items/0/status");
    assertThat(s.get("rootCause").asText()).isEqualTo("RolloutWithoutGracefulShutdown");
    assertThat(s.get("timeline"))
        .anySatisfy(
            e -> {
              assertThat(e.get("kind").asText()).isEqualTo("rollout");
              assertThat(e.get("object").asText()).isEqualTo("ReplicaSet shop/web-7f9c8d6b5");
              assertThat(e.get("detail").asText()).contains("revision 2");
              assertThat(e.get("at").asText()).isEqualTo("2026-12-01T11:56:00Z");
            });
  }

  @Test
  void failingTargetExitsOneUnlessFailOnSaysOtherwise() throws IOException {
    List<String> in = inputs("target-port-mismatch-number");
    assertThat(run(args(in)).code()).isEqualTo(1);
    assertThat(run(args(in, "--fail-on", "critical")).code()).isEqualTo(1);
    assertThat(run(args(in, "--fail-on", "never")).code()).isZero();
    List<String> degraded = inputs("network-policy-partial");
    Result r = run(args(degraded, "-o", "wide"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("Degraded", "NetworkPolicyBlocked", "NetworkPolicy shop/deny-canary", "0C/1W/0I");
    assertThat(run(args(degraded, "--fail-on", "critical")).code()).isZero();
  }

  @Test
  void jsonIsAListOfGatewayDiagnosesWithTheOperatorsStatus() throws IOException {
    Result r =
        run(
            args(
                inputs("mixed-target-port-and-not-ready"),
                "-o",
                "json",
                "--now",
                "2026-12-01T12:00:00Z"));
    JsonNode list = r.json();
    assertThat(list.get("apiVersion").asText()).isEqualTo("v1");
    assertThat(list.get("kind").asText()).isEqualTo("List");
    JsonNode gd = list.get("items").get(0);
    assertThat(gd.get("apiVersion").asText()).isEqualTo("gatewaydoctor.io/v1alpha1");
    assertThat(gd.get("kind").asText()).isEqualTo("GatewayDiagnosis");
    assertThat(gd.at("/metadata/name").asText()).isEqualTo("web");
    assertThat(gd.at("/spec/targetRef/kind").asText()).isEqualTo("Ingress");
    assertThat(gd.at("/status/health").asText()).isEqualTo("Failing");
    assertThat(gd.at("/status/rootCause").asText()).isEqualTo("TargetPortMismatch");
    assertThat(gd.at("/status/findings/0/code").asText()).isEqualTo("TargetPortMismatch");
    assertThat(gd.at("/status/findings/1/code").asText()).isEqualTo("NoReadyEndpoints");
    assertThat(gd.at("/status/lastEvaluated").asText()).isEqualTo("2026-12-01T12:00:00Z");
    assertThat(gd.at("/status/conditions/0/type").asText()).isEqualTo("Healthy");
    assertThat(gd.at("/status/conditions/0/reason").asText()).isEqualTo("TargetPortMismatch");
    Result y =
        run(
            args(
                inputs("mixed-target-port-and-not-ready"),
                "-o",
                "yaml",
                "--now",
                "2026-12-01T12:00:00Z"));
    assertThat(y.code()).isEqualTo(1);
    assertThat(Serialization.yamlMapper().readTree(y.out())).isEqualTo(list);
  }

  @Test
  void nowDefaultsToTheNewestTimestampOfTheDump() throws IOException {
    // oom-killed's newest evidence is a container termination; the dump has no later time
    JsonNode gd = run(args(inputs("oom-killed"), "-o", "json")).json().get("items").get(0);
    String newest = gd.at("/status/lastEvaluated").asText();
    assertThat(newest)
        .isNotEmpty()
        .isLessThanOrEqualTo("2026-12-01T12:00:00Z")
        .isGreaterThan("2026-11-30T00:00:00Z");
    assertThat(gd.at("/status/rootCause").asText()).isEqualTo("BackendOOMKilled");
    // two days later the same kills are outside the window and no longer a cause
    JsonNode later =
        run(args(inputs("oom-killed"), "-o", "json", "--now", "2026-12-03T00:00:00Z"))
            .json()
            .get("items")
            .get(0);
    assertThat(later.at("/status/findings").findValuesAsText("code"))
        .doesNotContain("BackendOOMKilled");
  }

  @Test
  void targetsAndSelectorsNarrowTheRun() throws IOException {
    List<String> in = inputs("healthy-basic", "no-prestop-hook");
    // both scenarios hold shop/web; the later file wins, so there is one Ingress
    assertThat(run(args(in, "-o", "json")).json().get("items")).hasSize(1);
    assertThat(run(args(in, "--target", "ingress/shop/web", "-o", "json")).json().get("items"))
        .hasSize(1);
    assertThat(
            run(args(in, "--target", "ingress/web", "-n", "shop", "-o", "json"))
                .json()
                .get("items"))
        .hasSize(1);
    assertThat(run(args(in, "-l", "app=nothing", "-o", "json")).json().get("items")).isEmpty();
    assertThat(run(args(in, "-l", "!team", "-o", "json")).json().get("items")).hasSize(1);
    assertThat(run(args(in, "-n", "other", "-o", "json")).json().get("items")).isEmpty();
    Result missing = run(args(in, "--target", "ingress/shop/nope"));
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--target ingress/shop/nope: no such Ingress");
  }

  @Test
  void explainShowsTheChainWithTheFailingLinkMarked() throws IOException {
    Result r = run(args(inputs("target-port-mismatch-number"), "--explain"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains(
            "Ingress shop/web: Failing — TargetPortMismatch",
            "chain",
            "findings (most explanatory first)");
    String link = r.out().lines().filter(l -> l.contains("→ targetPort")).findFirst().orElseThrow();
    assertThat(link.trim()).startsWith("FAIL");
    assertThat(r.out().lines().filter(l -> l.trim().startsWith("FAIL"))).hasSize(1);
    assertThat(r.out()).contains("fix: Set targetPort of Service shop/web");
  }

  @Test
  void badUsageAndUnreadableInputExitTwoWithAMessageNamingTheProblem(@TempDir Path tmp)
      throws IOException {
    Path broken = tmp.resolve("broken.yaml");
    Files.writeString(
        broken,
        "apiVersion: v1\nkind: List\nitems:\n- kind: Service\n  metadata: {name: [unclosed\n");
    Result r = run("-f", broken.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(broken.toString()).contains("document 1");
    assertThat(r.err()).doesNotContain("\tat ");

    Result missing = run("-f", tmp.resolve("nope.yaml").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.yaml: no such file or directory");

    Path empty = Files.createDirectory(tmp.resolve("empty"));
    assertThat(run("-f", empty.toString()).err()).contains("no Kubernetes objects found");

    Path binary = tmp.resolve("dump.yaml");
    Files.write(binary, new byte[] {(byte) 0x1f, (byte) 0x8b, 8, 0, (byte) 0xff, (byte) 0xfe});
    Result bin = run("-f", binary.toString());
    assertThat(bin.code()).isEqualTo(2);
    assertThat(bin.err()).contains("dump.yaml");

    List<String> in = inputs("healthy-basic");
    assertThat(run(args(in, "--gateway-log", "x.log")).err())
        .contains("x.log: no such file (--gateway-log)");
    Result noBaseline = run(args(in, "--baseline", "old.yaml"));
    assertThat(noBaseline.code()).isEqualTo(2);
    assertThat(noBaseline.err()).contains("old.yaml");
    assertThat(run(args(in, "--probe", "--probe-timeout", "5")).err())
        .contains("--probe-timeout 5: between 50 and 60000 ms");
    for (String[] bad :
        List.of(
            new String[] {"-o", "xml"},
            new String[] {"--now", "yesterday"},
            new String[] {"--target", "svc/web"},
            new String[] {"-n", "a", "-A"},
            new String[] {"--window", "forever"},
            new String[] {"-l", "a b"},
            new String[] {"--fail-on", "sometimes"},
            new String[] {"--context", "prod"})) {
      Result b = run(args(in, bad));
      assertThat(b.code()).as(String.join(" ", bad)).isEqualTo(2);
      assertThat(b.err()).as(String.join(" ", bad)).isNotBlank().doesNotContain("\tat ");
    }
  }

  @Test
  void directoriesAreReadRecursivelyAndNonManifestsSkipped(@TempDir Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("bundle/cluster"));
    Files.copy(SCENARIOS.resolve("healthy-basic/in-cluster.yaml"), dir.resolve("objects.yaml"));
    Files.writeString(
        tmp.resolve("bundle/policies.yml"), ScenarioFixtures.addedYaml("network-policy-blocked"));
    Files.writeString(tmp.resolve("bundle/controller.log"), "not yaml at all: [");
    Files.writeString(tmp.resolve("bundle/.hidden.yaml"), "garbage: [");
    Result r = run("-f", tmp.resolve("bundle").toString(), "-o", "json");
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.json().at("/items/0/status/rootCause").asText()).isEqualTo("NetworkPolicyBlocked");
  }

  @Test
  void objectsWithoutNamespaceOrNameAreHandled(@TempDir Path tmp) throws IOException {
    Path f = tmp.resolve("local.yaml");
    Files.writeString(
        f,
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          defaultBackend: {service: {name: web, port: {number: 80}}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {}
        spec: {ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api}
        spec: {ports: [{port: 80}], selector: {app: api}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: unrelated}
        """);
    Result r = run("-f", f.toString(), "-o", "json");
    assertThat(r.err()).contains("skipped 1 object without metadata.name");
    JsonNode gd = r.json().at("/items/0");
    assertThat(gd.at("/metadata/namespace").asText()).isEqualTo("default");
    assertThat(gd.at("/status/rootCause").asText()).isEqualTo("BackendServiceMissing");
  }

  @Test
  void unknownKindsAndFieldsAreIgnored(@TempDir Path tmp) throws IOException {
    Path extra = tmp.resolve("extra.yaml");
    Files.writeString(
        extra,
        """
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: shop-tls, namespace: shop}
        spec: {secretName: shop-tls, dnsNames: [shop.example.com]}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: shop}
        data: {env: prod}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: unrelated, namespace: shop, futureField: {x: 1}}
        spec: {ports: [{port: 80, futurePortField: true}], selector: {app: unrelated}, someNewSetting: 3}
        """);
    List<String> in = new ArrayList<>(inputs("healthy-basic"));
    in.addAll(List.of("-f", extra.toString()));
    Result r = run(args(in, "-o", "json"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.json().at("/items/0/status/health").asText()).isEqualTo("Healthy");
  }

  @Test
  void standardInputUtf16AndHiddenRootsAreReadAsKubectlUsersExpect(@TempDir Path tmp)
      throws IOException {
    String yaml = ScenarioFixtures.clusterYaml("target-port-mismatch-number");
    var saved = System.in;
    try {
      System.setIn(
          new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      Result r = run("-f", "-", "-o", "json");
      assertThat(r.code()).as(r.err()).isEqualTo(1);
      assertThat(r.json().at("/items/0/status/rootCause").asText()).isEqualTo("TargetPortMismatch");
    } finally {
      System.setIn(saved);
    }
    // what Windows PowerShell 5 writes with `kubectl get ... -o yaml > dump.yaml`
    Path utf16 = tmp.resolve("dump.yaml");
    byte[] body = yaml.getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
    byte[] withBom = new byte[body.length + 2];
    withBom[0] = (byte) 0xff;
    withBom[1] = (byte) 0xfe;
    System.arraycopy(body, 0, withBom, 2, body.length);
    Files.write(utf16, withBom);
    assertThat(
            run("-f", utf16.toString(), "-o", "json")
                .json()
                .at("/items/0/status/rootCause")
                .asText())
        .isEqualTo("TargetPortMismatch");
    // a bundle unpacked under a hidden directory of the user's is still read
    Path hidden = Files.createDirectories(tmp.resolve(".cache/bundle"));
    Files.writeString(hidden.resolve("cluster.yaml"), yaml);
    assertThat(run("-f", hidden.toString(), "-o", "json").code()).isEqualTo(1);
  }

  @Test
  void gatewayLogsWithGarbageHugeAndBinaryLinesAreReadToTheEnd(@TempDir Path tmp)
      throws IOException {
    Path log = tmp.resolve("controller.log");
    try (var out = Files.newOutputStream(log)) {
      out.write(
          "I1201 11:58:00.000000 7 main.go:100] \"starting\"\n"
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80, '\n'});
      out.write(
          ("x".repeat(3_000_000) + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(
          "10.0.0.1 - - [01/Dec/2026:11:59:00 +0000] \"GET / HTTP/1.1\" 502 150 \"-\" \"curl\" 81 0.004"
              .getBytes());
      out.write(" [shop-web-80] [] 127.0.0.11:8080 0 0.001 502 abc\n".getBytes());
      out.write(
          "10.0.0.1 - - [01/Dec/2026:11:59:01 +0000] \"GET / HT"
              .getBytes()); // truncated, no newline
    }
    Result r =
        run(
            args(
                inputs("healthy-basic"),
                "--gateway-log",
                log.toString(),
                "-o",
                "json",
                "--now",
                "2026-12-01T12:00:00Z"));
    assertThat(r.code()).as(r.err()).isIn(0, 1);
    assertThat(r.err())
        .contains("gateway logs: 4 lines neither an access line nor an upstream error (skipped)");
    assertThat(r.json().at("/items/0/status/gatewayErrors/gateway/502").asLong()).isEqualTo(1);
    assertThat(r.json().at("/items/0/status/errorRate").asDouble()).isEqualTo(0.1);
  }

  /** gatewaydoctor.io/diagnose: "false" on a namespace is final for analyze as for the operator. */
  @org.junit.jupiter.api.Test
  void aNamespaceThatOptedOutIsNotDiagnosedEvenIfItsIngressOptsIn(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    String yaml =
        java.nio.file.Files.readString(
            java.nio.file.Path.of("src/test/resources/scenarios/healthy-basic/in-cluster.yaml"));
    java.nio.file.Path out = tmp.resolve("out.yaml");
    java.nio.file.Files.writeString(
        out,
        yaml.replaceFirst(
                "kind: Namespace\n  metadata:\n",
                "kind: Namespace\n  metadata:\n"
                    + "    annotations:\n      gatewaydoctor.io/diagnose: 'false'\n")
            .replaceFirst(
                "kind: Ingress\n  metadata:\n",
                "kind: Ingress\n  metadata:\n    annotations:\n      gatewaydoctor.io/diagnose: 'true'\n"));
    Result r = run("-f", out.toString(), "-A");
    assertThat(r.err()).contains("skipped 1 Ingress opted out");
    assertThat(r.out()).doesNotContain("Ingress/web");
    Result in =
        run(
            "-f",
            java.nio.file.Path.of("src/test/resources/scenarios/healthy-basic/in-cluster.yaml")
                .toString(),
            "-A");
    assertThat(in.out()).contains("Ingress/web");
  }

  /**
   * Text from the input (here an Ingress path in a dump) cannot drive the terminal: control
   * characters print as \xNN.
   */
  @org.junit.jupiter.api.Test
  void controlCharactersFromTheInputArePrintedEscaped(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    String yaml =
        java.nio.file.Files.readString(
            java.nio.file.Path.of("src/test/resources/scenarios/healthy-basic/in-cluster.yaml"));
    java.nio.file.Path f = tmp.resolve("esc.yaml");
    java.nio.file.Files.writeString(
        f,
        yaml.replace("        - path: /\n", "        - path: \"/\\e]0;pwned\\a\"\n")
            .replace("              name: web\n", "              name: nope\n"));
    Result r = run("-f", f.toString(), "-A");
    assertThat(r.out())
        .contains("BackendServiceMissing")
        .contains("\\x1b]0;pwned\\x07")
        .doesNotContain("\u001b")
        .doesNotContain("\u0007");
    Result explained = run("-f", f.toString(), "-A", "--explain");
    assertThat(explained.out()).contains("\\x1b]0;pwned").doesNotContain("\u001b");
  }
}
