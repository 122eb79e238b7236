package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.analysis.Severity;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Gateways;
import java.util.List;
import java.util.Map;

/**
 * Risk: the Ingress names an IngressClass that does not exist, or names none while no class is
 * marked default (and no legacy kubernetes.io/ingress.class annotation is set): no controller may
 * serve it.
 */
public final class IngressClassMissingRule implements Rule {
  private static final String LEGACY_CLASS_ANNOTATION = Gateways.LEGACY_CLASS_ANNOTATION;

  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    var ingress = ctx.chain().target().ingress();
    if (!ctx.cluster().knows("IngressClass") || ingress.isEmpty()) {
      return List.of(); // an IngressClass is an Ingress's
    }
    var ing = ingress.get();
    String ns = ctx.chain().namespace();
    String name = ctx.chain().name();
    ResourceRef ref = new ResourceRef("Ingress", ns, name);
    String className = ing.getSpec() == null ? null : ing.getSpec().getIngressClassName();
    Map<String, String> annotations = ing.getMetadata().getAnnotations();
    if (className != null && !className.isBlank()) {
      if (ctx.cluster().ingressClass(className).isPresent()) {
        return List.of();
      }
      return List.of(
          RuleFinding.of(
                  Code.IngressClassMissing,
                  Severity.Warning,
                  ref,
                  "Ingress "
                      + ns
                      + "/"
                      + name
                      + " names IngressClass "
                      + className
                      + ", which does not exist: no controller serves it",
                  List.of("spec.ingressClassName=" + className, "IngressClasses: " + classes(ctx)))
              .withRemediation(
                  new Remedy(
                      Action.MANUAL,
                      "Set spec.ingressClassName of Ingress "
                          + ns
                          + "/"
                          + name
                          + " to an existing class ("
                          + classes(ctx)
                          + ")",
                      false)));
    }
    if (annotations != null && annotations.containsKey(LEGACY_CLASS_ANNOTATION)) {
      return List.of();
    }
    boolean hasDefault = ctx.cluster().ingressClasses().stream().anyMatch(Gateways::isDefault);
    if (hasDefault) {
      return List.of();
    }
    return List.of(
        RuleFinding.of(
                Code.IngressClassMissing,
                Severity.Warning,
                ref,
                "Ingress "
                    + ns
                    + "/"
                    + name
                    + " names no IngressClass and no class is marked default: no controller may serve it",
                List.of("spec.ingressClassName unset", "IngressClasses: " + classes(ctx)))
            .withRemediation(
                new Remedy(
                    Action.MANUAL,
                    "Set spec.ingressClassName of Ingress "
                        + ns
                        + "/"
                        + name
                        + " (classes: "
                        + classes(ctx)
                        + ")",
                    false)));
  }

  private static String classes(AnalysisContext ctx) {
    var names =
        ctx.cluster().ingressClasses().stream()
            .map(c -> c.getMetadata().getName())
            .sorted()
            .toList();
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
