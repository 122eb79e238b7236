package io.gatewaydoctor.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.gatewaydoctor.model.ChainResolver;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.ObjectLoader;
import io.gatewaydoctor.model.ResolvedBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a tenant's objects can make the prober reach (DESIGN section 10): only addresses that are
 * provably pods of the referenced Service, a CIDR the operator allows, and never link-local or
 * cloud metadata addresses. Pure: no address here is ever connected to.
 */
class ProbeScopeTest {
  static ResolvedBackend
      web; // Service shop/web selecting web-6d4b7c9f8-aaaaa (127.0.0.11) and -bbbbb (127.0.0.12)

  @BeforeAll
  static void chain() throws Exception {
    Path f = Path.of("src/test/resources/scenarios/healthy-basic/in-cluster.yaml");
    ClusterSnapshot s =
        ClusterSnapshot.of(ObjectLoader.parse(Files.readString(f), f.toString()), List.of());
    web = ChainResolver.resolve(s.ingress("shop", "web").orElseThrow(), s).backends().get(0);
  }

  static EndpointSlice slice(String addressType, String managedBy) {
    var b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName("web-x")
            .withNamespace("shop")
            .addToLabels("kubernetes.io/service-name", "web");
    if (managedBy != null) {
      b.addToLabels(ProbeScope.MANAGED_BY, managedBy);
    }
    return b.endMetadata().withAddressType(addressType).build();
  }

  static String refusal(
      ProbeScope scope,
      String type,
      String managedBy,
      String ip,
      String kind,
      String ns,
      String pod) {
    return scope.refusal(web, slice(type, managedBy), ip, kind, ns, pod);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "the controller's slice, the pod's own IP | IPv4 | endpointslice-controller.k8s.io | 127.0.0.11 | Pod | shop | web-6d4b7c9f8-aaaaa | -",
        "no namespace on the targetRef           | IPv4 | endpointslice-controller.k8s.io | 127.0.0.12 | Pod | -    | web-6d4b7c9f8-bbbbb | -",
        "an FQDN slice                           | FQDN | endpointslice-controller.k8s.io | 127.0.0.11 | Pod | shop | web-6d4b7c9f8-aaaaa | an EndpointSlice of addressType FQDN",
        "a hand-made slice                       | IPv4 | -                               | 127.0.0.11 | Pod | shop | web-6d4b7c9f8-aaaaa | an EndpointSlice the EndpointSlice controller does not manage",
        "a mirrored Endpoints slice              | IPv4 | endpointslicemirroring-controller.k8s.io | 127.0.0.11 | Pod | shop | web-6d4b7c9f8-aaaaa | an EndpointSlice the EndpointSlice controller does not manage",
        "a forged label, another pod's address   | IPv4 | endpointslice-controller.k8s.io | 127.0.0.12 | Pod | shop | web-6d4b7c9f8-aaaaa | an address that is not an IP of its Pod",
        "a forged label, any address             | IPv4 | endpointslice-controller.k8s.io | 10.0.0.1   | Pod | shop | web-6d4b7c9f8-aaaaa | an address that is not an IP of its Pod",
        "a pod of another namespace              | IPv4 | endpointslice-controller.k8s.io | 127.0.0.11 | Pod | kube-system | web-6d4b7c9f8-aaaaa | an endpoint whose Pod is in another namespace",
        "a pod the Service does not select       | IPv4 | endpointslice-controller.k8s.io | 127.0.0.11 | Pod | shop | other-pod | an endpoint whose Pod the Service does not select",
        "a Node as targetRef                     | IPv4 | endpointslice-controller.k8s.io | 127.0.0.11 | Node | -   | node-1 | an endpoint without a Pod targetRef",
        "no targetRef                            | IPv4 | endpointslice-controller.k8s.io | 127.0.0.11 | -    | -   | -      | an endpoint without a Pod targetRef",
        "cloud metadata                          | IPv4 | endpointslice-controller.k8s.io | 169.254.169.254 | Pod | shop | web-6d4b7c9f8-aaaaa | a link-local or cloud metadata address: never probed",
        "cloud metadata, IPv4-mapped IPv6        | IPv6 | endpointslice-controller.k8s.io | ::ffff:169.254.169.254 | Pod | shop | web-6d4b7c9f8-aaaaa | a link-local or cloud metadata address: never probed",
        "IPv6 link-local                         | IPv6 | endpointslice-controller.k8s.io | fe80::1 | Pod | shop | web-6d4b7c9f8-aaaaa | a link-local or cloud metadata address: never probed",
        "AWS IPv6 metadata                       | IPv6 | endpointslice-controller.k8s.io | fd00:ec2::254 | Pod | shop | web-6d4b7c9f8-aaaaa | a link-local or cloud metadata address: never probed",
        "Alibaba metadata                        | IPv4 | endpointslice-controller.k8s.io | 100.100.100.200 | Pod | shop | web-6d4b7c9f8-aaaaa | a link-local or cloud metadata address: never probed",
        "a name, not an address                  | IPv4 | endpointslice-controller.k8s.io | metadata.google.internal | Pod | shop | web-6d4b7c9f8-aaaaa | not an IP address"
      })
  void onlyProvablePodsOfTheServiceAreProbed(
      String name,
      String type,
      String managedBy,
      String ip,
      String kind,
      String ns,
      String pod,
      String expected) {
    String got = refusal(ProbeScope.PODS_ONLY, type, managedBy, ip, kind, ns, pod);
    if (expected == null) {
      assertThat(got).as(name).isNull();
    } else {
      assertThat(got).as(name).startsWith(expected);
    }
  }

  /** The same chain with its first pod changed. */
  static ResolvedBackend withPod(
      java.util.function.Consumer<io.fabric8.kubernetes.api.model.Pod> change) throws Exception {
    Path f = Path.of("src/test/resources/scenarios/healthy-basic/in-cluster.yaml");
    var objects = ObjectLoader.parse(Files.readString(f), f.toString());
    objects.stream()
        .filter(
            o ->
                o instanceof io.fabric8.kubernetes.api.model.Pod
                    && o.getMetadata().getName().endsWith("aaaaa"))
        .forEach(o -> change.accept((io.fabric8.kubernetes.api.model.Pod) o));
    ClusterSnapshot s = ClusterSnapshot.of(objects, List.of());
    return ChainResolver.resolve(s.ingress("shop", "web").orElseThrow(), s).backends().get(0);
  }

  /**
   * A finished pod's IP may already be another tenant's pod's; a host-network pod's IP is the
   * node's (kubelet, etcd): neither is probed however the slice reads.
   */
  @Test
  void finishedAndHostNetworkPodsAreNotProbed() throws Exception {
    EndpointSlice legit = slice("IPv4", ProbeScope.CONTROLLER);
    var done = withPod(p -> p.getStatus().setPhase("Succeeded"));
    assertThat(
            ProbeScope.PODS_ONLY.refusal(
                done, legit, "127.0.0.11", "Pod", "shop", "web-6d4b7c9f8-aaaaa"))
        .startsWith("an endpoint whose Pod is not running");
    var host = withPod(p -> p.getSpec().setHostNetwork(true));
    assertThat(
            ProbeScope.PODS_ONLY.refusal(
                host, legit, "127.0.0.11", "Pod", "shop", "web-6d4b7c9f8-aaaaa"))
        .startsWith("an endpoint whose Pod uses the node's network");
    var nodeIp = withPod(p -> p.getStatus().setHostIP("127.0.0.11"));
    assertThat(
            ProbeScope.PODS_ONLY.refusal(
                nodeIp, legit, "127.0.0.11", "Pod", "shop", "web-6d4b7c9f8-aaaaa"))
        .startsWith("an endpoint whose Pod uses the node's network");
  }

  /** IPv6 forms that carry a denied IPv4 address are denied too, whatever the allowed CIDRs. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "::a9fe:a9fe",
    "64:ff9b::a9fe:a9fe",
    "2002:a9fe:a9fe::1",
    "::ffff:a9fe:a9fe",
    "fd20:ce::254",
    "::",
    "0.0.0.0",
    "168.63.129.16"
  })
  void ipv6FormsOfMetadataAndThisHostAreNeverProbed(String ip) {
    assertThat(
            refusal(
                ProbeScope.of(List.of("0.0.0.0/0", "::/0")), "IPv6", null, ip, null, null, null))
        .contains("never probed");
  }

  /**
   * An address an allowed CIDR admits, but whose targetRef names a pod that does not own it, is
   * probed without that pod's readiness path or ports (they are the pod's, not the address's).
   */
  @Test
  void anAddressTheCidrAdmitsDoesNotBorrowAPodsPath() {
    ProbeScope scope = ProbeScope.of(List.of("10.0.0.0/8"));
    EndpointSlice legit = slice("IPv4", ProbeScope.CONTROLLER);
    assertThat(scope.refusal(web, legit, "10.9.9.9", "Pod", "shop", "web-6d4b7c9f8-aaaaa"))
        .isNull();
    assertThat(scope.provenByPod(web, legit, "10.9.9.9", "Pod", "shop", "web-6d4b7c9f8-aaaaa"))
        .isFalse();
    assertThat(scope.provenByPod(web, legit, "127.0.0.11", "Pod", "shop", "web-6d4b7c9f8-aaaaa"))
        .isTrue();
  }

  @Test
  void anAllowedCidrAdmitsWhatIsNotAPodButNeverMetadata() {
    ProbeScope scope = ProbeScope.of(List.of("10.0.0.0/8", "0.0.0.0/0", "::/0"));
    assertThat(refusal(scope, "IPv4", null, "10.1.2.3", null, null, null)).isNull();
    assertThat(
            refusal(
                ProbeScope.of(List.of("10.0.0.0/8")), "IPv4", null, "11.1.2.3", null, null, null))
        .endsWith("not probed (probe.allowed-cidrs names no CIDR of it)");
    assertThat(refusal(scope, "IPv4", null, "169.254.169.254", null, null, null))
        .contains("never probed");
    assertThat(refusal(scope, "IPv6", null, "fe80::1", null, null, null)).contains("never probed");
    assertThat(refusal(scope, "IPv4", null, "100.100.100.200", null, null, null))
        .contains("never probed");
    assertThatThrownBy(() -> ProbeScope.of(List.of("10.0.0.0/33")))
        .hasMessageContaining("prefix length");
    assertThatThrownBy(() -> ProbeScope.of(List.of("example.com/8")))
        .hasMessageContaining("not a CIDR");
    assertThatThrownBy(() -> ProbeScope.of(List.of("10.0.0.0/x")))
        .hasMessageContaining("not a CIDR");
  }
}
