package io.gatewaydoctor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator concluded. Lists are capped so the object stays well under 100 KiB. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewayDiagnosisStatus {
  @JsonPropertyDescription("metadata.generation of the spec this status was computed for.")
  public Long observedGeneration;

  @JsonPropertyDescription("The diagnosed target as Kind/name.")
  public String target;

  @JsonPropertyDescription("Healthy, Degraded, Failing or Unknown.")
  public String health;

  @JsonPropertyDescription("The single most likely cause (a code of docs/root-causes.md), or None.")
  public String rootCause;

  @JsonPropertyDescription("One sentence naming the culprit object and what to change.")
  public String summary;

  @JsonPropertyDescription(
      "The object to blame for the root cause, as Kind/namespace/name; absent when nothing is to blame.")
  public String culprit;

  @JsonPropertyDescription("What to change about the root cause, in one line.")
  public String fix;

  @JsonPropertyDescription("When the current health began (RFC 3339).")
  public String since;

  @JsonPropertyDescription(
      "Gateway-generated 502s per minute over the window (from gateway evidence).")
  public Double errorRate;

  @JsonPropertyDescription(
      "Counts of 500/502/503/504 in the window, gateway-generated apart from app-returned.")
  public GatewayErrors gatewayErrors;

  @JsonPropertyDescription("When the operator last wrote this status (RFC 3339).")
  public String lastEvaluated;

  @JsonPropertyDescription(
      "Per the Kubernetes API conventions, only those that say something: Healthy (always),"
          + " RemediationApplied (when remediation is on for the target), ConfigDrift (True when"
          + " the chain changed since its baseline), GatewayLogsUnderstood (False when the"
          + " gateway's log lines are not understood), GatewayEvidenceComplete (False while its"
          + " byte budget refused evidence within the horizon).")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Backend chain per Service:port with its endpoints.")
  public List<BackendStatus> backends = new ArrayList<>();

  @JsonPropertyDescription("Everything found, most important first.")
  public List<Finding> findings = new ArrayList<>();

  @JsonPropertyDescription("Changes of the config chain against the healthy baseline.")
  public List<DriftEntry> drift = new ArrayList<>();

  @JsonPropertyDescription(
      "What changed on the chain lately (restarts, readiness, endpoints, rollouts, config), newest last; capped.")
  public List<TimelineEntry> timeline;

  @JsonPropertyDescription(
      "The chain as it was when the target was last Healthy (kept by the operator across restarts).")
  public Baseline baseline;

  @JsonPropertyDescription("History of remediation actions, newest last.")
  public List<RemediationRecord> remediations = new ArrayList<>();
}
