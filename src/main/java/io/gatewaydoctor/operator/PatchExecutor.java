package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.remediation.Patches;
import io.gatewaydoctor.remediation.Plan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The I/O of remediation: a plan's exact patch or eviction sent to the API server (or as a dry
 * run), and the history written to the diagnosis's status before a change is made. What to send and
 * whether it may be sent is decided elsewhere ({@link Remediator}, {@code remediation.Guard},
 * {@code remediation.Slots}).
 */
@ApplicationScoped
public class PatchExecutor {
  @Inject KubernetesClient client;

  /** A change the API server turned down for a reason that is no error (a PodDisruptionBudget). */
  static final class Refused extends RuntimeException {
    Refused(String m) {
      super(m);
    }
  }

  /** Refusals that prove nothing changed: a conflict, a failed JSON-patch test, the object gone. */
  static boolean notApplied(KubernetesClientException e) {
    return e.getCode() == 409
        || e.getCode() == 404
        || e.getCode() == 422 && String.valueOf(e.getMessage()).contains("test");
  }

  /**
   * Trouble of the moment (the network, throttling, the API server): try again next round, record
   * nothing.
   */
  static boolean transientError(KubernetesClientException e) {
    return e.getCode() == 0 || e.getCode() == 429 || e.getCode() >= 500;
  }

  static String message(KubernetesClientException e) {
    String m =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    return m == null ? "HTTP " + e.getCode() : m.length() > 300 ? m.substring(0, 300) + "…" : m;
  }

  /**
   * The history with the Applied record, written to the status before the change is made; returns
   * the diagnosis's new version.
   */
  String persist(GatewayDiagnosis gd, List<RemediationRecord> records) {
    GatewayDiagnosis out =
        client
            .resources(GatewayDiagnosis.class)
            .inNamespace(gd.getMetadata().getNamespace())
            .withName(gd.getMetadata().getName())
            .editStatus(
                g -> {
                  if (!Objects.equals(
                      g.getMetadata().getResourceVersion(),
                      gd.getMetadata().getResourceVersion())) {
                    // the status moved since this verdict's copy: the later full write must not
                    // replace it blindly
                    throw new IllegalStateException("the diagnosis changed since it was read");
                  }
                  if (g.getStatus() == null) {
                    g.setStatus(new GatewayDiagnosisStatus());
                  }
                  g.getStatus().remediations = new ArrayList<>(records);
                  return g;
                });
    return out.getMetadata().getResourceVersion();
  }

  void send(Plan plan, String uid, boolean dryRun) {
    if (Patches.DELETE.equals(plan.patchType())) {
      var options =
          new io.fabric8.kubernetes.api.model.DeleteOptionsBuilder()
              .withDryRun(dryRun ? List.of("All") : null)
              .withNewPreconditions()
              .withUid(uid)
              .endPreconditions()
              .build();
      var b =
          new EvictionBuilder()
              .withNewMetadata()
              .withName(plan.object().name)
              .withNamespace(plan.object().namespace)
              .endMetadata()
              .withDeleteOptions(options);
      if (!client
          .pods()
          .inNamespace(plan.object().namespace)
          .withName(plan.object().name)
          .evict(b.build())) {
        throw new Refused(
            "the eviction of "
                + plan.objectKey()
                + " is not allowed now (429: a PodDisruptionBudget, or the API"
                + " server's rate limit)");
      }
      return;
    }
    Resource<? extends HasMetadata> res = resource(plan.object());
    PatchContext ctx =
        new PatchContext.Builder()
            .withPatchType(
                Patches.JSON.equals(plan.patchType()) ? PatchType.JSON : PatchType.JSON_MERGE)
            .build();
    (dryRun ? res.dryRun() : res).patch(ctx, plan.patch());
  }

  private Resource<? extends HasMetadata> resource(ResourceRef o) {
    return switch (o.kind) {
      case "Pod" -> client.pods().inNamespace(o.namespace).withName(o.name);
      case "Service" -> client.services().inNamespace(o.namespace).withName(o.name);
      case "Deployment" -> client.apps().deployments().inNamespace(o.namespace).withName(o.name);
      case "Ingress" -> client.network().v1().ingresses().inNamespace(o.namespace).withName(o.name);
      default -> throw new KubernetesClientException("no remediation acts on a " + o.kind);
    };
  }

  /** The object a plan changes, as the API server has it now; null when gone. */
  HasMetadata read(ResourceRef o) {
    return resource(o).get();
  }

  /**
   * Whether a 403 is RBAC's (the ServiceAccount may not write here: "... is forbidden: User ...
   * cannot patch resource ..."), not an admission webhook's, a quota's or a namespace being deleted
   * (which also answer 403).
   */
  static boolean rbacDenied(KubernetesClientException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    return e.getCode() == 403
        && m.contains("is forbidden: User ")
        && m.contains(" cannot ")
        && !m.contains("admission webhook");
  }
}
