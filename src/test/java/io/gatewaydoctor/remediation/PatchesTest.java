package io.gatewaydoctor.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.gatewaydoctor.api.FindingRemediation;
import org.junit.jupiter.api.Test;

/**
 * The exact patches: what they change, and the resourceVersion each carries so a stale verdict is
 * refused.
 */
class PatchesTest {
  static final FindingRemediation FIX = new FindingRemediation("x", "d", true);

  @Test
  void targetPortTestsThePortAndVersionAndReplacesOnlyItsTargetPort() {
    var svc =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("shop")
            .withResourceVersion("41")
            .endMetadata()
            .withNewSpec()
            .addNewPort()
            .withName("metrics")
            .withPort(9090)
            .endPort()
            .addNewPort()
            .withName("http")
            .withPort(80)
            .withTargetPort(new IntOrString(9999))
            .endPort()
            .endSpec()
            .build();
    var r = Patches.targetPort(FIX, svc, svc.getSpec().getPorts().get(1), new IntOrString("http"));
    assertThat(r.patchType).isEqualTo("json");
    assertThat(r.target.toString()).isEqualTo("Service shop/web");
    assertThat(r.targetResourceVersion).isEqualTo("41");
    assertThat(r.patch)
        .isEqualTo(
            "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"41\"},"
                + "{\"op\":\"test\",\"path\":\"/spec/ports/1/port\",\"value\":80},"
                + "{\"op\":\"test\",\"path\":\"/spec/ports/1/name\",\"value\":\"http\"},"
                + "{\"op\":\"replace\",\"path\":\"/spec/ports/1/targetPort\",\"value\":\"http\"}]");
    var other = new io.fabric8.kubernetes.api.model.ServicePortBuilder().withPort(443).build();
    assertThat(Patches.targetPort(FIX, svc, other, new IntOrString(8443)).automatic)
        .as("no such port: nothing to patch")
        .isFalse();
    // the same number over UDP and TCP: the TCP entry is the one patched
    var dns =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("dns")
            .withNamespace("kube")
            .endMetadata()
            .withNewSpec()
            .addNewPort()
            .withName("dns")
            .withPort(53)
            .withProtocol("UDP")
            .endPort()
            .addNewPort()
            .withName("dns-tcp")
            .withPort(53)
            .withProtocol("TCP")
            .endPort()
            .endSpec()
            .build();
    assertThat(
            Patches.targetPort(FIX, dns, dns.getSpec().getPorts().get(1), new IntOrString(5353))
                .patch)
        .contains("/spec/ports/1/targetPort")
        .doesNotContain("/spec/ports/0/");
  }

  @Test
  void annotationIsAMergePatchWithTheVersion() {
    var ing =
        new IngressBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("shop")
            .withResourceVersion("7")
            .endMetadata()
            .build();
    var r = Patches.annotation(FIX, ing, "nginx.ingress.kubernetes.io/backend-protocol", "HTTPS");
    assertThat(r.patchType).isEqualTo("merge");
    assertThat(r.patch)
        .isEqualTo(
            "{\"metadata\":{\"resourceVersion\":\"7\",\"annotations\":"
                + "{\"nginx.ingress.kubernetes.io/backend-protocol\":\"HTTPS\"}}}");
  }

  @Test
  void rollbackReplacesTheTemplateWithThePreviousOneWithoutItsHashLabel() {
    var d =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("shop")
            .withResourceVersion("9")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewSpec()
            .addNewContainer()
            .withName("web")
            .withImage("web:2")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    var rs =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName("web-abc")
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "web")
            .addToLabels("pod-template-hash", "abc")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("web")
            .withImage("web:1")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    var r = Patches.rollback(FIX, d, rs);
    assertThat(r.patchType).isEqualTo("json");
    assertThat(r.source.toString()).isEqualTo("ReplicaSet shop/web-abc");
    assertThat(r.patch)
        .startsWith(
            "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"9\"},"
                + "{\"op\":\"replace\",\"path\":\"/spec/template\",\"value\":{\"metadata\":{\"labels\":{\"app\":\"web\"}}")
        .contains("\"image\":\"web:1\"")
        .doesNotContain("pod-template-hash", "web:2");
    assertThat(rs.getSpec().getTemplate().getMetadata().getLabels())
        .as("the ReplicaSet is left as it is")
        .containsKey("pod-template-hash");
  }

  @Test
  void restartPodIsADelete() {
    var r =
        Patches.deletePod(
            FIX,
            new PodBuilder()
                .withNewMetadata()
                .withName("web-1")
                .withNamespace("shop")
                .withUid("u-1")
                .endMetadata()
                .build());
    assertThat(r.patchType).isEqualTo("delete");
    assertThat(r.targetUid).as("the eviction's precondition").isEqualTo("u-1");
    assertThat(r.patch).isNull();
    assertThat(r.target.toString()).isEqualTo("Pod shop/web-1");
  }
}
