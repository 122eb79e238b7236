package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.gateway.GatewayDialect;
import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The addresses the gateway's data plane sent a backend's requests to that are no endpoint of its
 * Service (ready or not) nor its ClusterIP, with the counters of the lines that ended there: what
 * {@code StaleEndpoints} reads. Only lines that certainly belong to the backend count (an upstream
 * name that is the backend's alone: Istio's cluster of a Service port, Envoy Gateway's cluster of a
 * rule with one backend); only addresses where clients got gateway errors.
 */
final class StaleAddresses {
  private StaleAddresses() {}

  static Map<String, GatewayEvidence.Counts> of(AnalysisContext ctx, ResolvedBackend b) {
    Map<String, GatewayEvidence.Counts> out = new TreeMap<>();
    if (ctx.gateway().isEmpty() || b.service() == null) {
      return out;
    }
    Set<String> current = Endpoint.addressesOf(b);
    for (GatewayDialect.Upstream u :
        ctx.dialect().upstreams(ctx.chain().target(), b, ctx.cluster())) {
      if (!u.whole()) {
        continue;
      }
      ctx.gateway()
          .byLastAddress(u.name())
          .forEach(
              (addr, c) -> {
                if (!addr.equals(GatewayEvidence.NO_ADDRESS)
                    && !current.contains(addr)
                    && c.gatewayErrors() > 0) {
                  out.merge(addr, c, (x, y) -> x.gatewayErrors() >= y.gatewayErrors() ? x : y);
                }
              });
    }
    return out;
  }

  /** The client errors at stale addresses, over the backends. */
  static long errors(AnalysisContext ctx, Iterable<ResolvedBackend> backends) {
    long n = 0;
    for (ResolvedBackend b : backends) {
      for (GatewayEvidence.Counts c : of(ctx, b).values()) {
        n += c.gatewayErrors();
      }
    }
    return n;
  }
}
