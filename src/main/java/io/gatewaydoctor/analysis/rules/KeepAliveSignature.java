package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.model.Endpoint;
import io.gatewaydoctor.model.ResolvedBackend;
import io.gatewaydoctor.model.TargetChain;
import io.gatewaydoctor.signals.ErrorLine.Reason;
import io.gatewaydoctor.signals.GatewayEvidence;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The keep-alive race as the gateway's own logs show it: on an endpoint that otherwise answers, a
 * small share of tries fail with "upstream prematurely closed connection" or "reset by peer" (a
 * request sent on an idle connection the backend was closing). Only a candidate: a measurement of
 * the backend's idle timeout confirms it (the operator's prober on its schedule, {@code analyze
 * --probe} for exactly the Services this names). Pure.
 */
public final class KeepAliveSignature {
  /** At least this many requests to the endpoint, so that a share means something. */
  static final int MIN_REQUESTS = 10;

  /** At most this share (percent) of the endpoint's tries failed. */
  static final int MAX_PERCENT = 10;

  private KeepAliveSignature() {}

  /** Whether these counts of one endpoint show the signature. */
  public static boolean shows(GatewayEvidence.Counts c) {
    if (c == null || c.requests < MIN_REQUESTS) {
      return false;
    }
    long closes =
        c.reasons.getOrDefault(Reason.prematureClose, 0L)
            + c.reasons.getOrDefault(Reason.reset, 0L);
    long failed = c.gatewayErrors();
    return closes > 0
        && failed > 0
        && failed * 100 <= MAX_PERCENT * c.requests
        && c.requests > failed;
  }

  /** The Services ("ns/name:port") of the target with an endpoint that shows the signature. */
  public static Set<String> suspected(TargetChain chain, GatewayEvidence gateway) {
    Set<String> out = new LinkedHashSet<>();
    if (gateway == null || !gateway.hasLogs()) {
      return out;
    }
    for (ResolvedBackend b : chain.backends()) {
      for (Endpoint e : Endpoint.of(b)) {
        if (e.ip() != null && e.port() != null && shows(gateway.address(e.address()))) {
          out.add(b.serviceKey() + ":" + b.ref().portLabel());
          break;
        }
      }
    }
    return out;
  }
}
