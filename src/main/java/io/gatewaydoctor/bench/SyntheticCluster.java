package io.gatewaydoctor.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A large cluster for the benchmark, as {@code kubectl get -A -o yaml} would print it: N Ingresses
 * spread over namespaces, each with a Service, a Deployment, an EndpointSlice and P pods; one in
 * ten with a wrong targetPort, one in twenty crash-looping, one namespace in five with a
 * NetworkPolicy. Deterministic (no randomness), so runs compare.
 */
public final class SyntheticCluster {
  private SyntheticCluster() {}

  public static KubernetesList generate(int ingresses, int podsPerIngress, int namespaces) {
    return generate(ingresses, podsPerIngress, namespaces, false);
  }

  /**
   * With {@code fat}, every pod also carries what real pods do and the analysis never reads (env,
   * volumes and mounts, a managedFields entry, annotations): about 4 KiB of YAML per pod, as
   * kubectl prints real ones.
   */
  public static KubernetesList generate(
      int ingresses, int podsPerIngress, int namespaces, boolean fat) {
    List<HasMetadata> items = new ArrayList<>();
    items.add(
        new IngressClassBuilder()
            .withNewMetadata()
            .withName("nginx")
            .addToAnnotations("ingressclass.kubernetes.io/is-default-class", "true")
            .endMetadata()
            .withNewSpec()
            .withController("k8s.io/ingress-nginx")
            .endSpec()
            .build());
    items.add(
        new PodBuilder()
            .withNewMetadata()
            .withName("ingress-nginx-controller-0")
            .withNamespace("ingress-nginx")
            .addToLabels("app.kubernetes.io/name", "ingress-nginx")
            .addToLabels("app.kubernetes.io/component", "controller")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("controller")
            .withImage("registry.k8s.io/ingress-nginx/controller:v1.11.2")
            .withArgs("/nginx-ingress-controller", "--controller-class=k8s.io/ingress-nginx")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("10.0.0.2")
            .endStatus()
            .build());
    for (int n = 0; n < namespaces; n++) {
      if (n % 5 == 0) {
        items.add(
            new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName("allow-ingress-nginx")
                .withNamespace(ns(n))
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .endPodSelector()
                .withPolicyTypes("Ingress")
                .addNewIngress()
                .addNewFrom()
                .withNewNamespaceSelector()
                .addToMatchLabels("kubernetes.io/metadata.name", "ingress-nginx")
                .endNamespaceSelector()
                .endFrom()
                .endIngress()
                .endSpec()
                .build());
      }
    }
    for (int i = 0; i < ingresses; i++) {
      String ns = ns(i % namespaces);
      String app = "app-" + i;
      boolean wrongPort = i % 10 == 3;
      boolean crashing = i % 20 == 7;
      items.add(
          new IngressBuilder()
              .withNewMetadata()
              .withName(app)
              .withNamespace(ns)
              .addToLabels("team", "t" + (i % 7))
              .withCreationTimestamp("2026-11-20T10:00:00Z")
              .endMetadata()
              .withNewSpec()
              .withIngressClassName("nginx")
              .addNewRule()
              .withHost(app + ".example.com")
              .withNewHttp()
              .addNewPath()
              .withPath("/")
              .withPathType("Prefix")
              .withNewBackend()
              .withNewService()
              .withName(app)
              .withNewPort()
              .withName("http")
              .endPort()
              .endService()
              .endBackend()
              .endPath()
              .endHttp()
              .endRule()
              .endSpec()
              .build());
      items.add(
          new ServiceBuilder()
              .withNewMetadata()
              .withName(app)
              .withNamespace(ns)
              .endMetadata()
              .withNewSpec()
              .withSelector(Map.of("app", app))
              .addNewPort()
              .withName("http")
              .withPort(80)
              .withTargetPort(wrongPort ? new IntOrString(8081) : new IntOrString("http"))
              .endPort()
              .endSpec()
              .build());
      items.add(
          new DeploymentBuilder()
              .withNewMetadata()
              .withName(app)
              .withNamespace(ns)
              .endMetadata()
              .withNewSpec()
              .withReplicas(podsPerIngress)
              .withNewSelector()
              .addToMatchLabels("app", app)
              .endSelector()
              .withNewTemplate()
              .withNewMetadata()
              .addToLabels("app", app)
              .endMetadata()
              .withNewSpec()
              .addNewContainer()
              .withName("web")
              .withImage("registry.example.com/web:1")
              .endContainer()
              .endSpec()
              .endTemplate()
              .endSpec()
              .build());
      EndpointSliceBuilder slice =
          new EndpointSliceBuilder()
              .withNewMetadata()
              .withName(app + "-abcde")
              .withNamespace(ns)
              .addToLabels("kubernetes.io/service-name", app)
              .addToLabels(
                  "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
              .endMetadata()
              .withAddressType("IPv4")
              .addNewPort()
              .withName("http")
              .withPort(wrongPort ? 8081 : 8080)
              .withProtocol("TCP")
              .endPort();
      for (int p = 0; p < podsPerIngress; p++) {
        String pod = app + "-6d4b7c9f8-" + p;
        String ip = "10." + (1 + i / 60000) + "." + ((i / 240) % 250) + "." + ((i % 240) + p);
        items.add(
            new PodBuilder()
                .withNewMetadata()
                .withName(pod)
                .withNamespace(ns)
                .addToLabels("app", app)
                .addToLabels("pod-template-hash", "6d4b7c9f8")
                .withCreationTimestamp("2026-11-30T08:00:00Z")
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind("ReplicaSet")
                .withName(app + "-6d4b7c9f8")
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("web")
                .withImage("registry.example.com/web:1")
                .addNewPort()
                .withName("http")
                .withContainerPort(8080)
                .withProtocol("TCP")
                .endPort()
                .withNewReadinessProbe()
                .withNewHttpGet()
                .withPath("/healthz")
                .withPort(new IntOrString(8080))
                .endHttpGet()
                .endReadinessProbe()
                .withNewLifecycle()
                .withNewPreStop()
                .withNewExec()
                .withCommand("sleep", "5")
                .endExec()
                .endPreStop()
                .endLifecycle()
                .endContainer()
                .withNodeName("node-" + (p % 3))
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP(ip)
                .addNewCondition()
                .withType("Ready")
                .withStatus(crashing ? "False" : "True")
                .withLastTransitionTime("2026-12-01T09:00:00Z")
                .endCondition()
                .addToContainerStatuses(status(crashing))
                .endStatus()
                .build());
        if (fat) {
          fatten((io.fabric8.kubernetes.api.model.Pod) items.get(items.size() - 1));
        }
        slice.addToEndpoints(
            new EndpointBuilder()
                .withAddresses(ip)
                .withNewConditions()
                .withReady(!crashing)
                .endConditions()
                .withNewTargetRef()
                .withKind("Pod")
                .withName(pod)
                .withNamespace(ns)
                .endTargetRef()
                .build());
      }
      items.add(slice.build());
    }
    KubernetesList list = new KubernetesList();
    list.setItems(items);
    return list;
  }

  private static String ns(int n) {
    return "team-" + n;
  }

  private static void fatten(io.fabric8.kubernetes.api.model.Pod p) {
    var c = p.getSpec().getContainers().get(0);
    for (int e = 0; e < 12; e++) {
      c.getEnv()
          .add(
              new io.fabric8.kubernetes.api.model.EnvVar(
                  "SETTING_" + e, "value-of-setting-number-" + e, null));
    }
    for (String v : List.of("config", "cache", "kube-api-access-x7k2p")) {
      p.getSpec()
          .getVolumes()
          .add(
              new io.fabric8.kubernetes.api.model.VolumeBuilder()
                  .withName(v)
                  .withNewEmptyDir()
                  .endEmptyDir()
                  .build());
      c.getVolumeMounts()
          .add(
              new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                  .withName(v)
                  .withMountPath("/var/run/" + v)
                  .build());
    }
    c.setResources(
        new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
            .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("100m"))
            .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("256Mi"))
            .build());
    p.getMetadata()
        .getAnnotations()
        .put("kubectl.kubernetes.io/restartedAt", "2026-11-30T08:00:00Z");
    p.getMetadata().getAnnotations().put("prometheus.io/scrape", "true");
    Map<String, Object> fields = new java.util.LinkedHashMap<>();
    for (String f : List.of("f:metadata", "f:spec", "f:status")) {
      Map<String, Object> inner = new java.util.LinkedHashMap<>();
      for (int k = 0; k < 8; k++) {
        inner.put("f:field" + k, Map.of("f:sub", Map.of(), "f:other", Map.of()));
      }
      fields.put(f, inner);
    }
    p.getMetadata()
        .getManagedFields()
        .add(
            new io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder()
                .withManager("kubelet")
                .withOperation("Update")
                .withApiVersion("v1")
                .withTime("2026-12-01T09:00:00Z")
                .withFieldsType("FieldsV1")
                .withNewFieldsV1()
                .addToAdditionalProperties(fields)
                .endFieldsV1()
                .withSubresource("status")
                .build());
  }

  private static io.fabric8.kubernetes.api.model.ContainerStatus status(boolean crashing) {
    var b =
        new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
            .withName("web")
            .withImage("registry.example.com/web:1")
            .withReady(!crashing)
            .withRestartCount(crashing ? 9 : 0);
    if (crashing) {
      b.withNewState()
          .withNewWaiting()
          .withReason("CrashLoopBackOff")
          .endWaiting()
          .endState()
          .withNewLastState()
          .withNewTerminated()
          .withExitCode(1)
          .withReason("Error")
          .withFinishedAt("2026-12-01T11:58:00Z")
          .endTerminated()
          .endLastState();
    } else {
      b.withNewState()
          .withNewRunning()
          .withStartedAt("2026-12-01T09:00:00Z")
          .endRunning()
          .endState();
    }
    return b.build();
  }
}
