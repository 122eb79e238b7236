package io.gatewaydoctor.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.bench.SyntheticCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * #23: the reader of kubectl's block YAML gives, for every document it reads, the very tree that
 * Jackson's YAML parser gives through {@link SlimTree}; whatever it is not sure of it leaves to
 * that parser (null).
 */
class KubectlYamlTest {
  /** As the loader's own parser (ObjectLoader.FAST_YAML). */
  static final ObjectMapper JACKSON_YAML = jacksonYaml();

  static ObjectMapper jacksonYaml() {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setCodePointLimit(Integer.MAX_VALUE);
    return new ObjectMapper(YAMLFactory.builder().loaderOptions(options).build());
  }

  /** The reference: Jackson's YAML parser, slimmed as the loader does. */
  static JsonNode jackson(String doc) throws Exception {
    try (JsonParser p = JACKSON_YAML.getFactory().createParser(doc)) {
      p.nextToken();
      return SlimTree.read(p);
    }
  }

  static List<String> items(String list) {
    List<int[]> at = YamlItems.of(list);
    assertThat(at).as("a kubectl List").isNotNull();
    return at.stream().map(a -> YamlItems.item(list, a)).toList();
  }

  @Test
  void readsEveryItemOfAFatDumpAsJacksonDoes() throws Exception {
    String yaml = Serialization.asYaml(SyntheticCluster.generate(60, 4, 5, true));
    List<String> docs = items(yaml);
    assertThat(docs).hasSizeGreaterThan(400);
    for (String doc : docs) {
      assertThat(KubectlYaml.read(doc)).as(doc).isNotNull().isEqualTo(jackson(doc));
    }
  }

  @Test
  void readsRealKubectlOutputAsJacksonDoes() throws Exception {
    // kubectl get ... -o yaml of a kind cluster: plain scalars, block literals, managedFields
    String yaml = Files.readString(Path.of("src/test/resources/dumps/kubectl-all/cluster.yaml"));
    int quick = 0;
    List<String> docs = items(yaml);
    for (String doc : docs) {
      JsonNode tree = KubectlYaml.read(doc);
      if (tree != null) {
        assertThat(tree).as(doc).isEqualTo(jackson(doc));
        quick++;
      }
    }
    assertThat(quick).as("items read without the YAML parser").isEqualTo(docs.size());
  }

  @Test
  void readsEveryYamlListOfTheTestsAsJacksonDoes() throws Exception {
    int lists = 0;
    int quick = 0;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of("src/test/resources"))) {
      files = walk.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path f : files) {
      // scenario inputs open with a comment line, which sends a whole List the usual way
      String yaml = Files.readString(f).replaceAll("(?m)^#.*\n", "");
      List<int[]> at = YamlItems.of(yaml);
      if (at == null) {
        continue;
      }
      lists++;
      for (int[] a : at) {
        String doc = YamlItems.item(yaml, a);
        JsonNode tree = doc == null ? null : KubectlYaml.read(doc);
        if (tree != null) {
          assertThat(tree).as(f + ": " + doc).isEqualTo(jackson(doc));
          quick++;
        }
      }
    }
    assertThat(lists)
        .as("kubectl Lists among the %d YAML test inputs (%d items read here)", files.size(), quick)
        .isGreaterThanOrEqualTo(3); // most scenarios state only what differs from a base
    assertThat(quick).as("their items read here").isGreaterThan(50);
  }

  static Stream<Arguments> shapes() {
    return Stream.of(
        // read here, and exactly as Jackson does
        quick(
            "plain scalars and their types",
            "a: x\nb: 80\nc: -3\nd: true\ne: False\nf: null\ng: ~\n"),
        quick(
            "strings that look typed but are not",
            "a: 100m\nb: 10.0.0.2\nc: 1Gi\nd: v1.2\ne: 0x\n"),
        quick(
            "quoted",
            "a: \"8080\"\nb: 'it''s'\nc: \"tab\\there \\\"q\\\" \\u00e9 \\\\\"\nd: \"\"\n"),
        quick("keys with colons and dots", "f:metadata:\n  f:labels:\n    .: {}\n    f:app: {}\n"),
        quick("quoted keys", "\"a b\": 1\n'c: d': 2\n"),
        quick("sequences at the key's column", "a:\n- x\n- y: 1\n  z: 2\n- - n1\n  - n2\nb: []\n"),
        quick("sequences indented", "a:\n  - x\n  - y\n"),
        quick("a literal block", "a: |\n  line 1\n\n    indented\n  # not a comment\nb: 1\n"),
        quick("a stripped literal block", "a: |-\n  line 1\n  line 2\n\n\nb: 1\n"),
        quick("a literal in a sequence", "a:\n- |\n  script\n- x\n"),
        quick("spaces after values", "a: x   \nb: \"q\"  \n"),
        quick("a plain scalar with inner colons and hashes", "a: http://x:8/y#z\nb: a:b\n"),
        quick("deleted fields (env, volumes) still read", "spec:\n  volumes:\n  - name: v\n"),
        // left to Jackson's parser
        parser("a comment line", "a: 1\n# note\nb: 2\n"),
        parser("a comment after a value", "a: 1 # note\n"),
        parser("an anchor and an alias", "a: &x 1\nb: *x\n"),
        parser("a tag", "a: !!str 1\n"),
        parser("a folded block", "a: >\n  x\n"),
        parser("a kept block", "a: |+\n  x\n\n"),
        parser("an indentation indicator", "a: |2\n  x\n"),
        parser("a multi-line plain scalar", "a: one\n  two\n"),
        parser("a multi-line quoted scalar", "a: \"one\n  two\"\n"),
        parser("a flow mapping", "a: {b: 1}\n"),
        parser("a flow sequence", "a: [1, 2]\n"),
        parser("a float", "a: 1.5\n"),
        parser("an octal-looking int", "a: 0755\n"),
        parser("a long int", "a: 12345678901\n"),
        parser("a yes", "a: yes\n"),
        parser("an unquoted timestamp", "a: 2026-12-05\n"),
        parser("an empty value", "a:\nb: 1\n"),
        parser("a key twice", "a: 1\na: 2\n"),
        parser("a space before the colon", "a : 1\n"),
        parser("a mapping in a value", "a: b: c\n"),
        parser("a tab", "a:\tb\n"),
        parser("a control character", "a: b\u0001\n"),
        parser("an escape of YAML's own", "a: \"\\x41\"\n"),
        parser("an escaped slash (YAML 1.2, not 1.1)", "a: \"\\/\"\n"),
        parser("text under a sequence item", "a:\n- x\n  y\n"),
        parser("a literal with blank lines first", "a: |\n\n  x\n"),
        parser("a literal indented by four", "a: |\n    x\n"),
        parser("an indicator at the start", "a: @x\n"),
        parser("a document marker", "---\na: 1\n"),
        parser("a sequence after a mapping at its column", "a: 1\n- x\n"),
        // found by review: each once read here though YAML's parser refuses it
        parser("a \\u escape in another script's digits", "k: \"\\u\u0660\u0660\u0664\u0661\"\n"),
        parser("a quoted key long as written", "\"" + "\\u0061".repeat(200) + "\": v\n"),
        parser("a line separator", "a: x\u2028y\n"),
        parser("a paragraph separator in a block", "a: |\n  x\u2029y\n"),
        parser("a document start as a key", "--- x: y\n"),
        parser("a document end among keys", "a: 1\n... x: 2\n"));
  }

  static Arguments quick(String what, String doc) {
    return Arguments.of(what, doc, true);
  }

  static Arguments parser(String what, String doc) {
    return Arguments.of(what, doc, false);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void readsWhatItKnowsAndLeavesTheRest(String what, String doc, boolean readHere)
      throws Exception {
    JsonNode tree = KubectlYaml.read(doc);
    if (readHere) {
      assertThat(tree).as(what).isNotNull().isEqualTo(jackson(doc));
    } else {
      assertThat(tree).as(what).isNull();
    }
  }

  @Test
  void slimsAsTheLoaderDoes() throws Exception {
    String doc =
        "kind: Pod\nspec:\n  volumes:\n  - name: v\n  containers:\n  - name: c\n    env:\n"
            + "    - name: A\n      value: b\n    image: i\n";
    JsonNode tree = KubectlYaml.read(doc);
    assertThat(tree.at("/spec/volumes").isMissingNode()).isTrue();
    assertThat(tree.at("/spec/containers/0/env").isMissingNode()).isTrue();
    assertThat(tree.at("/spec/containers/0/image").asText()).isEqualTo("i");
    assertThat(tree).isEqualTo(jackson(doc));
  }

  /** Trees of awkward strings, written by SnakeYAML in block style (kubectl's layout). */
  @Property(tries = 300)
  void agreesWithJacksonOnWhateverSnakeYamlWrites(@ForAll("trees") Map<String, Object> tree)
      throws Exception {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndent(2);
    String doc = new Yaml(o).dump(tree);
    JsonNode quick = KubectlYaml.read(doc);
    if (quick != null) {
      assertThat(quick).as(doc).isEqualTo(jackson(doc));
    }
    // and as Fabric8 writes it (every string quoted)
    String fabric8 = Serialization.asYaml(tree).replaceFirst("^---\n", "");
    JsonNode quick8 = KubectlYaml.read(fabric8);
    if (quick8 != null) {
      assertThat(quick8).as(fabric8).isEqualTo(jackson(fabric8));
    }
    net.jqwik.api.statistics.Statistics.label("SnakeYAML's layout read here")
        .collect(quick != null);
    net.jqwik.api.statistics.Statistics.label("Fabric8's layout read here").collect(quick8 != null);
    // the comparison above must not be idle: a good share of the documents is read here
    net.jqwik.api.statistics.Statistics.label("SnakeYAML's layout read here")
        .coverage(c -> c.check(true).percentage(p -> p > 20));
    net.jqwik.api.statistics.Statistics.label("Fabric8's layout read here")
        .coverage(c -> c.check(true).percentage(p -> p > 20));
  }

  /** The reference's answer: its tree, or that it refuses the text. */
  static Object jacksonOrRefusal(String doc) {
    try {
      return jackson(doc);
    } catch (Exception e) {
      return "refused: " + e.getMessage();
    }
  }

  /**
   * What YAML's parser refuses is never read here (review: a mutated text, not only valid YAML):
   * documents SnakeYAML writes, with characters put in, taken out or swapped at random places.
   */
  @Property(tries = 1000)
  void neverReadsWhatJacksonRefuses(
      @ForAll("trees") Map<String, Object> tree,
      @ForAll @net.jqwik.api.constraints.Size(min = 1, max = 3)
          List<@net.jqwik.api.constraints.IntRange(min = 0, max = 100000) Integer> at,
      @ForAll @net.jqwik.api.constraints.Size(min = 3, max = 3)
          List<@net.jqwik.api.constraints.IntRange(min = 0, max = 40) Integer> what) {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    StringBuilder doc = new StringBuilder(new Yaml(o).dump(tree));
    String put = " \n-:#'\"|>{}[],&*!?%@`\\~\u00a0\u3000\u2028.0aZ";
    for (int k = 0; k < at.size(); k++) {
      int i = at.get(k) % (doc.length() + 1);
      int w = what.get(k);
      if (w < 8 && i < doc.length()) {
        doc.deleteCharAt(i);
      } else {
        doc.insert(i, put.charAt(w % put.length()));
      }
    }
    String text = doc.toString();
    JsonNode quick = KubectlYaml.read(text);
    if (quick != null) {
      assertThat((Object) quick).as(text).isEqualTo(jacksonOrRefusal(text));
    }
    net.jqwik.api.statistics.Statistics.label("mutated, read here").collect(quick != null);
    net.jqwik.api.statistics.Statistics.label("mutated, read here")
        .coverage(c -> c.check(true).percentage(p -> p > 5));
  }

  @Provide
  Arbitrary<Map<String, Object>> trees() {
    Arbitrary<String> text =
        Arbitraries.of(
                "x",
                "a b",
                "a: b",
                "a #b",
                "#c",
                "- d",
                "-1",
                "0",
                "07",
                "1.5",
                "true",
                "yes",
                "~",
                "null",
                "",
                " lead",
                "trail ",
                "it's",
                "q\"uote",
                "back\\slash",
                "é",
                "line\nbreak",
                "two\n\nbreaks\n",
                "\ttab",
                "{}",
                "[x]",
                "*a",
                "&b",
                "!t",
                "@at",
                "%p",
                "2026-12-05",
                "100m",
                "f:x",
                "http://h:1/p",
                "|",
                ">",
                "---",
                "...",
                "key:",
                ":x",
                "?q")
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(l -> String.join("", l));
    Arbitrary<Object> leaf =
        Arbitraries.oneOf(
            text.map(t -> (Object) t),
            Arbitraries.integers().between(-1000, 100000).map(i -> (Object) i),
            Arbitraries.of(true, false).map(b -> (Object) b));
    Arbitrary<Object> inner =
        Arbitraries.oneOf(
            leaf,
            leaf.list().ofMaxSize(3).map(l -> (Object) new ArrayList<>(l)),
            Arbitraries.maps(text, leaf).ofMaxSize(3).map(m -> (Object) new LinkedHashMap<>(m)));
    Arbitrary<Object> value =
        Arbitraries.oneOf(
            inner,
            inner.list().ofMaxSize(3).map(l -> (Object) new ArrayList<>(l)),
            Arbitraries.maps(text, inner).ofMaxSize(3).map(m -> (Object) new LinkedHashMap<>(m)));
    return Arbitraries.maps(text, value).ofMinSize(1).ofMaxSize(4).map(LinkedHashMap::new);
  }
}
