package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The ConfigMaps the ingress-nginx controller pods name with {@code --configmap}, read by GET (the
 * chart grants get on configmaps in the controller namespaces only) and kept for a minute: a change
 * reaches the verdicts within that. Only ConfigMaps in namespaces trusted to run controllers are
 * read; only their data is kept (no annotations, no managed fields).
 */
final class ControllerConfigMaps {
  static final Duration TTL = Duration.ofMinutes(1);

  /** Distinct ConfigMaps kept at most (each controller install has one). */
  static final int MAX = 16;

  private record Entry(Optional<ConfigMap> value, Instant at) {}

  private final KubernetesClient client;
  private final Predicate<String> trusted;
  private final Clock clock;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();

  ControllerConfigMaps(KubernetesClient client, Predicate<String> trusted, Clock clock) {
    this.client = client;
    this.trusted = trusted;
    this.clock = clock;
  }

  /**
   * The ConfigMap "namespace/name", if it exists and may be read; empty when it does not, when its
   * namespace is not trusted, or when reading failed (the defaults are then assumed).
   */
  Optional<ConfigMap> get(String ref) {
    int slash = ref.indexOf('/');
    if (slash < 1 || !trusted.test(ref.substring(0, slash))) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Entry e = cache.get(ref);
    if (e != null && e.at().plus(TTL).isAfter(now)) {
      return e.value();
    }
    if (e == null && cache.size() >= MAX) {
      cache.entrySet().removeIf(x -> !x.getValue().at().plus(TTL).isAfter(now));
      if (cache.size() >= MAX) {
        return Optional.empty();
      }
    }
    Optional<ConfigMap> value;
    try {
      ConfigMap cm =
          client
              .configMaps()
              .inNamespace(ref.substring(0, slash))
              .withName(ref.substring(slash + 1))
              .get();
      value = Optional.ofNullable(cm).map(ControllerConfigMaps::dataOnly);
    } catch (KubernetesClientException ex) {
      value = e == null ? Optional.empty() : e.value(); // 403, a blip: the last known stays
    }
    cache.put(ref, new Entry(value, now));
    return value;
  }

  private static ConfigMap dataOnly(ConfigMap cm) {
    ConfigMap out = new ConfigMap();
    out.setMetadata(
        new ObjectMetaBuilder()
            .withName(cm.getMetadata().getName())
            .withNamespace(cm.getMetadata().getNamespace())
            .build());
    out.setData(cm.getData());
    return out;
  }
}
