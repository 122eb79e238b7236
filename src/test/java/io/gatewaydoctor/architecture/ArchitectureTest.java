package io.gatewaydoctor.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.gatewaydoctor.analysis.AnalysisBuildingAPatch;
import io.gatewaydoctor.remediation.Patches;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The packages form a DAG with these layers, bottom up (docs/architecture.md draws them): api;
 * model; signals, probe, history (evidence and its value types); analysis (the pure core);
 * remediation (turns the core's fix intents into patches and guards them); report (status, tables);
 * evaluation (the one pipeline: target, evidence, baseline, policy, instant → diagnosis and plans);
 * sources, demo, bench (I/O that fills evidence, the demo's world, benchmarks); operator and cli
 * (wiring). A layer uses only layers below it; the pure core reads no clock, opens no socket and
 * holds no API client.
 */
class ArchitectureTest {
  static final String ROOT = "io.gatewaydoctor";

  static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(ROOT);

  static final ArchRule LAYERS =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("api")
          .definedBy(ROOT + ".api..")
          .layer("model")
          .definedBy(ROOT + ".model..")
          .layer("gateway")
          .definedBy(ROOT + ".gateway..")
          .layer("signals")
          .definedBy(ROOT + ".signals..")
          .layer("probe")
          .definedBy(ROOT + ".probe..")
          .layer("history")
          .definedBy(ROOT + ".history..")
          .layer("analysis")
          .definedBy(ROOT + ".analysis..")
          .layer("remediation")
          .definedBy(ROOT + ".remediation..")
          .layer("report")
          .definedBy(ROOT + ".report..")
          .layer("evaluation")
          .definedBy(ROOT + ".evaluation..")
          .layer("sources")
          .definedBy(ROOT + ".sources..")
          .layer("demo")
          .definedBy(ROOT + ".demo..")
          .layer("bench")
          .definedBy(ROOT + ".bench..")
          .layer("operator")
          .definedBy(ROOT + ".operator..")
          .layer("cli")
          .definedBy(ROOT + ".cli..")
          .whereLayer("cli")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("operator")
          .mayOnlyBeAccessedByLayers("cli")
          .whereLayer("bench")
          .mayOnlyBeAccessedByLayers("cli")
          .whereLayer("demo")
          .mayOnlyBeAccessedByLayers("cli", "operator")
          .whereLayer("sources")
          .mayOnlyBeAccessedByLayers("cli", "operator", "bench")
          .whereLayer("evaluation")
          .mayOnlyBeAccessedByLayers("cli", "operator", "demo", "bench")
          .whereLayer("report")
          .mayOnlyBeAccessedByLayers("cli", "operator", "demo", "bench")
          .whereLayer("remediation")
          .mayOnlyBeAccessedByLayers("evaluation", "report", "cli", "operator", "demo", "bench")
          .whereLayer("analysis")
          .mayOnlyBeAccessedByLayers(
              "evaluation", "remediation", "report", "cli", "operator", "demo", "bench")
          .whereLayer("history")
          .mayOnlyBeAccessedByLayers(
              "evaluation", "analysis", "remediation", "report", "cli", "operator", "demo", "bench")
          .whereLayer("probe")
          .mayOnlyBeAccessedByLayers(
              "evaluation", "analysis", "remediation", "report", "cli", "operator", "demo", "bench")
          .whereLayer("signals")
          .mayOnlyBeAccessedByLayers(
              "evaluation",
              "analysis",
              "remediation",
              "report",
              "sources",
              "cli",
              "operator",
              "demo",
              "bench")
          .whereLayer("gateway")
          .mayOnlyBeAccessedByLayers(
              "evaluation",
              "signals",
              "probe",
              "history",
              "analysis",
              "remediation",
              "report",
              "sources",
              "cli",
              "operator",
              "demo",
              "bench")
          .whereLayer("model")
          .mayOnlyBeAccessedByLayers(
              "gateway",
              "evaluation",
              "signals",
              "probe",
              "history",
              "analysis",
              "remediation",
              "report",
              "sources",
              "cli",
              "operator",
              "demo",
              "bench");

  static final ArchRule NO_CYCLES = slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();

  /**
   * The pure core: the same inputs give the same verdict, in the operator, analyze, the demo and
   * the tests.
   */
  static final ArchRule PURE_CORE =
      noClasses()
          .that()
          .resideInAnyPackage(
              ROOT + ".analysis..",
              ROOT + ".model..",
              ROOT + ".history..",
              ROOT + ".signals..",
              ROOT + ".api..",
              ROOT + ".remediation..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.fabric8.kubernetes.client.dsl..",
              "java.net.http..",
              "java.nio.file..",
              "io.javaoperatorsdk..",
              "io.vertx..")
          .orShould()
          .dependOnClassesThat()
          .belongToAnyOf(
              io.fabric8.kubernetes.client.KubernetesClient.class,
              Clock.class,
              java.net.Socket.class,
              java.net.URL.class,
              Thread.class)
          .orShould()
          .callMethod(Instant.class, "now")
          .orShould()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime");

  @Test
  void layersOnlyUseLayersBelowThem() {
    LAYERS.check(MAIN);
  }

  @Test
  void packagesHaveNoCycles() {
    NO_CYCLES.check(MAIN);
  }

  @Test
  void theCoreReadsNoClockOpensNoSocketAndHoldsNoClient() {
    PURE_CORE.check(MAIN);
  }

  /**
   * The rules are not vacuous: the edge this project once had (a rule building a patch itself)
   * fails them.
   */
  @Test
  void aRuleThatBuildsAPatchItselfBreaksTheLayers() {
    JavaClasses withOldEdge =
        new ClassFileImporter().importClasses(AnalysisBuildingAPatch.class, Patches.class);
    assertThatThrownBy(() -> LAYERS.check(withOldEdge))
        .hasMessageContaining("AnalysisBuildingAPatch")
        .hasMessageContaining("Patches");
  }
}
