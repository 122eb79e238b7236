package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.model.BackendRef;
import io.gatewaydoctor.model.ReferenceGrants;
import io.gatewaydoctor.model.Target;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's backendRef to a Service in another namespace is only followed when a ReferenceGrant in
 * that namespace permits routes of the route's kind and namespace to reach it; without one the
 * Gateway API requires the gateway to answer 500 for that backend's share. Found by looking at the
 * grants (ReferenceGrant has no status), not only from the route's ResolvedRefs condition.
 */
public final class BackendRefNotPermittedRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    Target t = ctx.chain().target();
    if (!io.gatewaydoctor.model.Routes.isRouteKind(t.kind())
        || !ctx.cluster().knows("ReferenceGrant")) {
      return out; // without the grants listed, a missing one cannot be told from an unseen one
    }
    for (BackendRef b : t.notPermitted()) {
      String bns = b.namespace();
      List<ReferenceGrant> grants = ctx.cluster().referenceGrants(bns);
      out.add(
          RuleFinding.of(
                  Code.BackendRefNotPermitted,
                  Severity.Critical,
                  t.ref(),
                  t
                      + " sends "
                      + String.join(", ", b.usedBy())
                      + " to Service "
                      + bns
                      + "/"
                      + b.service()
                      + " in another namespace, and no ReferenceGrant in "
                      + bns
                      + " permits it: the gateway answers 500 for that backend",
                  // another namespace's grants are its own business: only how many, none of them
                  // for this route
                  List.of(
                      "ReferenceGrants in namespace "
                          + bns
                          + ": "
                          + grants.size()
                          + ", none for "
                          + t.kind()
                          + "s of namespace "
                          + t.namespace()
                          + " to Service "
                          + b.service()))
              .withRemediation(
                  new Remedy(
                      Action.MANUAL,
                      "Add a ReferenceGrant in namespace "
                          + bns
                          + ": {apiVersion: gateway.networking.k8s.io/v1beta1, kind: ReferenceGrant,"
                          + " metadata: {name: allow-"
                          + t.namespace()
                          + "-routes, namespace: "
                          + b.namespace()
                          + "}, spec: {from: [{group: gateway.networking.k8s.io, kind: "
                          + t.kind()
                          + ", namespace: "
                          + t.namespace()
                          + "}], to: [{group: \"\", kind: Service, name: "
                          + b.service()
                          + "}]}}",
                      false)));
    }
    return out;
  }

  /** Whether one of the grants lets routes of this kind from this namespace reach the Service. */
  static boolean permits(List<ReferenceGrant> grants, Target t, String service) {
    return ReferenceGrants.permits(grants, t.kind(), t.namespace(), service);
  }
}
