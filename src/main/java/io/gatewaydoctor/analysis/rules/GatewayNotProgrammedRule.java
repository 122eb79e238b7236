package io.gatewaydoctor.analysis.rules;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
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
    var route = ctx.chain().target().object();
    if (route == null || !io.gatewaydoctor.model.Routes.isRoute(route)) {
      return out;
    }
    record Broken(Gateway gw, String problem, List<String> evidence, boolean blocking) {}
    List<Broken> broken = new ArrayList<>();
    int usable = 0;
    for (RouteAttachment.Parent p : RouteAttachment.of(route, ctx.cluster())) {
      if (p.gateway() == null) {
        continue; // RouteNotAccepted says the parent does not exist
      }
      List<String> evidence = new ArrayList<>();
      Problem problem = problem(ctx, p, evidence);
      if (problem == null || !problem.blocking()) {
        usable += p.accepted() ? 1 : 0;
      }
      if (problem != null && broken.stream().noneMatch(b -> b.gw() == p.gateway())) {
        broken.add(new Broken(p.gateway(), problem.text(), evidence, problem.blocking()));
      }
    }
    for (Broken b : broken) {
      Severity sev = usable == 0 && b.blocking() ? Severity.Critical : Severity.Warning;
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

  /**
   * What is wrong with a parent, or null; {@code blocking}: it carries none of the route's traffic
   * (its class, the Gateway itself, or every listener the route attaches to).
   */
  record Problem(String text, boolean blocking) {}

  static Problem problem(AnalysisContext ctx, RouteAttachment.Parent p, List<String> evidence) {
    Gateway gw = p.gateway();
    String cls = gw.getSpec() == null ? null : gw.getSpec().getGatewayClassName();
    if (ctx.cluster().knows("GatewayClass")
        && (cls == null || ctx.cluster().gatewayClass(cls).isEmpty())) {
      evidence.add("objects: no GatewayClass " + cls);
      return new Problem(
          "its GatewayClass " + cls + " does not exist, so no controller serves it", true);
    }
    for (String type : List.of("Accepted", "Programmed")) {
      Condition c = RouteAttachment.condition(gw, null, type);
      if (c != null && "False".equals(c.getStatus())) {
        evidence.add(line("status.conditions", c));
        return new Problem(type + "=False (" + c.getReason() + ")" + message(c), true);
      }
    }
    List<String> badListeners = new ArrayList<>();
    for (Listener l : p.listeners()) {
      if (l.getName() == null) {
        continue;
      }
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
        badListeners.add("its listener " + l.getName() + " has " + String.join("; ", bad));
      }
    }
    if (badListeners.isEmpty()) {
      return null;
    }
    boolean all =
        badListeners.size() == p.listeners().stream().filter(l -> l.getName() != null).count();
    return new Problem(
        String.join("; ", badListeners)
            + (all ? "" : " (the route's other listeners carry its traffic)"),
        all);
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
