package io.gatewaydoctor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.gatewaydoctor.model.NetworkPolicies.Admission;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Table of NetworkPolicy cases: a backend pod in shop (TCP 8443 named https, UDP 8443 named quic),
 * a gateway pod in ingress-nginx, and one policy each. UNKNOWN where the input cannot settle it: a
 * false "blocked" is the worst answer this check can give.
 */
class NetworkPoliciesTest {
  static final String BACKEND =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec:
        containers:
        - name: web
          image: web:1
          ports:
          - {name: quic, containerPort: 8443, protocol: UDP}
          - {name: https, containerPort: 8443, protocol: TCP}
      """;

  static Pod gateway(String extra) {
    return (Pod)
        ObjectLoader.parse(
                """
        apiVersion: v1
        kind: Pod
        metadata: {name: controller, namespace: ingress-nginx, labels: {app.kubernetes.io/name: ingress-nginx}}
        spec: {containers: [{name: c, image: x}]%s}
        status: {podIP: 10.0.1.5, podIPs: [{ip: 10.0.1.5}, {ip: 'fd00:10::5'}]}
        """
                    .formatted(extra),
                "gateway")
            .get(0);
  }

  static Admission admits(String ingressRules, Pod gw) {
    NetworkPolicy np =
        (NetworkPolicy)
            ObjectLoader.parse(
                    """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: p, namespace: shop}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
          ingress: %s
        """
                        .formatted(ingressRules),
                    "policy")
                .get(0);
    Pod backend = (Pod) ObjectLoader.parse(BACKEND, "backend").get(0);
    List<HasMetadata> objects = List.of(backend, np, gw);
    ClusterSnapshot cluster = ClusterSnapshot.of(objects, List.of("Pod", "NetworkPolicy"));
    return NetworkPolicies.admits(
        NetworkPolicies.isolating(cluster, backend),
        backend,
        8443,
        new NetworkPolicies.Source(gw, cluster.namespaceLabels("ingress-nginx")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      no rules at all                           | []                                                                                  | | DENIED
      one empty rule admits everyone            | [{}]                                                                                | | ALLOWED
      same namespace only                       | [{from: [{podSelector: {}}]}]                                                       | | DENIED
      the gateway's namespace by its name label | [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}]}] | | ALLOWED
      a namespace label not in the input        | [{from: [{namespaceSelector: {matchLabels: {team: platform}}}]}]                    | | UNKNOWN
      named port of the TCP containerPort       | [{ports: [{port: https}]}]                                                          | | ALLOWED
      named port of the UDP one only            | [{ports: [{port: quic}]}]                                                           | | DENIED
      a port range holding 8443                 | [{ports: [{port: 8000, endPort: 9000}]}]                                            | | ALLOWED
      IPv4 block holding the gateway            | [{from: [{ipBlock: {cidr: 10.0.0.0/16}}]}]                                          | | ALLOWED
      IPv4 block minus the gateway's subnet     | [{from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.1.0/24]}}]}]                   | | DENIED
      IPv6 block, dual-stack gateway            | [{from: [{ipBlock: {cidr: 'fd00:10::/64'}}]}]                                       | | ALLOWED
      host-network gateway and a pod-range block | [{from: [{ipBlock: {cidr: 10.244.0.0/16}}]}]                                       | , hostNetwork: true | UNKNOWN
      host-network gateway and a podSelector    | [{from: [{namespaceSelector: {}}]}]                                                 | , hostNetwork: true | UNKNOWN
      """)
  void admission(String name, String rules, String podSpecExtra, Admission expected) {
    assertThat(admits(rules, gateway(podSpecExtra == null ? "" : podSpecExtra)))
        .as(name)
        .isEqualTo(expected);
  }
}
