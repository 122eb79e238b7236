package io.gatewaydoctor.history;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.gatewaydoctor.api.TimelineEntry;
import io.gatewaydoctor.model.ClusterSnapshot;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.TargetChain;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state of a chain that its timeline follows, flat: the config picture ({@link ChainBaseline}),
 * each pod's readiness and restarts (with the last termination's reason and time), each endpoint's
 * condition, each ReplicaSet's replicas. {@link #changes} turns two states into timeline entries.
 * Bounded like the picture. Pure.
 */
public final class ChainState {
  static final int MAX_KEYS = 400;

  private ChainState() {}

  /** The state, around the chain's config picture ({@link ChainBaseline#of}) taken already. */
  public static Map<String, String> of(
      Map<String, String> picture, TargetChain chain, ClusterSnapshot cluster) {
    Map<String, String> s = new TreeMap<>();
    picture.forEach((k, v) -> s.put("config\u0000" + k, v));
    for (ResolvedBackend b : chain.backends()) {
      for (Pod p : b.pods()) {
        if (s.size() >= MAX_KEYS) {
          return s;
        }
        String pod = "Pod " + b.namespace() + "/" + p.getMetadata().getName();
        s.put(
            "readiness\u0000" + pod,
            Pods.isTerminating(p) ? "Terminating" : Pods.isReady(p) ? "Ready" : "NotReady");
        int restarts = 0;
        String why = "";
        for (ContainerStatus cs : Pods.containerStatuses(p)) {
          restarts += cs.getRestartCount() == null ? 0 : cs.getRestartCount();
          var t = cs.getLastState() == null ? null : cs.getLastState().getTerminated();
          if (t != null) {
            why =
                (t.getReason() == null ? "exit " + t.getExitCode() : t.getReason())
                    + (t.getFinishedAt() == null ? "" : "@" + t.getFinishedAt());
          }
        }
        s.put("restart\u0000" + pod, restarts + (why.isEmpty() ? "" : " " + why));
      }
      for (Endpoint e : Endpoint.of(b)) {
        if (e.ip() != null && e.port() != null && s.size() < MAX_KEYS) {
          s.put(
              "endpoint\u0000Service " + b.serviceKey() + " " + e.address(),
              e.terminating() ? "terminating" : e.ready() ? "ready" : "not ready");
        }
      }
      if (!b.pods().isEmpty()) {
        var w = Pods.workload(b.pods().get(0));
        if ("Deployment".equals(w.kind)) {
          for (ReplicaSet rs : cluster.replicaSetsOf(b.namespace(), w.name)) {
            s.put(
                "rollout\u0000ReplicaSet " + b.namespace() + "/" + rs.getMetadata().getName(),
                String.valueOf(
                    rs.getSpec() == null || rs.getSpec().getReplicas() == null
                        ? 0
                        : rs.getSpec().getReplicas()));
          }
        }
      }
    }
    return s;
  }

  /**
   * What changed from {@code before} to {@code now}, stamped with the object's time where the state
   * has one.
   */
  static List<TimelineEntry> changes(
      Map<String, String> before, Map<String, String> now, Instant at) {
    List<TimelineEntry> out = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(now.keySet());
    for (String k : keys) {
      String from = before.get(k);
      String to = now.get(k);
      if (java.util.Objects.equals(from, to)) {
        continue;
      }
      String[] kindObject = k.split("\u0000", 2);
      TimelineEntry e = new TimelineEntry();
      e.kind = kindObject[0];
      e.at = at.toString();
      switch (e.kind) {
        case "config" -> {
          e.object = ChainBaseline.resource(kindObject[1]);
          e.detail =
              ChainBaseline.field(kindObject[1])
                  + " "
                  + (from == null ? "(none)" : from)
                  + " → "
                  + (to == null ? "(none)" : to);
        }
        case "restart" -> {
          e.object = kindObject[1];
          if (to == null) {
            e.kind = "endpoint";
            e.detail = "pod gone";
          } else if (from == null) {
            e.kind = "endpoint";
            e.detail = "pod new";
          } else {
            String[] parts = to.split(" ", 2);
            e.detail =
                "restarted ("
                    + parts[0]
                    + " restarts"
                    + (parts.length > 1 ? ", last " + parts[1].replace("@", " at ") : "")
                    + ")";
            int cut = parts.length > 1 ? parts[1].indexOf('@') : -1;
            if (cut >= 0) {
              e.at = parts[1].substring(cut + 1);
            }
          }
        }
        case "readiness" -> {
          if (from == null || to == null) {
            continue; // told by the restart key (pod new or gone)
          }
          e.object = kindObject[1];
          e.detail = from + " → " + to;
        }
        default -> { // endpoint, rollout
          e.object = kindObject[1];
          e.detail =
              (from == null ? "added" : to == null ? "removed" : from + " → " + to)
                  + (e.kind.equals("endpoint") && from != null && to != null
                      ? ""
                      : e.kind.equals("rollout") && from != null && to != null ? " replicas" : "");
          if (e.kind.equals("rollout") && from == null) {
            e.detail = "new ReplicaSet, " + to + " replicas";
          } else if (e.kind.equals("rollout") && from != null && to != null) {
            e.detail = "scaled " + from + " → " + to;
          }
        }
      }
      out.add(e);
    }
    return out;
  }
}
