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
}
