package io.gatewaydoctor.analysis;

/**
 * The catalogue of codes (DESIGN.md section 4, documented in docs/root-causes.md). Names are a
 * public contract: never rename one. Declaration order of the causes is the ranking: a cause on the
 * config chain comes before its symptoms, so the first cause found wins.
 */
public enum Code {
  // causes, most explanatory first
  GatewayNotProgrammed(
      Kind.CAUSE,
      "the route's parent Gateway or its listener is not Accepted/Programmed (class, address, conflict, certificate)"),
  RouteNotAccepted(
      Kind.CAUSE,
      "no listener of the route's parent Gateway admits it (parent, sectionName/port, allowedRoutes, hostname)"),
  BackendRefNotPermitted(
      Kind.CAUSE,
      "a route's cross-namespace backendRef has no ReferenceGrant that permits it (Gateway API answers 500)"),
  BackendServiceMissing(Kind.CAUSE, "Ingress backend names a Service that does not exist"),
  ServicePortMismatch(Kind.CAUSE, "backend port (number or name) is not a port of the Service"),
  TargetPortMismatch(
      Kind.CAUSE, "Service targetPort matches no containerPort of the selected pods"),
  NoPodsSelected(Kind.CAUSE, "Service selector matches no pods"),
  NetworkPolicyBlocked(
      Kind.CAUSE, "a NetworkPolicy on the backend pods does not admit the gateway"),
  BackendProtocolMismatch(Kind.CAUSE, "TLS backend behind plain-HTTP proxying, or the reverse"),
  BackendTLSFailure(
      Kind.CAUSE, "the TLS handshake or certificate verification to the backend fails"),
  BackendOOMKilled(Kind.CAUSE, "backend containers were OOMKilled"),
  BackendCrashLooping(Kind.CAUSE, "backend containers restart / CrashLoopBackOff"),
  ConfigDrift(Kind.CAUSE, "errors began after a change to the config chain"),
  RolloutWithoutGracefulShutdown(Kind.CAUSE, "errors cluster around pod terminations of a rollout"),
  StaleEndpoints(
      Kind.CAUSE,
      "the data plane sends traffic to addresses that are no longer endpoints of the Service"),
  NoReadyEndpoints(Kind.CAUSE, "pods exist but no endpoint is ready"),
  BackendRefusingConnections(Kind.CAUSE, "connect refused on pod IP:port"),
  BackendResettingConnections(Kind.CAUSE, "connection reset by the backend"),
  BackendPrematureClose(Kind.CAUSE, "backend closes without a complete response"),
  BackendInvalidResponse(Kind.CAUSE, "backend answers with something that is not valid HTTP"),
  BackendHeadersTooLarge(Kind.CAUSE, "response headers exceed the gateway's proxy buffer"),
  BackendTimeout(Kind.CAUSE, "backend does not answer in time"),
  KeepAliveTimeoutRace(Kind.CAUSE, "backend closes idle keep-alive connections before the gateway"),
  BackendServerError(
      Kind.CAUSE,
      "the backend itself returns the 5xx; the gateway passes it on and is not at fault"),
  // risks: findings, never the root cause while errors are explained by something else
  IngressClassMissing(
      Kind.RISK, "the Ingress names no IngressClass that exists, or none is default"),
  TlsSecretMissing(Kind.RISK, "a TLS secret of the Ingress does not exist"),
  ReadinessProbeMissing(Kind.RISK, "backend containers have no readiness probe"),
  NoPreStopHook(Kind.RISK, "backend pods have no preStop hook or drain time"),
  SingleReplica(Kind.RISK, "only one backend endpoint serves the target"),
  RemediationPolicyInvalid(
      Kind.RISK, "a gatewaydoctor.io/remediation annotation is malformed: remediation is off"),
  // information: something was not diagnosed, with the reason
  BackendNotDiagnosed(
      Kind.INFO, "a backend of the target cannot be diagnosed (resource backend, invalid entry)");

  public enum Kind {
    CAUSE,
    RISK,
    INFO
  }

  private final Kind kind;
  private final String meaning;

  Code(Kind kind, String meaning) {
    this.kind = kind;
    this.meaning = meaning;
  }

  public Kind kind() {
    return kind;
  }

  public String meaning() {
    return meaning;
  }

  public boolean isCause() {
    return kind == Kind.CAUSE;
  }

  /** "None": the rootCause value when nothing explains an error. */
  public static final String NONE = "None";
}
