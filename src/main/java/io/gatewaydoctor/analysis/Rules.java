package io.gatewaydoctor.analysis;

import io.gatewaydoctor.analysis.rules.BackendCrashLoopingRule;
import io.gatewaydoctor.analysis.rules.BackendHeadersTooLargeRule;
import io.gatewaydoctor.analysis.rules.BackendInvalidResponseRule;
import io.gatewaydoctor.analysis.rules.BackendNotDiagnosedRule;
import io.gatewaydoctor.analysis.rules.BackendOOMKilledRule;
import io.gatewaydoctor.analysis.rules.BackendPrematureCloseRule;
import io.gatewaydoctor.analysis.rules.BackendProtocolMismatchRule;
import io.gatewaydoctor.analysis.rules.BackendRefNotPermittedRule;
import io.gatewaydoctor.analysis.rules.BackendRefusingConnectionsRule;
import io.gatewaydoctor.analysis.rules.BackendResettingConnectionsRule;
import io.gatewaydoctor.analysis.rules.BackendServerErrorRule;
import io.gatewaydoctor.analysis.rules.BackendServiceMissingRule;
import io.gatewaydoctor.analysis.rules.BackendTLSFailureRule;
import io.gatewaydoctor.analysis.rules.BackendTimeoutRule;
import io.gatewaydoctor.analysis.rules.BackendTlsPolicyInvalidRule;
import io.gatewaydoctor.analysis.rules.GatewayErrorReasonsRule;
import io.gatewaydoctor.analysis.rules.GatewayNotProgrammedRule;
import io.gatewaydoctor.analysis.rules.IngressClassMissingRule;
import io.gatewaydoctor.analysis.rules.KeepAliveTimeoutRaceRule;
import io.gatewaydoctor.analysis.rules.NetworkPolicyBlockedRule;
import io.gatewaydoctor.analysis.rules.NoPodsSelectedRule;
import io.gatewaydoctor.analysis.rules.NoPreStopHookRule;
import io.gatewaydoctor.analysis.rules.NoReadyEndpointsRule;
import io.gatewaydoctor.analysis.rules.ReadinessProbeMissingRule;
import io.gatewaydoctor.analysis.rules.RolloutWithoutGracefulShutdownRule;
import io.gatewaydoctor.analysis.rules.RouteNotAcceptedRule;
import io.gatewaydoctor.analysis.rules.ServicePortMismatchRule;
import io.gatewaydoctor.analysis.rules.SingleReplicaRule;
import io.gatewaydoctor.analysis.rules.StaleEndpointsRule;
import io.gatewaydoctor.analysis.rules.TargetPortMismatchRule;
import io.gatewaydoctor.analysis.rules.TlsSecretMissingRule;
import java.util.List;

/** The rule set. Adding a code: one Rule class, one Code constant, one line here, one fixture. */
public final class Rules {
  private Rules() {}

  public static List<Rule> all() {
    return List.of(
        new GatewayNotProgrammedRule(),
        new RouteNotAcceptedRule(),
        new BackendRefNotPermittedRule(),
        new BackendServiceMissingRule(),
        new ServicePortMismatchRule(),
        new TargetPortMismatchRule(),
        new NoPodsSelectedRule(),
        new NetworkPolicyBlockedRule(),
        new NoReadyEndpointsRule(),
        new BackendCrashLoopingRule(),
        new BackendOOMKilledRule(),
        new BackendRefusingConnectionsRule(),
        new BackendResettingConnectionsRule(),
        new BackendPrematureCloseRule(),
        new BackendInvalidResponseRule(),
        new BackendHeadersTooLargeRule(),
        new BackendProtocolMismatchRule(),
        new BackendTlsPolicyInvalidRule(),
        new BackendTLSFailureRule(),
        new BackendTimeoutRule(),
        new KeepAliveTimeoutRaceRule(),
        new GatewayErrorReasonsRule(),
        new BackendServerErrorRule(),
        new RolloutWithoutGracefulShutdownRule(),
        new StaleEndpointsRule(),
        new ReadinessProbeMissingRule(),
        new IngressClassMissingRule(),
        new TlsSecretMissingRule(),
        new SingleReplicaRule(),
        new NoPreStopHookRule(),
        new BackendNotDiagnosedRule());
  }
}
