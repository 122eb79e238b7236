package io.gatewaydoctor.operator;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.Health;
import io.gatewaydoctor.analysis.Windows;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.api.TargetRef;
import io.gatewaydoctor.evaluation.Pipeline;
import io.gatewaydoctor.history.ChainState;
import io.gatewaydoctor.history.Timeline;
import io.gatewaydoctor.model.HTTPRouteTargets;
import io.gatewaydoctor.model.OptOut;
import io.gatewaydoctor.probe.ProbeEvidence;
import io.gatewaydoctor.probe.ProbePlanner;
import io.gatewaydoctor.remediation.RemediationPolicy;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A diagnosis's target evaluated in the operator: the target looked up in the caches (missing, of a
 * kind not supported, opted out), its chain gathered, its probe and gateway evidence asked for
 * (which registers what the prober and the log streams follow), then the one pipeline ({@link
 * Pipeline}), and the chain's state on the target's timeline.
 */
final class TargetEvaluator {
  /** A verdict, and the chain's config picture it was taken on (null when there is no chain). */
  record Evaluation(
      Diagnosis diagnosis, java.util.Map<String, String> picture, List<String> servedBy) {
    Evaluation(Diagnosis diagnosis, java.util.Map<String, String> picture) {
      this(diagnosis, picture, null);
    }
  }

  private final DiagnosisInformers informers;
  private final ChainGatherer gatherer;
  private final ProbeScheduler prober;
  private final GatewayLogStreams logs;
  private final Function<GatewayDiagnosis, Timeline> timelineOf;

  TargetEvaluator(
      DiagnosisInformers informers,
      ChainGatherer gatherer,
      ProbeScheduler prober,
      GatewayLogStreams logs,
      Function<GatewayDiagnosis, Timeline> timelineOf) {
    this.informers = informers;
    this.gatherer = gatherer;
    this.prober = prober;
    this.logs = logs;
    this.timelineOf = timelineOf;
  }

  /** The target's evaluation; the policy's own finding is in every diagnosis, resolved or not. */
  Evaluation diagnose(GatewayDiagnosis gd, Instant now, RemediationPolicy policy) {
    String ns = gd.getMetadata().getNamespace();
    TargetRef t = gd.getSpec() == null ? null : gd.getSpec().getTargetRef();
    Evaluation ev = resolveAndEvaluate(gd, now, policy);
    if (ev.picture() != null) {
      return ev;
    }
    String kind = t == null || t.getKind() == null ? TargetRef.INGRESS : t.getKind();
    return new Evaluation(
        Pipeline.withPolicy(
            ev.diagnosis(), policy, new ResourceRef(kind, ns, t == null ? null : t.getName())),
        null);
  }

  private Evaluation resolveAndEvaluate(
      GatewayDiagnosis gd, Instant now, RemediationPolicy policy) {
    String ns = gd.getMetadata().getNamespace();
    TargetRef t = gd.getSpec() == null ? null : gd.getSpec().getTargetRef();
    if (t == null || t.getName() == null) {
      return new Evaluation(
          Diagnosis.targetMissing("Ingress", ns, "(spec.targetRef not set)"), null);
    }
    boolean route = io.gatewaydoctor.model.Routes.isRouteKind(t.getKind());
    if (t.getKind() != null && !TargetRef.INGRESS.equals(t.getKind()) && !route) {
      return new Evaluation(
          new Diagnosis(
              t.getKind() + "/" + t.getName(),
              Health.Unknown,
              Code.NONE,
              "Targets of kind "
                  + t.getKind()
                  + " are not supported yet (Ingress, HTTPRoute, GRPCRoute)",
              List.of(),
              List.of()),
          null);
    }
    if (route
        && (informers.routes == null
            || (io.gatewaydoctor.model.Routes.GRPC.equals(t.getKind())
                && informers.grpcRoutes == null))) {
      return new Evaluation(
          new Diagnosis(
              t.getKind() + "/" + t.getName(),
              Health.Unknown,
              Code.NONE,
              "Not diagnosed: this cluster does not serve the Gateway API's "
                  + t.getKind()
                  + "s (gateway.networking.k8s.io/v1), or gatewaydoctor.gateway-api.enabled is"
                  + " false",
              List.of(),
              List.of()),
          null);
    }
    io.fabric8.kubernetes.api.model.HasMetadata object =
        route
            ? informers.route(t.getKind(), new ResourceID(t.getName(), ns)).orElse(null)
            : informers.ingresses.get(new ResourceID(t.getName(), ns)).orElse(null);
    if (object == null) {
      return new Evaluation(
          Diagnosis.targetMissing(route ? t.getKind() : TargetRef.INGRESS, ns, t.getName()), null);
    }
    var namespace = informers.namespaces.get(new ResourceID(ns)).orElse(null);
    var optOut =
        OptOut.of(
            object.getMetadata().getAnnotations(),
            namespace == null ? null : namespace.getMetadata().getAnnotations());
    if (optOut.out()) {
      // a diagnosis made by hand does not lift the opt-out: nothing is probed, read or changed for
      // it
      return new Evaluation(
          new Diagnosis(
              (route ? t.getKind() : TargetRef.INGRESS) + "/" + t.getName(),
              Health.Unknown,
              Code.NONE,
              "Not diagnosed: " + OptOut.ANNOTATION + " is \"false\" on the " + optOut.by(),
              List.of(),
              List.of()),
          null);
    }
    Pipeline.Resolved target;
    if (route) {
      var snapshot = gatherer.gatherRoute(object);
      target = Pipeline.resolve(HTTPRouteTargets.of(object, snapshot), snapshot);
    } else {
      Ingress ingress = (Ingress) object;
      target = Pipeline.resolve(ingress, gatherer.gather(ingress));
    }
    Duration window = Windows.parse(gd.getSpec().getWindow());
    ProbeEvidence probes = ProbeEvidence.NONE;
    if (ProbeScheduler.probingOn(gd)) {
      ResourceID id = ResourceID.fromResource(gd);
      prober.endpointsAre(
          id,
          ProbePlanner.plan(
                  target.chain(), target.cluster(), gd.getSpec().getProbe(), prober.scope())
              .stream()
              .map(p -> p.target())
              .collect(Collectors.toSet()));
      probes = prober.evidence(id, window);
    }
    var gateway =
        logs.evidence(
            ResourceID.fromResource(gd),
            ns,
            route ? null : t.getName(), // the controller's request metrics are per Ingress
            window,
            target.upstreams(),
            target.addresses(),
            target.backendKeys());
    var baseline =
        gd.getStatus() == null || gd.getStatus().baseline == null
            ? null
            : gd.getStatus().baseline.fields;
    var r =
        Pipeline.evaluate(
            target, new Pipeline.Inputs(probes, gateway, baseline, false, policy, now, window));
    timelineOf.apply(gd).observe(ChainState.of(r.fields(), target.chain(), target.cluster()), now);
    return new Evaluation(r.diagnosis(), r.fields(), r.servedBy());
  }
}
