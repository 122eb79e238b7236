package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.function.Predicate;

/**
 * The pods informer's store, holding slim pods (#23): the bulk no verdict reads is dropped as each
 * pod arrives, as the dump reader does ({@code model.SlimTree}): containers' env, envFrom and
 * volumeMounts, the pod's volumes, and the fieldsV1 blobs of managedFields (their manager,
 * operation and time stay, for drift). Pods in the namespaces trusted to run the gateway keep their
 * env (the controller's arguments are expanded from it). Only pods: ReplicaSets keep their
 * templates whole, because a rollback writes one back.
 *
 * <p>A store may serve one informer only (a relist removes what it did not list), so the operator
 * uses it only where one informer watches every namespace.
 */
final class SlimPods extends BasicItemStore<Pod> {
  private final Predicate<String> gatewayNamespace;

  SlimPods(Predicate<String> gatewayNamespace) {
    super(Cache::metaNamespaceKeyFunc);
    this.gatewayNamespace = gatewayNamespace;
  }

  @Override
  public Pod put(String key, Pod pod) {
    return super.put(key, slim(pod, gatewayNamespace));
  }

  /** The pod, slimmed in place (it is the informer's own fresh copy). */
  static Pod slim(Pod pod, Predicate<String> gatewayNamespace) {
    managedFields(pod);
    var spec = pod.getSpec();
    if (spec == null) {
      return pod;
    }
    boolean keepEnv = gatewayNamespace.test(pod.getMetadata().getNamespace());
    for (List<? extends Container> list :
        List.of(
            spec.getContainers() == null ? List.<Container>of() : spec.getContainers(),
            spec.getInitContainers() == null ? List.<Container>of() : spec.getInitContainers())) {
      for (Container c : list) {
        if (!keepEnv) {
          c.setEnv(null);
          c.setEnvFrom(null);
        }
        c.setVolumeMounts(null);
      }
    }
    spec.setEphemeralContainers(null);
    spec.setVolumes(null);
    return pod;
  }

  static void managedFields(HasMetadata o) {
    if (o.getMetadata() != null && o.getMetadata().getManagedFields() != null) {
      for (ManagedFieldsEntry e : o.getMetadata().getManagedFields()) {
        e.setFieldsV1(null);
      }
    }
  }
}
