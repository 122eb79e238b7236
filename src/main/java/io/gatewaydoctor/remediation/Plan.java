package io.gatewaydoctor.remediation;

import io.gatewaydoctor.analysis.Diagnosis;
import io.gatewaydoctor.analysis.Ranker;
import io.gatewaydoctor.analysis.RuleFinding;
import io.gatewaydoctor.api.RemediationRecord;
import io.gatewaydoctor.api.ResourceRef;
import io.gatewaydoctor.model.Digests;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One typed remediation before it is an effect: the action, the finding it answers, the object it
 * changes and the exact patch ({@link Patches}), and why. Plans come from the verdict's findings,
 * most important first, and only from those whose rule made the fix automatic. Pure.
 */
public record Plan(
    String action,
    String finding,
    ResourceRef object,
    String patchType,
    String patch,
    String why,
    ResourceRef source,
    String objectUid,
    String objectVersion,
    String findingOn,
    boolean confirmed) {

  public Plan(
      String action,
      String finding,
      ResourceRef object,
      String patchType,
      String patch,
      String why,
      ResourceRef source) {
    this(action, finding, object, patchType, patch, why, source, null, null, null, true);
  }

  public static List<Plan> of(Diagnosis d) {
    List<Plan> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (RuleFinding f : d.findings()) {
      var r = Patches.realise(f.remediation());
      // a finding the ranking lowered accounts for none of the errors clients got: acting on it
      // would change the wrong thing
      if (Ranker.demoted(f)
          || r == null
          || !Boolean.TRUE.equals(r.automatic)
          || r.target == null
          || r.patchType == null
          || !RemediationPolicy.ALL_ACTIONS.contains(r.action)
          || (!Patches.DELETE.equals(r.patchType) && r.patch == null)) {
        continue;
      }
      Plan p =
          new Plan(
              r.action,
              f.code().name(),
              r.target,
              r.patchType,
              r.patch,
              f.message(),
              r.source,
              r.targetUid,
              r.targetResourceVersion,
              String.valueOf(f.resource()),
              f.remediation().confirmed());
      if (seen.add(p.action + " " + p.objectKey())) {
        out.add(p);
      } else if (p.confirmed()) {
        // the same change, also backed by evidence the operator can check: it is confirmed
        for (int i = 0; i < out.size(); i++) {
          Plan o = out.get(i);
          if (!o.confirmed()
              && o.action.equals(p.action)
              && o.objectKey().equals(p.objectKey())
              && java.util.Objects.equals(
                  RemediationRecord.unversioned(o.patch), RemediationRecord.unversioned(p.patch))) {
            out.set(i, o.confirmedBy());
          }
        }
      }
    }
    return out;
  }

  /** This plan, confirmed by other evidence for the same change. */
  Plan confirmedBy() {
    return new Plan(
        action,
        finding,
        object,
        patchType,
        patch,
        why,
        source,
        objectUid,
        objectVersion,
        findingOn,
        true);
  }

  /** Why an automatic change of this plan stays a dry run, or null when it need not. */
  public String dryRunOnly() {
    return confirmed
        ? null
        : "the gateway's log is the only evidence: a probe or the spec must confirm it before an"
            + " automatic change, so it stays a dry run";
  }

  /** This plan and that record are about the same change (the object's version aside). */
  public boolean sameChange(RemediationRecord r) {
    return r != null
        && action.equals(r.action)
        && objectKey().equals(r.target)
        && java.util.Objects.equals(
            RemediationRecord.unversioned(recordedPatch()), RemediationRecord.unversioned(r.patch));
  }

  /** The object as Kind namespace/name. */
  public String objectKey() {
    return object.toString();
  }

  /** "delete Pod shop/web-1" or "patch Service shop/web (merge): {...}". */
  public String describe() {
    return Patches.DELETE.equals(patchType)
        ? "delete " + objectKey()
        : "patch " + objectKey() + " (" + patchType + "): " + patch;
  }

  /**
   * A record keeps at most this much of a patch; a longer one (a rollback's pod template) is in the
   * finding whole.
   */
  public static final int MAX_RECORDED_PATCH = 2048;

  /**
   * The record's patch field: the patch (shortened past {@link #MAX_RECORDED_PATCH}), or "delete".
   */
  public String recordedPatch() {
    if (Patches.DELETE.equals(patchType)) {
      return Patches.DELETE;
    }
    if (patch.length() <= MAX_RECORDED_PATCH) {
      return patch;
    }
    // the same plan must read the same whatever the object's version: cut and hash it without the
    // version
    String plain = RemediationRecord.unversioned(patch);
    return plain.substring(0, Math.min(plain.length(), MAX_RECORDED_PATCH))
        + "… ("
        + patch.length()
        + " characters, sha256 "
        + Digests.sha256Prefix(plain)
        + " without the resourceVersion test)";
  }
}
