package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.RouteAttachment;
import java.util.ArrayList;
import java.util.List;

/**
 * The parent Gateway of a route, or the listener the route attaches to, is not ready to carry
 * traffic: its GatewayClass does not exist (looked at), or its status says {@code Accepted=False}
 * or {@code Programmed=False} (no address, invalid), or the listener's says {@code
 * Programmed=False}, {@code Conflicted=True} or {@code ResolvedRefs=False} (a certificate Secret
 * that is missing or invalid). Critical when no parent that admits the route can carry traffic.
 */
public final class GatewayNotProgrammedRule implements Rule {
  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    List<RuleFinding> out = new ArrayList<>();
    if (!(ctx.chain().target().object() instanceof HTTPRoute route)) {
      return out;
    }
    record Broken(Gateway gw, String problem, List<String> evidence) {}
    List<Broken> broken = new ArrayList<>();
    int usable = 0;
    for (RouteAttachment.Parent p : RouteAttachment.of(route, ctx.cluster())) {
      if (p.gateway() == null) {
        continue; // RouteNotAccepted says the parent does not exist
      }
      List<String> evidence = new ArrayList<>();
      String problem = problem(ctx, p, evidence);
      if (problem == null) {
        usable += p.accepted() ? 1 : 0;
      } else if (broken.stream().noneMatch(b -> b.gw() == p.gateway())) {
        broken.add(new Broken(p.gateway(), problem, evidence));
      }
    }
    Severity sev = usable == 0 ? Severity.Critical : Severity.Warning;
    for (Broken b : broken) {
      Gateway gw = b.gw();
      String ref = gw.getMetadata().getNamespace() + "/" + gw.getMetadata().getName();
      out.add(
          RuleFinding.of(
                  Code.GatewayNotProgrammed,
                  sev,
                  new ResourceRef(
                      "Gateway", gw.getMetadata().getNamespace(), gw.getMetadata().getName()),
                  "Gateway "
                      + ref
                      + ", a parent of "
                      + ctx.chain().target()
                      + ", cannot carry its traffic: "
                      + b.problem(),
                  b.evidence())
              .withRemediation(
                  new Remedy(
                      Action.MANUAL,
                      "Fix what the Gateway's status names (kubectl describe gateway -n "
                          + gw.getMetadata().getNamespace()
                          + " "
                          + gw.getMetadata().getName()
                          + "): its GatewayClass, addresses, listener certificates"
                          + " (certificateRefs), conflicting listeners; see"
                          + " docs/root-causes.md#gatewaynotprogrammed",
                      false)));
    }
    return out;
  }

  /** What keeps a parent from carrying traffic, or null. */
  static String problem(AnalysisContext ctx, RouteAttachment.Parent p, List<String> evidence) {
    Gateway gw = p.gateway();
    String cls = gw.getSpec() == null ? null : gw.getSpec().getGatewayClassName();
    if (ctx.cluster().knows("GatewayClass")
        && (cls == null || ctx.cluster().gatewayClass(cls).isEmpty())) {
      evidence.add("objects: no GatewayClass " + cls);
      return "its GatewayClass " + cls + " does not exist, so no controller serves it";
    }
    for (String type : List.of("Accepted", "Programmed")) {
      Condition c = RouteAttachment.condition(gw, null, type);
      if (c != null && "False".equals(c.getStatus())) {
        evidence.add(line("status.conditions", c));
        return type + "=False (" + c.getReason() + ")" + message(c);
      }
    }
    for (Listener l : p.listeners()) {
      List<String> bad = new ArrayList<>();
      for (String type : List.of("ResolvedRefs", "Conflicted", "Programmed")) {
        Condition c = RouteAttachment.condition(gw, l.getName(), type);
        if (c != null
            && (type.equals("Conflicted")
                ? "True".equals(c.getStatus())
                : "False".equals(c.getStatus()))) {
          evidence.add(line("status.listeners[" + l.getName() + "].conditions", c));
          bad.add(type + "=" + c.getStatus() + " (" + c.getReason() + ")" + message(c));
        }
      }
      if (!bad.isEmpty()) {
        return "its listener " + l.getName() + " has " + String.join("; ", bad);
      }
    }
    return null;
  }

  private static String line(String where, Condition c) {
    return where
        + " "
        + c.getType()
        + "="
        + c.getStatus()
        + " "
        + c.getReason()
        + (c.getMessage() == null ? "" : ": " + RouteNotAcceptedRule.cap(c.getMessage()));
  }

  private static String message(Condition c) {
    return c.getMessage() == null || c.getMessage().isBlank()
        ? ""
        : ": " + RouteNotAcceptedRule.cap(c.getMessage());
  }
}
