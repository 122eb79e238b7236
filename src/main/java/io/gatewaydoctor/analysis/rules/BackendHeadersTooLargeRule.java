package io.gatewaydoctor.analysis.rules;

import io.gatewaydoctor.analysis.Action;
import io.gatewaydoctor.analysis.AnalysisContext;
import io.gatewaydoctor.analysis.Code;
import io.gatewaydoctor.analysis.Fix;
import io.gatewaydoctor.analysis.Remedy;
import io.gatewaydoctor.analysis.Rule;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.probe.Outcome;
import io.gatewaydoctor.probe.Probe;
import java.util.List;

/**
 * Response headers exceed the gateway's proxy buffer (ingress-nginx: 502, "upstream sent too big
 * header while reading response header from upstream"). The fix raises proxy-buffer-size to the
 * next power of two above the largest header seen, capped at 64k.
 */
public final class BackendHeadersTooLargeRule implements Rule {
  public static final int MAX_BUFFER = 64 * 1024;

  @Override
  public List<RuleFinding> check(AnalysisContext ctx) {
    String ns = ctx.chain().namespace();
    String name = ctx.chain().name();
    return ProbeTrouble.hits(ctx, p -> p.outcome() == Outcome.headersTooLarge).stream()
        .map(
            h -> {
              int largest = h.probes().stream().mapToInt(Probe::headerBytes).max().orElse(0);
              int limit = h.probes().get(0).target().headerLimit();
              int size = Integer.highestOneBit(Math.max(largest, 1)) << 1;
              // an annotation fixes an Ingress only; a route's gateway has no such setting here
              boolean fits =
                  size <= MAX_BUFFER
                      && largest < size
                      && ctx.chain().target().ingress().isPresent()
                      && ctx.dialect().headerBufferSetting() != null;
              String value = (Math.min(size, MAX_BUFFER) / 1024) + "k";
              var fix =
                  new Remedy(
                      fits ? Action.RAISE_PROXY_BUFFER_SIZE : Action.MANUAL,
                      fits
                          ? "Set annotation "
                              + ctx.dialect().headerBufferSetting()
                              + ": \""
                              + value
                              + "\" on Ingress "
                              + ns
                              + "/"
                              + name
                          : "Shrink the response headers of "
                              + h.culprit()
                              + " (cookies, debug headers): "
                              + largest
                              + " bytes is more than a sane proxy buffer",
                      fits);
              return ProbeTrouble.finding(
                  Code.BackendHeadersTooLarge,
                  h,
                  ctx.chain().target().ref(),
                  h.culprit()
                      + " sends response headers of "
                      + largest
                      + " bytes, more than the "
                      + limit
                      + "-byte proxy buffer of Ingress "
                      + ns
                      + "/"
                      + name
                      + " ("
                      + ctx.dialect()
                          .origin(
                              ctx.dialect().headerBufferSetting(),
                              ctx.chain().annotations(),
                              ctx.chain().controllerConfig())
                      + ")",
                  fits
                      ? fix.fixing(
                          new Fix.Annotation(
                              ctx.chain().target().object(),
                              ctx.dialect().headerBufferSetting(),
                              value))
                      : fix);
            })
        .toList();
  }
}
