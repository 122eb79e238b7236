package io.gatewaydoctor.analysis;

import io.gatewaydoctor.api.BackendStatus;
import io.gatewaydoctor.api.DriftEntry;
import io.gatewaydoctor.api.GatewayErrors;
import java.util.List;

/** The pure core's verdict on one target, before it becomes a GatewayDiagnosis status. */
public record Diagnosis(
    String target,
    Health health,
    String rootCause,
    String summary,
    List<RuleFinding> findings,
    List<BackendStatus> backends,
    Double errorRate,
    GatewayErrors gatewayErrors,
    List<DriftEntry> drift) {

  public Diagnosis(
      String target,
      Health health,
      String rootCause,
      String summary,
      List<RuleFinding> findings,
      List<BackendStatus> backends,
      Double errorRate,
      GatewayErrors gatewayErrors) {
    this(target, health, rootCause, summary, findings, backends, errorRate, gatewayErrors, null);
  }

  public Diagnosis(
      String target,
      Health health,
      String rootCause,
      String summary,
      List<RuleFinding> findings,
      List<BackendStatus> backends) {
    this(target, health, rootCause, summary, findings, backends, null, null);
  }

  /**
   * This verdict with one more finding, ranked among the others (a risk or information never
   * changes health or root cause).
   */
  public Diagnosis plus(RuleFinding f) {
    // inserted in its place without sorting the others again: their order came from the evidence
    var all = new java.util.ArrayList<>(findings);
    int at = 0;
    while (at < all.size()
        && (all.get(at).code().kind().compareTo(f.code().kind()) < 0
            || (all.get(at).code().kind() == f.code().kind()
                && (f.code().isCause() || Ranker.ORDER.compare(all.get(at), f) <= 0)))) {
      at++;
    }
    all.add(at, f);
    return new Diagnosis(
        target, health, rootCause, summary, all, backends, errorRate, gatewayErrors, drift);
  }

  public static Diagnosis targetMissing(String kind, String namespace, String name) {
    return new Diagnosis(
        kind + "/" + name,
        Health.Unknown,
        Code.NONE,
        kind + " " + namespace + "/" + name + " does not exist: nothing to diagnose",
        List.of(),
        List.of());
  }
}
