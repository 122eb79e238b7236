package io.gatewaydoctor.operator;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.model.Times;
import io.gatewaydoctor.remediation.Ledger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The remediation ledger of every target, kept where it outlives the GatewayDiagnosis and the
 * process: deleting and recreating an Ingress (and with it its diagnosis) or restarting the
 * operator does not reset a cooldown, a stop after NoImprovement, or the rate limit. Keyed by the
 * target (namespace, kind, name), not by the diagnosis; held in memory and written through to one
 * ConfigMap in the operator's own namespace, which no tenant can write. Only the records that
 * decide something are kept (applied actions and their judgements, within three cooldowns or the
 * rate period), at most {@link #PER_TARGET} per target and {@link #MAX_TARGETS} targets. Without a
 * namespace, or without the right to write it, the ledger lives in memory only (it still outlives
 * the diagnosis).
 */
final class LedgerStore {
  private static final Logger LOG = Logger.getLogger(LedgerStore.class);
  static final int PER_TARGET = 10;
  static final int MAX_TARGETS = 1000;

  /** A patch longer than this is kept as its digest. */
  static final int MAX_PATCH = 256;

  /** The ConfigMap's data stays below this (the API server allows 1 MiB). */
  static final int MAX_BYTES = 900 * 1024;

  private static final Set<String> KEPT =
      Set.of(
          Ledger.APPLIED,
          Ledger.NOT_APPLIED,
          Ledger.FAILED,
          Ledger.IMPROVED,
          Ledger.NO_IMPROVEMENT,
          Ledger.RESUMED);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final Map<String, List<RemediationRecord>> byTarget = new ConcurrentHashMap<>();
  private volatile boolean loaded;

  /**
   * @param namespace the operator's namespace (null or blank: memory only)
   */
  LedgerStore(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace == null || namespace.isBlank() ? null : namespace;
    this.name = name;
  }

  /** The ConfigMap key of a target: kind, namespace and name cannot contain "_". */
  static String key(String namespace, String kind, String name) {
    return kind + "_" + namespace + "_" + name;
  }

  /** The records kept for a target (empty when none). */
  List<RemediationRecord> of(String target) {
    load();
    return byTarget.getOrDefault(target, List.of());
  }

  /** Every target's records, by target key. */
  Map<String, List<RemediationRecord>> all() {
    load();
    return Map.copyOf(byTarget);
  }

  /**
   * Keeps what of a target's records decides something; writes through when that changed.
   *
   * @param keep how far back a record still matters (three cooldowns, or the rate period)
   */
  void put(String target, List<RemediationRecord> records, Instant now, Duration keep) {
    load();
    List<RemediationRecord> before = byTarget.getOrDefault(target, List.of());
    // merged, never replaced: another diagnosis of the same target (a hand-made one) cannot erase
    // what this one did
    List<RemediationRecord> kept = kept(merge(before, records), now, keep);
    if (same(before, kept)) {
      return;
    }
    if (kept.isEmpty()) {
      byTarget.remove(target);
    } else {
      byTarget.put(target, kept);
    }
    if (byTarget.size() > MAX_TARGETS) {
      prune(now, keep, MAX_TARGETS);
    }
    write();
  }

  /** The union of two record lists (one record per action, object, time and result), by time. */
  static List<RemediationRecord> merge(List<RemediationRecord> a, List<RemediationRecord> b) {
    Map<String, RemediationRecord> byKey = new java.util.LinkedHashMap<>();
    for (List<RemediationRecord> l : List.of(a, b == null ? List.<RemediationRecord>of() : b)) {
      for (RemediationRecord r : l) {
        byKey.putIfAbsent(r.action + "|" + r.target + "|" + r.time + "|" + r.result, r);
      }
    }
    List<RemediationRecord> out = new ArrayList<>(byKey.values());
    out.sort(
        java.util.Comparator.comparing(
            (RemediationRecord r) -> {
              Instant t = Times.parse(r.time);
              return t == null ? Instant.EPOCH : t;
            }));
    return out;
  }

  static List<RemediationRecord> kept(List<RemediationRecord> records, Instant now, Duration keep) {
    List<RemediationRecord> all = records == null ? List.of() : records;
    // a stop after NoImprovement holds until Resumed, however old: its records stay with it
    var state = Ledger.of(all);
    Instant stoppedSince =
        state.stopped() && state.lastApplied() != null
            ? Times.parse(state.lastApplied().time)
            : null;
    List<RemediationRecord> out = new ArrayList<>();
    for (RemediationRecord r : all) {
      Instant at = Times.parse(r.time);
      boolean partOfStop = stoppedSince != null && at != null && !at.isBefore(stoppedSince);
      if (KEPT.contains(r.result) && at != null && (partOfStop || at.isAfter(now.minus(keep)))) {
        String patch =
            r.patch == null || r.patch.length() <= MAX_PATCH
                ? r.patch
                : "sha256 " + io.gatewaydoctor.model.Digests.sha256Prefix(r.patch);
        RemediationRecord c =
            new RemediationRecord(
                r.action,
                r.target,
                r.time,
                Boolean.TRUE.equals(r.dryRun),
                r.result,
                r.finding,
                patch,
                null);
        c.findingOn = r.findingOn;
        out.add(c); // no reason, a long patch by its digest: the decision needs neither
      }
    }
    return out.size() > PER_TARGET
        ? List.copyOf(out.subList(out.size() - PER_TARGET, out.size()))
        : List.copyOf(out);
  }

  private static boolean same(List<RemediationRecord> a, List<RemediationRecord> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      RemediationRecord x = a.get(i);
      RemediationRecord y = b.get(i);
      if (!Objects.equals(x.time, y.time)
          || !Objects.equals(x.result, y.result)
          || !Objects.equals(x.target, y.target)
          || !Objects.equals(x.action, y.action)) {
        return false;
      }
    }
    return true;
  }

  private Map<String, String> data() {
    Map<String, String> data = new TreeMap<>();
    byTarget.forEach(
        (k, v) -> {
          try {
            data.put(k, Serialization.jsonMapper().writeValueAsString(v));
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // a record always serialises
          }
        });
    return data;
  }

  /** Drops what no longer decides anything, then the targets idle longest past {@code most}. */
  private void prune(Instant now, Duration keep, int most) {
    byTarget.replaceAll((k, v) -> kept(v, now, keep));
    byTarget.values().removeIf(List::isEmpty);
    while (byTarget.size() > most) {
      if (!dropOldest()) {
        break;
      }
    }
  }

  /** Drops the target whose newest record is oldest; false when there is none. */
  private boolean dropOldest() {
    return byTarget.entrySet().stream()
        .min(
            java.util.Comparator.comparing(
                (Map.Entry<String, List<RemediationRecord>> e) ->
                    e.getValue().get(e.getValue().size() - 1).time))
        .map(e -> byTarget.remove(e.getKey()) != null)
        .orElse(false);
  }

  private volatile long lastTry;

  /**
   * Reads the ConfigMap once it can be read (found, or known to be absent); until then every
   * attempt (at most every 30 s) tries again and nothing is written, so a failed first read never
   * overwrites what earlier processes kept.
   */
  private void load() {
    if (loaded) {
      return;
    }
    synchronized (this) {
      if (loaded) {
        return;
      }
      if (namespace == null || client == null) {
        loaded = true;
        return;
      }
      long now = System.nanoTime();
      if (lastTry != 0 && now - lastTry < java.util.concurrent.TimeUnit.SECONDS.toNanos(30)) {
        return;
      }
      lastTry = now;
      read();
    }
  }

  private void read() {
    try {
      ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
      loaded = true;
      if (cm == null || cm.getData() == null) {
        return;
      }
      cm.getData()
          .forEach(
              (k, v) -> {
                try {
                  List<RemediationRecord> records =
                      Serialization.jsonMapper()
                          .readValue(v, new TypeReference<List<RemediationRecord>>() {});
                  byTarget.put(k, List.copyOf(records));
                } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
                  LOG.warnf("remediation ledger: entry %s unreadable, skipped", k);
                }
              });
      LOG.infof(
          "remediation ledger: %d targets from ConfigMap %s/%s", byTarget.size(), namespace, name);
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "remediation ledger: cannot read ConfigMap %s/%s (%s); kept in memory only",
          namespace, name, e.getMessage());
    }
  }

  private synchronized void write() {
    if (namespace == null || client == null || !loaded) {
      return; // not read yet: writing memory alone would erase what the ConfigMap holds
    }
    Map<String, String> data = data();
    while (data.values().stream().mapToInt(v -> v.length() + 64).sum() > MAX_BYTES
        && !byTarget.isEmpty()) {
      dropOldest();
      data = data();
    }
    final Map<String, String> written = data;
    ConfigMap cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/name", "gateway-doctor")
            .addToLabels("app.kubernetes.io/component", "remediation-ledger")
            .endMetadata()
            .withData(written)
            .build();
    try {
      var r = client.configMaps().inNamespace(namespace).withName(name);
      ConfigMap existing = r.get();
      if (existing == null) {
        client.configMaps().inNamespace(namespace).resource(cm).create();
      } else {
        existing.setData(written); // a PUT with its resourceVersion: get and update, nothing more
        client.configMaps().inNamespace(namespace).resource(existing).update();
      }
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "remediation ledger: cannot write ConfigMap %s/%s (%s); kept in memory only",
          namespace, name, e.getMessage());
    }
  }
}
