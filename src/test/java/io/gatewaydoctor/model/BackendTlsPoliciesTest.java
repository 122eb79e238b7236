package io.gatewaydoctor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which BackendTLSPolicy governs a Service port, and what can be said of its CA ConfigMaps: only
 * what was read (by name, or a dump that listed the namespace's ConfigMaps), never a guess.
 */
class BackendTlsPoliciesTest {
  static final io.fabric8.kubernetes.api.model.ServicePort HTTPS =
      new ServicePortBuilder().withName("https").withPort(443).build();

  static String policy(
      String version, String name, String created, String target, String section, String ca) {
    return """
        - apiVersion: gateway.networking.k8s.io/%s
          kind: BackendTLSPolicy
          metadata: {name: %s, namespace: shop, creationTimestamp: "%s"}
          spec:
            targetRefs: [{group: "", kind: Service, name: %s%s}]
            validation:
              hostname: %s.shop.svc
              caCertificateRefs: [{group: "", kind: ConfigMap, name: %s}]
        """
        .formatted(
            version,
            name,
            created,
            target,
            section == null ? "" : ", sectionName: " + section,
            name,
            ca);
  }

  static ClusterSnapshot snapshot(List<String> known, String... items) {
    String list =
        "apiVersion: v1\nkind: List\nitems:\n"
            + String.join("", items)
                .lines()
                .map(l -> "  " + l)
                .collect(java.util.stream.Collectors.joining("\n"));
    List<HasMetadata> objects = ObjectLoader.parse(list, "test");
    return ClusterSnapshot.of(objects, new ArrayList<>(known));
  }

  @Test
  void aPolicyNamingThePortWinsThenTheOldestThenTheName() {
    String whole = policy("v1", "whole", "2026-01-01T00:00:00Z", "web", null, "ca");
    String section = policy("v1", "section", "2026-06-01T00:00:00Z", "web", "https", "ca");
    String older = policy("v1alpha3", "older", "2025-01-01T00:00:00Z", "web", "https", "ca");
    String sameTimeB = policy("v1", "b", "2026-06-01T00:00:00Z", "api", null, "ca");
    String sameTimeA = policy("v1", "a", "2026-06-01T00:00:00Z", "api", null, "ca");
    String other = policy("v1", "other", "2020-01-01T00:00:00Z", "checkout", null, "ca");

    assertThat(of(snapshot(List.of(), whole, section), "web")).isEqualTo("shop/section");
    assertThat(of(snapshot(List.of(), whole, section, older), "web")).isEqualTo("shop/older");
    assertThat(of(snapshot(List.of(), whole), "web")).isEqualTo("shop/whole");
    assertThat(of(snapshot(List.of(), sameTimeB, sameTimeA), "api")).isEqualTo("shop/a");
    assertThat(of(snapshot(List.of(), other), "web")).isNull();
    // another port's sectionName does not apply
    assertThat(
            BackendTlsPolicies.of(
                snapshot(List.of(), policy("v1", "p", "2026-01-01T00:00:00Z", "web", "grpc", "ca")),
                "shop",
                "web",
                HTTPS))
        .isEmpty();
  }

  static String of(ClusterSnapshot c, String service) {
    return BackendTlsPolicies.of(c, "shop", service, HTTPS)
        .map(BackendTlsPolicies.Applied::policy)
        .orElse(null);
  }

  static String configMap(String ns, String name, String key, String value) {
    return """
        - apiVersion: v1
          kind: ConfigMap
          metadata: {name: %s, namespace: %s}
          data:
            %s: %s
        """
        .formatted(name, ns, key, value);
  }

  static List<String> problems(ClusterSnapshot c) {
    var a = BackendTlsPolicies.of(c, "shop", "web", HTTPS).orElseThrow();
    return BackendTlsPolicies.trust(c, a).problems();
  }

  @Test
  void aMissingCaIsSaidOnlyWhereItsAbsenceIsKnown() {
    String p = policy("v1", "web-tls", "2026-01-01T00:00:00Z", "web", null, "web-ca");
    // nothing read: unknown
    assertThat(problems(snapshot(List.of(), p)))
        .containsExactly("ConfigMap shop/web-ca was not read");
    // read by name and not there
    assertThat(
            problems(snapshot(List.of(ClusterSnapshot.lookedUp("ConfigMap", "shop", "web-ca")), p)))
        .containsExactly("ConfigMap shop/web-ca does not exist");
    // a dump with the namespace's ConfigMaps, web-ca not among them
    assertThat(problems(snapshot(List.of(), p, configMap("shop", "settings", "LOG", "info"))))
        .containsExactly("ConfigMap shop/web-ca does not exist");
    // another namespace's ConfigMap (the controller's) says nothing about shop's
    assertThat(problems(snapshot(List.of(), p, configMap("ingress-nginx", "ctl", "x", "y"))))
        .containsExactly("ConfigMap shop/web-ca was not read");
    // refused: unknown, whatever else was read
    assertThat(
            problems(
                snapshot(
                    List.of(ClusterSnapshot.unreadable("ConfigMap", "shop", "web-ca")),
                    p,
                    configMap("shop", "settings", "LOG", "info"))))
        .containsExactly("ConfigMap shop/web-ca was not read");
  }

  @Test
  void caTextThatIsNoCertificateIsAProblemOfThePolicy() {
    String p = policy("v1", "web-tls", "2026-01-01T00:00:00Z", "web", null, "web-ca");
    assertThat(problems(snapshot(List.of(), p, configMap("shop", "web-ca", "ca.crt", "hello"))))
        .containsExactly("ConfigMap shop/web-ca has no PEM certificate under ca.crt");
    assertThat(
            problems(
                snapshot(
                    List.of(),
                    p,
                    configMap(
                        "shop",
                        "web-ca",
                        "ca.crt",
                        "\"-----BEGIN CERTIFICATE-----\\nbm9wZQ==\\n-----END CERTIFICATE-----\\n\""))))
        .containsExactly(
            "ConfigMap shop/web-ca has a ca.crt that does not parse as PEM certificates");
  }

  @Test
  void aConfigMapNameNoObjectCanHaveIsNotEchoed() {
    String p = policy("v1", "web-tls", "2026-01-01T00:00:00Z", "web", null, "\"../../secrets/x\"");
    assertThat(problems(snapshot(List.of(), p)))
        .containsExactly("a ConfigMap in caCertificateRefs has a name no object can have");
  }
}
