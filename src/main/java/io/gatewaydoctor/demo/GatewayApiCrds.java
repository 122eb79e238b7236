package io.gatewaydoctor.demo;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Locale;

/**
 * The Gateway API CRDs an embedded API server needs to serve HTTPRoutes, GRPCRoutes, Gateways,
 * GatewayClasses (v1) and ReferenceGrants (v1beta1), and to list them in discovery as a cluster
 * with the standard channel installed does. Schemas are left open: the embedded server does not
 * validate.
 */
public final class GatewayApiCrds {
  public static final String GROUP = "gateway.networking.k8s.io";

  private GatewayApiCrds() {}

  public static List<CustomResourceDefinition> all() {
    return List.of(
        crd("httproutes", "HTTPRoute", "v1", true),
        crd("grpcroutes", "GRPCRoute", "v1", true),
        crd("gateways", "Gateway", "v1", true),
        crd("gatewayclasses", "GatewayClass", "v1", false),
        crd("referencegrants", "ReferenceGrant", "v1beta1", true),
        crd("backendtlspolicies", "BackendTLSPolicy", "v1", true));
  }

  /** Creates them (those that exist already stay). */
  public static void create(KubernetesClient client) {
    var crds = client.apiextensions().v1().customResourceDefinitions();
    for (CustomResourceDefinition crd : all()) {
      if (crds.withName(crd.getMetadata().getName()).get() == null) {
        crds.resource(crd).create();
      }
    }
  }

  static CustomResourceDefinition crd(
      String plural, String kind, String version, boolean namespaced) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName(plural + "." + GROUP)
        .endMetadata()
        .withNewSpec()
        .withGroup(GROUP)
        .withScope(namespaced ? "Namespaced" : "Cluster")
        .withNewNames()
        .withPlural(plural)
        .withKind(kind)
        .withSingular(kind.toLowerCase(Locale.ROOT))
        .withListKind(kind + "List")
        .endNames()
        .addNewVersion()
        .withName(version)
        .withServed(true)
        .withStorage(true)
        .withNewSubresources()
        .withNewStatus()
        .endStatus()
        .endSubresources()
        .withNewSchema()
        .withNewOpenAPIV3Schema()
        .withType("object")
        .withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema()
        .endSchema()
        .endVersion()
        .endSpec()
        .build();
  }
}
