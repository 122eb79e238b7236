package io.gatewaydoctor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * crds/ must equal the CRD that the build generates from the Java classes. The generator sorts
 * printer columns by JSON path; kubectl shows them in list order, so the committed CRD keeps the
 * DESIGN order (TARGET, HEALTH, ROOT-CAUSE, CULPRIT, 502/MIN, SINCE, and LAST-EVALUATED in -o wide)
 * and this test compares in that order.
 */
class CrdSyncIT {
  static final String FILE = "gatewaydiagnoses.gatewaydoctor.io-v1.yml";
  static final List<String> COLUMN_ORDER =
      List.of("TARGET", "HEALTH", "ROOT-CAUSE", "CULPRIT", "502/MIN", "SINCE", "LAST-EVALUATED");

  @Test
  void committedCrdEqualsGenerated() throws IOException {
    Path generated = Path.of("target/kubernetes", FILE);
    Path committed = Path.of("crds", FILE);
    JsonNode expected = canonical(Serialization.yamlMapper().readTree(generated.toFile()));
    Path fresh = Path.of("target/crds", FILE);
    Files.createDirectories(fresh.getParent());
    Files.writeString(
        fresh,
        "# Generated from the Java classes in src/main/java/io/gatewaydoctor/api (CrdSyncIT); do not edit.\n"
            + Serialization.yamlMapper().writeValueAsString(expected));
    JsonNode actual = Serialization.yamlMapper().readTree(committed.toFile());
    assertThat(actual)
        .as(
            "crds/%s differs from what the CRD classes generate; run ./mvnw verify and copy %s to crds/",
            FILE, fresh)
        .isEqualTo(expected);
    assertThat(Path.of("helm/gateway-doctor/crds", FILE))
        .as("the chart carries the same CRD")
        .hasSameTextualContentAs(committed);
  }

  static JsonNode canonical(JsonNode crd) {
    for (JsonNode version : crd.path("spec").path("versions")) {
      ArrayNode cols = (ArrayNode) version.path("additionalPrinterColumns");
      List<JsonNode> sorted = new ArrayList<>();
      cols.forEach(sorted::add);
      sorted.sort((a, b) -> Integer.compare(rank(a), rank(b)));
      cols.removeAll();
      sorted.forEach(cols::add);
    }
    ((ObjectNode) crd).remove("status");
    return crd;
  }

  private static int rank(JsonNode column) {
    int i = COLUMN_ORDER.indexOf(column.path("name").asText());
    return i < 0 ? COLUMN_ORDER.size() : i;
  }
}
