package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.gatewaydoctor.analysis.Windows;
import io.gatewaydoctor.api.GatewayDiagnosis;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The index functions and decisions the operator's mappers are built from; all pure. */
class PureMappingTest {
  static Ingress ingress(Map<String, String> annotations) {
    return new IngressBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("shop")
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withNewDefaultBackend()
        .withNewService()
        .withName("fallback")
        .withNewPort()
        .withNumber(80)
        .endPort()
        .endService()
        .endDefaultBackend()
        .addNewRule()
        .withNewHttp()
        .addNewPath()
        .withPath("/")
        .withNewBackend()
        .withNewService()
        .withName("web")
        .withNewPort()
        .withName("http")
        .endPort()
        .endService()
        .endBackend()
        .endPath()
        .addNewPath()
        .withPath("/again")
        .withNewBackend()
        .withNewService()
        .withName("web")
        .withNewPort()
        .withNumber(80)
        .endPort()
        .endService()
        .endBackend()
        .endPath()
        .endHttp()
        .endRule()
        .endSpec()
        .build();
  }

  @Test
  void ingressIsIndexedByEachBackendServiceOnceAndByClass() {
    assertThat(Indexes.ingressServices(ingress(Map.of())))
        .containsExactly("shop/fallback", "shop/web");
    assertThat(Indexes.ingressClass(ingress(Map.of()))).containsExactly(Indexes.NO_CLASS);
  }

  @Test
  void servicesAndPodsMeetOnSelectorPairs() {
    var svc =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .withSelector(Map.of("tier", "front", "app", "web"))
            .endSpec()
            .build();
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("web-1")
            .withNamespace("shop")
            .withLabels(Map.of("app", "web", "tier", "front", "pod-template-hash", "abc"))
            .endMetadata()
            .build();
    assertThat(Indexes.serviceSelectorPairs(svc))
        .containsExactly("shop/app=web", "shop/tier=front");
    assertThat(Indexes.podLabelPairs(pod)).contains("shop/app=web", "shop/tier=front");
    assertThat(Indexes.firstPair("shop", svc.getSpec().getSelector())).isEqualTo("shop/app=web");
    var selectorless =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("ext")
            .withNamespace("shop")
            .endMetadata()
            .build();
    assertThat(Indexes.serviceSelectorPairs(selectorless)).isEmpty();
  }

  @ParameterizedTest(name = "ingress={0} namespace={1} -> optedOut={2}")
  @CsvSource({
    "'', '', false",
    "false, '', true",
    "FALSE, '', true",
    "'', false, true",
    "true, false, true",
    "yes, false, true",
    "false, true, true",
    "true, true, false"
  })
  void optOutTheNamespacesFalseIsFinal(String onIngress, String onNamespace, boolean optedOut) {
    Map<String, String> ia =
        onIngress.isEmpty() ? Map.of() : Map.of(GatewayDiagnosis.DIAGNOSE_ANNOTATION, onIngress);
    Map<String, String> na =
        onNamespace.isEmpty()
            ? Map.of()
            : Map.of(GatewayDiagnosis.DIAGNOSE_ANNOTATION, onNamespace);
    var ns =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName("shop")
            .withAnnotations(na)
            .endMetadata()
            .build();
    assertThat(IngressReconciler.optedOut(ingress(ia), ns)).isEqualTo(optedOut);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "10m, PT10M",
    "1h30m, PT1H30M",
    "90s, PT1M30S",
    "'', PT10M",
    "ten minutes, PT10M",
    "0m, PT10M",
    "48h, PT24H"
  })
  void windowParsing(String spec, String expected) {
    assertThat(Windows.parse(spec)).isEqualTo(Duration.parse(expected));
  }

  @org.junit.jupiter.api.Test
  void gatewayPodUpdatesPassOnlyWhenThePolicyCheckCouldChange() {
    io.fabric8.kubernetes.api.model.Pod gw =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName("c")
            .withNamespace("ingress-nginx")
            .addToLabels("app.kubernetes.io/name", "ingress-nginx")
            .addToLabels("app.kubernetes.io/component", "controller")
            .endMetadata()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("10.0.0.5")
            .endStatus()
            .build();
    io.fabric8.kubernetes.api.model.Pod readyFlip =
        new io.fabric8.kubernetes.api.model.PodBuilder(gw)
            .editStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus("False")
            .endCondition()
            .endStatus()
            .build();
    io.fabric8.kubernetes.api.model.Pod moved =
        new io.fabric8.kubernetes.api.model.PodBuilder(gw)
            .editStatus()
            .withPodIP("10.0.0.9")
            .endStatus()
            .build();
    org.assertj.core.api.Assertions.assertThat(Indexes.podUpdateMatters(readyFlip, gw)).isFalse();
    org.assertj.core.api.Assertions.assertThat(Indexes.podUpdateMatters(moved, gw)).isTrue();
    io.fabric8.kubernetes.api.model.Pod app =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("shop")
            .addToLabels("app", "web")
            .endMetadata()
            .build();
    org.assertj.core.api.Assertions.assertThat(Indexes.podUpdateMatters(app, app))
        .as("app pods always pass")
        .isTrue();
  }
}
