package io.gatewaydoctor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.bench.SyntheticCluster;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * #23: a kubectl YAML List's items are found by their lines ("- " at column 0) and read on every
 * core to the same objects as one reader gets; anything else is left to the usual reading.
 */
class YamlItemsTest {
  static final String POD =
      """
      - apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          namespace: shop
          annotations:
            note: |
              a block scalar whose lines
              - look like items

              and hold an empty line
        spec:
          containers:
          - name: web
            image: web:1
      """;

  static String list(String... items) {
    return "apiVersion: v1\nitems:\n"
        + String.join("", items)
        + "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
  }

  @Test
  void findsEachItemAndReadsItAsItsOwnDocument() {
    String yaml = list(POD.formatted("a"), POD.formatted("b"));
    List<int[]> items = YamlItems.of(yaml);
    assertThat(items).hasSize(2);
    String first = YamlItems.item(yaml, items.get(0));
    assertThat(first).startsWith("apiVersion: v1\nkind: Pod\n").contains("    - look like items\n");
    assertThat(Serialization.asJson(ObjectLoader.yamlOnEveryCore(yaml, "x")))
        .isEqualTo(Serialization.asJson(ObjectLoader.parse(yaml, "x")));
  }

  @Test
  void readsALargeDumpOnEveryCoreToTheSameObjectsAsOnOne() {
    String yaml = Serialization.asYaml(SyntheticCluster.generate(300, 4, 10, true));
    assertThat(yaml.length()).isGreaterThan(ObjectLoader.PARALLEL_CHARS);
    var parallel = ObjectLoader.yamlOnEveryCore(yaml, "dump.yaml");
    assertThat(parallel).as("kubectl's shape").isNotNull();
    // the reference: the same text read as one document on one core
    List<HasMetadata> one = ObjectLoader.parseYamlOnOneCore(yaml, "dump.yaml");
    assertThat(parallel).hasSize(one.size());
    assertThat(Serialization.asJson(parallel)).isEqualTo(Serialization.asJson(one));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "# a comment at column 0 among the items\n",
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: z}\n",
        "items:\n",
        "foo bar\n"
      })
  void anythingButKubectlsShapeIsLeftToTheUsualReading(String odd) {
    String yaml =
        "apiVersion: v1\nitems:\n" + POD.formatted("a") + odd + POD.formatted("b") + "kind: List\n";
    assertThat(YamlItems.of(yaml)).isNull();
  }

  @Test
  void notAListOrFlowItemsAreLeftToo() {
    assertThat(YamlItems.of("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n")).isNull();
    assertThat(YamlItems.of("apiVersion: v1\nitems: []\nkind: List\n")).isNull();
    assertThat(YamlItems.of("apiVersion: v1\nitems:\n" + POD.formatted("a") + "kind: Pod\n"))
        .isNull();
  }

  @Test
  void anAliasInAnItemIsResolvedByTheUsualReading() {
    String yaml =
        list(
            """
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: a, namespace: shop, labels: &l {app: web}}
              data: {x: "1"}
            """,
            """
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: b, namespace: shop, labels: *l}
            """);
    assertThat(YamlItems.of(yaml)).hasSize(2);
    assertThat(ObjectLoader.yamlOnEveryCore(yaml, "x")).isNull();
    assertThat(ObjectLoader.parse(yaml, "x")).hasSize(2);
  }

  /** What the document says beside its items is read too: text that is no List is no List. */
  @Test
  void aQuotedScalarOpenedAtTheTopLevelIsNoList() {
    String yaml =
        "apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"x\nitems:\n"
            + POD.formatted("s")
            + "zz: y\"\n";
    assertThat(YamlItems.of(yaml)).isNotNull(); // the lines look like kubectl's
    assertThat(ObjectLoader.yamlOnEveryCore(yaml, "x")).isNull(); // but the text says otherwise
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r", "\u0085", "\u2028", "\u2029"})
  void lineBreaksOtherThanNewlineAreLeftToTheUsualReading(String lineBreak) {
    String yaml =
        list(
            POD.formatted("a")
                .replace("    namespace: shop\n", "    namespace: shop" + lineBreak + "\n"));
    assertThat(YamlItems.of(yaml)).isNull();
  }

  /** Review: an item read alone nests two levels shallower than in its List. */
  @Test
  void anItemTooDeepForTheListIsLeftToTheUsualReading() {
    String deep =
        "- apiVersion: example.com/v1\n  kind: Widget\n  metadata:\n    name: deep\n  spec: "
            + "[".repeat(998)
            + "]".repeat(998)
            + "\n";
    String yaml = list(deep);
    assertThat(ObjectLoader.yamlOnEveryCore(yaml, "x")).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ObjectLoader.parseYamlOnOneCore(yaml, "x"))
        .hasMessageContaining("nesting depth");
  }

  /** Review: a line of a space and U+3000 is text to YAML, not a blank line of the item. */
  @Test
  void aLineOfUnicodeSpacesIsNoBlankLine() {
    String yaml =
        list("- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n  note: x\n \u3000\n");
    List<int[]> items = YamlItems.of(yaml);
    assertThat(items).hasSize(1);
    assertThat(YamlItems.item(yaml, items.get(0))).isNull();
    assertThat(ObjectLoader.yamlOnEveryCore(yaml, "x")).isNull();
  }
}
