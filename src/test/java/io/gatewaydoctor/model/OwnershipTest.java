package io.gatewaydoctor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * #18 item 12: a Deployment's ReplicaSets are those whose ownerReference carries its uid; a
 * ReplicaSet left from a deleted Deployment of the same name, or one written by hand naming it, is
 * not its (its revisions would become the Deployment's rollouts and rollback targets).
 */
class OwnershipTest {
  static ReplicaSet rs(String name, String ownerUid) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withNamespace("shop")
        .withName(name)
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName("web")
        .withUid(ownerUid)
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .build();
  }

  @Test
  void aReplicaSetIsTheDeploymentsOnlyByItsUid() {
    HasMetadata web =
        new DeploymentBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName("web")
            .withUid("uid-now")
            .endMetadata()
            .build();
    List<HasMetadata> objects = List.of(web, rs("web-new", "uid-now"), rs("web-forged", "uid-old"));
    ClusterSnapshot c = ClusterSnapshot.of(objects, List.of("Deployment", "ReplicaSet"));
    assertThat(c.replicaSetsOf("shop", "web"))
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("web-new");
    // without the Deployment in the input, the name is all there is to go by
    ClusterSnapshot noDeployment =
        ClusterSnapshot.of(
            List.of(rs("web-new", "uid-now"), rs("web-forged", "uid-old")), List.of("ReplicaSet"));
    assertThat(noDeployment.replicaSetsOf("shop", "web")).hasSize(2);
    assertThat(Pods.ownedBy(rs("web-x", null), web))
        .as("a reference without uid: by name")
        .isTrue();
  }
}
