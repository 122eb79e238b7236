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

  /**
   * #22 item 1: kubectl shows the columns in this order, LAST-EVALUATED only with -o wide (priority
   * 1), and the demo's table (which stands for kubectl get gd -A) has the same header.
   */
  @Test
  void theColumnsAreWhatKubectlAndTheDemoShow() throws IOException {
    JsonNode crd = Serialization.yamlMapper().readTree(Path.of("crds", FILE).toFile());
    List<String> names = new ArrayList<>();
    List<String> wideOnly = new ArrayList<>();
    for (JsonNode c : crd.path("spec").path("versions").get(0).path("additionalPrinterColumns")) {
      names.add(c.path("name").asText());
      if (c.path("priority").asInt(0) > 0) {
        wideOnly.add(c.path("name").asText());
      }
    }
    assertThat(names).isEqualTo(COLUMN_ORDER);
    assertThat(wideOnly).containsExactly("LAST-EVALUATED");
    String header =
        io.gatewaydoctor.demo.DiagnosisTable.render(List.of(), java.time.Instant.EPOCH, false)
            .lines()
            .findFirst()
            .orElseThrow();
    List<String> shown = new ArrayList<>(List.of(header.trim().split("\\s+")));
    assertThat(shown.subList(0, 2)).containsExactly("NAMESPACE", "NAME");
    assertThat(shown.subList(2, shown.size()))
        .as("kubectl get gd -A without -o wide")
        .isEqualTo(COLUMN_ORDER.subList(0, COLUMN_ORDER.size() - 1));
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
