package io.gatewaydoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every GatewayDiagnosis that {@code analyze -o json} prints validates against the CRD schema in
 * crds/, strictly: a field the schema does not declare is an error (the API server would prune it).
 */
class OutputSchemaTest {
  static JsonSchema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    JsonNode crd =
        Serialization.yamlMapper()
            .readTree(Path.of("crds/gatewaydiagnoses.gatewaydoctor.io-v1.yml").toFile());
    ObjectNode openApi = crd.at("/spec/versions/0/schema/openAPIV3Schema").deepCopy();
    strict(openApi);
    // apiVersion, kind and metadata are the API server's, not part of a CRD's own schema
    ObjectNode props = (ObjectNode) openApi.get("properties");
    props.putObject("apiVersion").put("type", "string");
    props.putObject("kind").put("type", "string");
    props.putObject("metadata").put("type", "object");
    schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(openApi);
  }

  /**
   * additionalProperties: false wherever properties are declared and unknown fields are not
   * preserved.
   */
  static void strict(JsonNode node) {
    if (node instanceof ObjectNode o) {
      if (o.has("properties")
          && !o.has("additionalProperties")
          && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
        o.put("additionalProperties", false);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("properties")) {
          e.getValue().forEach(OutputSchemaTest::strict);
        } else {
          strict(e.getValue());
        }
      }
    } else if (node != null && node.isArray()) {
      node.forEach(OutputSchemaTest::strict);
    }
  }

  static Stream<String> scenarios() throws IOException {
    try (Stream<Path> dirs = Files.list(AnalyzeCommandTest.SCENARIOS)) {
      return dirs.map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void analyzeJsonValidatesAgainstTheCrdSchema(String scenario) throws IOException {
    var r =
        AnalyzeCommandTest.run(
            AnalyzeCommandTest.args(AnalyzeCommandTest.inputs(scenario), "-o", "json"));
    assertThat(r.code()).as(r.err()).isIn(0, 1);
    JsonNode items = r.json().get("items");
    assertThat(items).isNotEmpty();
    for (JsonNode gd : items) {
      Set<ValidationMessage> errors = schema.validate(gd);
      assertThat(errors).as(gd.toPrettyString()).isEmpty();
    }
  }

  @Test
  void theValidatorRejectsWhatTheApiServerWouldPruneOrRefuse() throws IOException {
    var r =
        AnalyzeCommandTest.run(
            AnalyzeCommandTest.args(
                AnalyzeCommandTest.inputs("target-port-mismatch-number"), "-o", "json"));
    ObjectNode gd = (ObjectNode) r.json().get("items").get(0);
    assertThat(schema.validate(gd)).isEmpty();
    ObjectNode unknownField = gd.deepCopy();
    ((ObjectNode) unknownField.get("status")).put("verdict", "x");
    assertThat(schema.validate(unknownField)).isNotEmpty();
    ObjectNode wrongType = gd.deepCopy();
    ((ObjectNode) wrongType.get("status")).put("findings", "none");
    assertThat(schema.validate(wrongType)).isNotEmpty();
    ObjectNode missingTarget = gd.deepCopy();
    ((ObjectNode) missingTarget.get("spec")).remove("targetRef");
    assertThat(schema.validate(missingTarget)).isNotEmpty();
  }
}
