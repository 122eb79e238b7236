package io.gatewaydoctor.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Leader election through a Lease, active under the {@code leader-election} profile (the chart sets
 * {@code QUARKUS_PROFILE=prod,leader-election}): only the holder reconciles, probes and reads the
 * gateway; a standby takes over when the lease runs out. The Lease lives in {@code
 * gatewaydoctor.leader-election.lease-namespace} (the chart: the operator's own namespace), else in
 * the client's namespace.
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {
  public LeaderElection(
      @ConfigProperty(
              name = "gatewaydoctor.leader-election.lease-name",
              defaultValue = "gateway-doctor-lease")
          String leaseName,
      @ConfigProperty(name = "gatewaydoctor.leader-election.lease-namespace")
          Optional<String> leaseNamespace) {
    super(leaseName, leaseNamespace.filter(s -> !s.isBlank()).orElse(null));
  }
}
