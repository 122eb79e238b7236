package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * #23: the pods informer keeps slim pods: what no verdict reads goes (env, mounts, volumes, the
 * managedFields blobs), what every check reads stays (labels, annotations, ports, probes, status,
 * the managers and times of managedFields), and the gateway's own pods keep their env.
 */
class SlimPodsTest {
  static FieldsV1 fields() {
    FieldsV1 f = new FieldsV1();
    f.setAdditionalProperty("f:status", Map.of());
    return f;
  }

  static Pod pod(String ns) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web-0")
        .withNamespace(ns)
        .addToLabels("app", "web")
        .addToAnnotations("note", "kept")
        .addNewManagedField()
        .withManager("kubelet")
        .withOperation("Update")
        .withTime("2026-12-01T09:00:00Z")
        .withFieldsV1(fields())
        .endManagedField()
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("web")
        .withArgs("--namespace=$(POD_NAMESPACE)")
        .addNewEnv()
        .withName("DB_PASSWORD")
        .withValue("hunter2")
        .endEnv()
        .addNewEnvFrom()
        .withNewConfigMapRef()
        .withName("settings")
        .endConfigMapRef()
        .endEnvFrom()
        .addNewVolumeMount()
        .withName("data")
        .withMountPath("/data")
        .endVolumeMount()
        .addNewPort()
        .withName("http")
        .withContainerPort(8080)
        .endPort()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/healthz")
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .endReadinessProbe()
        .endContainer()
        .addNewVolume()
        .withName("data")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .withNewStatus()
        .withPodIP("10.0.0.7")
        .endStatus()
        .build();
  }

  @Test
  void anAppPodLosesOnlyWhatNoCheckReads() {
    Pod before = pod("shop");
    Pod slim = SlimPods.slim(Serialization.clone(before), ns -> ns.equals("ingress-nginx"));
    var c = slim.getSpec().getContainers().get(0);
    assertThat(c.getEnv()).isNullOrEmpty();
    assertThat(c.getEnvFrom()).isNullOrEmpty();
    assertThat(c.getVolumeMounts()).isNullOrEmpty();
    assertThat(slim.getSpec().getVolumes()).isNullOrEmpty();
    assertThat(slim.getMetadata().getManagedFields().get(0).getFieldsV1()).isNull();
    assertThat(Serialization.asJson(slim)).doesNotContain("hunter2");
    // what the checks read is untouched
    assertThat(slim.getMetadata().getManagedFields().get(0).getManager()).isEqualTo("kubelet");
    assertThat(slim.getMetadata().getManagedFields().get(0).getTime())
        .isEqualTo("2026-12-01T09:00:00Z");
    assertThat(slim.getMetadata().getLabels()).isEqualTo(before.getMetadata().getLabels());
    assertThat(slim.getMetadata().getAnnotations())
        .isEqualTo(before.getMetadata().getAnnotations());
    assertThat(c.getPorts()).isEqualTo(before.getSpec().getContainers().get(0).getPorts());
    assertThat(c.getReadinessProbe())
        .isEqualTo(before.getSpec().getContainers().get(0).getReadinessProbe());
    assertThat(c.getArgs()).isEqualTo(before.getSpec().getContainers().get(0).getArgs());
    assertThat(slim.getStatus()).isEqualTo(before.getStatus());
    assertThat(Serialization.asJson(slim).length())
        .isLessThan(Serialization.asJson(before).length());
  }

  @Test
  void theGatewaysPodsKeepTheirEnv() {
    Pod slim = SlimPods.slim(pod("ingress-nginx"), ns -> ns.equals("ingress-nginx"));
    assertThat(slim.getSpec().getContainers().get(0).getEnv())
        .extracting(e -> e.getName())
        .containsExactly("DB_PASSWORD");
    assertThat(slim.getSpec().getVolumes()).isNullOrEmpty();
  }

  @Test
  void theStoreSlimsWhatItHolds() {
    SlimPods store = new SlimPods(ns -> false);
    Pod p = pod("shop");
    store.put(store.getKey(p), p);
    assertThat(store.get("shop/web-0").getSpec().getContainers().get(0).getEnv()).isNullOrEmpty();
    assertThat(store.size()).isEqualTo(1);
  }
}
