package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gatewaydoctor.model.ChainResolver;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.Labels;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Does the I/O for one target: reads its backend chain from the informer caches (index lookups) and
 * the TLS secrets it names (metadata only, by GET), and returns the snapshot the pure core reads.
 */
final class ChainGatherer {
  private final KubernetesClient client;
  private final InformerEventSource<Service, ?> services;
  private final InformerEventSource<EndpointSlice, ?> slices;
  private final InformerEventSource<Pod, ?> pods;
  private final InformerEventSource<IngressClass, ?> classes;
  private final InformerEventSource<Namespace, ?> namespaces;
  private final boolean tlsSecretCheck;

  ChainGatherer(KubernetesClient client, InformerEventSource<Service, ?> services, InformerEventSource<EndpointSlice, ?> slices,
      InformerEventSource<Pod, ?> pods, InformerEventSource<IngressClass, ?> classes,
      InformerEventSource<Namespace, ?> namespaces, boolean tlsSecretCheck) {
    this.client = client;
    this.services = services;
    this.slices = slices;
    this.pods = pods;
    this.classes = classes;
    this.namespaces = namespaces;
    this.tlsSecretCheck = tlsSecretCheck;
  }

  ClusterSnapshot gather(Ingress ingress) {
    String ns = ingress.getMetadata().getNamespace();
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(ingress);
    namespaces.get(new ResourceID(ns)).ifPresent(objects::add);
    classes.list(c -> true).forEach(objects::add);
    for (var ref : ChainResolver.backendRefs(ingress, new ArrayList<>()).values()) {
      Service svc = services.get(new ResourceID(ref.service(), ns)).orElse(null);
      if (svc == null) {
        continue;
      }
      objects.add(svc);
      objects.addAll(slices.byIndex(Indexes.BY_SERVICE, ClusterSnapshot.key(ns, ref.service())));
      Map<String, String> selector = svc.getSpec() == null ? null : svc.getSpec().getSelector();
      String pair = Indexes.firstPair(ns, selector);
      if (pair != null) {
        pods.byIndex(Indexes.BY_LABEL_PAIR, pair).stream()
            .filter(p -> Labels.matches(selector, p.getMetadata().getLabels())).forEach(objects::add);
      }
    }
    List<String> known = new ArrayList<>(List.of("Ingress", "IngressClass", "Service", "EndpointSlice", "Pod", "Namespace"));
    if (tlsSecretCheck && gatherSecrets(ingress, objects)) {
      known.add("Secret");
    }
    return ClusterSnapshot.of(objects, known);
  }

  /** Adds the metadata of the TLS secrets that exist; false when their existence could not be read. */
  private boolean gatherSecrets(Ingress ingress, List<HasMetadata> objects) {
    if (ingress.getSpec() == null || ingress.getSpec().getTls() == null) {
      return true;
    }
    String ns = ingress.getMetadata().getNamespace();
    Set<String> names = new java.util.TreeSet<>();
    ingress.getSpec().getTls().stream().filter(t -> t != null && t.getSecretName() != null && !t.getSecretName().isBlank())
        .forEach(t -> names.add(t.getSecretName()));
    try {
      for (String name : names) {
        Secret s = client.secrets().inNamespace(ns).withName(name).get();
        if (s != null) {
          Secret meta = new Secret();
          meta.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
          meta.setType(s.getType());
          objects.add(meta); // keep no secret data in memory
        }
      }
      return true;
    } catch (KubernetesClientException e) {
      return false; // e.g. 403: existence unknown, so the rule stays silent
    }
  }
}
