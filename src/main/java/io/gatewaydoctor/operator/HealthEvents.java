package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.GatewayDiagnosisStatus;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.api.TargetRef;
import io.gatewaydoctor.remediation.RemediationPolicy;
import java.time.Instant;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * A Kubernetes Event when a target's health or root cause changes, on the GatewayDiagnosis (so
 * {@code kubectl describe gd} shows it) and on the target: Warning for Degraded and Failing, with
 * the root cause as the reason and the summary as the message; Normal when it heals. An Event that
 * cannot be written (no RBAC, API trouble) is logged, never fails the reconcile.
 */
final class HealthEvents {
  private static final Logger LOG = Logger.getLogger(HealthEvents.class);
  static final String COMPONENT = "gateway-doctor";

  /** One write per Event per period, the held-back repeats counted on the next. */
  static final EventThrottle THROTTLE = new EventThrottle();

  private HealthEvents() {}

  static void changed(
      KubernetesClient client,
      GatewayDiagnosis gd,
      GatewayDiagnosisStatus before,
      GatewayDiagnosisStatus after,
      Instant now) {
    String was = before == null ? null : before.health + "/" + before.rootCause;
    String is = after.health + "/" + after.rootCause;
    if (Objects.equals(was, is) || (before == null && "Healthy".equals(after.health))) {
      return; // unchanged, or a new target that is fine: nothing to tell
    }
    boolean bad = "Failing".equals(after.health) || "Degraded".equals(after.health);
    String reason = bad ? after.rootCause : after.health;
    String message =
        (before == null ? "" : before.health + " → ") + after.health + ": " + after.summary;
    String ns = gd.getMetadata().getNamespace();
    emit(
        client,
        ns,
        new ObjectReferenceBuilder()
            .withApiVersion("gatewaydoctor.io/v1alpha1")
            .withKind("GatewayDiagnosis")
            .withNamespace(ns)
            .withName(gd.getMetadata().getName())
            .withUid(gd.getMetadata().getUid())
            .build(),
        bad,
        reason,
        message,
        now);
    ResourceRef target = target(gd);
    if (target != null) {
      about(client, target, bad, reason, message, now);
    }
  }

  /** The diagnosis's target (an Ingress, HTTPRoute or GRPCRoute), or null when it has none. */
  static ResourceRef target(GatewayDiagnosis gd) {
    TargetRef t = gd.getSpec() == null ? null : gd.getSpec().getTargetRef();
    if (t == null || t.getName() == null) {
      return null;
    }
    String kind = t.getKind() == null ? TargetRef.INGRESS : t.getKind();
    if (!TargetRef.INGRESS.equals(kind) && !io.gatewaydoctor.model.Routes.isRouteKind(kind)) {
      return null;
    }
    return new ResourceRef(kind, gd.getMetadata().getNamespace(), t.getName());
  }

  /**
   * A Warning Event on the target when its remediation annotations became malformed (they mean
   * off).
   */
  static void policyChanged(
      KubernetesClient client,
      GatewayDiagnosis gd,
      GatewayDiagnosisStatus before,
      GatewayDiagnosisStatus after,
      RemediationPolicy policy,
      Instant now) {
    if (policy.error() == null) {
      return;
    }
    String was =
        before == null || before.conditions == null
            ? null
            : before.conditions.stream()
                .filter(c -> "RemediationApplied".equals(c.getType()))
                .map(c -> c.getReason() + c.getMessage())
                .findFirst()
                .orElse(null);
    if (Objects.equals(was, "PolicyInvalid" + policy.error())) {
      return; // told already
    }
    ResourceRef target = target(gd);
    if (target != null) {
      about(client, target, true, "RemediationPolicyInvalid", policy.error(), now);
    }
  }

  /**
   * An Event about any object (remediation plans and effects on the target and the patched object).
   */
  static void about(
      KubernetesClient client,
      ResourceRef o,
      boolean warning,
      String reason,
      String message,
      Instant now) {
    String api =
        switch (o.kind) {
          case "Ingress" -> "networking.k8s.io/v1";
          case "Deployment" -> "apps/v1";
          case "HTTPRoute", "GRPCRoute", "Gateway", "GatewayClass" ->
              "gateway.networking.k8s.io/v1";
          case "ReferenceGrant" -> "gateway.networking.k8s.io/v1beta1";
          default -> "v1";
        };
    emit(
        client,
        o.namespace,
        new ObjectReferenceBuilder()
            .withApiVersion(api)
            .withKind(o.kind)
            .withNamespace(o.namespace)
            .withName(o.name)
            .build(),
        warning,
        reason,
        message,
        now);
  }

  /**
   * The reference with the object's uid, read from the API server; as it was when it cannot be
   * read.
   */
  static ObjectReference withUid(KubernetesClient client, ObjectReference about) {
    try {
      var o =
          client
              .genericKubernetesResources(about.getApiVersion(), about.getKind())
              .inNamespace(about.getNamespace())
              .withName(about.getName())
              .get();
      if (o != null && o.getMetadata() != null && o.getMetadata().getUid() != null) {
        return new ObjectReferenceBuilder(about).withUid(o.getMetadata().getUid()).build();
      }
    } catch (KubernetesClientException ex) {
      LOG.debugf(
          "uid of %s %s/%s not read: %s",
          about.getKind(), about.getNamespace(), about.getName(), ex.getMessage());
    }
    return about;
  }

  private static void emit(
      KubernetesClient client,
      String ns,
      ObjectReference about,
      boolean warning,
      String reason,
      String message,
      Instant now) {
    if (about.getUid() == null) {
      // kubectl describe finds an object's Events by its uid: without it they show nowhere
      about = withUid(client, about);
    }
    String ts = now.toString();
    String text = message.length() > 1000 ? message.substring(0, 1000) : message;
    // one Event per object, reason and type, counted up on repeats (as kubelet and kubectl do),
    // so a target that flaps shows one line with its count instead of one line per change
    String name =
        shortName(about.getName())
            + "."
            + Integer.toHexString(
                (about.getKind() + "/" + about.getUid() + "/" + reason + "/" + warning).hashCode()
                    & 0x7fffffff);
    ObjectReference involved = about;
    THROTTLE.occurred(
        ns + "/" + name, now, n -> write(client, ns, name, involved, warning, reason, text, ts, n));
  }

  private static void write(
      KubernetesClient client,
      String ns,
      String name,
      ObjectReference about,
      boolean warning,
      String reason,
      String text,
      String ts,
      int occurrences) {
    try {
      var existing = client.v1().events().inNamespace(ns).withName(name);
      Event before = existing.get();
      if (before != null) {
        existing.edit(
            e -> {
              e.setCount(e.getCount() == null ? 1 + occurrences : e.getCount() + occurrences);
              e.setLastTimestamp(ts);
              e.setMessage(text);
              return e;
            });
        return;
      }
      Event e =
          new EventBuilder()
              .withNewMetadata()
              .withNamespace(ns)
              .withName(name)
              .endMetadata()
              .withInvolvedObject(about)
              .withType(warning ? "Warning" : "Normal")
              .withReason(reason)
              .withMessage(text)
              .withCount(occurrences)
              .withFirstTimestamp(ts)
              .withLastTimestamp(ts)
              .withNewSource()
              .withComponent(COMPONENT)
              .endSource()
              .withReportingComponent(COMPONENT)
              .withReportingInstance(System.getenv().getOrDefault("HOSTNAME", COMPONENT))
              .build();
      client.v1().events().inNamespace(ns).resource(e).create();
    } catch (KubernetesClientException ex) {
      LOG.debugf(
          "event on %s %s/%s not written: %s",
          about.getKind(), ns, about.getName(), ex.getMessage());
    }
  }

  /** An object's name shortened so that the Event's name stays within the API's 253 characters. */
  static String shortName(String name) {
    return name == null ? "unnamed" : name.length() > 200 ? name.substring(0, 200) : name;
  }
}
