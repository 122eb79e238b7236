package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.model.RouteAttachment;
import java.util.ArrayList;
import java.util.List;

/**
 * A route that no listener of its parent Gateway admits gets no traffic at all (the gateway answers
 * 404, or another route's backend answers): the parent does not exist, no listener has its
 * sectionName or port, the listener's allowedRoutes leave out the route's namespace or kind, or no
 * hostname matches. Worked out from the objects ({@link RouteAttachment}), and read from the
 * route's {@code Accepted} condition per parent where the objects show nothing wrong. Critical when
 * no parent accepts the route, else Warning.
 */
public final class RouteNotAcceptedRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    var route = ctx.chain().target().object();
    if (route == null || !io.gatewaydoctor.model.Routes.isRoute(route)) {
      return out;
    }
    var refs = io.gatewaydoctor.model.Routes.parentRefs(route);
    List<RouteAttachment.Parent> parents = RouteAttachment.of(route, ctx.cluster());
    List<String> why = new ArrayList<>();
    List<String> evidence = new ArrayList<>();
    int refused = 0;
    for (RouteAttachment.Parent p : parents) {
      if (p.accepted()) {
        continue;
      }
      refused++;
      String reason =
          p.problem() != null
              ? p.problem()
              : "its status says Accepted="
                  + p.status().getStatus()
                  + ", "
                  + p.status().getReason();
      why.add(p.ref() + ": " + reason);
      if (p.status() != null && evidence.size() < 4) {
        evidence.add(
            "status.parents["
                + p.ref()
                + "] Accepted="
                + p.status().getStatus()
                + " "
                + p.status().getReason()
                + (p.status().getMessage() == null ? "" : ": " + cap(p.status().getMessage())));
      }
      if (p.problem() != null && evidence.size() < 4) {
        evidence.add("objects: " + p.problem());
      }
    }
    boolean none = refs == null || refs.isEmpty();
    if (refused == 0 && !none) {
      return out;
    }
    boolean all = none || refused == parents.size();
    out.add(
        RuleFinding.of(
                Code.RouteNotAccepted,
                all ? Severity.Critical : Severity.Warning,
                ctx.chain().target().ref(),
                none
                    ? ctx.chain().target() + " names no parent Gateway: no gateway serves it"
                    : (all ? "No parent Gateway accepts " : "Not every parent Gateway accepts ")
                        + ctx.chain().target()
                        + (all ? ", so no request reaches its backends" : "")
                        + ": "
                        + String.join("; ", why),
                evidence)
            .withRemediation(
                new Remedy(
                    Action.MANUAL,
                    none
                        ? "Add spec.parentRefs naming the Gateway that should serve "
                            + ctx.chain().target()
                        : "Make the route and the listener agree: spec.parentRefs (name, namespace,"
                            + " sectionName, port) naming an existing listener, a hostname the"
                            + " listener admits, and a listener whose allowedRoutes admit routes"
                            + " from namespace "
                            + ctx.chain().namespace()
                            + " (allowedRoutes.namespaces.from: All, or a Selector matching it);"
                            + " see docs/root-causes.md#routenotaccepted",
                    false)));
    return out;
  }

  static String cap(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
