package io.gatewaydoctor.remediation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.analysis.Fix;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.api.FindingRemediation;
import io.gatewaydoctor.api.ResourceRef;
import java.util.HashMap;
import java.util.Objects;

/**
 * The exact patches of the automatic actions, built from the objects the verdict was made on. Each
 * carries the object's resourceVersion (in a merge patch's metadata, or a JSON patch's test op), so
 * the API server refuses it when the object changed since: a verdict from a stale cache is never
 * applied. Pure.
 */
public final class Patches {
  public static final String MERGE = "merge";
  public static final String JSON = "json";
  public static final String DELETE = "delete";

  /** The label a ReplicaSet's template carries and the Deployment's must not. */
  static final String POD_TEMPLATE_HASH = "pod-template-hash";

  private Patches() {}

  /**
   * A finding's remedy as the status shows it: with its exact patch when a rule chose a {@link
   * Fix}; null stays null.
   */
  public static FindingRemediation realise(Remedy r) {
    if (r == null) {
      return null;
    }
    FindingRemediation base =
        new FindingRemediation(r.action().value(), r.description(), r.automatic());
    if (r.fix() == null) {
      return base;
    }
    Fix f = r.fix();
    if (f instanceof Fix.TargetPort t) {
      return targetPort(base, t.service(), t.port(), t.target());
    } else if (f instanceof Fix.Annotation a) {
      return annotation(base, a.ingress(), a.key(), a.value());
    } else if (f instanceof Fix.DeletePod d) {
      return deletePod(base, d.pod());
    } else if (f instanceof Fix.Rollback b) {
      return rollback(base, b.deployment(), b.previous());
    }
    throw new IllegalArgumentException("no patch for " + f.getClass().getSimpleName());
  }

  /**
   * fix-target-port: a JSON patch of the one port's targetPort, tested against the port number at
   * that index and the resourceVersion (a merge patch would have to replace the whole ports list).
   */
  static FindingRemediation targetPort(
      FindingRemediation r, Service svc, ServicePort port, IntOrString target) {
    ArrayNode ops = Serialization.jsonMapper().createArrayNode();
    versionTest(ops, svc);
    var ports = svc.getSpec().getPorts();
    for (int i = 0; i < ports.size(); i++) {
      ServicePort sp = ports.get(i);
      if (Objects.equals(sp.getPort(), port.getPort())
          && Objects.equals(sp.getName(), port.getName())
          && Objects.equals(protocol(sp), protocol(port))) {
        ops.addObject()
            .put("op", "test")
            .put("path", "/spec/ports/" + i + "/port")
            .put("value", sp.getPort());
        if (sp.getName() != null) {
          ops.addObject()
              .put("op", "test")
              .put("path", "/spec/ports/" + i + "/name")
              .put("value", sp.getName());
        }
        ops.addObject()
            .put("op", "replace")
            .put("path", "/spec/ports/" + i + "/targetPort")
            .set("value", Serialization.jsonMapper().valueToTree(target));
        return on(r, svc, JSON, ops.toString());
      }
    }
    return new FindingRemediation(r.action, r.description, false);
  }

  private static String protocol(ServicePort p) {
    return p.getProtocol() == null ? "TCP" : p.getProtocol();
  }

  /** set-backend-protocol, raise-proxy-buffer-size: one annotation of the Ingress. */
  static FindingRemediation annotation(
      FindingRemediation r, HasMetadata ingress, String key, String value) {
    ObjectNode patch = withVersion(ingress);
    ((ObjectNode) patch.get("metadata")).putObject("annotations").put(key, value);
    return on(r, ingress, MERGE, patch.toString());
  }

  /** restart-pod: delete the pod; its ReplicaSet makes a new one. */
  static FindingRemediation deletePod(FindingRemediation r, HasMetadata pod) {
    return on(r, pod, DELETE, null);
  }

  /**
   * rollback: the Deployment's template replaced by the previous ReplicaSet's (without its
   * pod-template-hash label).
   */
  static FindingRemediation rollback(FindingRemediation r, Deployment d, ReplicaSet previous) {
    PodTemplateSpec template = Serialization.clone(previous.getSpec().getTemplate());
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      var labels = new HashMap<>(template.getMetadata().getLabels());
      labels.remove(POD_TEMPLATE_HASH);
      template.getMetadata().setLabels(labels);
    }
    ArrayNode ops = Serialization.jsonMapper().createArrayNode();
    versionTest(ops, d);
    ops.addObject()
        .put("op", "replace")
        .put("path", "/spec/template")
        .set("value", Serialization.jsonMapper().valueToTree(template));
    FindingRemediation out = on(r, d, JSON, ops.toString());
    out.source = ref(previous);
    return out;
  }

  private static void versionTest(ArrayNode ops, HasMetadata o) {
    if (o.getMetadata().getResourceVersion() != null) {
      ops.addObject()
          .put("op", "test")
          .put("path", "/metadata/resourceVersion")
          .put("value", o.getMetadata().getResourceVersion());
    }
  }

  private static ObjectNode withVersion(HasMetadata o) {
    ObjectNode patch = Serialization.jsonMapper().createObjectNode();
    ObjectNode meta = patch.putObject("metadata");
    if (o.getMetadata().getResourceVersion() != null) {
      meta.put("resourceVersion", o.getMetadata().getResourceVersion());
    }
    return patch;
  }

  /** The remediation, made a typed change of the object {@code o} as the verdict saw it. */
  private static FindingRemediation on(
      FindingRemediation r, HasMetadata o, String type, String patch) {
    FindingRemediation out = r.on(ref(o), type, patch);
    out.targetUid = o.getMetadata().getUid();
    out.targetResourceVersion = o.getMetadata().getResourceVersion();
    return out;
  }

  static ResourceRef ref(HasMetadata o) {
    return new ResourceRef(o.getKind(), o.getMetadata().getNamespace(), o.getMetadata().getName());
  }
}
