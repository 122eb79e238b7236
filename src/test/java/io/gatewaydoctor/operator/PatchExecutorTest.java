package io.gatewaydoctor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

/**
 * A 403 to a dry-run is taken for missing write rights only when RBAC says so: an admission
 * webhook, a quota or a namespace being deleted also answer 403, and those are failures.
 */
class PatchExecutorTest {
  static KubernetesClientException forbidden(String message) {
    return new KubernetesClientException(
        new StatusBuilder().withCode(403).withMessage(message).withReason("Forbidden").build());
  }

  @Test
  void onlyRbacsRefusalIsMissingRights() {
    assertThat(
            PatchExecutor.rbacDenied(
                forbidden(
                    "services \"web\" is forbidden: User \"system:serviceaccount:gd:gd\" cannot patch"
                        + " resource \"services\" in API group \"\" in the namespace \"shop\"")))
        .isTrue();
    assertThat(
            PatchExecutor.rbacDenied(
                forbidden(
                    "admission webhook \"validation.gatekeeper.sh\" denied the request: [no-patch]")))
        .isFalse();
    assertThat(
            PatchExecutor.rbacDenied(
                forbidden(
                    "services \"web\" is forbidden: unable to create new content in namespace shop because it is being terminated")))
        .isFalse();
    assertThat(
            PatchExecutor.rbacDenied(
                forbidden("pods \"x\" is forbidden: exceeded quota: compute-resources")))
        .isFalse();
  }
}
