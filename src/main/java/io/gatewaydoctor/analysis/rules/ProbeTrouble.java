package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Fix;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.Pods;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.probe.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Shared walk of the probe evidence: per backend, the ready endpoints whose probe shows one kind of
 * failure. Critical when every probed ready endpoint shows it, else Warning. Not-ready endpoints
 * are probed and shown in the status, but the gateway sends them nothing, so they raise nothing.
 */
final class ProbeTrouble {
  private ProbeTrouble() {}

  /** The failing probes of one backend and how many ready endpoints were probed at all. */
  record Hits(ResolvedBackend backend, List<Probe> probes, int probed, int failed) {
    /** Critical when no probed ready endpoint works, whatever way each fails; else Warning. */
    Severity severity() {
      return failed == probed ? Severity.Critical : Severity.Warning;
    }

    String share() {
      return probes.size() == probed
          ? (probed == 1 ? "its endpoint" : "all " + probed + " endpoints")
          : probes.size() + " of " + probed + " endpoints";
    }

    /** The workload of the failing pods (the first one's), else the Service. */
    ResourceRef culprit() {
      return probes.stream()
          .map(p -> backend.pod(p.target().pod()))
          .flatMap(java.util.Optional::stream)
          .findFirst()
          .map(Pods::workload)
          .orElseGet(backend::serviceRef);
    }

    List<String> evidence() {
      List<String> out = new ArrayList<>();
      for (Probe p : probes.stream().limit(3).toList()) {
        out.add(
            "probe "
                + p.key()
                + (p.target().pod() == null ? "" : " (pod " + p.target().pod() + ")")
                + " over "
                + (p.target().tls() ? "HTTPS" : "HTTP")
                + ": "
                + p.outcome()
                + ", "
                + p.detail()
                + " after "
                + p.latencyMillis()
                + " ms");
      }
      return out;
    }
  }

  static List<Hits> hits(AnalysisContext ctx, Predicate<Probe> matches) {
    List<Hits> out = new ArrayList<>();
    if (ctx.probes().isEmpty()) {
      return out;
    }
    for (ResolvedBackend b : ctx.chain().backends()) {
      int probed = 0;
      int failed = 0;
      List<Probe> hit = new ArrayList<>();
      for (Endpoint e : Endpoint.of(b)) {
        if (!e.ready() || e.terminating()) {
          continue;
        }
        var p = ctx.probes().at(e.ip(), e.port());
        if (p.isEmpty()) {
          continue;
        }
        probed++;
        failed += p.get().outcome().failed() ? 1 : 0;
        if (matches.test(p.get())) {
          hit.add(p.get());
        }
      }
      if (!hit.isEmpty()) {
        out.add(new Hits(b, hit, probed, failed));
      }
    }
    return out;
  }

  /**
   * restart-pod of the first failing pod, with the manual fix beside it; gateway-doctor deletes it
   * only while other endpoints answer (the guard's floor). Manual when the failing endpoint names
   * no pod of the input.
   */
  static Remedy restartFirst(Hits h, String manual) {
    var pod =
        h.probes().stream()
            .map(p -> h.backend().pod(p.target().pod()))
            .flatMap(java.util.Optional::stream)
            .filter(Pods::replacedWhenDeleted)
            .findFirst();
    if (pod.isEmpty()) {
      return new Remedy(Action.MANUAL, manual, false); // no pod its ReplicaSet would replace
    }
    return new Remedy(
            Action.RESTART_POD,
            "Evict pod "
                + pod.get().getMetadata().getName()
                + " so that its ReplicaSet replaces it (only while other endpoints answer); "
                + manual,
            true)
        .fixing(new Fix.DeletePod(pod.get()));
  }

  static RuleFinding finding(Code code, Hits h, ResourceRef culprit, String message, Remedy fix) {
    return RuleFinding.of(code, h.severity(), culprit, named(h, message), h.evidence())
        .withRemediation(fix);
  }

  /** The failing pods by name and IP (or the address where no pod is known), in probe order. */
  static List<String> podNames(Hits h) {
    return h.probes().stream()
        .map(
            p ->
                p.target().pod() != null
                    ? "pod " + p.target().pod() + " (" + p.target().ip() + ")"
                    : p.key())
        .toList();
  }

  /**
   * The message with the failing pods named (name and IP, at most three, then "and N more") unless
   * it names them already.
   */
  static String named(Hits h, String message) {
    List<String> names = podNames(h);
    if (names.isEmpty() || message.contains(names.get(0))) {
      return message;
    }
    return message + ": " + GatewayTrouble.list(names);
  }
}
