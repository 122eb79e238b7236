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

  /**
   * A kept value longer than this makes the ConfigMap unread, not kept (a CA bundle is at most a
   * few hundred KiB; a ConfigMap up to 1 MiB).
   */
  static final int MAX_VALUE_CHARS = io.gatewaydoctor.model.BackendTlsPolicies.MAX_PEM_CHARS;

  private record Entry(Optional<ConfigMap> value, Instant at, boolean known) {}

  /**
   * What a read by name found: the ConfigMap, or none; {@code known} false when it could not be
   * read (refused, a blip), so its absence says nothing.
   */
  record Lookup(Optional<ConfigMap> value, boolean known) {}

  private final KubernetesClient client;
  private final Predicate<String> trusted;
  private final Clock clock;
  private final int max;
  private final int perNamespace;
  private final java.util.Set<String> keys;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();

  ControllerConfigMaps(KubernetesClient client, Predicate<String> trusted, Clock clock) {
    this(client, trusted, clock, MAX, MAX, null);
  }

  /**
   * Kept at most {@code max} ConfigMaps, at most {@code perNamespace} of one namespace (so that one
   * tenant's many names cannot crowd out the others'), only the data {@code keys} (null: all) of
   * each: the CA ConfigMaps of BackendTLSPolicies keep {@code ca.crt} alone.
   */
  ControllerConfigMaps(
      KubernetesClient client,
      Predicate<String> trusted,
      Clock clock,
      int max,
      int perNamespace,
      java.util.Set<String> keys) {
    this.client = client;
    this.trusted = trusted;
    this.clock = clock;
    this.max = max;
    this.perNamespace = perNamespace;
    this.keys = keys;
  }

  /**
   * The ConfigMap "namespace/name", if it exists and may be read; empty when it does not, when its
   * namespace is not trusted, or when reading failed (the defaults are then assumed).
   */
  Optional<ConfigMap> get(String ref) {
    return lookup(ref).value();
  }

  /** As {@link #get}, and whether the answer is known (read, or known from a read before). */
  Lookup lookup(String ref) {
    int slash = ref.indexOf('/');
    if (slash < 1 || !trusted.test(ref.substring(0, slash))) {
      return new Lookup(Optional.empty(), false);
    }
    Instant now = clock.instant();
    Entry e = cache.get(ref);
    if (e != null && e.at().plus(TTL).isAfter(now)) {
      return new Lookup(e.value(), e.known());
    }
    if (e == null && (cache.size() >= max || inNamespace(ref, slash) >= perNamespace)) {
      cache.entrySet().removeIf(x -> !x.getValue().at().plus(TTL).isAfter(now));
      if (cache.size() >= max || inNamespace(ref, slash) >= perNamespace) {
        return new Lookup(Optional.empty(), false); // unread: its absence says nothing
      }
    }
    Optional<ConfigMap> value;
    boolean known = true;
    try {
      ConfigMap cm =
          client
              .configMaps()
              .inNamespace(ref.substring(0, slash))
              .withName(ref.substring(slash + 1))
              .get();
      value = Optional.ofNullable(cm).map(this::dataOnly);
      if (value.isPresent() && value.get().getData() == null && cm.getData() != null) {
        value = Optional.empty(); // a kept value over the cap: not read, its absence says nothing
        known = false;
      }
    } catch (KubernetesClientException ex) {
      value = e == null ? Optional.empty() : e.value(); // 403, a blip: the last known stays
      known = e != null && e.known();
    }
    cache.put(ref, new Entry(value, now, known));
    return new Lookup(value, known);
  }

  private int inNamespace(String ref, int slash) {
    String prefix = ref.substring(0, slash + 1);
    return (int) cache.keySet().stream().filter(k -> k.startsWith(prefix)).count();
  }

  private ConfigMap dataOnly(ConfigMap cm) {
    ConfigMap out = new ConfigMap();
    out.setMetadata(
        new ObjectMetaBuilder()
            .withName(cm.getMetadata().getName())
            .withNamespace(cm.getMetadata().getNamespace())
            .build());
    if (keys == null || cm.getData() == null) {
      out.setData(cm.getData());
    } else {
      Map<String, String> kept = new java.util.HashMap<>();
      boolean over = false;
      for (var e : cm.getData().entrySet()) {
        if (keys.contains(e.getKey()) && e.getValue() != null) {
          over |= e.getValue().length() > MAX_VALUE_CHARS;
          kept.put(e.getKey(), e.getValue());
        }
      }
      out.setData(over ? null : kept);
    }
    return out;
  }
}
