package io.gatewaydoctor.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart, linted and rendered by a real Helm (helm-java: Helm's Go code through JNI): with
 * default values and with every feature on. Every rendered object must be a typed Kubernetes object
 * with no field the model does not know; RBAC has no wildcard, no secrets by default and write
 * verbs only with remediation; the Deployment passes Pod Security "restricted"; deploy/ is the
 * default render and the chart's CRDs are crds/.
 */
class ChartTest {
  static final Path CHART = Path.of("helm/gateway-doctor");
  static final String RELEASE = "gateway-doctor";

  static TemplateCommand template() {
    return new Helm(CHART).template().withName(RELEASE).withNamespace(RELEASE);
  }

  static List<HasMetadata> render(Map<String, Object> values) {
    TemplateCommand t = template();
    values.forEach(t::set);
    return Manifests.parse(t.call(), "helm template " + values);
  }

  static final Map<String, Object> ALL_FEATURES =
      Map.ofEntries(
          Map.entry("remediation.enabled", true),
          Map.entry("serviceMonitor.enabled", true),
          Map.entry("prometheusRule.enabled", true),
          Map.entry("grafanaDashboard.enabled", true),
          Map.entry("replicaCount", 2),
          Map.entry("tlsSecretCheck", true),
          Map.entry(
              "gatewayLogs.metrics.prometheusUrl", "http://prometheus-operated.monitoring:9090"),
          Map.entry("gatewayLogs.logFormat", "$remote_addr [$time_local] $status $upstream_addr"),
          Map.entry("watchNamespaces", "shop,ingress-nginx"),
          Map.entry("imagePullSecrets[0].name", "registry"),
          Map.entry("nodeSelector.kubernetes\\.io/os", "linux"));

  /**
   * #22: fullnameOverride names every object of the release (and the bindings follow it), extra
   * volumes reach the pod; #20: the Gateway API read rights come and go with gatewayApi.enabled.
   */
  @Test
  void fullnameOverrideExtraVolumesAndTheGatewayApiRights() {
    List<HasMetadata> named =
        render(
            Map.of(
                "fullnameOverride", "gd",
                "extraVolumes[0].name", "ca",
                "extraVolumes[0].configMap.name", "corp-ca",
                "extraVolumeMounts[0].name", "ca",
                "extraVolumeMounts[0].mountPath", "/etc/corp-ca"));
    assertThat(named)
        .filteredOn(
            o -> !"ClusterRole".equals(o.getKind()) || o.getMetadata().getName().startsWith("gd"))
        .extracting(o -> o.getMetadata().getName())
        .allMatch(
            n ->
                n.startsWith("gd")
                    || n.startsWith("gateway-doctor-view")
                    || n.startsWith("gateway-doctor-edit"),
            "named after fullnameOverride");
    assertThat(named).extracting(o -> o.getMetadata().getName()).doesNotContain("gateway-doctor");
    var pod = deployment(named).getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("gd");
    assertThat(pod.getVolumes())
        .anyMatch(v -> v.getName().equals("ca") && v.getConfigMap() != null);
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .anyMatch(m -> m.getMountPath().equals("/etc/corp-ca"));
    assertThat(named)
        .filteredOn(o -> o instanceof io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding)
        .allSatisfy(
            b ->
                assertThat(
                        ((io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding) b).getSubjects())
                    .allMatch(x -> x.getName().equals("gd")));
    java.util.function.Function<List<HasMetadata>, Boolean> readsRoutes =
        objects ->
            objects.stream()
                .filter(o -> o instanceof io.fabric8.kubernetes.api.model.rbac.ClusterRole)
                .flatMap(
                    o -> ((io.fabric8.kubernetes.api.model.rbac.ClusterRole) o).getRules().stream())
                .anyMatch(
                    r ->
                        r.getApiGroups().contains("gateway.networking.k8s.io")
                            && r.getResources().contains("httproutes")
                            && !r.getVerbs().contains("create"));
    assertThat(readsRoutes.apply(render(Map.of()))).isTrue();
    assertThat(readsRoutes.apply(render(Map.of("gatewayApi.enabled", false)))).isFalse();
  }

  static Map<String, String> env(Deployment d) {
    Map<String, String> out = new java.util.HashMap<>();
    d.getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .forEach(e -> out.put(e.getName(), e.getValue()));
    return out;
  }

  /**
   * #23: one Deployment per shard, each watching only its namespaces, with its own Lease, ledger
   * and selector (a PDB each with 2 replicas); the ledger Role names every shard's ledger. Without
   * shards the one Deployment keeps the Lease and ledger names it always had (an upgrade starts no
   * second leader). A namespace in two shards, a shard over every namespace, or shards beside
   * watchNamespaces fail the install.
   */
  @Test
  void shardsSplitTheNamespacesOneDeploymentLeaseAndLedgerEach() {
    Map<String, Object> shards =
        Map.of(
            "shards[0].name", "a",
            "shards[0].namespaces[0]", "shop",
            "shards[0].namespaces[1]", "cart",
            "shards[1].name", "b",
            "shards[1].namespaces[0]", "payments",
            "replicaCount", 2,
            "remediation.enabled", true);
    List<HasMetadata> objects = render(shards);
    List<Deployment> deployments =
        objects.stream().filter(o -> o instanceof Deployment).map(o -> (Deployment) o).toList();
    assertThat(deployments)
        .extracting(d -> d.getMetadata().getName())
        .containsExactly("gateway-doctor-a", "gateway-doctor-b");
    assertThat(env(deployments.get(0)))
        .containsEntry("GATEWAYDOCTOR_WATCH_NAMESPACES", "shop,cart")
        .containsEntry("GATEWAYDOCTOR_LEADER_ELECTION_LEASE_NAME", "gateway-doctor-a-lease")
        .containsEntry(
            "GATEWAYDOCTOR_REMEDIATION_LEDGER_NAME", "gateway-doctor-a-remediation-ledger");
    assertThat(env(deployments.get(1)))
        .containsEntry("GATEWAYDOCTOR_WATCH_NAMESPACES", "payments")
        .containsEntry("GATEWAYDOCTOR_LEADER_ELECTION_LEASE_NAME", "gateway-doctor-b-lease");
    for (Deployment d : deployments) {
      String shard = d.getMetadata().getName().substring("gateway-doctor-".length());
      assertThat(d.getSpec().getSelector().getMatchLabels())
          .containsEntry("gatewaydoctor.io/shard", shard);
      assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
          .containsEntry("gatewaydoctor.io/shard", shard);
    }
    assertThat(objects)
        .filteredOn(o -> o instanceof io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget)
        .extracting(
            o ->
                ((io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget) o)
                    .getSpec()
                    .getSelector()
                    .getMatchLabels()
                    .get("gatewaydoctor.io/shard"))
        .containsExactly("a", "b");
    assertThat(objects)
        .filteredOn(
            o -> o instanceof Role && o.getMetadata().getName().endsWith("-remediation-ledger"))
        .flatExtracting(o -> ((Role) o).getRules())
        .flatExtracting(PolicyRule::getResourceNames)
        .containsExactlyInAnyOrder(
            "gateway-doctor-a-remediation-ledger", "gateway-doctor-b-remediation-ledger");

    var withRule = new java.util.HashMap<String, Object>(shards);
    withRule.put("prometheusRule.enabled", true);
    withRule.put("serviceMonitor.enabled", true);
    var shardRules =
        first(render(withRule), io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class)
            .getSpec()
            .getGroups()
            .get(0)
            .getRules();
    assertThat(shardRules)
        .filteredOn(r -> "GatewayDoctorDown".equals(r.getAlert()))
        .extracting(r -> r.getLabels().get("shard") + " " + r.getExpr().getStrVal())
        .containsExactly(
            "a absent(up{job=\"gateway-doctor\", namespace=\"gateway-doctor\","
                + " pod=~\"gateway-doctor-a-[a-z0-9]+-[a-z0-9]+\"} == 1)",
            "b absent(up{job=\"gateway-doctor\", namespace=\"gateway-doctor\","
                + " pod=~\"gateway-doctor-b-[a-z0-9]+-[a-z0-9]+\"} == 1)");

    Deployment single = deployment(render(Map.of("fullnameOverride", "gd")));
    assertThat(env(single))
        .containsEntry("GATEWAYDOCTOR_WATCH_NAMESPACES", "JOSDK_ALL_NAMESPACES")
        .containsEntry("GATEWAYDOCTOR_LEADER_ELECTION_LEASE_NAME", "gateway-doctor-lease")
        .containsEntry(
            "GATEWAYDOCTOR_REMEDIATION_LEDGER_NAME", "gateway-doctor-remediation-ledger");
    assertThat(single.getSpec().getSelector().getMatchLabels())
        .doesNotContainKey("gatewaydoctor.io/shard");

    assertThatThrownBy(
            () ->
                template()
                    .set("shards[0].name", "a")
                    .set("shards[0].namespaces[0]", "shop")
                    .set("shards[1].name", "b")
                    .set("shards[1].namespaces[0]", "shop")
                    .call())
        .hasMessageContaining("namespace \"shop\" is in shards \"a\" and \"b\"");
    assertThatThrownBy(
            () ->
                template()
                    .set("shards[0].name", "a")
                    .set("shards[0].namespaces[0]", "JOSDK_ALL_NAMESPACES")
                    .call())
        .hasMessageContaining("/shards/0/namespaces/0"); // the schema: names only
    assertThatThrownBy(
            () ->
                template()
                    .set("watchNamespaces", "shop")
                    .set("shards[0].name", "a")
                    .set("shards[0].namespaces[0]", "cart")
                    .call())
        .hasMessageContaining("leave watchNamespaces unset");
  }

  @Test
  void lintsStrictlyClean() {
    var r = new Helm(CHART).lint().strict().call();
    assertThat(r.isFailed()).as(String.join("\n", r.getMessages())).isFalse();
  }

  @Test
  void rendersWithDefaultsAndWithEveryFeatureIntoStrictlyTypedObjects() {
    List<HasMetadata> defaults = render(Map.of());
    assertThat(defaults)
        .extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder(
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Role",
            "RoleBinding",
            "Service",
            "Deployment",
            "ClusterRole",
            "ClusterRole",
            "NetworkPolicy");
    List<HasMetadata> all = render(ALL_FEATURES);
    // the series carry the target's namespace: the scrape keeps it (honorLabels), or every alert
    // and panel by namespace would read the operator's own namespace
    assertThat(
            first(all, io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor.class)
                .getSpec()
                .getEndpoints())
        .singleElement()
        .satisfies(e -> assertThat(e.getHonorLabels()).isTrue());
    // Events are read by name and counted up (HealthEvents.write: get, then patch or create); the
    // namespaces are listed here, so the rights are Roles in each (shop, ingress-nginx)
    assertThat(
            all.stream()
                .filter(o -> o instanceof Role)
                .map(o -> (Role) o)
                .flatMap(r -> r.getRules().stream())
                .filter(r -> r.getResources().contains("events")))
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.getVerbs()).contains("get", "create", "patch"));
    assertThat(all)
        .extracting(HasMetadata::getKind)
        .contains("ServiceMonitor", "PrometheusRule", "ConfigMap", "PodDisruptionBudget")
        .filteredOn("ClusterRole"::equals)
        .hasSize(4);
    assertThat(deployment(all).getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment(all).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anyMatch(e -> e.getName().equals("GATEWAYDOCTOR_GATEWAY_LOGS_METRICS_PROMETHEUS_URL"))
        .anyMatch(
            e ->
                e.getName().equals("GATEWAYDOCTOR_REMEDIATION_MAX_MODE")
                    && e.getValue().equals("auto"));
    // without the write rights, remediation is held at dry-run whatever a target asks
    assertThat(
            deployment(defaults).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anyMatch(
            e ->
                e.getName().equals("GATEWAYDOCTOR_REMEDIATION_MAX_MODE")
                    && e.getValue().equals("dry-run"))
        .anyMatch(
            e ->
                e.getName().equals("GATEWAYDOCTOR_REMEDIATION_COOLDOWN")
                    && e.getValue().equals("10m"))
        .anyMatch(
            e ->
                e.getName().equals("GATEWAYDOCTOR_REMEDIATION_RATE_LIMIT")
                    && e.getValue().equals("5"));
  }

  /**
   * #22 item 4: the dashboard counts each error once. gatewaydoctor_gateway_errors describes the
   * same requests from several sources (the controller's metrics: what clients got; its logs: the
   * gateway's and the app's own), so no panel sums across all of them: each selects its sources,
   * and "returned" is combined with the others only through {@code or} (the first where present).
   */
  @Test
  void theDashboardCountsEachErrorOnce() throws Exception {
    var cm =
        first(
            render(Map.of("grafanaDashboard.enabled", true)),
            io.fabric8.kubernetes.api.model.ConfigMap.class);
    String json = cm.getData().values().iterator().next();
    List<String> all =
        io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()
            .readTree(json)
            .findValues("expr")
            .stream()
            .map(com.fasterxml.jackson.databind.JsonNode::asText)
            .toList();
    // the counter: a rate, kept apart by source (gateway-made and app-returned are not one error)
    assertThat(all.stream().filter(e -> e.contains("gatewaydoctor_gateway_error_responses_total")))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e).contains("rate(").containsPattern("by \\([^)]*source"));
    List<String> exprs =
        all.stream().filter(e -> e.contains("gatewaydoctor_gateway_errors")).toList();
    assertThat(exprs).isNotEmpty();
    for (String e : exprs) {
      assertThat(e)
          .as("every use selects its sources")
          .doesNotContainPattern("gatewaydoctor_gateway_errors(?!\\{source)");
      if (e.contains("\"returned\"") && e.contains("gateway")) {
        assertThat(e).as("returned is never added to the log's sources").contains(") or sum");
      }
    }
  }

  /**
   * #22 item 6: a ServiceAccount of one's own (none created, every binding and the pod use it), the
   * OpenShift restricted SCC (no fixed UID), and topology spread.
   */
  @Test
  void aServiceAccountOfOnesOwnOpenShiftAndTopologySpread() {
    List<HasMetadata> own =
        render(
            Map.of(
                "serviceAccount.create",
                false,
                "serviceAccount.name",
                "platform-sa",
                "remediation.enabled",
                true,
                "openshift",
                true,
                "topologySpreadConstraints[0].maxSkew",
                1,
                "topologySpreadConstraints[0].topologyKey",
                "kubernetes.io/hostname",
                "topologySpreadConstraints[0].whenUnsatisfiable",
                "ScheduleAnyway"));
    assertThat(own).noneMatch(o -> o.getKind().equals("ServiceAccount"));
    PodSpec pod = deployment(own).getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("platform-sa");
    List<io.fabric8.kubernetes.api.model.rbac.Subject> subjects =
        own.stream()
            .flatMap(
                o ->
                    o instanceof io.fabric8.kubernetes.api.model.rbac.RoleBinding rb
                        ? rb.getSubjects().stream()
                        : o instanceof io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding crb
                            ? crb.getSubjects().stream()
                            : Stream.empty())
            .toList();
    assertThat(subjects)
        .hasSizeGreaterThanOrEqualTo(4)
        .allMatch(x -> x.getName().equals("platform-sa"));
    assertThat(
            deployment(render(Map.of("metrics.perTarget", false)))
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv())
        .anyMatch(
            e ->
                e.getName().equals("GATEWAYDOCTOR_METRICS_PER_TARGET")
                    && e.getValue().equals("false"));
    assertThat(pod.getSecurityContext().getRunAsUser()).isNull();
    assertThat(pod.getSecurityContext().getFsGroup()).isNull();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getTopologySpreadConstraints())
        .singleElement()
        .satisfies(t -> assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
    // the defaults: a ServiceAccount named after the release, the fixed UID
    List<HasMetadata> defaults = render(Map.of());
    assertThat(defaults)
        .filteredOn(o -> o.getKind().equals("ServiceAccount"))
        .singleElement()
        .satisfies(o -> assertThat(o.getMetadata().getName()).isEqualTo(RELEASE));
    assertThat(
            deployment(defaults)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getSecurityContext()
                .getRunAsUser())
        .isEqualTo(185L);
    assertThatThrownBy(() -> template().set("serviceAccount.name", "Not_A_Name").call())
        .hasMessageContaining("serviceAccount");
  }

  /**
   * #22 item 6: rbac.create false leaves the operator's own RBAC to the platform (no ClusterRole,
   * Role or binding of it; the aggregated user roles stay theirs to switch); extraEnv reaches the
   * container; ServiceAccount annotations; without a ServiceMonitor no operator-down alert (its
   * "up" would never exist and it would fire forever).
   */
  @Test
  void rbacOfOnesOwnExtraEnvAndNoDownAlertWithoutAScrape() {
    List<HasMetadata> none =
        render(
            Map.of(
                "rbac.create",
                false,
                "rbac.aggregateToDefaultRoles",
                false,
                "remediation.enabled",
                true,
                "serviceAccount.annotations.iam\\.example\\.com/role",
                "gd",
                "extraEnv[0].name",
                "HTTPS_PROXY",
                "extraEnv[0].value",
                "http://proxy.example.com:3128"));
    assertThat(none)
        .extracting(HasMetadata::getKind)
        .doesNotContain("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")
        .contains("Deployment", "ServiceAccount");
    assertThat(
            none.stream()
                .filter(o -> o instanceof io.fabric8.kubernetes.api.model.ServiceAccount)
                .findFirst()
                .orElseThrow()
                .getMetadata()
                .getAnnotations())
        .containsEntry("iam.example.com/role", "gd");
    assertThat(deployment(none).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anyMatch(
            e ->
                e.getName().equals("HTTPS_PROXY")
                    && e.getValue().equals("http://proxy.example.com:3128"));
    assertThat(render(Map.of("remediation.enabled", true)))
        .extracting(HasMetadata::getKind)
        .contains("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
    var rules =
        first(
                render(Map.of("prometheusRule.enabled", true)),
                io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class)
            .getSpec()
            .getGroups()
            .get(0)
            .getRules();
    assertThat(rules).extracting(r -> r.getAlert()).doesNotContain("GatewayDoctorDown");
  }

  /**
   * #18 item 10: listed namespaces get Roles, not a ClusterRole, for everything namespaced (the
   * ClusterRole keeps cluster-scoped objects and the Gateway API's parents); the controller's pods
   * are watched through the gateway Role; remediation's write rights are bound only where auto may
   * act unless writeRights is cluster.
   */
  @Test
  void listedNamespacesGetRolesAndWriteRightsOnlyWhereAutoActs() {
    List<HasMetadata> listed =
        render(
            Map.of(
                "watchNamespaces[0]",
                "shop",
                "watchNamespaces[1]",
                "pay",
                "remediation.enabled",
                true,
                "remediation.autoNamespaces[0]",
                "shop"));
    ClusterRole reader =
        listed.stream()
            .filter(o -> o instanceof ClusterRole && o.getMetadata().getName().endsWith("-reader"))
            .map(o -> (ClusterRole) o)
            .findFirst()
            .orElseThrow();
    assertThat(reader.getRules())
        .flatExtracting(PolicyRule::getResources)
        .containsExactlyInAnyOrder(
            "ingressclasses",
            "namespaces",
            "gateways",
            "gatewayclasses",
            "referencegrants",
            "customresourcedefinitions");
    List<Role> roles = listed.stream().filter(o -> o instanceof Role).map(o -> (Role) o).toList();
    for (String ns : List.of("shop", "pay")) {
      assertThat(roles)
          .filteredOn(
              r ->
                  r.getMetadata().getName().endsWith("-reader")
                      && ns.equals(r.getMetadata().getNamespace()))
          .singleElement()
          .satisfies(
              r ->
                  assertThat(r.getRules())
                      .flatExtracting(PolicyRule::getResources)
                      .contains(
                          "ingresses",
                          "services",
                          "pods",
                          "endpointslices",
                          "httproutes",
                          "gatewaydiagnoses",
                          "events"));
    }
    assertThat(roles)
        .filteredOn(
            r ->
                r.getMetadata().getName().endsWith("-gateway-logs")
                    && "ingress-nginx".equals(r.getMetadata().getNamespace()))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getRules())
                    .anyMatch(
                        x -> x.getResources().contains("pods") && x.getVerbs().contains("watch")));
    assertThat(listed)
        .filteredOn(o -> o.getKind().equals("ClusterRoleBinding"))
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("gateway-doctor-reader");
    assertThat(listed)
        .filteredOn(
            o ->
                o.getKind().equals("RoleBinding")
                    && o.getMetadata().getName().equals("gateway-doctor-remediation"))
        .extracting(o -> o.getMetadata().getNamespace())
        .containsExactly("shop");
    // a comma string with blanks or empty parts is refused (no Role for a namespace "")
    assertThatThrownBy(() -> template().set("watchNamespaces", "shop, pay,,").call())
        .hasMessageContaining("watchNamespaces");
    // JOSDK_WATCH_CURRENT: its own namespace; every namespace: one ClusterRole as before
    assertThat(render(Map.of("watchNamespaces", "JOSDK_WATCH_CURRENT")))
        .filteredOn(o -> o instanceof Role && o.getMetadata().getName().endsWith("-reader"))
        .extracting(o -> o.getMetadata().getNamespace())
        .containsExactly(RELEASE);
    List<HasMetadata> everywhere =
        render(Map.of("remediation.enabled", true, "remediation.writeRights", "cluster"));
    assertThat(everywhere)
        .filteredOn(o -> o instanceof Role && o.getMetadata().getName().endsWith("-reader"))
        .isEmpty();
    assertThat(everywhere)
        .filteredOn(o -> o.getKind().equals("ClusterRoleBinding"))
        .extracting(o -> o.getMetadata().getName())
        .containsExactlyInAnyOrder("gateway-doctor-reader", "gateway-doctor-remediation");
    assertThatThrownBy(() -> template().set("remediation.writeRights", "everywhere").call())
        .hasMessageContaining("writeRights");
  }

  /**
   * #18 item 10: metrics.auth makes the operator check who scrapes (the env it reads, the rights
   * for TokenReviews and SubjectAccessReviews), gives the scraper a reader ClusterRole bound to the
   * ServiceAccounts named, and makes the ServiceMonitor send its token. Off by default.
   */
  @Test
  void metricsAuthIsTheOperatorsAndTheScrapersRights() {
    assertThat(
            deployment(render(Map.of()))
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv())
        .anyMatch(
            e -> e.getName().equals("GATEWAYDOCTOR_METRICS_AUTH") && e.getValue().equals("false"));
    List<HasMetadata> on =
        render(
            Map.of(
                "metrics.auth",
                true,
                "serviceMonitor.enabled",
                true,
                "metrics.readers[0].namespace",
                "monitoring",
                "metrics.readers[0].name",
                "prometheus-k8s"));
    assertThat(deployment(on).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anyMatch(
            e -> e.getName().equals("GATEWAYDOCTOR_METRICS_AUTH") && e.getValue().equals("true"));
    ClusterRole reader =
        on.stream()
            .filter(
                o ->
                    o instanceof ClusterRole
                        && o.getMetadata().getName().endsWith("-reader")
                        && !o.getMetadata().getName().endsWith("-metrics-reader"))
            .map(o -> (ClusterRole) o)
            .findFirst()
            .orElseThrow();
    assertThat(reader.getRules())
        .anyMatch(
            r ->
                r.getResources().contains("tokenreviews") && r.getVerbs().equals(List.of("create")))
        .anyMatch(
            r ->
                r.getResources().contains("subjectaccessreviews")
                    && r.getVerbs().equals(List.of("create")));
    ClusterRole scraper =
        on.stream()
            .filter(
                o ->
                    o instanceof ClusterRole
                        && o.getMetadata().getName().equals("gateway-doctor-metrics-reader"))
            .map(o -> (ClusterRole) o)
            .findFirst()
            .orElseThrow();
    assertThat(scraper.getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getNonResourceURLs()).containsExactly("/q/metrics");
              assertThat(r.getVerbs()).containsExactly("get");
            });
    assertThat(on)
        .filteredOn(
            o ->
                o.getKind().equals("ClusterRoleBinding")
                    && o.getMetadata().getName().equals("gateway-doctor-metrics-reader"))
        .singleElement()
        .satisfies(
            b ->
                assertThat(
                        ((io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding) b).getSubjects())
                    .singleElement()
                    .satisfies(
                        x -> {
                          assertThat(x.getName()).isEqualTo("prometheus-k8s");
                          assertThat(x.getNamespace()).isEqualTo("monitoring");
                        }));
    assertThat(
            first(on, io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor.class)
                .getSpec()
                .getEndpoints()
                .get(0)
                .getBearerTokenFile())
        .isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/token");
    assertThatThrownBy(() -> template().set("metrics.readers[0].name", "x").call())
        .hasMessageContaining("namespace");
  }

  /** NOTES.txt as `helm install` prints it (client-only dry run). */
  static String notes(Map<String, Object> values) {
    var install =
        new Helm(CHART).install().withName(RELEASE).withNamespace(RELEASE).dryRun().clientOnly();
    values.forEach(install::set);
    return install.call().getOutput();
  }

  /**
   * #22 item 6: the notes say what is watched in words (a list, all, or the shards), how to read
   * the diagnoses of Ingresses and routes, and warn where an install will not do what it seems to.
   */
  @Test
  void theNotesSayWhatIsWatchedAndWarn() {
    String plain = notes(Map.of());
    assertThat(plain)
        .contains("watches every namespace", "NAME.httproute", "kubectl gateway-doctor describe")
        .contains("is not published to any registry")
        .doesNotContain("JOSDK_");
    assertThat(
            notes(
                Map.of(
                    "watchNamespaces[0]",
                    "shop",
                    "watchNamespaces[1]",
                    "pay",
                    "remediation.enabled",
                    true,
                    "prometheusRule.enabled",
                    true,
                    "rbac.create",
                    false)))
        .contains("watches: shop, pay.")
        .contains("\"auto\" acts as dry-run everywhere")
        .contains("operator-down alert is left out")
        .contains("rbac.create is false");
    assertThat(
            notes(
                Map.of(
                    "shards[0].name",
                    "a",
                    "shards[0].namespaces[0]",
                    "shop",
                    "shards[1].name",
                    "b",
                    "shards[1].namespaces[0]",
                    "pay")))
        .contains("as 2 shards (a: shop; b: pay)")
        .doesNotContain("JOSDK_");
    // an image loaded into a local kind or k3d cluster (pullPolicy Never) is not "unpublished"
    assertThat(notes(Map.of("image.tag", "dev", "image.pullPolicy", "Never")))
        .doesNotContain("is not published");
    assertThat(
            notes(
                Map.of(
                    "shards[0].name",
                    "only",
                    "shards[0].namespaces[0]",
                    "shop",
                    "shards[0].namespaces[1]",
                    "pay")))
        .contains("as 1 shard (only: shop, pay)")
        .doesNotContain("every namespace");
  }

  /** deploy/ is the default render without the CRD (crds/ holds it), as deploy/README.md says. */
  @Test
  void deployHoldsNoCrd() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("deploy"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        assertThat(Manifests.parse(Files.readString(f), f.toString()))
            .extracting(HasMetadata::getKind)
            .doesNotContain("CustomResourceDefinition");
      }
    }
    assertThat(Files.readString(Path.of("deploy/README.md"))).contains("does not include the CRD");
  }

  @Test
  void aMistypedValueFailsTheRender() {
    assertThatThrownBy(() -> template().set("replicaCont", 2).call())
        .hasMessageContaining("replicaCont");
    assertThatThrownBy(() -> template().set("gatewayLogs.metrics.port", 70000).call())
        .hasMessageContaining("port");
    assertThatThrownBy(() -> template().set("resyncInterval", "5 minutes").call())
        .hasMessageContaining("resyncInterval");
    // #22 item 6: one duration format everywhere (a number and s, m or h)
    for (String key :
        List.of(
            "resyncInterval",
            "gatewayLogs.backfill",
            "gatewayLogs.horizon",
            "remediation.cooldown",
            "remediation.ratePeriod",
            "serviceMonitor.interval",
            "prometheusRule.failingFor",
            "prometheusRule.degradedFor",
            "prometheusRule.staleAfter")) {
      assertThatThrownBy(() -> template().set(key, "PT10M").call())
          .as(key)
          .hasMessageContaining(key.substring(key.lastIndexOf('.') + 1));
      assertThat(template().set(key, "10m").call()).as(key).isNotBlank();
    }
    assertThatThrownBy(
            () -> template().set("replicaCount", 2).set("leaderElection.enabled", false).call())
        .hasMessageContaining("replicaCount > 1 needs leaderElection.enabled");
  }

  @Test
  void rbacHasNoWildcardNoSecretsByDefaultAndWritesOnlyWithRemediation() {
    List<PolicyRule> defaults = rules(render(Map.of()));
    List<PolicyRule> all = rules(render(ALL_FEATURES));
    for (PolicyRule r : Stream.concat(defaults.stream(), all.stream()).toList()) {
      assertThat(Stream.of(r.getApiGroups(), r.getResources(), r.getVerbs()).flatMap(List::stream))
          .doesNotContain("*");
      if (!r.getResources().equals(List.of("configmaps"))
          && !r.getResources().equals(List.of("customresourcedefinitions"))) {
        assertThat(r.getResourceNames()).isNullOrEmpty();
      }
    }
    // the CRD: its own, by name
    assertThat(clusterRules(render(Map.of())))
        .filteredOn(r -> r.getResources().contains("customresourcedefinitions"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getResourceNames()).containsExactly("gatewaydiagnoses.gatewaydoctor.io");
              assertThat(r.getVerbs()).containsExactly("get");
            });
    // the remediation ledger: one ConfigMap of its own namespace, by name, with remediation only
    assertThat(rulesOfRole(render(Map.of()), "gateway-doctor-remediation-ledger")).isEmpty();
    List<PolicyRule> ledger =
        rulesOfRole(render(ALL_FEATURES), "gateway-doctor-remediation-ledger");
    assertThat(ledger)
        .anySatisfy(
            r -> {
              assertThat(r.getResourceNames()).containsExactly("gateway-doctor-remediation-ledger");
              assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "update");
            })
        .allSatisfy(r -> assertThat(r.getResources()).containsExactly("configmaps"));
    assertThat(grants(defaults, "", "secrets", "get")).isFalse();
    assertThat(grants(all, "", "secrets", "get")).isTrue();
    // the write verbs of remediation
    List<String[]> writes =
        List.of(
            new String[] {"", "pods/eviction", "create"},
            new String[] {"", "services", "patch"},
            new String[] {"apps", "deployments", "patch"},
            new String[] {"networking.k8s.io", "ingresses", "patch"});
    for (String[] w : writes) {
      assertThat(grants(defaults, w[0], w[1], w[2])).as("default: %s %s", w[2], w[1]).isFalse();
      assertThat(grants(all, w[0], w[1], w[2])).as("remediation: %s %s", w[2], w[1]).isTrue();
    }
    // verbs nothing uses are not granted: restart-pod evicts (never deletes), Events are core v1
    assertThat(grants(all, "", "pods", "delete")).isFalse();
    assertThat(grants(all, "events.k8s.io", "events", "create")).isFalse();
    // by default, writes only to its own kinds, Events and its Lease
    for (PolicyRule r : defaults) {
      if (r.getVerbs().stream().anyMatch(v -> !List.of("get", "list", "watch").contains(v))) {
        assertThat(r.getResources())
            .allMatch(
                res ->
                    res.startsWith("gatewaydiagnoses")
                        || res.equals("events")
                        || res.equals("leases"));
      }
    }
    // what the operator watches is granted
    for (String kind :
        List.of(
            "ingresses",
            "ingressclasses",
            "networkpolicies",
            "services",
            "pods",
            "namespaces",
            "endpointslices",
            "deployments",
            "replicasets")) {
      assertThat(defaults)
          .as(kind)
          .anyMatch(
              r ->
                  r.getResources().contains(kind)
                      && r.getVerbs().containsAll(List.of("list", "watch")));
    }
    assertThat(grants(defaults, "", "pods/log", "get")).isTrue();
    assertThat(grants(rules(render(Map.of("gatewayLogs.enabled", false))), "", "pods/log", "get"))
        .isFalse();
  }

  /**
   * The controller's logs are readable in the namespaces trusted to run it, through a Role in each,
   * never cluster-wide by default.
   */
  /**
   * BackendTLSPolicies are read where routes are; their CA ConfigMaps only when asked for
   * (gatewayApi.backendTlsCaConfigMaps), by get.
   */
  @Test
  void configuredDataPlanesReachTheOperator() {
    List<HasMetadata> objects =
        Manifests.parse(
            template()
                .set("gatewayApi.dataPlanes[0].controller", "kgateway.dev/kgateway")
                .set("gatewayApi.dataPlanes[0].podLabel", "gateway.networking.k8s.io/gateway-name")
                .set("gatewayApi.dataPlanes[0].container", "kgateway-proxy")
                .call(),
            "planes");
    String value = env(deployment(objects)).get("GATEWAYDOCTOR_GATEWAY_API_DATA_PLANES");
    assertThat(value).isNotNull();
    assertThat(io.gatewaydoctor.model.DataPlanes.parse(value))
        .containsExactly(
            new io.gatewaydoctor.model.DataPlanes.Rule(
                "kgateway.dev/kgateway",
                "gateway.networking.k8s.io/gateway-name",
                null,
                "kgateway-proxy"));
    assertThat(env(deployment(render(Map.of()))))
        .doesNotContainKey("GATEWAYDOCTOR_GATEWAY_API_DATA_PLANES");
  }

  @Test
  void backendTlsCaConfigMapsAreReadOnlyWhenAskedFor() {
    List<HasMetadata> defaults = render(Map.of());
    assertThat(
            grants(
                clusterRules(defaults), "gateway.networking.k8s.io", "backendtlspolicies", "watch"))
        .isTrue();
    assertThat(grants(clusterRules(defaults), "", "configmaps", "get")).isFalse();
    List<HasMetadata> asked = render(Map.of("gatewayApi.backendTlsCaConfigMaps", true));
    assertThat(grants(clusterRules(asked), "", "configmaps", "get")).isTrue();
    assertThat(clusterRules(asked))
        .filteredOn(r -> r.getResources().contains("configmaps"))
        .allSatisfy(r -> assertThat(r.getVerbs()).containsExactly("get"));
  }

  @Test
  void controllerLogsAreReadableOnlyInTheControllerNamespaces() {
    List<HasMetadata> defaults = render(Map.of());
    assertThat(clusterRules(defaults)).noneMatch(r -> r.getResources().contains("pods/log"));
    assertThat(logRoleNamespaces(defaults)).containsExactly("ingress-nginx");
    assertThat(
            deployment(defaults).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anyMatch(
            e ->
                e.getName().equals("GATEWAYDOCTOR_GATEWAY_LOGS_CONTROLLER_NAMESPACES")
                    && e.getValue().equals("ingress-nginx"));
    List<HasMetadata> two =
        new ArrayList<>(
            Manifests.parse(
                template()
                    .set("gatewayLogs.controllerNamespaces[0]", "edge")
                    .set("gatewayLogs.controllerNamespaces[1]", "internal-edge")
                    .call(),
                "two"));
    assertThat(logRoleNamespaces(two)).containsExactlyInAnyOrder("edge", "internal-edge");
    assertThat(clusterRules(two))
        .noneMatch(r -> r.getResources().contains("pods/log"))
        .noneMatch(r -> r.getResources().contains("configmaps"));
    // the controller's ConfigMap (its settings) stays readable there without the logs
    List<HasMetadata> noLogs = render(Map.of("gatewayLogs.enabled", false));
    assertThat(
            noLogs.stream()
                .filter(o -> o instanceof Role)
                .map(o -> (Role) o)
                .filter(
                    r ->
                        r.getRules().stream()
                            .anyMatch(x -> x.getResources().contains("configmaps")))
                .map(o -> o.getMetadata().getNamespace()))
        .containsExactly("ingress-nginx");
    assertThat(logRoleNamespaces(noLogs)).isEmpty();
    // "*": any namespace, so the ClusterRole grants it and no Role is made
    List<HasMetadata> any =
        Manifests.parse(template().set("gatewayLogs.controllerNamespaces[0]", "*").call(), "any");
    assertThat(grants(clusterRules(any), "", "pods/log", "get")).isTrue();
    assertThat(grants(clusterRules(any), "", "configmaps", "get")).isTrue();
    assertThat(logRoleNamespaces(any)).isEmpty();
    assertThatThrownBy(
            () -> template().set("gatewayLogs.controllerNamespaces[0]", "Not A Namespace").call())
        .hasMessageContaining("controllerNamespaces");
  }

  static List<PolicyRule> rulesOfRole(List<HasMetadata> objects, String name) {
    return objects.stream()
        .filter(o -> o instanceof Role && o.getMetadata().getName().equals(name))
        .flatMap(o -> ((Role) o).getRules().stream())
        .toList();
  }

  static List<PolicyRule> clusterRules(List<HasMetadata> objects) {
    return objects.stream()
        .filter(o -> o instanceof ClusterRole)
        .flatMap(o -> ((ClusterRole) o).getRules().stream())
        .toList();
  }

  static List<String> logRoleNamespaces(List<HasMetadata> objects) {
    return objects.stream()
        .filter(
            o ->
                o instanceof Role r
                    && r.getRules().stream().anyMatch(x -> x.getResources().contains("pods/log")))
        .map(o -> o.getMetadata().getNamespace())
        .toList();
  }

  /**
   * #22 and #18: the conventions teams expect: app teams with view/edit read their diagnoses
   * (aggregated ClusterRoles), a NetworkPolicy keeps the operator off metadata addresses and its
   * port closed to all but monitoring, a PDB with two replicas, a digest, a priority class, pod
   * labels, and watchNamespaces as a list.
   */
  @Test
  void theChartInstallsTheWayTeamsInstall() {
    List<HasMetadata> defaults = render(Map.of());
    var aggregated =
        defaults.stream()
            .filter(
                o ->
                    o instanceof ClusterRole
                        && o.getMetadata().getLabels() != null
                        && o.getMetadata().getLabels().keySet().stream()
                            .anyMatch(k -> k.startsWith("rbac.authorization.k8s.io/aggregate-to-")))
            .map(o -> (ClusterRole) o)
            .toList();
    assertThat(aggregated)
        .anySatisfy(
            r -> {
              assertThat(r.getMetadata().getLabels())
                  .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true");
              assertThat(grants(r.getRules(), "gatewaydoctor.io", "gatewaydiagnoses", "list"))
                  .isTrue();
              assertThat(grants(r.getRules(), "gatewaydoctor.io", "gatewaydiagnoses", "update"))
                  .isFalse();
            });
    assertThat(aggregated)
        .anySatisfy(
            r -> {
              assertThat(r.getMetadata().getLabels())
                  .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true");
              assertThat(
                      grants(r.getRules(), "gatewaydoctor.io", "gatewaydiagnoses/status", "update"))
                  .as("status is the operator's")
                  .isFalse();
            });
    var np = first(defaults, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
    assertThat(np.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(np.getSpec().getEgress())
        .as("DNS anywhere, node-local caches included")
        .anySatisfy(
            e -> {
              assertThat(e.getTo()).isNullOrEmpty();
              assertThat(e.getPorts())
                  .allSatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(53));
            });
    assertThat(np.getSpec().getEgress())
        .filteredOn(e -> e.getTo() != null && !e.getTo().isEmpty())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getTo())
                    .anySatisfy(
                        t ->
                            assertThat(t.getIpBlock().getExcept())
                                .contains(
                                    "169.254.0.0/16", "100.100.100.200/32", "168.63.129.16/32"))
                    .anySatisfy(
                        t ->
                            assertThat(t.getIpBlock().getExcept())
                                .contains("fe80::/10", "fd00:ec2::254/128", "fd20:ce::254/128")));
    // every address the prober never probes is outside the operator's egress too
    List<String> except =
        np.getSpec().getEgress().stream()
            .filter(e -> e.getTo() != null)
            .flatMap(e -> e.getTo().stream())
            .flatMap(t -> t.getIpBlock().getExcept().stream())
            .toList();
    assertThat(except)
        .containsAll(
            io.gatewaydoctor.probe.ProbeScope.NEVER.stream()
                .filter(c -> !c.equals("0.0.0.0/8") && !c.equals("::/128"))
                .toList());
    // egress narrowed to named networks (the API server, the pod network)
    var narrow =
        first(
            render(
                Map.of(
                    "networkPolicy.egressCidrs[0]", "10.0.0.10/32",
                    "networkPolicy.egressCidrs[1]", "10.244.0.0/16")),
            io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
    assertThat(narrow.getSpec().getEgress())
        .flatExtracting(e -> e.getTo() == null ? List.of() : e.getTo())
        .extracting(
            t ->
                ((io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer) t)
                    .getIpBlock()
                    .getCidr())
        .containsExactly("10.0.0.10/32", "10.244.0.0/16");
    assertThatThrownBy(() -> template().set("networkPolicy.egressCidrs[0]", "everywhere").call())
        .hasMessageContaining("egressCidrs");
    assertThat(np.getSpec().getIngress())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getFrom())
                  .singleElement()
                  .satisfies(
                      f ->
                          assertThat(f.getNamespaceSelector().getMatchLabels())
                              .containsEntry("kubernetes.io/metadata.name", "monitoring"));
              assertThat(i.getPorts())
                  .singleElement()
                  .satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("http"));
            });
    assertThat(render(Map.of("networkPolicy.enabled", false)))
        .noneMatch(o -> o.getKind().equals("NetworkPolicy"));
    assertThat(defaults).noneMatch(o -> o.getKind().equals("PodDisruptionBudget"));
    var set =
        Manifests.parse(
            template()
                .set("watchNamespaces[0]", "shop")
                .set("watchNamespaces[1]", "ingress-nginx")
                .set("image.digest", "sha256:" + "a".repeat(64))
                .set("priorityClassName", "platform-critical")
                .set("podLabels.team", "platform")
                .call(),
            "set");
    var pod = deployment(set).getSpec().getTemplate();
    assertThat(pod.getSpec().getContainers().get(0).getImage())
        .isEqualTo("gateway-doctor@sha256:" + "a".repeat(64));
    assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("platform-critical");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("team", "platform")
        .containsEntry("app.kubernetes.io/name", "gateway-doctor");
    assertThat(pod.getSpec().getContainers().get(0).getEnv())
        .anyMatch(
            e ->
                e.getName().equals("GATEWAYDOCTOR_WATCH_NAMESPACES")
                    && e.getValue().equals("shop,ingress-nginx"));
    assertThatThrownBy(() -> template().set("image.digest", "latest").call())
        .hasMessageContaining("digest");
  }

  /**
   * #22: alerts per target (a changing cause does not restart the timer), with configurable
   * severity, a runbook when given, and alerts for stale verdicts, the operator being down and
   * failed remediations.
   */
  @Test
  void thePrometheusRuleAlertsPerTargetAndOnTheOperatorItself() {
    var rule =
        first(
            render(
                Map.of(
                    "serviceMonitor.enabled",
                    true,
                    "prometheusRule.enabled",
                    true,
                    "prometheusRule.severity.failing",
                    "warning",
                    "prometheusRule.runbookUrl",
                    "https://runbooks.example.com/gateway-doctor")),
            io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class);
    var rules = rule.getSpec().getGroups().get(0).getRules();
    assertThat(rules)
        .extracting(r -> r.getAlert())
        .containsExactly(
            "GatewayTargetFailing",
            "GatewayTargetDegraded",
            "GatewayDoctorVerdictsStale",
            "GatewayDoctorDown",
            "GatewayDoctorRemediationFailed");
    var failing = rules.get(0);
    assertThat(failing.getExpr().getStrVal())
        .contains("by (namespace, target)")
        .doesNotContain("root_cause");
    assertThat(failing.getLabels()).containsEntry("severity", "warning");
    assertThat(failing.getAnnotations())
        .hasEntrySatisfying(
            "runbook_url",
            u -> assertThat(u).startsWith("https://runbooks.example.com/gateway-doctor{{"))
        .hasEntrySatisfying("summary", s -> assertThat(s).contains("query", "root_cause"));
    assertThat(rules.get(2).getExpr().getStrVal())
        .contains("increase(gatewaydoctor_reconcile_seconds_count[30m])");
    assertThat(rules.get(3).getExpr().getStrVal())
        .contains("absent(up{job=\"gateway-doctor\"")
        .doesNotContain("pod=~");
    assertThat(rules.get(2).getExpr().getStrVal()).contains("sum by (pod)");
    assertThat(rules.get(4).getExpr().getStrVal()).contains("result=\"Failed\"");
    assertThatThrownBy(() -> template().set("prometheusRule.severity.failing", "page").call())
        .hasMessageContaining("failing");
  }

  /**
   * probe.allowedCidrs reaches the operator as one comma list, only when set; a value that is no
   * CIDR fails the install.
   */
  @Test
  void theProbesAllowedCidrsAreOptInAndChecked() {
    String env = "GATEWAYDOCTOR_PROBE_ALLOWED_CIDRS";
    assertThat(template().call()).doesNotContain(env);
    String set =
        template()
            .set("probe.allowedCidrs[0]", "10.0.0.0/8")
            .set("probe.allowedCidrs[1]", "fd00::/8")
            .call();
    assertThat(set).contains("name: " + env + ", value: \"10.0.0.0/8,fd00::/8\"");
    assertThatThrownBy(() -> template().set("probe.allowedCidrs[0]", "169.254.169.254").call())
        .hasMessageContaining("allowedCidrs");
  }

  @Test
  void aMistypedFieldOrAnUnknownKindIsCaught() {
    String deployment =
        java.util.Arrays.stream(template().call().split("(?m)^---\\s*$"))
            .filter(d -> d.contains("kind: Deployment"))
            .findFirst()
            .orElseThrow();
    assertThat(deployment).contains("kind: Deployment", "readOnlyRootFilesystem");
    assertThatThrownBy(
            () ->
                Manifests.parse(
                    deployment.replace("readOnlyRootFilesystem", "readOnlyRootFileSystem"), "typo"))
        .hasMessageContaining("readOnlyRootFileSystem");
    assertThatThrownBy(
            () ->
                Manifests.parse(
                    "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: x}\n", "kind"))
        .hasMessageContaining("not a typed Kubernetes object");
  }

  @Test
  void theDeploymentPassesPodSecurityRestricted() {
    for (List<HasMetadata> objects : List.of(render(Map.of()), render(ALL_FEATURES))) {
      PodSpec pod = deployment(objects).getSpec().getTemplate().getSpec();
      assertThat(PodSecurity.restrictedViolations(pod)).isEmpty();
      for (Container c : pod.getContainers()) {
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      }
    }
    // and the check itself catches what it must
    PodSpec bad = deployment(render(Map.of())).getSpec().getTemplate().getSpec();
    bad.setHostNetwork(true);
    bad.getContainers().get(0).getSecurityContext().setAllowPrivilegeEscalation(true);
    bad.getContainers().get(0).getSecurityContext().getCapabilities().setAdd(List.of("NET_ADMIN"));
    assertThat(PodSecurity.restrictedViolations(bad)).hasSize(3);
  }

  @Test
  void deployIsTheDefaultRenderAndEveryFileThereIsStrictlyTyped() throws IOException {
    String rendered = template().call();
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/deploy-rendered.yaml"), rendered);
    List<HasMetadata> deploy = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("deploy"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        deploy.addAll(Manifests.parse(Files.readString(f), f.toString()));
      }
    }
    List<HasMetadata> expected = new ArrayList<>(Manifests.parse(rendered, "helm template"));
    expected.add(
        0,
        new io.fabric8.kubernetes.api.model.NamespaceBuilder()
            .withNewMetadata()
            .withName(RELEASE)
            .endMetadata()
            .build());
    String regenerate =
        "deploy/gateway-doctor.yaml drifted from the chart: regenerate it (deploy/README.md)";
    var have = Manifests.canonical(deploy);
    var want = Manifests.canonical(expected);
    assertThat(have.keySet()).as(regenerate).isEqualTo(want.keySet());
    want.forEach(
        (k, v) ->
            assertThat(have.get(k).toPrettyString())
                .as(regenerate + ": " + k)
                .isEqualTo(v.toPrettyString()));
  }

  @Test
  void theChartsCrdsAreTheTopLevelCrds() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("crds"))) {
      for (Path f : files.toList()) {
        assertThat(CHART.resolve("crds").resolve(f.getFileName())).hasSameTextualContentAs(f);
      }
    }
    Manifests.parse(
        Files.readString(Path.of("crds/gatewaydiagnoses.gatewaydoctor.io-v1.yml")), "crds/");
  }

  static Deployment deployment(List<HasMetadata> objects) {
    return first(objects, Deployment.class);
  }

  /** The first rendered object of this type. */
  static <T extends HasMetadata> T first(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }

  static List<PolicyRule> rules(List<HasMetadata> objects) {
    List<PolicyRule> out = new ArrayList<>();
    for (HasMetadata o : objects) {
      if (o instanceof ClusterRole cr) {
        out.addAll(cr.getRules());
      } else if (o instanceof Role r) {
        out.addAll(r.getRules());
      }
    }
    return out;
  }

  static boolean grants(List<PolicyRule> rules, String group, String resource, String verb) {
    return rules.stream()
        .anyMatch(
            r ->
                r.getApiGroups().contains(group)
                    && r.getResources().contains(resource)
                    && r.getVerbs().contains(verb));
  }
}
