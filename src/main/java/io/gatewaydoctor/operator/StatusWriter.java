package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.model.Times;
import io.gatewaydoctor.report.StatusAggregator;
import java.time.Duration;
import java.time.Instant;

/**
 * Writes status by replacing the status subresource (optimistic locking on resourceVersion; a
 * conflict is retried by the SDK). Replace, not merge: a merge patch cannot shrink lists
 * everywhere.
 */
final class StatusWriter {
  private StatusWriter() {}

  /**
   * Write when anything but lastEvaluated changed, or the last write is older than the heartbeat.
   */
  static boolean due(
      GatewayDiagnosisStatus current,
      GatewayDiagnosisStatus next,
      Instant now,
      Duration heartbeat) {
    if (StatusAggregator.differs(current, next)) {
      return true;
    }
    Instant last = current == null ? null : Times.parse(current.lastEvaluated);
    return last == null || !last.plus(heartbeat).isAfter(now);
  }

  static void write(KubernetesClient client, GatewayDiagnosis gd, GatewayDiagnosisStatus status) {
    write(client, gd, status, null);
  }

  /**
   * As {@link #write}, at {@code resourceVersion} when the status was just written (a remediation's
   * record) since gd was read.
   */
  static void write(
      KubernetesClient client,
      GatewayDiagnosis gd,
      GatewayDiagnosisStatus status,
      String resourceVersion) {
    GatewayDiagnosis copy = new GatewayDiagnosis();
    copy.setMetadata(
        resourceVersion == null
            ? gd.getMetadata()
            : new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(gd.getMetadata())
                .withResourceVersion(resourceVersion)
                .build());
    copy.setSpec(gd.getSpec());
    copy.setStatus(status);
    client
        .resources(GatewayDiagnosis.class)
        .inNamespace(gd.getMetadata().getNamespace())
        .resource(copy)
        .updateStatus();
  }

  public static final String HEALTH_LABEL = "gatewaydoctor.io/health";
  public static final String ROOT_CAUSE_LABEL = "gatewaydoctor.io/root-cause";

  /**
   * Labels the diagnosis with its health and root cause when they changed, for {@code kubectl get
   * gd -l gatewaydoctor.io/health=Failing}: one merge patch of the metadata, only on a change.
   */
  static void labels(KubernetesClient client, GatewayDiagnosis gd, GatewayDiagnosisStatus status) {
    java.util.Map<String, String> now =
        gd.getMetadata().getLabels() == null ? java.util.Map.of() : gd.getMetadata().getLabels();
    String health = status.health == null ? "Unknown" : status.health;
    String cause = status.rootCause == null ? "None" : status.rootCause;
    if (health.equals(now.get(HEALTH_LABEL)) && cause.equals(now.get(ROOT_CAUSE_LABEL))) {
      return;
    }
    try {
      client
          .resources(GatewayDiagnosis.class)
          .inNamespace(gd.getMetadata().getNamespace())
          .withName(gd.getMetadata().getName())
          .patch(
              io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                  io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
              "{\"metadata\":{\"labels\":{\""
                  + HEALTH_LABEL
                  + "\":\""
                  + health
                  + "\",\""
                  + ROOT_CAUSE_LABEL
                  + "\":\""
                  + cause
                  + "\"}}}");
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      org.jboss.logging.Logger.getLogger(StatusWriter.class)
          .debugf(
              "labels of %s/%s not written: %s",
              gd.getMetadata().getNamespace(), gd.getMetadata().getName(), e.getMessage());
    }
  }
}
