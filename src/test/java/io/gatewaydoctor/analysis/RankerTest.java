package io.gatewaydoctor.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaydoctor.api.ResourceRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ranking's rules as a table: what each finding accounts for decides, the catalogue breaks
 * ties.
 */
class RankerTest {
  static final ResourceRef WEB = new ResourceRef("Deployment", "shop", "web");

  static RuleFinding f(Code code, Severity sev) {
    return RuleFinding.of(code, sev, WEB, code.name(), List.of());
  }

  static List<String> ranked(long observed, Map<Code, Long> scores, RuleFinding... findings) {
    return Ranker.rank(List.of(findings), observed, x -> scores.getOrDefault(x.code(), 0L)).stream()
        .map(x -> x.code() + " " + x.severity())
        .toList();
  }

  @Test
  void withoutErrorsInTheLogsTheCatalogueOrderHolds() {
    assertThat(
            ranked(
                0,
                Map.of(Code.BackendResettingConnections, 40L),
                f(Code.BackendResettingConnections, Severity.Warning),
                f(Code.BackendOOMKilled, Severity.Warning),
                f(Code.SingleReplica, Severity.Warning)))
        .containsExactly(
            "BackendOOMKilled Warning",
            "BackendResettingConnections Warning",
            "SingleReplica Warning");
  }

  @Test
  void theCauseThatAccountsForMoreErrorsWinsAndOneThatAccountsForNoneDropsAStep() {
    assertThat(
            ranked(
                20,
                Map.of(Code.BackendResettingConnections, 40L),
                f(Code.BackendOOMKilled, Severity.Critical),
                f(Code.BackendResettingConnections, Severity.Warning),
                f(Code.SingleReplica, Severity.Warning)))
        .containsExactly(
            "BackendResettingConnections Warning",
            "BackendOOMKilled Warning",
            "SingleReplica Warning");
    assertThat(
            ranked(
                20,
                Map.of(Code.BackendResettingConnections, 40L),
                f(Code.BackendCrashLooping, Severity.Warning),
                f(Code.BackendResettingConnections, Severity.Warning)))
        .containsExactly("BackendResettingConnections Warning", "BackendCrashLooping Info");
  }

  @Test
  void aDemotedFindingSaysWhyAndNamesTheCauseThatAccountsForTheErrors() {
    var out =
        Ranker.rank(
            List.of(
                f(Code.BackendOOMKilled, Severity.Warning),
                f(Code.BackendRefusingConnections, Severity.Warning)),
            12,
            x -> x.code() == Code.BackendRefusingConnections ? 24 : 0);
    assertThat(out.get(1).evidence())
        .containsExactly(
            "accounts for none of the 12 errors in the gateway's logs in the window (BackendRefusingConnections does)");
  }

  @Test
  void aConfigChainCauseAccountingForEverythingBeatsItsSymptomOnTheTie() {
    assertThat(
            ranked(
                10,
                Map.of(Code.TargetPortMismatch, 20L, Code.BackendRefusingConnections, 20L),
                f(Code.BackendRefusingConnections, Severity.Critical),
                f(Code.TargetPortMismatch, Severity.Critical)))
        .containsExactly("TargetPortMismatch Critical", "BackendRefusingConnections Critical");
  }

  @Test
  void aStrictlyMoreSpecificProbeWinsTheTieAndDriftOnlyLeadsWhenNothingElseAccounts() {
    assertThat(
            ranked(
                10,
                Map.of(Code.BackendInvalidResponse, 20L, Code.BackendHeadersTooLarge, 21L),
                f(Code.BackendInvalidResponse, Severity.Critical),
                f(Code.BackendHeadersTooLarge, Severity.Critical)))
        .containsExactly("BackendHeadersTooLarge Critical", "BackendInvalidResponse Critical");
    assertThat(
            ranked(
                10,
                Map.of(Code.ConfigDrift, 1L),
                f(Code.BackendCrashLooping, Severity.Warning),
                f(Code.ConfigDrift, Severity.Warning)))
        .as(
            "nothing direct accounts for the errors: the change leads, and a finding is not demoted for a token")
        .containsExactly("ConfigDrift Warning", "BackendCrashLooping Warning");
    assertThat(
            ranked(
                10,
                Map.of(Code.ConfigDrift, 1L, Code.BackendResettingConnections, 20L),
                f(Code.ConfigDrift, Severity.Warning),
                f(Code.BackendResettingConnections, Severity.Warning)))
        .containsExactly("BackendResettingConnections Warning", "ConfigDrift Warning");
  }

  @Test
  void healthFollowsTheRootAndRisksNeverLead() {
    var out =
        Ranker.rank(
            List.of(f(Code.SingleReplica, Severity.Warning), f(Code.BackendTimeout, Severity.Info)),
            5,
            x -> 0);
    assertThat(Ranker.root(out)).isEmpty();
    assertThat(Ranker.health(out, true)).isEqualTo(Health.Healthy);
  }

  @Test
  void theCauseCitesTheProbeThatDisagreedOnTheSameObject() {
    var probe =
        RuleFinding.of(
            Code.BackendResettingConnections,
            Severity.Warning,
            WEB,
            "resets",
            List.of(
                "probe 10.0.0.5:8080 (pod web-1) over HTTP: reset, reset while reading the response after 3 ms"));
    var out =
        Ranker.rank(
            List.of(probe, f(Code.BackendRefusingConnections, Severity.Warning)),
            10,
            x -> x.code() == Code.BackendRefusingConnections ? 20 : 0);
    assertThat(out.get(0).code()).isEqualTo(Code.BackendRefusingConnections);
    assertThat(out.get(0).evidence())
        .containsExactly(
            "probe 10.0.0.5:8080 (pod web-1) over HTTP: reset, reset while reading the response"
                + " after 3 ms (the gateway's own reason wins: BackendRefusingConnections)");
    assertThat(out.get(1).severity()).isEqualTo(Severity.Info);
  }
}
