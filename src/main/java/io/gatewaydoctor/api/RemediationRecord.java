package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One plan or effect of remediation, in the order they happened. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RemediationRecord {
  @JsonPropertyDescription(
      "restart-pod, rollback, fix-target-port, set-backend-protocol or raise-proxy-buffer-size.")
  public String action;

  @JsonPropertyDescription("The object acted on, as Kind namespace/name.")
  public String target;

  @JsonPropertyDescription("When (RFC 3339).")
  public String time;

  @JsonPropertyDescription("True when nothing was changed (dry-run mode, or a blocked plan).")
  public Boolean dryRun;

  @JsonPropertyDescription("DryRun, Applied, Blocked, Failed, Improved, NoImprovement or Resumed.")
  public String result;

  @JsonPropertyDescription("The finding code the action answers.")
  public String finding;

  @JsonPropertyDescription(
      "The object of that finding (Kind namespace/name): an action is judged by its finding on it.")
  public String findingOn;

  @JsonPropertyDescription("The exact patch (merge or json), or delete.")
  public String patch;

  @JsonPropertyDescription("Why: the finding's message, or why the plan was blocked or failed.")
  public String reason;

  public RemediationRecord() {}

  public RemediationRecord(
      String action,
      String target,
      String time,
      boolean dryRun,
      String result,
      String finding,
      String patch,
      String reason) {
    this.action = action;
    this.target = target;
    this.time = time;
    this.dryRun = dryRun;
    this.result = result;
    this.finding = finding;
    this.patch = patch;
    this.reason = reason;
  }

  /**
   * The same plan and outcome, whenever it was: a repeat of it is not recorded again. The object's
   * resourceVersion inside a patch does not count (it moves with every write to the object, the
   * plan stays the same).
   */
  public boolean sameAs(RemediationRecord o) {
    return o != null
        && Objects.equals(action, o.action)
        && Objects.equals(target, o.target)
        && Objects.equals(result, o.result)
        && Objects.equals(unversioned(patch), unversioned(o.patch))
        && Objects.equals(reason, o.reason)
        && Objects.equals(dryRun, o.dryRun);
  }

  /** The patch without the object's resourceVersion (a test op or a metadata field). */
  public static String unversioned(String patch) {
    return patch == null
        ? null
        : patch
            .replaceAll(
                "\\{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"[^\"]*\"},?",
                "")
            .replaceAll("\"resourceVersion\":\"[^\"]*\",?", "");
  }
}
