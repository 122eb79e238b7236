package io.gatewaydoctor.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.gatewaydoctor.api.ResourceRef;
import java.util.ArrayList;
import java.util.List;

/** Small null-safe readers of Pod fields. */
public final class Pods {
  private Pods() {}

  public static List<Container> containers(Pod p) {
    return p.getSpec() == null || p.getSpec().getContainers() == null
        ? List.of()
        : p.getSpec().getContainers();
  }

  public static List<ContainerStatus> containerStatuses(Pod p) {
    return p.getStatus() == null || p.getStatus().getContainerStatuses() == null
        ? List.of()
        : p.getStatus().getContainerStatuses();
  }

  public static List<ContainerPort> ports(Container c) {
    return c.getPorts() == null ? List.of() : c.getPorts();
  }

  public static List<ContainerPort> ports(Pod p) {
    List<ContainerPort> out = new ArrayList<>();
    containers(p).forEach(c -> out.addAll(ports(c)));
    return out;
  }

  public static boolean isReady(Pod p) {
    if (p.getStatus() == null || p.getStatus().getConditions() == null) {
      return false;
    }
    for (PodCondition c : p.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }

  public static boolean isTerminating(Pod p) {
    return p.getMetadata().getDeletionTimestamp() != null;
  }

  /**
   * The workload to blame for a pod: a Deployment when the pod's ReplicaSet carries the
   * pod-template-hash suffix, else the controlling owner, else the pod itself.
   */
  /**
   * Whether a ReplicaSet controls the pod: deleted, it is replaced (a bare, Job or StatefulSet pod
   * is not, or not so).
   */
  public static boolean replacedWhenDeleted(Pod p) {
    return p.getMetadata().getOwnerReferences() != null
        && p.getMetadata().getOwnerReferences().stream()
            .anyMatch(
                o -> "ReplicaSet".equals(o.getKind()) && Boolean.TRUE.equals(o.getController()));
  }

  /**
   * Whether {@code child} names {@code owner} among its ownerReferences: by uid when both carry one
   * (a same-named object deleted and created again, or a hand-written reference, is another owner),
   * else by kind and name.
   */
  public static boolean ownedBy(HasMetadata child, HasMetadata owner) {
    if (child.getMetadata().getOwnerReferences() == null || owner.getMetadata() == null) {
      return false;
    }
    String uid = owner.getMetadata().getUid();
    String kind = owner.getKind();
    String name = owner.getMetadata().getName();
    for (OwnerReference o : child.getMetadata().getOwnerReferences()) {
      if (o == null || !java.util.Objects.equals(kind, o.getKind())) {
        continue;
      }
      if (uid != null && !uid.isEmpty() && o.getUid() != null && !o.getUid().isEmpty()
          ? uid.equals(o.getUid())
          : java.util.Objects.equals(name, o.getName())) {
        return true;
      }
    }
    return false;
  }

  public static ResourceRef workload(Pod p) {
    String ns = p.getMetadata().getNamespace();
    OwnerReference owner = null;
    if (p.getMetadata().getOwnerReferences() != null) {
      for (OwnerReference o : p.getMetadata().getOwnerReferences()) {
        if (owner == null || Boolean.TRUE.equals(o.getController())) {
          owner = o;
        }
      }
    }
    if (owner == null || owner.getName() == null) {
      return new ResourceRef("Pod", ns, p.getMetadata().getName());
    }
    String hash =
        p.getMetadata().getLabels() == null
            ? null
            : p.getMetadata().getLabels().get("pod-template-hash");
    if ("ReplicaSet".equals(owner.getKind())
        && hash != null
        && owner.getName().endsWith("-" + hash)) {
      return new ResourceRef(
          "Deployment",
          ns,
          owner.getName().substring(0, owner.getName().length() - hash.length() - 1));
    }
    return new ResourceRef(owner.getKind(), ns, owner.getName());
  }

  public static String describePorts(List<Pod> pods) {
    List<String> seen = new ArrayList<>();
    for (Pod p : pods) {
      for (ContainerPort cp : ports(p)) {
        String s = (cp.getName() == null ? "" : cp.getName() + ":") + cp.getContainerPort();
        if (!seen.contains(s)) {
          seen.add(s);
        }
      }
    }
    return seen.isEmpty() ? "no ports" : String.join(", ", seen);
  }

  /**
   * The containers declaring the target port (by name or number); all containers when none declares
   * it.
   */
  /**
   * The names of the containers serving the target port that have no preStop hook (they stop at
   * once on SIGTERM).
   */
  public static List<String> servingWithoutPreStop(Pod p, String targetPort) {
    List<String> out = new java.util.ArrayList<>();
    for (Container c : serving(p, targetPort)) {
      if ((c.getLifecycle() == null || c.getLifecycle().getPreStop() == null)
          && !out.contains(c.getName())) {
        out.add(c.getName());
      }
    }
    return out;
  }

  public static List<Container> serving(Pod p, String targetPort) {
    List<Container> all = containers(p);
    List<Container> serving =
        all.stream()
            .filter(
                c ->
                    ports(c).stream()
                        .anyMatch(
                            cp ->
                                targetPort != null
                                    && (targetPort.equals(cp.getName())
                                        || targetPort.equals(
                                            String.valueOf(cp.getContainerPort())))))
            .toList();
    return serving.isEmpty() ? all : serving;
  }
}
