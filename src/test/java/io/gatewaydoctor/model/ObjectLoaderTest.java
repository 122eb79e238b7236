package io.gatewaydoctor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import org.junit.jupiter.api.Test;

class ObjectLoaderTest {
  @Test
  void readsListsAndMultiDocumentYaml() {
    String yaml =
        """
        # a comment-only document is skipped
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: web, namespace: shop}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, namespace: shop}
        """;
    var objects = ObjectLoader.parse(yaml, "dump.yaml");
    assertThat(objects).hasSize(2);
    assertThat(objects.get(0)).isInstanceOf(Service.class);
    assertThat(objects.get(1)).isInstanceOf(Ingress.class);
  }

  @Test
  void garbageNamesTheSourceAndTheDocument() {
    assertThatThrownBy(() -> ObjectLoader.parse("kind: Service\n---\n{ not: [yaml", "broken.yaml"))
        .isInstanceOf(ObjectLoader.InvalidInputException.class)
        .hasMessageContaining("broken.yaml")
        .hasMessageContaining("document");
  }

  @Test
  void aliasesAreResolvedAndUnquotedTimestampsStayText() {
    String yaml =
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Pod
          metadata: {name: a, namespace: shop, creationTimestamp: 2026-11-30T08:00:00Z}
          status:
            containerStatuses:
            - name: web
              state: &running
                running: {startedAt: 2026-12-01T09:00:00Z}
            - name: sidecar
              state: *running
        """;
    var pod = (io.fabric8.kubernetes.api.model.Pod) ObjectLoader.parse(yaml, "aliases.yaml").get(0);
    assertThat(pod.getMetadata().getCreationTimestamp()).isEqualTo("2026-11-30T08:00:00Z");
    assertThat(pod.getStatus().getContainerStatuses().get(1).getState().getRunning().getStartedAt())
        .isEqualTo("2026-12-01T09:00:00Z");
  }

  @Test
  void jsonAsKubectlPrintsIt() {
    String json =
        "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Service\","
            + "\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":\"http\"}]}}]}";
    Service svc = (Service) ObjectLoader.parse(json, "dump.json").get(0);
    assertThat(svc.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("http");
  }

  @Test
  void dumpsLargerThanSnakeYamlsDefaultLimitAreRead() {
    StringBuilder sb = new StringBuilder("apiVersion: v1\nkind: List\nitems:\n");
    int n = 0;
    while (sb.length() < 4 * 1024 * 1024) {
      sb.append("- apiVersion: v1\n  kind: Service\n  metadata:\n    name: svc-")
          .append(n++)
          .append("\n    namespace: shop\n    annotations: {note: '")
          .append("x".repeat(200))
          .append("'}\n  spec:\n    ports:\n    - port: 80\n");
    }
    assertThat(ObjectLoader.parse(sb.toString(), "big.yaml")).hasSize(n);
  }

  @Test
  void anUnreadableItemIsNamedWithItsIndexKindAndName() {
    String yaml =
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: fine, namespace: shop}
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web, namespace: shop}
          spec: {replicas: {three: 3}}
        """;
    assertThatThrownBy(() -> ObjectLoader.parse(yaml, "dump.yaml"))
        .isInstanceOf(ObjectLoader.InvalidInputException.class)
        .hasMessageContaining("dump.yaml: document 1 item 1 (Deployment shop/web) cannot be read");
    assertThatThrownBy(
            () ->
                ObjectLoader.parse(
                    "apiVersion: v1\nkind: Service\nmetadata:\n  name: [a\n", "broken.yaml"))
        .hasMessageContaining("broken.yaml: document 1 is not valid YAML (line");
    assertThatThrownBy(() -> ObjectLoader.parse("- just\n- a list\n", "list.yaml"))
        .hasMessageContaining("list.yaml: document 1 is not a Kubernetes object (no kind)");
  }

  @Test
  void bulkNoCheckReadsIsLeftOutButLabelsAndTimesAreKept() {
    String yaml =
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: shop
          labels: {env: prod, volumes: many}
          managedFields:
          - {manager: kubelet, operation: Update, time: '2026-12-01T09:00:00Z', fieldsType: FieldsV1, fieldsV1: {'f:status': {}}}
        spec:
          volumes: [{name: cache, emptyDir: {}}]
          containers:
          - name: web
            image: web:1
            env: [{name: A, value: b}]
            volumeMounts: [{name: cache, mountPath: /cache}]
            ports: [{name: http, containerPort: 8080}]
        """;
    var pod = (io.fabric8.kubernetes.api.model.Pod) ObjectLoader.parse(yaml, "pod.yaml").get(0);
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("env", "prod")
        .containsEntry("volumes", "many");
    assertThat(pod.getMetadata().getManagedFields().get(0).getTime())
        .isEqualTo("2026-12-01T09:00:00Z");
    assertThat(pod.getMetadata().getManagedFields().get(0).getFieldsV1()).isNull();
    assertThat(pod.getSpec().getVolumes()).isEmpty();
    assertThat(pod.getSpec().getContainers().get(0).getEnv()).isEmpty();
    assertThat(pod.getSpec().getContainers().get(0).getPorts().get(0).getName()).isEqualTo("http");
  }

  @Test
  void aliasesInFlowStyleOrBeforeACommentAreResolvedToo() {
    String yaml =
        """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop, labels: {app: &app web}}
        spec:
          selector: {app: *app}
          ports:
          - {name: http, port: 80, targetPort: &tp 8080}
          - {name: alt, port: 81, targetPort: *tp}  # same port
        """;
    Service svc = (Service) ObjectLoader.parse(yaml, "flow.yaml").get(0);
    assertThat(svc.getSpec().getSelector()).containsEntry("app", "web");
    assertThat(svc.getSpec().getPorts().get(1).getTargetPort().getIntVal()).isEqualTo(8080);
    // a '*' that is no alias stays text, on the fast path
    String plain =
        "apiVersion: v1\nkind: Service\nmetadata: {name: x, annotations: {path: '/api/*', glob: a*b}}\n";
    assertThat(
            ((Service) ObjectLoader.parse(plain, "plain.yaml").get(0))
                .getMetadata()
                .getAnnotations())
        .containsEntry("path", "/api/*")
        .containsEntry("glob", "a*b");
  }

  /**
   * The kinds read straight into their classes get exactly the class fabric8's own deserializer
   * picks for them (and their fields), so the short way changes nothing.
   */
  @Test
  void knownKindsAreReadIntoTheClassesFabric8Picks() throws Exception {
    var mapper = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper();
    for (var e : ObjectLoader.KNOWN.entrySet()) {
      String key = e.getKey();
      int slash = key.lastIndexOf('/');
      String yaml =
          "apiVersion: "
              + key.substring(0, slash)
              + "\nkind: "
              + key.substring(slash + 1)
              + "\nmetadata: {name: a, namespace: b, labels: {x: y}}\n";
      var generic =
          mapper.treeToValue(
              mapper.readTree(mapper.writeValueAsString(new org.yaml.snakeyaml.Yaml().load(yaml))),
              io.fabric8.kubernetes.api.model.KubernetesResource.class);
      assertThat(generic).as(key).isExactlyInstanceOf(e.getValue());
      var read = ObjectLoader.parse(yaml, "t");
      assertThat(read).as(key).hasSize(1);
      assertThat(read.get(0)).as(key).isExactlyInstanceOf(e.getValue()).isEqualTo(generic);
    }
  }

  /**
   * A pod spec's volumes and its containers' env, envFrom and volumeMounts are never read, with or
   * without YAML aliases (which are read without the streaming slimming); what the checks read of a
   * container stays.
   */
  @Test
  void podsAreSlimmedAlikeWithAndWithoutAliases() {
    String pod =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: b, labels: &l {app: x}ANNOTATIONS}
        spec:
          volumes: [{name: v, emptyDir: {}}]
          containers:
          - name: c
            image: i
            env: [{name: E, value: secret}]
            envFrom: [{configMapRef: {name: m}}]
            ports: [{containerPort: 8080}]
            readinessProbe: {httpGet: {path: /h, port: 8080}}
            volumeMounts: [{name: v, mountPath: /v}]
        """;
    for (String annotations : new String[] {"", ", annotations: *l"}) {
      var read = ObjectLoader.parse(pod.replace("ANNOTATIONS", annotations), "t");
      var p = (io.fabric8.kubernetes.api.model.Pod) read.get(0);
      var c = p.getSpec().getContainers().get(0);
      assertThat(p.getSpec().getVolumes()).as(annotations).isEmpty();
      assertThat(c.getEnv()).as(annotations).isEmpty();
      assertThat(c.getEnvFrom()).as(annotations).isEmpty();
      assertThat(c.getVolumeMounts()).as(annotations).isEmpty();
      assertThat(c.getPorts().get(0).getContainerPort()).isEqualTo(8080);
      assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/h");
      assertThat(p.getAdditionalProperties()).isEmpty();
      assertThat(c.getAdditionalProperties()).isEmpty();
    }
  }
}
