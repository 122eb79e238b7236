package io.gatewaydoctor.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gatewaydoctor.gateway.IngressNginx;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.Gateways;
import io.gatewaydoctor.signals.GatewayEvidence;
import io.gatewaydoctor.signals.LineSplitter;
import io.gatewaydoctor.signals.LogFormat;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Live {@code analyze} reads the ingress-nginx controller pods' own logs (every running replica,
 * the window's worth, kubelet timestamps on) through the pods/log API, as the operator does, so the
 * per-pod attribution needs no {@code kubectl logs}. Bounded: at most {@link #MAX_PODS} pods and
 * {@link #MAX_BYTES} per pod; a pod whose log may not be read (RBAC) is named and skipped.
 */
final class LiveGatewayLogs {
  static final int MAX_PODS = 16;
  static final int MAX_BYTES = 32 * 1024 * 1024;

  private LiveGatewayLogs() {}

  /** The evidence, or {@link GatewayEvidence#NONE} when no controller pod's log could be read. */
  static GatewayEvidence read(
      KubernetesClient client,
      ClusterSnapshot snapshot,
      Instant now,
      Duration window,
      LogFormat format,
      List<String> controllerNamespaces,
      PrintWriter err) {
    List<Pod> pods = new ArrayList<>();
    for (Pod p : Gateways.controllerPods(snapshot, null)) {
      boolean running = p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
      // the snapshot holds only controller pods of the trusted namespaces (--controller-namespace)
      if (running && IngressNginx.INSTANCE.logContainer(p) != null && pods.size() < MAX_PODS) {
        pods.add(p);
      }
    }
    if (pods.isEmpty()) {
      return GatewayEvidence.NONE;
    }
    GatewayEvidence.Builder b = new GatewayEvidence.Builder(now, window).format(format);
    List<String> read = new ArrayList<>();
    for (Pod p : pods) {
      String ns = p.getMetadata().getNamespace();
      String name = p.getMetadata().getName();
      try (InputStream in =
          client
              .pods()
              .inNamespace(ns)
              .withName(name)
              .inContainer(IngressNginx.INSTANCE.logContainer(p))
              .usingTimestamps()
              .limitBytes(MAX_BYTES)
              .sinceSeconds((int) Math.max(1, window.toSeconds()))
              .getLogInputStream()) {
        LineSplitter.split(in, b::line);
        read.add(ns + "/" + name);
      } catch (KubernetesClientException e) {
        err.println(
            "gateway logs: cannot read the log of "
                + ns
                + "/"
                + name
                + " ("
                + (e.getCode() == 403 ? "forbidden: no get on pods/log" : "HTTP " + e.getCode())
                + "); --gateway-log FILE reads a saved one");
      } catch (java.io.IOException e) {
        err.println(
            "gateway logs: the log of "
                + ns
                + "/"
                + name
                + " broke off: "
                + e.getClass().getSimpleName());
      }
    }
    if (read.isEmpty()) {
      return GatewayEvidence.NONE;
    }
    err.println(
        "gateway logs: read the last "
            + Math.max(1, window.toMinutes())
            + " min of "
            + String.join(", ", read)
            + " (--no-gateway-logs skips this)");
    return b.build();
  }
}
