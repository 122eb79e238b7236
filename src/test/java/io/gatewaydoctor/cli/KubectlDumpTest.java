package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code analyze} on a dump written the way {@code kubectl get
 * ingress,ingressclass,svc,endpointslices,pods,deploy,rs,networkpolicy,events -A -o yaml} prints it
 * (managedFields, status, ownerReferences, Events; no Namespace objects), unchanged. See
 * src/test/resources/dumps/kubectl-all/README.md for the story of each Ingress.
 */
class KubectlDumpTest {
  static final String DUMP = "src/test/resources/dumps/kubectl-all/cluster.yaml";

  @Test
  void everyIngressGetsTheVerdictItsStoryCallsFor() {
    var r = AnalyzeCommandTest.run("-f", DUMP, "-o", "json");
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    // this dump, like the old recipe, has no Namespace objects: said once, nothing else
    assertThat(r.err())
        .isEqualTo(
            "warning: 2 namespaces of the Ingresses not in the input: their gatewaydoctor.io/diagnose and"
                + " remediation annotations are not seen (dump namespaces too)\n");
    List<String> got = new ArrayList<>();
    for (JsonNode gd : r.json().get("items")) {
      JsonNode s = gd.get("status");
      String culprit =
          s.get("findings").findParents("code").stream()
              .filter(f -> f.get("code").asText().equals(s.get("rootCause").asText()))
              .map(
                  f ->
                      f.at("/resource/kind").asText()
                          + " "
                          + f.at("/resource/namespace").asText()
                          + "/"
                          + f.at("/resource/name").asText())
              .findFirst()
              .orElse("-");
      got.add(
          gd.at("/metadata/namespace").asText()
              + "/"
              + gd.at("/metadata/name").asText()
              + " "
              + s.get("health").asText()
              + " "
              + s.get("rootCause").asText()
              + " "
              + culprit
              + " "
              + s.get("findings").findValuesAsText("code"));
    }
    assertThat(got)
        .containsExactly(
            "payments/ledger Healthy None - []",
            "payments/payments-api Failing NetworkPolicyBlocked NetworkPolicy payments/allow-same-namespace [NetworkPolicyBlocked]",
            "shop/cart Failing BackendCrashLooping Deployment shop/cart [BackendCrashLooping, NoReadyEndpoints]",
            "shop/checkout Failing TargetPortMismatch Service shop/checkout [TargetPortMismatch]",
            "shop/reports Healthy None - [SingleReplica, NoPreStopHook]",
            "shop/storefront Healthy None - []");
  }

  @Test
  void theEvaluationInstantIsWhenTheDumpWasTaken() {
    var r = AnalyzeCommandTest.run("-f", DUMP, "-o", "json", "--target", "ingress/shop/cart");
    assertThat(r.json().at("/items/0/status/lastEvaluated").asText())
        .isEqualTo("2026-12-01T11:58:30Z");
  }

  @Test
  void explainNamesTheFieldAndTheFix() {
    var r = AnalyzeCommandTest.run("-f", DUMP, "--target", "ingress/shop/checkout", "--explain");
    assertThat(r.out())
        .contains(
            "Service shop/checkout port 80 (http) → targetPort 8081",
            "EndpointSlices publish 8081",
            "pods declare http:8080",
            "fix: Set targetPort of Service shop/checkout port 80 to 'http'");
    var np =
        AnalyzeCommandTest.run(
            "-f", DUMP, "--target", "ingress/payments/payments-api", "--explain");
    assertThat(np.out())
        .contains(
            "network policies isolating the pods: allow-same-namespace",
            "kubernetes.io/metadata.name: ingress-nginx");
  }
}
