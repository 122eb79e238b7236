package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisSpec;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.api.TargetRef;
import io.gatewaydoctor.demo.DemoScenario;
import io.gatewaydoctor.report.StatusAggregator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real operator against the Fabric8 mock API server in CRUD mode: objects are created, broken
 * step by step and healed, and the written status must follow each step. Each test has its own
 * namespace, seeded from the healthy-basic fixture.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OperatorTest extends OperatorTestBase {

  /**
   * #20: without the Gateway API CRDs the operator starts and works as before (every other test
   * here), and a diagnosis made by hand for an HTTPRoute says why it is not diagnosed.
   */
  @Test
  void withoutTheGatewayApiARouteDiagnosisSaysWhy() throws IOException {
    String ns = "no-gateway-api";
    seed(ns);
    GatewayDiagnosis gd = new GatewayDiagnosis();
    gd.setMetadata(new ObjectMetaBuilder().withName("web.httproute").withNamespace(ns).build());
    GatewayDiagnosisSpec spec = new GatewayDiagnosisSpec();
    spec.setTargetRef(new TargetRef("gateway.networking.k8s.io", "HTTPRoute", "web"));
    gd.setSpec(spec);
    client.resource(gd).create();
    GatewayDiagnosisStatus s =
        awaitStatus(ns, "web.httproute", SETTLE, x -> "Unknown".equals(x.health));
    assertThat(s.summary).contains("does not serve the Gateway API");
    // the Ingress of the same name keeps its own diagnosis
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
  }

  @jakarta.inject.Inject ChangeFirst changes;

  /**
   * #23: JOSDK's reconciles run on the change-first executor, which reads each task's target; an
   * event of a watched object marks its target as changed only once the target was evaluated.
   */
  @Test
  void aChangeToAnEvaluatedTargetIsMarkedForTheChangeFirstExecutor() throws IOException {
    String ns = "change-first";
    seed(ns);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    var executor = changes.executor();
    assertThat(executor).as("JOSDK's executor replaced").isNotNull();
    assertThat(executor.keyed()).as("targets read from JOSDK's tasks").isPositive();
    var id = new io.javaoperatorsdk.operator.processing.event.ResourceID("web", ns);
    long before = changes.changesOf(id);
    // settled: the next regular round of web is 30 s away; a change sends it first (once its
    // last round is older than the floor that keeps flapping pods from being probed every tick)
    await().atMost(SETTLE).until(() -> reconciler.prober().lastRound(id) != null);
    await()
        .atMost(SETTLE)
        .until(
            () ->
                !reconciler
                    .prober()
                    .roundStartedSince(
                        id, java.time.Instant.now().minus(DiagnosisReconciler.EARLY_ROUND_FLOOR)));
    java.time.Instant changedAt = java.time.Instant.now();
    targetPort(ns, new IntOrString(8081));
    awaitStatus(ns, EVENT_DRIVEN, verdict("Failing", "TargetPortMismatch"));
    assertThat(changes.changesOf(id)).isGreaterThan(before);
    await().atMost(EVENT_DRIVEN).until(() -> reconciler.prober().roundStartedSince(id, changedAt));
  }

  @Test
  void statusFollowsEveryBreakageAndHeals() throws IOException {
    String ns = "follow";
    seed(ns);
    GatewayDiagnosisStatus healthy = awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    GatewayDiagnosis gd =
        client.resources(GatewayDiagnosis.class).inNamespace(ns).withName("web").get();
    Ingress ingress = client.network().v1().ingresses().inNamespace(ns).withName("web").get();
    assertThat(gd.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(ingress.getMetadata().getUid()));
    assertThat(healthy.target).isEqualTo("Ingress/web");
    assertThat(healthy.backends).singleElement().satisfies(b -> assertThat(b.endpoints).hasSize(2));
    // #22: only conditions that say something (remediation off, no drift: none for them)
    assertThat(healthy.conditions).extracting(c -> c.getType()).containsExactly("Healthy");
    String healthySince = healthy.conditions.get(0).getLastTransitionTime();

    // delete the Service: BackendServiceMissing within 2 s, then recreate it
    Service svc = client.services().inNamespace(ns).withName("web").get();
    client.resource(svc).delete();
    GatewayDiagnosisStatus missing =
        awaitStatus(ns, EVENT_DRIVEN, verdict("Failing", "BackendServiceMissing"));
    assertThat(missing.summary).contains("Service " + ns + "/web").contains("does not exist");
    assertThat(missing.conditions.get(0).getStatus()).isEqualTo("False");
    assertThat(missing.conditions.get(0).getReason()).isEqualTo("BackendServiceMissing");
    svc.getMetadata().setResourceVersion(null);
    svc.getMetadata().setUid(null);
    client.resource(svc).create();
    awaitStatus(ns, EVENT_DRIVEN, verdict("Healthy", "None"));

    // wrong targetPort, then back
    targetPort(ns, new IntOrString(8081));
    GatewayDiagnosisStatus wrongPort =
        awaitStatus(ns, EVENT_DRIVEN, verdict("Failing", "TargetPortMismatch"));
    assertThat(wrongPort.summary).contains("targetPort 8081").contains("http:8080");
    assertThat(wrongPort.findings.get(0).remediation.action).isEqualTo("fix-target-port");
    // #22 item 1: the first look: who to blame, what to change, since when, evaluated when
    assertThat(wrongPort.culprit).isEqualTo("Service/" + ns + "/web");
    assertThat(wrongPort.fix).contains("targetPort");
    assertThat(wrongPort.since).isNotNull().isGreaterThanOrEqualTo(healthy.since);
    assertThat(wrongPort.lastEvaluated).isGreaterThanOrEqualTo(wrongPort.since);
    targetPort(ns, new IntOrString("http"));
    awaitStatus(ns, EVENT_DRIVEN, verdict("Healthy", "None"));

    // pods not ready (the kubelet flips the condition, the slice controller the endpoints)
    setEndpointsReady(ns, false);
    forEachPod(ns, p -> setReady(p, false));
    GatewayDiagnosisStatus notReady =
        awaitStatus(ns, EVENT_DRIVEN, verdict("Failing", "NoReadyEndpoints"));
    assertThat(notReady.summary).contains("0 of 2 endpoints ready");

    // and then the containers crash-loop
    forEachPod(
        ns,
        p -> {
          p.getStatus().setContainerStatuses(List.of(crashLooping(null)));
        });
    GatewayDiagnosisStatus crash =
        awaitStatus(ns, EVENT_DRIVEN, verdict("Failing", "BackendCrashLooping"));
    assertThat(crash.findings)
        .extracting(f -> f.code)
        .contains("BackendCrashLooping", "NoReadyEndpoints");
    assertThat(crash.findings.get(0).resource.kind).isEqualTo("Deployment");

    // heal
    forEachPod(
        ns,
        p -> {
          p.getStatus()
              .setContainerStatuses(
                  List.of(
                      new ContainerStatusBuilder()
                          .withName("web")
                          .withRestartCount(5)
                          .withReady(true)
                          .withNewState()
                          .withNewRunning()
                          .withStartedAt("2026-12-01T11:00:00Z")
                          .endRunning()
                          .endState()
                          .build()));
          setReady(p, true);
        });
    setEndpointsReady(ns, true);
    GatewayDiagnosisStatus healed = awaitStatus(ns, EVENT_DRIVEN, verdict("Healthy", "None"));
    assertThat(healed.conditions).hasSize(1);
    assertThat(healed.culprit).isNull();
    assertThat(healed.fix).isNull();
    assertThat(healed.findings).isEmpty();
    assertThat(healed.conditions.get(0).getLastTransitionTime())
        .isGreaterThanOrEqualTo(healthySince);
  }

  @Test
  void unchangedHealthKeepsLastTransitionTimeAndListsStayBounded() throws IOException {
    String ns = "carry";
    seed(ns);
    GatewayDiagnosisStatus first = awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    String since = first.conditions.get(0).getLastTransitionTime();
    // a change on the chain that rewrites the status (one endpoint less) but keeps it Healthy
    client
        .resources(EndpointSlice.class)
        .inNamespace(ns)
        .withName("web-x7k2p")
        .edit(
            es -> {
              es.setEndpoints(List.of(es.getEndpoints().get(0)));
              return es;
            });
    GatewayDiagnosisStatus after =
        awaitStatus(
            ns,
            EVENT_DRIVEN,
            s -> s.backends.size() == 1 && s.backends.get(0).endpoints.size() == 1);
    assertThat(after.health).isEqualTo("Healthy");
    assertThat(after.conditions).hasSize(1);
    assertThat(after.conditions.get(0).getLastTransitionTime()).isEqualTo(since);
    assertThat(after.since).isEqualTo(first.since);
    assertThat(StatusAggregator.differs(first, after)).isTrue();
  }

  @Test
  void ingressClassChangesReachTheDiagnosis() throws IOException {
    String ns = "klass";
    seed(ns);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    editIngress(
        ns,
        i -> {
          i.getSpec().setIngressClassName("nginx-internal");
          return i;
        });
    GatewayDiagnosisStatus s =
        awaitStatus(
            ns,
            EVENT_DRIVEN,
            st -> st.findings.stream().anyMatch(f -> "IngressClassMissing".equals(f.code)));
    assertThat(s.health).as("a risk does not make the target unhealthy").isEqualTo("Healthy");
    assertThat(s.summary).contains("risks: IngressClassMissing");
    client
        .network()
        .v1()
        .ingressClasses()
        .resource(
            new io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder()
                .withNewMetadata()
                .withName("nginx-internal")
                .endMetadata()
                .withNewSpec()
                .withController("k8s.io/ingress-nginx")
                .endSpec()
                .build())
        .create();
    awaitStatus(ns, EVENT_DRIVEN, st -> st.findings.isEmpty());
  }

  @Test
  void networkPolicyAndGatewayPodEventsReachTheDiagnosis() throws IOException {
    String ns = "netpol";
    seed(ns);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    String gwNs = "gateway-netpol";
    DemoScenario.create(
        client,
        new io.fabric8.kubernetes.api.model.NamespaceBuilder()
            .withNewMetadata()
            .withName(gwNs)
            .addToLabels("team", "platform")
            .endMetadata()
            .build());
    DemoScenario.create(
        client,
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName("controller-0")
            .withNamespace(gwNs)
            .addToLabels("app.kubernetes.io/name", "ingress-nginx")
            .addToLabels("app.kubernetes.io/component", "controller")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("controller")
            .withImage("registry.k8s.io/ingress-nginx/controller:v1.11.2")
            .withArgs("/nginx-ingress-controller", "--controller-class=k8s.io/ingress-nginx")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("127.0.0.50")
            .endStatus()
            .build());
    var policies = client.network().v1().networkPolicies().inNamespace(ns);
    policies
        .resource(
            new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder()
                .withNewMetadata()
                .withName("allow-same-namespace")
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .endPodSelector()
                .withPolicyTypes("Ingress")
                .addNewIngress()
                .addNewFrom()
                .withNewPodSelector()
                .endPodSelector()
                .endFrom()
                .endIngress()
                .endSpec()
                .build())
        .create();
    GatewayDiagnosisStatus blocked =
        awaitStatus(ns, EVENT_DRIVEN, verdict("Failing", "NetworkPolicyBlocked"));
    assertThat(blocked.summary)
        .contains(
            "NetworkPolicy " + ns + "/allow-same-namespace", gwNs + "/controller-0", "port 8080");
    policies
        .resource(
            new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder()
                .withNewMetadata()
                .withName("allow-platform")
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .endPodSelector()
                .withPolicyTypes("Ingress")
                .addNewIngress()
                .addNewFrom()
                .withNewNamespaceSelector()
                .addToMatchLabels("team", "platform")
                .endNamespaceSelector()
                .endFrom()
                .endIngress()
                .endSpec()
                .build())
        .create();
    awaitStatus(ns, EVENT_DRIVEN, verdict("Healthy", "None"));
    // the gateway namespace loses the label the policy admits: the change arrives through the
    // Namespace event
    client
        .namespaces()
        .withName(gwNs)
        .edit(
            n -> {
              n.getMetadata().getLabels().put("team", "retail");
              return n;
            });
    awaitStatus(ns, EVENT_DRIVEN, verdict("Failing", "NetworkPolicyBlocked"));
    policies.withName("allow-same-namespace").delete();
    policies.withName("allow-platform").delete();
    awaitStatus(ns, EVENT_DRIVEN, verdict("Healthy", "None"));
  }

  @Test
  void deploymentReplicasReachTheDiagnosis() throws IOException {
    String ns = "replicas";
    seed(ns);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    client.pods().inNamespace(ns).withName("web-6d4b7c9f8-bbbbb").withGracePeriod(0).delete();
    awaitStatus(
        ns, EVENT_DRIVEN, s -> s.findings.stream().anyMatch(f -> "SingleReplica".equals(f.code)));
    // the Deployment asks for 3: a scale-up in progress, not a single-replica design
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .withReplicas(3)
                .withNewSelector()
                .addToMatchLabels("app", "web")
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("web")
                .withImage("registry.example.com/web:2.3.1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    awaitStatus(
        ns, EVENT_DRIVEN, s -> s.findings.stream().noneMatch(f -> "SingleReplica".equals(f.code)));
  }

  @Test
  void probesFindWhatTheSpecCannotAndCanBeSwitchedOff() throws IOException {
    String ns = "probed";
    seed(ns);
    GatewayDiagnosisStatus ok =
        awaitStatus(
            ns,
            SETTLE,
            s ->
                verdict("Healthy", "None").test(s)
                    && !s.backends.isEmpty()
                    && s.backends.get(0).endpoints.stream()
                        .allMatch(e -> e.lastProbe != null && "ok".equals(e.lastProbe.outcome)));
    assertThat(ok.backends.get(0).endpoints.get(0).lastProbe.latencyMillis).isNotNull();
    // the pods move to addresses whose servers reset every connection: nothing in the spec shows it
    moveEndpoints(ns, "127.0.0.1", "127.0.0.8");
    GatewayDiagnosisStatus reset =
        awaitStatus(ns, Duration.ofSeconds(8), verdict("Failing", "BackendResettingConnections"));
    assertThat(reset.findings.get(0).evidence)
        .anyMatch(e -> e.contains("127.0.0.81:8080") && e.contains("reset"));
    // switched off for this target: the probe evidence leaves the verdict
    probesOff(ns);
    awaitStatus(ns, Duration.ofSeconds(5), verdict("Healthy", "None"));
  }

  @Test
  void eachMisbehaviourTheProberSeesBecomesItsRootCause() throws IOException {
    String ns = "misbehave";
    seed(ns);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    moveEndpoints(ns, "127.0.0.1", "127.0.0.8");
    awaitStatus(ns, Duration.ofSeconds(8), verdict("Failing", "BackendResettingConnections"));
    // .81/.82 reset; shift by two to .83/.84 (TLS), four to .85/.86 (premature close), six to
    // .87/.88 (headers)
    for (String[] c :
        List.of(
            new String[] {"3", "BackendProtocolMismatch"},
            new String[] {"5", "BackendPrematureClose"},
            new String[] {"7", "BackendHeadersTooLarge"})) {
      moveEndpoints(ns, ip -> shift(ip, c[0]));
      GatewayDiagnosisStatus st = awaitStatus(ns, Duration.ofSeconds(8), verdict("Failing", c[1]));
      assertThat(st.backends.get(0).endpoints)
          .allMatch(e -> e.lastProbe != null && !"ok".equals(e.lastProbe.outcome));
    }
  }

  /**
   * #17: the operator reads the ConfigMap the ingress-nginx controller pod serving the target names
   * (--configmap, in a trusted namespace): its proxy-buffer-size 8k lets the 6000-byte headers
   * through (the default 4k would not); the Ingress's own annotation still wins over it.
   */
  @Test
  void theControllersConfigMapSetsWhatTheProberAllows() throws Exception {
    String ns = "gwconfig";
    String gwNs = "gateway-config";
    seed(ns);
    DemoScenario.create(
        client,
        new io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder()
            .withNewMetadata()
            .withName("gwconfig")
            .endMetadata()
            .withNewSpec()
            .withController("k8s.io/ingress-nginx")
            .endSpec()
            .build());
    editIngress(
        ns,
        i -> {
          i.getSpec().setIngressClassName("gwconfig");
          return i;
        });
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    DemoScenario.create(
        client,
        new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
            .withNewMetadata()
            .withName("ingress-nginx-controller")
            .withNamespace(gwNs)
            .endMetadata()
            .addToData("proxy-buffer-size", "8k")
            .build());
    // this install serves only IngressClass gwconfig: the other tests' targets keep the defaults
    DemoScenario.create(
        client,
        io.gatewaydoctor.model.ControllerConfigTest.controller(
            gwNs,
            "controller-0",
            "--ingress-class=gwconfig",
            "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller"));
    Thread.sleep(500); // the pod informer's cache holds the controller pod
    moveEndpoints(ns, ip -> shift(ip, "7")); // 6000-byte response headers
    GatewayDiagnosisStatus fits =
        awaitStatus(
            ns,
            Duration.ofSeconds(8),
            s ->
                verdict("Healthy", "None").test(s)
                    && s.backends.get(0).endpoints.stream()
                        .allMatch(
                            e ->
                                e.ip.startsWith("127.0.0.8")
                                    && e.lastProbe != null
                                    && "ok".equals(e.lastProbe.outcome)));
    assertThat(fits.backends.get(0).endpoints).hasSize(2);
    editIngress(
        ns,
        i -> {
          i.getMetadata()
              .setAnnotations(Map.of("nginx.ingress.kubernetes.io/proxy-buffer-size", "4k"));
          return i;
        });
    GatewayDiagnosisStatus small =
        awaitStatus(ns, Duration.ofSeconds(8), verdict("Failing", "BackendHeadersTooLarge"));
    assertThat(small.summary).contains("4096-byte proxy buffer", "annotation");
  }

  /**
   * 127.0.0.8N → 127.0.0.8M, keeping the pod's own last digit parity (first pod odd, second even).
   */
  static String shift(String ip, String base) {
    int last = Integer.parseInt(ip.substring(ip.length() - 1));
    int first = Integer.parseInt(base);
    return "127.0.0.8" + (last % 2 == 1 ? first : first + 1);
  }

  @Test
  void theControllerPodsLogPinsTheErrorsOnThePodAndIsReadOnceAcrossReconnects(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    String ns = "gwlog";
    seed(ns);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    // probes off for this target: whatever it concludes comes from the gateway's log
    probesOff(ns);
    // pod bbbbb moves to an address where nothing listens; nginx keeps sending it its share, and
    // retries on aaaaa
    moveEndpoints(ns, ip -> ip.equals("127.0.0.12") ? "127.0.0.13" : ip);
    List<String> lines =
        GatewayLogTraffic.kubeletLines(dir, ns, 20, "127.0.0.11:8080", "127.0.0.13:8080");
    assertThat(lines).anyMatch(l -> l.contains("(111: Connection refused)"));
    String gwNs = "gateway-gwlog";
    String base =
        "/api/v1/namespaces/" + gwNs + "/pods/controller-0/log?pretty=false&container=controller";
    server
        .expect()
        .get()
        .withPath(base + "&sinceSeconds=600&timestamps=true&follow=true")
        .andReturn(200, String.join("\n", lines) + "\n")
        .once();
    // every reconnect resumes at the last second read: the same lines again, and one more, must
    // count once
    String last = lines.get(lines.size() - 1);
    String resumed = last.substring(0, last.indexOf(' '));
    String again =
        lines.stream()
            .filter(l -> l.startsWith(resumed))
            .collect(java.util.stream.Collectors.joining("\n"));
    server
        .expect()
        .get()
        .withPath(
            base
                + "&sinceTime="
                + Instant.parse(resumed).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + "&timestamps=true&follow=true")
        .andReturn(200, again + "\n" + last + "\n")
        .always();
    DemoScenario.create(
        client,
        new io.fabric8.kubernetes.api.model.NamespaceBuilder()
            .withNewMetadata()
            .withName(gwNs)
            .endMetadata()
            .build());
    Pod controller =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName("controller-0")
            .withNamespace(gwNs)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("controller")
            .withImage("registry.k8s.io/ingress-nginx/controller:v1.11.2")
            .withArgs("/nginx-ingress-controller")
            .endContainer()
            .addNewContainer()
            .withName("sidecar")
            .withImage("busybox")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("127.0.0.51")
            .endStatus()
            .build();
    DemoScenario.create(client, controller);
    try {
      GatewayDiagnosisStatus s;
      try {
        s = awaitStatus(ns, SETTLE, verdict("Degraded", "BackendRefusingConnections"));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            "status: "
                + io.fabric8.kubernetes.client.utils.Serialization.asYaml(statusOf(ns, "web"))
                + "\nstore lines "
                + reconciler.logs().store().lines()
                + "\n"
                + String.join("\n", lines),
            e);
      }
      assertThat(s.summary).contains("web-6d4b7c9f8-bbbbb", "127.0.0.13", "connection refused");
      assertThat(s.findings.get(0).evidence)
          .anyMatch(e -> e.startsWith("gateway error log") && e.contains("127.0.0.13:8080"));
      var bad =
          s.backends.get(0).endpoints.stream()
              .filter(e -> "127.0.0.13".equals(e.ip))
              .findFirst()
              .orElseThrow();
      assertThat(bad.gateway.errors502).isPositive();
      long requests =
          s.backends.get(0).endpoints.stream()
              .mapToLong(e -> e.gateway == null ? 0 : e.gateway.requests)
              .sum();
      // resumed at least twice, yet each line counted once: the lines carry one attempt each at
      // .11, and ~half at .13 too
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> reconciler.logs().streams().stream().anyMatch(p -> p.connections >= 3));
      long understood = reconciler.logs().store().lines();
      long accessLines = lines.stream().filter(l -> l.contains("[" + ns + "-web-80]")).count();
      long errorLines = lines.stream().filter(l -> l.contains("upstream: ")).count();
      assertThat(understood).isEqualTo(accessLines + errorLines);
      assertThat(requests).isGreaterThanOrEqualTo(20);
      // #22 item 5: the error counter counts what clients got, as the window's gauge does: every
      // refused try here was retried on the other pod, so there is no series
      var g = statusOf(ns, "web").gatewayErrors;
      assertThat(g.gateway.s502 + g.gateway.s503 + g.gateway.s504 + g.gateway.s500).isZero();
      assertThat(get(metricsUrl))
          .doesNotContain("gatewaydoctor_gateway_error_responses_total{namespace=\"" + ns + "\"");
      // #22 item 5: per controller pod, the lines read and those counted as evidence
      assertThat(get(metricsUrl))
          .containsPattern(
              "gatewaydoctor_gateway_log_lines_total\\{pod=\"gateway-gwlog/controller-0\",result=\"counted\"\\} [1-9]")
          .containsPattern(
              "gatewaydoctor_gateway_log_lines_total\\{pod=\"gateway-gwlog/controller-0\",result=\"read\"\\} [1-9]");
    } finally {
      client.resource(controller).delete();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  reconciler.logs().streams().stream()
                      .noneMatch(p -> p.pod.equals("controller-0") && p.namespace.equals(gwNs)));
      assertThat(get(metricsUrl))
          .as("a stream that stopped takes its series along")
          .doesNotContain("pod=\"gateway-gwlog/controller-0\"");
    }
  }

  @Test
  void theControllerPodsRequestMetricsShowErrorsNothingElseExplains() throws Exception {
    String ns = "gwmetrics";
    seed(ns);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    java.util.concurrent.atomic.AtomicLong scrapes = new java.util.concurrent.atomic.AtomicLong();
    com.sun.net.httpserver.HttpServer metrics =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress("127.0.0.52", 10254), 0);
    metrics.createContext(
        "/metrics",
        x -> {
          long n = scrapes.incrementAndGet(); // every scrape sees 5 more 502s, and the third one a
          // restarted controller
          long base = n >= 3 ? n - 3 : n;
          byte[] body =
              ("# TYPE nginx_ingress_controller_requests counter\n"
                      + "nginx_ingress_controller_requests{ingress=\"web\",namespace=\""
                      + ns
                      + "\",service=\"web\",status=\"200\"} "
                      + 100 * base
                      + "\n"
                      + "nginx_ingress_controller_requests{ingress=\"web\",namespace=\""
                      + ns
                      + "\",service=\"web\",status=\"502\"} "
                      + 5 * base
                      + "\n")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    metrics.start();
    String gwNs = "gateway-gwmetrics";
    DemoScenario.create(
        client,
        new io.fabric8.kubernetes.api.model.NamespaceBuilder()
            .withNewMetadata()
            .withName(gwNs)
            .endMetadata()
            .build());
    Pod controller =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName("controller-0")
            .withNamespace(gwNs)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("controller")
            .withImage("registry.k8s.io/ingress-nginx/controller:v1.11.2")
            .withArgs("/nginx-ingress-controller")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("127.0.0.52")
            .endStatus()
            .build();
    DemoScenario.create(client, controller);
    try {
      GatewayDiagnosisStatus s =
          awaitStatus(
              ns,
              SETTLE,
              st ->
                  verdict("Degraded", "None").test(st)
                      && st.gatewayErrors != null
                      && st.gatewayErrors.returned != null
                      && st.gatewayErrors.returned.s502 >= 10);
      assertThat(s.summary).contains("Clients got", "502/503/504", "controller's metrics");
      assertThat(s.gatewayErrors.gateway)
          .as("no log read: nothing to tell gateway from app")
          .isNull();
      assertThat(s.errorRate).isPositive();
      assertThat(scrapes.get()).isGreaterThanOrEqualTo(3);
      // series only for the counts that are not zero: the 502s clients got, no 500 at all
      String exposed = get(metricsUrl);
      assertThat(exposed)
          .containsPattern(
              "gatewaydoctor_gateway_errors\\{namespace=\""
                  + ns
                  + "\",source=\"returned\",status=\"502\",target=\"web\"\\} [1-9]")
          .doesNotContain("namespace=\"" + ns + "\",source=\"returned\",status=\"500\"");
      // #18 item 4: the log evidence's bytes against its bound, and its refusals
      assertThat(exposed)
          .containsPattern("gatewaydoctor_gateway_evidence_budget_bytes [1-9]")
          .contains(
              "gatewaydoctor_gateway_evidence_bytes ",
              "gatewaydoctor_gateway_evidence_refused_total ");
    } finally {
      client.resource(controller).delete();
      metrics.stop(0);
    }
  }

  /**
   * #18 acceptance: endpoints a tenant forges (an FQDN slice, a hand-made slice, a
   * controller-looking slice whose targetRef pod has another IP) are never connected to, against
   * the real prober and the mock API server, while the pods of the Service go on being probed; the
   * status says why each forged one was skipped.
   */
  @Test
  void forgedEndpointsAreNeverConnectedToWhileThePodsAre() throws Exception {
    String ns = "forged";
    seed(ns);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> accepts =
        new java.util.concurrent.ConcurrentHashMap<>();
    List<java.net.ServerSocket> listeners = new java.util.ArrayList<>();
    for (String ip : List.of("127.0.0.91", "127.0.0.92", "127.0.0.93")) {
      java.net.ServerSocket ss = new java.net.ServerSocket();
      ss.bind(new java.net.InetSocketAddress(ip, 8080));
      listeners.add(ss);
      accepts.put(ip, new java.util.concurrent.atomic.AtomicInteger());
      Thread t =
          new Thread(
              () -> {
                while (!ss.isClosed()) {
                  try (java.net.Socket c = ss.accept()) {
                    accepts.get(ip).incrementAndGet();
                  } catch (IOException e) {
                    // closed
                  }
                }
              });
      t.setDaemon(true);
      t.start();
    }
    try {
      EndpointSlice real =
          client.resources(EndpointSlice.class).inNamespace(ns).withName("web-x7k2p").get();
      String pod = real.getEndpoints().get(0).getTargetRef().getName();
      for (String[] f :
          List.of(
              new String[] {"web-fqdn", "FQDN", "endpointslice-controller.k8s.io", "127.0.0.91"},
              new String[] {"web-byhand", "IPv4", null, "127.0.0.92"},
              new String[] {
                "web-otherip", "IPv4", "endpointslice-controller.k8s.io", "127.0.0.93"
              })) {
        EndpointSlice forged = io.fabric8.kubernetes.client.utils.Serialization.clone(real);
        forged.getMetadata().setName(f[0]);
        forged.getMetadata().setResourceVersion(null);
        forged.getMetadata().setUid(null);
        if (f[2] == null) {
          forged.getMetadata().getLabels().remove("endpointslice.kubernetes.io/managed-by");
        } else {
          forged.getMetadata().getLabels().put("endpointslice.kubernetes.io/managed-by", f[2]);
        }
        forged.setAddressType(f[1]);
        var e = forged.getEndpoints().get(0);
        e.setAddresses(List.of(f[3]));
        e.getTargetRef().setName(pod);
        forged.setEndpoints(List.of(e));
        client.resource(forged).create();
      }
      probeEvery(ns, 1); // probe rounds every second from now on
      // the forged endpoints are part of the chain the operator sees...
      awaitStatus(
          ns,
          SETTLE,
          x ->
              x.backends.get(0).endpoints.stream()
                      .filter(ep -> ep.ip.startsWith("127.0.0.9"))
                      .count()
                  == 3);
      // ...and the prober goes on probing the target (rounds every second), never reaching them
      java.time.Instant forgedAt = java.time.Instant.now();
      var id = new io.javaoperatorsdk.operator.processing.event.ResourceID("web", ns);
      await()
          .atMost(Duration.ofSeconds(45))
          .until(() -> reconciler.prober().roundStartedSince(id, forgedAt.plusSeconds(2)));
      assertThat(accepts)
          .as("connections to the forged addresses while the pods were probed")
          .allSatisfy((ip, n) -> assertThat(n.get()).as(ip).isZero());
    } finally {
      for (java.net.ServerSocket ss : listeners) {
        ss.close();
      }
    }
  }

  /**
   * #18: a tenant's pod that passes for the ingress controller (its arguments, its labels) is an
   * ordinary pod outside the namespaces trusted to run the controller: its log is never streamed
   * and its metrics are never scraped, while a controller pod in a trusted namespace is both.
   */
  @Test
  void aPodThatLooksLikeTheControllerInATenantNamespaceIsNeitherStreamedNorScraped()
      throws Exception {
    // the operator works (streams, scrapes) from its first reconcile on: one target, also when
    // this test runs alone
    seed("lookalike");
    awaitStatus("lookalike", SETTLE, verdict("Healthy", "None"));
    java.util.Map<String, java.util.concurrent.atomic.AtomicLong> scrapes =
        new java.util.concurrent.ConcurrentHashMap<>();
    List<com.sun.net.httpserver.HttpServer> servers = new java.util.ArrayList<>();
    for (String ip : List.of("127.0.0.53", "127.0.0.54")) {
      com.sun.net.httpserver.HttpServer m =
          com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(ip, 10254), 0);
      scrapes.put(ip, new java.util.concurrent.atomic.AtomicLong());
      m.createContext(
          "/metrics",
          x -> {
            scrapes.get(ip).incrementAndGet();
            byte[] body =
                "# TYPE nginx_ingress_controller_requests counter\n"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
          });
      m.start();
      servers.add(m);
    }
    List<Pod> pods = new java.util.ArrayList<>();
    for (String[] p :
        List.of(
            new String[] {"tenant-lookalike", "127.0.0.53"},
            new String[] {"gateway-trust", "127.0.0.54"})) {
      DemoScenario.create(
          client,
          new io.fabric8.kubernetes.api.model.NamespaceBuilder()
              .withNewMetadata()
              .withName(p[0])
              .endMetadata()
              .build());
      Pod pod =
          new io.fabric8.kubernetes.api.model.PodBuilder()
              .withNewMetadata()
              .withName("ingress-nginx-controller-0")
              .withNamespace(p[0])
              .addToLabels("app.kubernetes.io/name", "ingress-nginx")
              .addToLabels("app.kubernetes.io/component", "controller")
              .endMetadata()
              .withNewSpec()
              .addNewContainer()
              .withName("controller")
              .withImage("registry.k8s.io/ingress-nginx/controller:v1.11.2")
              .withArgs("/nginx-ingress-controller", "--controller-class=k8s.io/ingress-nginx")
              .endContainer()
              .endSpec()
              .withNewStatus()
              .withPhase("Running")
              .withPodIP(p[1])
              .endStatus()
              .build();
      DemoScenario.create(client, pod);
      pods.add(pod);
    }
    try {
      // the trusted one is followed and scraped, repeatedly: time enough for the look-alike to have
      // been too
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  scrapes.get("127.0.0.54").get() >= 3
                      && reconciler.logs().streams().stream()
                          .anyMatch(s -> s.namespace.equals("gateway-trust")));
      assertThat(scrapes.get("127.0.0.53").get()).as("scrapes of the tenant's look-alike").isZero();
      assertThat(reconciler.logs().streams())
          .noneMatch(s -> s.namespace.equals("tenant-lookalike"));
    } finally {
      pods.forEach(p -> client.resource(p).delete());
      servers.forEach(m -> m.stop(0));
    }
  }

  /**
   * #19: per-target state lives in one registry; a diagnosis that is gone is forgotten in every
   * holder at once (its timeline, its metrics series, its probe rounds, its log interests).
   */
  @Test
  void aDiagnosisThatIsGoneIsForgottenEverywhere() throws Exception {
    String ns = "forgotten";
    seed(ns);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    var id = new io.javaoperatorsdk.operator.processing.event.ResourceID("web", ns);
    assertThat(reconciler.states().tracks(id)).isTrue();
    assertThat(reconciler.hasTimeline(id)).isTrue();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(get(metricsUrl)).contains("namespace=\"" + ns + "\""));
    // the Ingress goes first (else its diagnosis is made again), then the diagnosis
    client.network().v1().ingresses().inNamespace(ns).withName("web").delete();
    client.resources(GatewayDiagnosis.class).inNamespace(ns).withName("web").delete();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              // a diagnosis made again from a cache that had not yet seen the Ingress go goes too
              client.resources(GatewayDiagnosis.class).inNamespace(ns).withName("web").delete();
              assertThat(reconciler.states().tracks(id)).isFalse();
              assertThat(reconciler.hasTimeline(id)).isFalse();
              assertThat(get(metricsUrl)).doesNotContain("namespace=\"" + ns + "\"");
            });
  }

  @Test
  void healthChangesBecomeEventsAndMetricsAndTheOperatorReportsReady() throws Exception {
    String ns = "observed";
    seed(ns);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    assertThat(get(readyUrl))
        .startsWith("200 ")
        .contains("\"UP\"", "Quarkus Operator SDK health check");
    setEndpointsReady(ns, false);
    awaitStatus(ns, EVENT_DRIVEN, verdict("Failing", "NoReadyEndpoints"));
    // #22 item 1: kubectl get gd -l gatewaydoctor.io/health=Failing finds it
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resources(GatewayDiagnosis.class)
                            .inNamespace(ns)
                            .withLabel("gatewaydoctor.io/health", "Failing")
                            .withLabel("gatewaydoctor.io/root-cause", "NoReadyEndpoints")
                            .list()
                            .getItems())
                    .extracting(g -> g.getMetadata().getName())
                    .containsExactly("web"));
    // the Event of the same object, reason and type written at the start (the seed passes through
    // Failing) may hold this one back for up to 10 s (EventThrottle)
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              var events = client.v1().events().inNamespace(ns).list().getItems();
              // with the Ingress's uid, which is how kubectl describe ingress finds its Events
              String uid =
                  client
                      .network()
                      .v1()
                      .ingresses()
                      .inNamespace(ns)
                      .withName("web")
                      .get()
                      .getMetadata()
                      .getUid();
              assertThat(uid).isNotBlank();
              assertThat(events)
                  .anyMatch(
                      e ->
                          "Ingress".equals(e.getInvolvedObject().getKind())
                              && "web".equals(e.getInvolvedObject().getName())
                              && uid.equals(e.getInvolvedObject().getUid())
                              && "Warning".equals(e.getType())
                              && "NoReadyEndpoints".equals(e.getReason())
                              && e.getMessage().startsWith("Healthy → Failing: "));
              assertThat(events)
                  .anyMatch(
                      e ->
                          "GatewayDiagnosis".equals(e.getInvolvedObject().getKind())
                              && "NoReadyEndpoints".equals(e.getReason()));
            });
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(get(metricsUrl))
                    .startsWith("200 ")
                    .contains(
                        "gatewaydoctor_target_info{health=\"Failing\",namespace=\""
                            + ns
                            + "\",root_cause=\"NoReadyEndpoints\",target=\"web\"} 1.0")
                    .contains(
                        "gatewaydoctor_target_health{namespace=\"" + ns + "\",target=\"web\"} 2.0")
                    .contains(
                        "gatewaydoctor_targets{health=\"Failing\",namespace=\"" + ns + "\"} 1.0")
                    .contains(
                        "gatewaydoctor_findings{code=\"NoReadyEndpoints\",severity=\"Critical\"}")
                    .contains("gatewaydoctor_reconcile_seconds_count")
                    .contains("gatewaydoctor_probes_total{outcome=\"ok\"}"));
    setEndpointsReady(ns, true);
    awaitStatus(ns, EVENT_DRIVEN, verdict("Healthy", "None"));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(client.v1().events().inNamespace(ns).list().getItems())
                  .anyMatch(
                      e ->
                          "Normal".equals(e.getType())
                              && "Healthy".equals(e.getReason())
                              && "Ingress".equals(e.getInvolvedObject().getKind()));
              assertThat(get(metricsUrl))
                  .doesNotContain("namespace=\"" + ns + "\",root_cause=\"NoReadyEndpoints\"");
            });
    // failing again: the same Event on the Ingress, counted up, not a second one (at least 2: the
    // endpoints going unready one by one can pass through Degraded, a change of its own); written
    // at most once per 10 s per Event, so the repeat lands when that period ends (EventThrottle)
    setEndpointsReady(ns, false);
    awaitStatus(ns, EVENT_DRIVEN, verdict("Failing", "NoReadyEndpoints"));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace(ns).list().getItems())
                    .filteredOn(
                        e ->
                            "Ingress".equals(e.getInvolvedObject().getKind())
                                && "NoReadyEndpoints".equals(e.getReason()))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getCount()).isGreaterThanOrEqualTo(2)));
  }

  @Test
  void aChangedTargetPortIsDriftAgainstTheHealthyBaselineAndChangingItBackClearsIt()
      throws IOException {
    String ns = "drift";
    seed(ns);
    GatewayDiagnosisStatus healthy =
        awaitStatus(ns, SETTLE, s -> verdict("Healthy", "None").test(s) && s.baseline != null);
    assertThat(healthy.baseline.fields)
        .containsEntry("Service " + ns + "/web|spec.ports[80].targetPort", "http");
    String recorded = healthy.baseline.recordedAt;
    targetPort(ns, new IntOrString(8081));
    GatewayDiagnosisStatus broken =
        awaitStatus(ns, EVENT_DRIVEN, verdict("Failing", "TargetPortMismatch"));
    assertThat(broken.drift)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.resource).isEqualTo("Service " + ns + "/web");
              assertThat(d.field).isEqualTo("spec.ports[80].targetPort");
              assertThat(d.from).isEqualTo("http");
              assertThat(d.to).isEqualTo("8081");
            });
    assertThat(broken.findings)
        .anyMatch(f -> "ConfigDrift".equals(f.code) && "Warning".equals(f.severity));
    assertThat(broken.conditions)
        .anyMatch(c -> "ConfigDrift".equals(c.getType()) && "True".equals(c.getStatus()));
    assertThat(broken.baseline.recordedAt)
        .as("the baseline is the healthy one")
        .isEqualTo(recorded);
    assertThat(broken.timeline)
        .anyMatch(
            e ->
                "config".equals(e.kind)
                    && ("Service " + ns + "/web").equals(e.object)
                    && e.detail.equals("spec.ports[80].targetPort http → 8081"));
    targetPort(ns, new IntOrString("http"));
    GatewayDiagnosisStatus back = awaitStatus(ns, EVENT_DRIVEN, verdict("Healthy", "None"));
    assertThat(back.drift).isEmpty();
    assertThat(back.conditions)
        .as("no drift: the condition goes (it says something only while True)")
        .noneMatch(c -> "ConfigDrift".equals(c.getType()));
  }

  /**
   * A rollout replaces the pods: with the gateway's real 502s on the pods that left and no preStop,
   * it is named; with preStop and no errors, Healthy.
   */
  @Test
  void aRolloutWhosePodsStopBeforeTheGatewayDropsThemIsNamed(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    String ns = "rollout";
    String ok = "rollout-ok";
    for (String n : List.of(ns, ok)) {
      seed(n);
      awaitStatus(n, SETTLE, verdict("Healthy", "None"));
      probesOff(n); // the pods that leave are not served: the gateway's log tells
    }
    // the old pods (now at addresses where nothing listens) give nginx real refusals while the
    // rollout replaces them
    moveEndpoints(ns, ip -> ip.replace("127.0.0.1", "127.0.0.9")); // .11/.12 -> .91/.92
    List<String> lines =
        GatewayLogTraffic.kubeletLines(dir, ns, 12, "127.0.0.91:8080", "127.0.0.92:8080");
    String gwNs = "gateway-rollout";
    server
        .expect()
        .get()
        .withPath(
            "/api/v1/namespaces/"
                + gwNs
                + "/pods/controller-0/log?pretty=false&container=controller"
                + "&sinceSeconds=600&timestamps=true&follow=true")
        .andReturn(200, String.join("\n", lines) + "\n")
        .once();
    rollOut(ns, false);
    rollOut(ok, true);
    DemoScenario.create(
        client,
        new io.fabric8.kubernetes.api.model.NamespaceBuilder()
            .withNewMetadata()
            .withName(gwNs)
            .endMetadata()
            .build());
    Pod controller =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName("controller-0")
            .withNamespace(gwNs)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("controller")
            .withImage("registry.k8s.io/ingress-nginx/controller:v1.11.2")
            .withArgs("/nginx-ingress-controller")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("127.0.0.53")
            .endStatus()
            .build();
    DemoScenario.create(client, controller);
    try {
      GatewayDiagnosisStatus s =
          awaitStatus(ns, SETTLE, verdict("Degraded", "RolloutWithoutGracefulShutdown"));
      assertThat(s.summary)
          .contains("ReplicaSet web-7f9c8d6b5", "revision 2", "127.0.0.91:8080", "preStop");
      assertThat(s.timeline)
          .anyMatch(e -> "rollout".equals(e.kind) && e.object.endsWith("/web-7f9c8d6b5"))
          .anyMatch(
              e ->
                  "endpoint".equals(e.kind)
                      && e.detail.equals("removed")
                      && e.object.contains("127.0.0.91:8080"));
      awaitStatus(ok, EVENT_DRIVEN, verdict("Healthy", "None"));
    } finally {
      client.resource(controller).delete();
    }
  }

  /**
   * The Deployment's new ReplicaSet (revision 2) and its pods at 127.0.0.2x take over; the old pods
   * go.
   */
  void rollOut(String ns, boolean preStop) {
    var owner = webDeploymentOwner(ns);
    DemoScenario.create(
        client,
        new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder()
            .withNewMetadata()
            .withName("web-7f9c8d6b5")
            .withNamespace(ns)
            .addToAnnotations("deployment.kubernetes.io/revision", "2")
            .withOwnerReferences(owner)
            .endMetadata()
            .withNewSpec()
            .withReplicas(2)
            .withNewSelector()
            .addToMatchLabels("app", "web")
            .addToMatchLabels("pod-template-hash", "7f9c8d6b5")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "web")
            .addToLabels("pod-template-hash", "7f9c8d6b5")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("web")
            .withImage("web:2")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build());
    List<String> names = new java.util.ArrayList<>();
    for (Pod old : client.pods().inNamespace(ns).list().getItems()) {
      Pod p =
          new io.fabric8.kubernetes.api.model.PodBuilder(old)
              .editMetadata()
              .withName(old.getMetadata().getName().replace("6d4b7c9f8", "7f9c8d6b5"))
              .withResourceVersion(null)
              .withUid(null)
              .addToLabels("pod-template-hash", "7f9c8d6b5")
              .withOwnerReferences(
                  new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                      .withApiVersion("apps/v1")
                      .withKind("ReplicaSet")
                      .withName("web-7f9c8d6b5")
                      .withUid("uid-rs-new-" + ns)
                      .withController(true)
                      .build())
              .endMetadata()
              .build();
      p.getSpec()
          .getContainers()
          .forEach(
              c -> {
                if (!preStop) {
                  c.setLifecycle(null);
                }
              });
      p.getStatus()
          .setPodIP(old.getStatus().getPodIP().replaceAll("127\\.0\\.0\\.[0-9]", "127.0.0.2"));
      p.getStatus()
          .setPodIPs(
              List.of(
                  new io.fabric8.kubernetes.api.model.PodIPBuilder()
                      .withIp(p.getStatus().getPodIP())
                      .build()));
      names.add(p.getMetadata().getName());
      client.resource(old).delete();
      DemoScenario.create(client, p);
    }
    EndpointSlice slice =
        client.discovery().v1().endpointSlices().inNamespace(ns).list().getItems().get(0);
    for (int i = 0; i < slice.getEndpoints().size(); i++) {
      var e = slice.getEndpoints().get(i);
      e.setAddresses(
          List.of(e.getAddresses().get(0).replaceAll("127\\.0\\.0\\.[0-9]", "127.0.0.2")));
      e.getTargetRef().setName(e.getTargetRef().getName().replace("6d4b7c9f8", "7f9c8d6b5"));
    }
    client.resource(slice).update();
  }

  @Test
  void remediationAnnotationsSetTheConditionAndAMalformedOneIsAWarningEvent() throws IOException {
    String ns = "policy";
    seed(ns);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    editIngress(
        ns,
        i -> {
          i.getMetadata().getAnnotations().put("gatewaydoctor.io/remediation", "dry-run");
          return i;
        });
    awaitStatus(
        ns,
        EVENT_DRIVEN,
        s ->
            s.conditions.stream()
                .anyMatch(
                    c ->
                        "RemediationApplied".equals(c.getType())
                            && "DryRun".equals(c.getReason())
                            && c.getMessage().contains("restart-pod")));
    editIngress(
        ns,
        i -> {
          i.getMetadata().getAnnotations().put("gatewaydoctor.io/remediation", "sometimes");
          return i;
        });
    GatewayDiagnosisStatus bad =
        awaitStatus(
            ns,
            EVENT_DRIVEN,
            s ->
                s.conditions.stream()
                    .anyMatch(
                        c ->
                            "RemediationApplied".equals(c.getType())
                                && "PolicyInvalid".equals(c.getReason())));
    assertThat(bad.health)
        .as("a bad annotation is no reason to fail the target")
        .isEqualTo("Healthy");
    assertThat(bad.findings)
        .anyMatch(
            f ->
                "RemediationPolicyInvalid".equals(f.code)
                    && "Warning".equals(f.severity)
                    && f.message.contains("\"sometimes\" is not off, dry-run or auto")
                    && "Ingress".equals(f.resource.kind));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace(ns).list().getItems())
                    .anyMatch(
                        e ->
                            "RemediationPolicyInvalid".equals(e.getReason())
                                && "Warning".equals(e.getType())
                                && e.getMessage()
                                    .contains("\"sometimes\" is not off, dry-run or auto")));
  }

  @Test
  void optOutDeletesTheDiagnosisAndOptInBringsItBack() throws IOException {
    String ns = "optout";
    seed(ns);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    editIngress(
        ns,
        i -> {
          i.getMetadata().setAnnotations(Map.of(GatewayDiagnosis.DIAGNOSE_ANNOTATION, "false"));
          return i;
        });
    await()
        .atMost(SETTLE)
        .until(
            () ->
                client.resources(GatewayDiagnosis.class).inNamespace(ns).withName("web").get()
                    == null);
    editIngress(
        ns,
        i -> {
          i.getMetadata().setAnnotations(Map.of(GatewayDiagnosis.DIAGNOSE_ANNOTATION, "true"));
          return i;
        });
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    // the namespace annotation opts out every Ingress that does not say otherwise
    editIngress(
        ns,
        i -> {
          i.getMetadata().setAnnotations(Map.of());
          return i;
        });
    client
        .namespaces()
        .withName(ns)
        .edit(
            n -> {
              n.getMetadata().setAnnotations(Map.of(GatewayDiagnosis.DIAGNOSE_ANNOTATION, "false"));
              return n;
            });
    await()
        .atMost(SETTLE)
        .until(
            () ->
                client.resources(GatewayDiagnosis.class).inNamespace(ns).withName("web").get()
                    == null);
    // the namespace's "false" is final: an Ingress in it cannot opt back in
    editIngress(
        ns,
        i -> {
          i.getMetadata().setAnnotations(Map.of(GatewayDiagnosis.DIAGNOSE_ANNOTATION, "true"));
          return i;
        });
    await()
        .during(java.time.Duration.ofSeconds(2))
        .atMost(SETTLE)
        .until(
            () ->
                client.resources(GatewayDiagnosis.class).inNamespace(ns).withName("web").get()
                    == null);
  }

  @Test
  void handMadeDiagnosisIsAdoptedAndTuned() throws IOException {
    String ns = "adopt";
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(ns)
                .endMetadata()
                .build())
        .create();
    GatewayDiagnosis mine = new GatewayDiagnosis();
    mine.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace(ns).build());
    GatewayDiagnosisSpec spec = new GatewayDiagnosisSpec();
    spec.setTargetRef(TargetRef.ingress("web"));
    spec.setWindow("30m");
    mine.setSpec(spec);
    client.resource(mine).create();
    // before the Ingress exists: Unknown, saying so
    GatewayDiagnosisStatus unknown = awaitStatus(ns, SETTLE, verdict("Unknown", "None"));
    assertThat(unknown.summary).contains("does not exist");
    seed(ns, false);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    await()
        .atMost(SETTLE)
        .untilAsserted(
            () -> {
              GatewayDiagnosis gd =
                  client.resources(GatewayDiagnosis.class).inNamespace(ns).withName("web").get();
              assertThat(gd.getMetadata().getOwnerReferences())
                  .extracting(o -> o.getKind())
                  .containsExactly("Ingress");
              assertThat(gd.getSpec().getWindow()).isEqualTo("30m");
            });
    assertThat(client.resources(GatewayDiagnosis.class).inNamespace(ns).list().getItems())
        .hasSize(1);
  }

  @Test
  void oddIngressNeverBreaksTheReconciler() throws IOException {
    String ns = "odd";
    seed(ns);
    awaitStatus(ns, SETTLE, verdict("Healthy", "None"));
    editIngress(
        ns,
        i -> {
          var paths = i.getSpec().getRules().get(0).getHttp().getPaths();
          for (int n = 0; n < 200; n++) {
            paths.add(
                new HTTPIngressPathBuilder()
                    .withPath("/p" + n)
                    .withPathType("Prefix")
                    .withNewBackend()
                    .withNewService()
                    .withName("web")
                    .withNewPort()
                    .withNumber(80)
                    .endPort()
                    .endService()
                    .endBackend()
                    .build());
          }
          paths.add(new HTTPIngressPathBuilder().withPath("/none").withPathType("Prefix").build());
          paths.add(
              new HTTPIngressPathBuilder()
                  .withPath("/bucket")
                  .withPathType("Prefix")
                  .withNewBackend()
                  .withNewResource("k8s.example.com", "StorageBucket", "assets")
                  .endBackend()
                  .build());
          paths.add(
              new HTTPIngressPathBuilder()
                  .withPath("/metrics")
                  .withPathType("Prefix")
                  .withNewBackend()
                  .withNewService()
                  .withName("web")
                  .withNewPort()
                  .withName("metrics")
                  .endPort()
                  .endService()
                  .endBackend()
                  .build());
          return i;
        });
    GatewayDiagnosisStatus s = awaitStatus(ns, SETTLE, verdict("Failing", "ServicePortMismatch"));
    assertThat(s.findings)
        .extracting(f -> f.code)
        .contains("ServicePortMismatch", "BackendNotDiagnosed");
    assertThat(s.backends).hasSize(2);
    assertThat(s.backends.get(0).usedBy).hasSizeLessThanOrEqualTo(10);
    // the defaultBackend-only form is diagnosed too
    editIngress(
        ns,
        i -> {
          i.getSpec().setRules(null);
          i.getSpec()
              .setDefaultBackend(
                  new io.fabric8.kubernetes.api.model.networking.v1.IngressBackendBuilder()
                      .withNewService()
                      .withName("web")
                      .withNewPort()
                      .withNumber(80)
                      .endPort()
                      .endService()
                      .build());
          return i;
        });
    awaitStatus(
        ns,
        SETTLE,
        s2 ->
            "Healthy".equals(s2.health) && s2.backends.get(0).usedBy.contains("(default backend)"));
  }
}
