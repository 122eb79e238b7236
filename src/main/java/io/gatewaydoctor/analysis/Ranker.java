package io.gatewaydoctor.analysis;

import io.gatewaydoctor.analysis.rules.Explained;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Orders findings and picks the root cause (docs/root-causes.md, "How the verdict is chosen").
 * Causes before risks before information. Without errors in the gateway's logs: Critical before
 * Warning, then the catalogue order of {@link Code} (a config-chain cause before the symptoms it
 * explains, e.g. TargetPortMismatch before NoReadyEndpoints). With errors in the logs, a cause
 * ranks by how many of them it accounts for (in place and in time), then as before; a cause that
 * accounts for none of them while another does loses one step of severity and says so.
 */
public final class Ranker {
  private Ranker() {}

  /**
   * The start of the evidence line a finding that accounts for none of the errors gets (remediation
   * plans skip it).
   */
  public static final String DEMOTED = "accounts for none of the ";

  /**
   * Whether the ranking lowered this finding because it accounts for none of the errors clients
   * got.
   */
  public static boolean demoted(RuleFinding f) {
    return f.evidence().stream().anyMatch(l -> l.startsWith(DEMOTED));
  }

  public static final Comparator<RuleFinding> ORDER =
      Comparator.comparing((RuleFinding f) -> f.code().kind())
          .thenComparing(RuleFinding::severity)
          .thenComparing(RuleFinding::code);

  public static List<RuleFinding> rank(List<RuleFinding> findings) {
    List<RuleFinding> sorted = new ArrayList<>(findings);
    sorted.sort(ORDER);
    return sorted;
  }

  /**
   * Ranks by the evidence: {@code score} is what a finding accounts for of the {@code observed}
   * errors (as {@link Explained#score} counts it, larger is more); with nothing observed it is
   * {@link #rank(List)}.
   */
  public static List<RuleFinding> rank(
      List<RuleFinding> findings, long observed, ToLongFunction<RuleFinding> score) {
    if (observed <= 0) {
      return rank(findings);
    }
    Map<RuleFinding, Long> scores = new IdentityHashMap<>();
    long best = 0;
    for (RuleFinding f : findings) {
      long s = f.code().isCause() ? score.applyAsLong(f) : 0;
      scores.put(f, s);
      best = Math.max(best, s);
    }
    RuleFinding leader = null;
    for (RuleFinding f : findings) {
      if (scores.get(f) == best && (leader == null || ORDER.compare(f, leader) < 0)) {
        leader = f;
      }
    }
    List<RuleFinding> out = new ArrayList<>();
    List<String> contradicted =
        new ArrayList<>(); // what a lowered probe said about the leader's own object
    for (RuleFinding f : findings) {
      long s = scores.get(f);
      if (f.code().isCause() && s == 0 && best > 1 && f.severity() != Severity.Info) {
        // explains nothing the gateway saw while something else does: listed, one step lower, and
        // says why
        List<String> ev = new ArrayList<>(f.evidence());
        ev.add(
            DEMOTED
                + observed
                + " errors in the gateway's logs in the window"
                + (leader == null ? "" : " (" + leader.code() + " does)"));
        RuleFinding demoted =
            new RuleFinding(
                f.code(),
                f.severity() == Severity.Critical ? Severity.Warning : Severity.Info,
                f.resource(),
                f.message(),
                ev,
                f.since(),
                f.remediation());
        scores.put(demoted, s);
        out.add(demoted);
        if (leader != null && leader.resource() != null && leader.resource().equals(f.resource())) {
          Code wins = leader.code();
          f.evidence().stream()
              .filter(l -> l.startsWith("probe "))
              .findFirst()
              .ifPresent(
                  l -> contradicted.add(l + " (the gateway's own reason wins: " + wins + ")"));
        }
      } else {
        out.add(f);
      }
    }
    if (!contradicted.isEmpty()) {
      // the cause cites the probe that disagreed with the gateway on the same object
      int i = out.indexOf(leader);
      List<String> ev = new ArrayList<>(leader.evidence());
      contradicted.stream().filter(l -> !ev.contains(l)).forEach(ev::add);
      RuleFinding cited =
          new RuleFinding(
              leader.code(),
              leader.severity(),
              leader.resource(),
              leader.message(),
              ev,
              leader.since(),
              leader.remediation());
      scores.put(cited, scores.get(leader));
      out.set(i, cited);
    }
    out.sort(
        Comparator.comparing((RuleFinding f) -> f.code().kind())
            .thenComparing((RuleFinding f) -> -scores.get(f))
            .thenComparing(RuleFinding::severity)
            .thenComparing(RuleFinding::code));
    return out;
  }

  /** The root cause among ranked findings: the first cause that is at least a Warning. */
  public static Optional<RuleFinding> root(List<RuleFinding> ranked) {
    return ranked.stream()
        .filter(f -> f.code().isCause() && f.severity().atLeast(Severity.Warning))
        .findFirst();
  }

  public static Health health(List<RuleFinding> ranked, boolean anythingDiagnosed) {
    Optional<RuleFinding> root = root(ranked);
    if (root.isPresent()) {
      return root.get().severity() == Severity.Critical ? Health.Failing : Health.Degraded;
    }
    return anythingDiagnosed ? Health.Healthy : Health.Unknown;
  }
}
