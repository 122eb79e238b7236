package io.gatewaydoctor.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.remediation.Guard;
import io.gatewaydoctor.remediation.Ledger;
import io.gatewaydoctor.remediation.Plan;
import io.gatewaydoctor.remediation.Remediation;
import io.gatewaydoctor.remediation.RemediationPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * #18 item 8: the gateway's log alone never changes the cluster. nginx's "not HTTP" on a TLS port
 * plans set-backend-protocol, but under {@code auto} it stays a dry run and says why; the same
 * change backed by a probe (or the spec) is applied.
 */
class LogOnlyRemediationTest {
  static Guard.Situation auto(Diagnosis d) {
    return new Guard.Situation(
        RemediationPolicy.of(
            Map.of(RemediationPolicy.MODE, "auto"), null, RemediationPolicy.Mode.auto, Set.of()),
        ScenarioTest.NOW,
        Duration.ofMinutes(10),
        ScenarioTest.NOW,
        d.backends(),
        null,
        Ledger.of(List.of()),
        0,
        Guard.Limits.DEFAULT);
  }

  @Test
  void aChangeKnownFromTheLogAloneStaysADryRun() throws Exception {
    Diagnosis logOnly = ScenarioTest.run("gateway-plain-http-to-a-tls-port");
    assertThat(logOnly.findings().get(0).code()).isEqualTo(Code.BackendProtocolMismatch);
    var decision = Remediation.decide(logOnly, List.of(), auto(logOnly)).decision();
    assertThat(decision.plan().action()).isEqualTo("set-backend-protocol");
    assertThat(decision.verdict()).isEqualTo(Remediation.Verdict.DryRun);
    assertThat(decision.reason()).contains("the gateway's log is the only evidence");

    // the same change also found by a probe: confirmed, applied
    RuleFinding fromLog = logOnly.findings().get(0);
    RuleFinding fromProbe =
        new RuleFinding(
            fromLog.code(),
            fromLog.severity(),
            fromLog.resource(),
            "probed: speaks TLS",
            List.of("probe: TLS answer"),
            null,
            new Remedy(
                fromLog.remediation().action(),
                fromLog.remediation().description(),
                true,
                fromLog.remediation().fix()));
    Diagnosis both = logOnly.plus(fromProbe);
    assertThat(Plan.of(both)).hasSize(1).allMatch(p -> p.dryRunOnly() == null);
    var applied = Remediation.decide(both, List.of(), auto(both)).decision();
    assertThat(applied.verdict()).isEqualTo(Remediation.Verdict.Apply);
  }
}
