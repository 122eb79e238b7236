package io.gatewaydoctor.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One diagnosis per gateway target (Ingress, HTTPRoute). Carries annotations only. */
@Group(GatewayDiagnosis.GROUP)
@Version(GatewayDiagnosis.VERSION)
@Kind("GatewayDiagnosis")
@Plural("gatewaydiagnoses")
@ShortNames({"gd", "gwd"})
@AdditionalPrinterColumn(
    name = "TARGET",
    jsonPath = ".status.target",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "HEALTH",
    jsonPath = ".status.health",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "ROOT-CAUSE",
    jsonPath = ".status.rootCause",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "CULPRIT",
    jsonPath = ".status.culprit",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "502/MIN",
    jsonPath = ".status.errorRate",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "SINCE",
    jsonPath = ".status.since",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "LAST-EVALUATED",
    jsonPath = ".status.lastEvaluated",
    type = AdditionalPrinterColumn.Type.DATE,
    priority = 1)
public class GatewayDiagnosis extends CustomResource<GatewayDiagnosisSpec, GatewayDiagnosisStatus>
    implements Namespaced {
  public static final String GROUP = "gatewaydoctor.io";
  public static final String VERSION = "v1alpha1";
  public static final String ANNOTATION_PREFIX = "gatewaydoctor.io/";
  public static final String DIAGNOSE_ANNOTATION = ANNOTATION_PREFIX + "diagnose";
}
