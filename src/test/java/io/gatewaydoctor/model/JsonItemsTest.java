package io.gatewaydoctor.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.bench.SyntheticCluster;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * #23: a kubectl JSON List's items are found by one scan of the text (strings, escapes and nesting
 * respected) and read on every core to the same objects as on one; anything else is left to the
 * usual reading.
 */
class JsonItemsTest {
  static List<String> items(String json) {
    List<int[]> r = JsonItems.of(json);
    return r == null ? null : r.stream().map(a -> json.substring(a[0], a[1])).toList();
  }

  @Test
  void findsEachItemWhateverItsStringsHold() {
    // an annotation value with braces, brackets, a comma, an escaped quote and a backslash
    String tricky =
        "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"a\","
            + " \"annotations\": {\"x\": \"}]{[\\\\\\\" ,\"}}}";
    String plain =
        "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"spec\": {\"ports\": [{\"port\": 80}]}}";
    String json =
        "{\"apiVersion\": \"v1\", \"items\": [\n  "
            + tricky
            + ",\n  "
            + plain
            + "\n], \"kind\": \"List\", \"metadata\": {\"resourceVersion\": \"\"}}\n";
    assertThat(items(json)).containsExactly(tricky, plain);
    assertThat(
            Serialization.jsonMapper()
                .valueToTree(ObjectLoader.parseJsonOnOneCore(json, "x").get(0))
                .at("/metadata/annotations/x")
                .asText())
        .isEqualTo("}]{[\\\" ,");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not a List | scan | {\"kind\": \"Pod\", \"items\": [{\"kind\": \"Pod\"}]}",
        "a null item | scan | {\"kind\": \"List\", \"items\": [null, {\"kind\": \"Pod\"}]}",
        "a number item | scan | {\"kind\": \"List\", \"items\": [1]}",
        "two documents | scan | {\"kind\": \"List\", \"items\": []} {\"kind\": \"List\", \"items\": []}",
        "an array | scan | [{\"kind\": \"Pod\"}]",
        "unterminated | scan | {\"kind\": \"List\", \"items\": [{\"kind\": \"Pod\"}",
        "items nested deeper | scan | {\"kind\": \"List\", \"x\": {\"items\": [{\"kind\": \"Pod\"}]}}",
        "items twice | scan | {\"kind\": \"List\", \"items\": [], \"items\": []}",
        "an open string | scan | {\"kind\": \"List\", \"items\": [{\"kind\": \"Pod}]}",
        "a string item | scan | {\"kind\": \"List\", \"items\": [{\"kind\": \"Pod\"}, \"oops\", {\"kind\": \"Pod\"}]}",
        "mismatched brackets | item | {\"kind\": \"List\", \"items\": [{\"x\": [1}], {\"kind\": \"Pod\"}]}",
        "a trailing comma | scan | {\"kind\": \"List\", \"items\": [{\"kind\": \"Pod\"},]}",
        "no comma | scan | {\"kind\": \"List\", \"items\": [{\"kind\": \"Pod\"}{\"kind\": \"Pod\"}]}",
        "an escaped key twice | scan | {\"kind\": \"List\", \"items\": [{\"a\": 1}], \"it\\u0065ms\": [{\"b\": 1}]}",
        "broken elsewhere | scan | {\"kind\": \"List\", \"items\": [{\"a\": 1}], \"metadata\": {\"x\" 1}}",
        "something after an item | scan | {\"kind\": \"List\", \"items\": [{\"a\": 1} x]}",
        "a form feed between items | scan | {\"kind\": \"List\", \"items\": [{\"a\": 1},\f{\"a\": 1}]}",
        "an item closed by a bracket | item | {\"kind\": \"List\", \"items\": [{\"a\": [1}]]}",
        "an item with a bad value | item | {\"kind\": \"List\", \"items\": [{\"a\": nope}]}",
        "an item missing a colon | item | {\"kind\": \"List\", \"items\": [{\"a\" 1}]}"
      })
  void leavesAnythingElseToTheUsualReading(String what, String caughtBy, String json) {
    // the quick scan, or Jackson's parse of the item it cut (text inside an item is not scanned)
    if (caughtBy.equals("scan")) {
      assertThat(items(json)).as(what).isNull();
    } else {
      assertThat(items(json)).as(what).isNotNull();
    }
    assertThat(ObjectLoader.onEveryCore(json, "x")).as(what).isNull();
  }

  @Test
  void readsALargeDumpOnEveryCoreToTheSameObjectsAsOnOne() {
    String json = Serialization.asJson(SyntheticCluster.generate(400, 4, 10, true));
    assertThat(json.length()).isGreaterThan(ObjectLoader.PARALLEL_CHARS);
    var parallel = ObjectLoader.onEveryCore(json, "dump.json");
    var oneCore = ObjectLoader.parseJsonOnOneCore(json, "dump.json");
    assertThat(parallel).isNotNull().hasSize(oneCore.size());
    assertThat(Serialization.asJson(parallel)).isEqualTo(Serialization.asJson(oneCore));
    assertThat(ObjectLoader.parse(json, "dump.json")).hasSize(oneCore.size());
  }

  @Test
  void anItemThatDoesNotReadIsReportedAsOnOneCore() {
    String json =
        "{\"kind\": \"List\", \"items\": [{\"apiVersion\": \"v1\", \"kind\": \"Pod\","
            + " \"metadata\": {\"name\": \"a\"}},"
            + " {\"metadata\": {\"name\": \"no-kind\"}}]}";
    assertThat(ObjectLoader.onEveryCore(json, "dump.json")).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ObjectLoader.parse(json, "dump.json"))
        .hasMessageContaining("dump.json: document 1 item 1");
  }

  /** Review: an item is read alone, two levels shallower than in its List. */
  @Test
  void anItemTooDeepForTheListIsLeftToTheUsualReading() {
    String deep = deepItem(998); // 1001 levels in the List: Jackson's limit is 1000
    String json = "{\"kind\": \"List\", \"items\": [" + deep + "]}";
    assertThat(ObjectLoader.onEveryCore(json, "x")).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ObjectLoader.parseJsonOnOneCore(json, "x"))
        .hasMessageContaining("nesting depth");
    String fits = "{\"kind\": \"List\", \"items\": [" + deepItem(997) + "]}";
    assertThat(ObjectLoader.onEveryCore(fits, "x")).hasSize(1);
    assertThat(ObjectLoader.parseJsonOnOneCore(fits, "x")).hasSize(1);
  }

  static String deepItem(int arrays) {
    return "{\"apiVersion\": \"example.com/v1\", \"kind\": \"Widget\", \"metadata\":"
        + " {\"name\": \"deep\"}, \"spec\": "
        + "[".repeat(arrays)
        + "]".repeat(arrays)
        + "}";
  }
}
