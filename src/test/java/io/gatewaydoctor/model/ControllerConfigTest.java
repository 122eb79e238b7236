package io.gatewaydoctor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * #17: the ingress-nginx controller's global settings come from the ConfigMap its pods name with
 * {@code --configmap} (expanded as the kubelet expands {@code $(VAR)}), only from namespaces
 * trusted to run controllers, and per IngressClass when several installs run.
 */
public class ControllerConfigTest {
  /**
   * A running ingress-nginx controller pod with these arguments after the binary, its POD_NAMESPACE
   * from the downward API (as the official chart sets it) and CM=edge-settings.
   */
  public static Pod controller(String ns, String name, String... args) {
    List<String> all = new ArrayList<>(List.of("/nginx-ingress-controller"));
    all.addAll(List.of(args));
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("controller")
        .withArgs(all)
        .addNewEnv()
        .withName("POD_NAMESPACE")
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("metadata.namespace")
        .endFieldRef()
        .endValueFrom()
        .endEnv()
        .addNewEnv()
        .withName("CM")
        .withValue("edge-settings")
        .endEnv()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .endStatus()
        .build();
  }

  public static HasMetadata configMap(String ns, String name, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withData(data)
        .build();
  }

  static Ingress ingress(String cls) {
    return new IngressBuilder()
        .withNewMetadata()
        .withNamespace("shop")
        .withName("web")
        .endMetadata()
        .withNewSpec()
        .withIngressClassName(cls)
        .endSpec()
        .build();
  }

  static ControllerConfig of(Ingress ing, List<HasMetadata> objects, List<String> trusted) {
    List<HasMetadata> all = new ArrayList<>(objects);
    all.add(ing);
    ClusterSnapshot c = ClusterSnapshot.of(all, List.of("Pod", "ConfigMap"), trusted);
    return ControllerConfig.of(IngressTargets.of(ing, c), c);
  }

  static final List<String> TRUSTED = List.of("ingress-nginx", "edge");

  @Test
  void theConfigMapTheControllerPodsNameWithTheirNamespaceExpanded() {
    var c =
        of(
            ingress("nginx"),
            List.of(
                controller(
                    "ingress-nginx",
                    "c-1",
                    "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller"),
                configMap(
                    "ingress-nginx",
                    "ingress-nginx-controller",
                    Map.of("proxy-buffer-size", "16k"))),
            TRUSTED);
    assertThat(c.source()).isEqualTo("ingress-nginx/ingress-nginx-controller");
    assertThat(c.get("proxy-buffer-size")).isEqualTo("16k");
    assertThat(c.note()).isNull();
  }

  @Test
  void theFlagInItsOtherFormsAndVariablesThatCannotBeKnown() {
    assertThat(
            ControllerConfig.configMapRef(
                controller("edge", "c", "--configmap", "$(POD_NAMESPACE)/$(CM)")))
        .contains("edge/edge-settings");
    assertThat(ControllerConfig.configMapRef(controller("edge", "c", "--configmap=plain")))
        .as("no namespace: the pod's")
        .contains("edge/plain");
    assertThat(ControllerConfig.configMapRef(controller("edge", "c", "--configmap=$(SECRET)/x")))
        .as("a variable that is not in the pod spec")
        .isEmpty();
    assertThat(ControllerConfig.configMapRef(controller("edge", "c", "--configmap=../Bad Name")))
        .isEmpty();
    assertThat(ControllerConfig.configMapRef(controller("edge", "c"))).isEmpty();
    Pod slim = controller("edge", "c", "--configmap=$(POD_NAMESPACE)/settings");
    slim.getSpec().getContainers().get(0).setEnv(null);
    assertThat(ControllerConfig.configMapRef(slim))
        .as("a dump read without env: ingress-nginx's POD_NAMESPACE is its pod's")
        .contains("edge/settings");
  }

  @Test
  void aConfigMapOutsideTheTrustedNamespacesIsNotBelieved() {
    var c =
        of(
            ingress("nginx"),
            List.of(
                controller("ingress-nginx", "c-1", "--configmap=tenant/settings"),
                configMap("tenant", "settings", Map.of("proxy-read-timeout", "1"))),
            TRUSTED);
    assertThat(c.data()).isEmpty();
    assertThat(c.note()).contains("tenant/settings is not in a namespace trusted");
    var lookalike =
        of(
            ingress("nginx"),
            List.of(
                controller("tenant", "fake", "--configmap=tenant/settings"),
                configMap("tenant", "settings", Map.of("proxy-read-timeout", "1"))),
            TRUSTED);
    assertThat(lookalike)
        .as("a pod that only looks like the controller names nothing")
        .isEqualTo(ControllerConfig.NONE);
  }

  @Test
  void eachIngressClassGetsItsOwnInstallsConfigMap() {
    List<HasMetadata> two =
        List.of(
            controller("ingress-nginx", "public", "--configmap=ingress-nginx/public"),
            controller("edge", "internal", "--ingress-class=internal", "--configmap=edge/internal"),
            configMap("ingress-nginx", "public", Map.of("proxy-read-timeout", "30")),
            configMap("edge", "internal", Map.of("proxy-read-timeout", "5")));
    assertThat(of(ingress("nginx"), two, TRUSTED).get("proxy-read-timeout")).isEqualTo("30");
    assertThat(of(ingress("internal"), two, TRUSTED).get("proxy-read-timeout")).isEqualTo("5");
    assertThat(of(ingress("other"), two, TRUSTED))
        .as("no install serves the class: neither")
        .isEqualTo(ControllerConfig.NONE);
    List<HasMetadata> same =
        List.of(
            controller("ingress-nginx", "a", "--configmap=ingress-nginx/a"),
            controller("edge", "b", "--configmap=edge/b"),
            configMap("ingress-nginx", "a", Map.of("proxy-read-timeout", "30")),
            configMap("edge", "b", Map.of("proxy-read-timeout", "5")));
    var ambiguous = of(ingress("nginx"), same, TRUSTED);
    assertThat(ambiguous.data()).as("two installs claim the same class: neither").isEmpty();
    assertThat(ambiguous.note()).contains("2 ConfigMaps (edge/b, ingress-nginx/a)");
    List<HasMetadata> byController =
        List.of(
            new io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder()
                .withNewMetadata()
                .withName("nginx")
                .endMetadata()
                .withNewSpec()
                .withController("k8s.io/ingress-nginx")
                .endSpec()
                .build(),
            controller("ingress-nginx", "a", "--configmap=ingress-nginx/a"),
            controller(
                "edge",
                "b",
                "--controller-class=k8s.io/internal-ingress-nginx",
                "--configmap=edge/b"),
            configMap("ingress-nginx", "a", Map.of("proxy-read-timeout", "30")),
            configMap("edge", "b", Map.of("proxy-read-timeout", "5")));
    assertThat(of(ingress("nginx"), byController, TRUSTED).get("proxy-read-timeout"))
        .as("the install whose --controller-class is the IngressClass's controller")
        .isEqualTo("30");
  }

  @Test
  void noControllerNoConfigMapOrAnotherControllerMeansTheDefaults() {
    assertThat(of(ingress("nginx"), List.of(), TRUSTED)).isEqualTo(ControllerConfig.NONE);
    assertThat(of(ingress("nginx"), List.of(controller("ingress-nginx", "c")), TRUSTED))
        .isEqualTo(ControllerConfig.NONE);
    var missing =
        of(
            ingress("nginx"),
            List.of(controller("ingress-nginx", "c", "--configmap=ingress-nginx/gone")),
            TRUSTED);
    assertThat(missing.data()).isEmpty();
    assertThat(missing.note()).contains("ingress-nginx/gone", "not found");
    var traefik =
        new io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder()
            .withNewMetadata()
            .withName("traefik")
            .endMetadata()
            .withNewSpec()
            .withController("traefik.io/ingress-controller")
            .endSpec()
            .build();
    assertThat(
            of(
                ingress("traefik"),
                List.of(
                    traefik,
                    controller("ingress-nginx", "c", "--configmap=ingress-nginx/x"),
                    configMap("ingress-nginx", "x", Map.of("proxy-read-timeout", "5"))),
                TRUSTED))
        .isEqualTo(ControllerConfig.NONE);
  }
}
