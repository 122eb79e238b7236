package io.gatewaydoctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.report.Describer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gateway-doctor describe [gd/]NAME}: one GatewayDiagnosis verdict first (health and since
 * when, root cause, culprit, fix), then its chain, findings, drift, remediation and timeline, from
 * the cluster (read-only) or from {@code -f} (kubectl get gd -o yaml|json, or analyze -o
 * json|yaml).
 */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description = {
      "Print one diagnosis the way it is read in an incident: the verdict first (health, since when,",
      "root cause, culprit, fix), then the chain with what fails marked, the findings with evidence",
      "and fix, what changed, the remediation and the timeline."
    })
public final class DescribeCommand implements Callable<Integer> {
  @Parameters(
      arity = "0..1",
      paramLabel = "[gd/]NAME",
      description = "The diagnosis (its Ingress's name); with -f, all of the file when omitted.")
  String name;

  @Option(
      names = {"-n", "--namespace"},
      description = "Its namespace (default: the context's).")
  String namespace;

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE",
      description =
          "Read diagnoses from this file (YAML or JSON, a List too) instead of a cluster.")
  List<Path> files = new ArrayList<>();

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The kubeconfig to use.")
  Path kubeconfig;

  @Option(names = "--context", description = "The kubeconfig context to use.")
  String context;

  @Option(
      names = "--stale-after",
      defaultValue = "30m",
      paramLabel = "DURATION",
      description =
          "Warn when the verdict was last evaluated longer ago than this (a number and s, m or h;"
              + " default ${DEFAULT-VALUE}, as the chart's stale-verdicts alert).")
  String staleAfter;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String wanted = name == null ? null : name.replaceFirst("^(gd|gatewaydiagnos[a-z]*)/", "");
    var stale = java.util.regex.Pattern.compile("(\\d{1,6})(s|m|h)").matcher(staleAfter);
    if (!stale.matches()) {
      err.println("describe: --stale-after " + staleAfter + ": a number and s, m or h (e.g. 30m)");
      return 2;
    }
    java.time.Duration staleLimit =
        java.time.Duration.of(
            Long.parseLong(stale.group(1)),
            switch (stale.group(2)) {
              case "s" -> java.time.temporal.ChronoUnit.SECONDS;
              case "m" -> java.time.temporal.ChronoUnit.MINUTES;
              default -> java.time.temporal.ChronoUnit.HOURS;
            });
    try {
      List<GatewayDiagnosis> found = new ArrayList<>();
      if (!files.isEmpty()) {
        for (Path f : files) {
          for (GatewayDiagnosis gd : read(f)) {
            if ((wanted == null || wanted.equals(gd.getMetadata().getName()))
                && (namespace == null || namespace.equals(gd.getMetadata().getNamespace()))) {
              found.add(gd);
            }
          }
        }
      } else {
        if (wanted == null) {
          err.println(
              "describe: name the diagnosis (gateway-doctor describe gd/NAME -n NAMESPACE)");
          return 2;
        }
        if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
          err.println("cannot read the kubeconfig " + kubeconfig);
          return 2;
        }
        Config config =
            kubeconfig != null
                ? Config.fromKubeconfig(context, kubeconfig.toFile())
                : Config.autoConfigure(context);
        String ns = namespace != null ? namespace : config.getNamespace();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
          GatewayDiagnosis gd =
              client.resources(GatewayDiagnosis.class).inNamespace(ns).withName(wanted).get();
          if (gd != null) {
            found.add(gd);
          }
        }
      }
      if (found.isEmpty()) {
        err.println(
            "no GatewayDiagnosis"
                + (wanted == null ? "" : " " + wanted)
                + (namespace == null ? "" : " in namespace " + namespace)
                + (files.isEmpty() ? "" : " in " + files));
        return 1;
      }
      for (int i = 0; i < found.size(); i++) {
        if (i > 0) {
          out.println();
        }
        out.print(Describer.describe(found.get(i), java.time.Instant.now(), staleLimit));
      }
      out.flush();
      return 0;
    } catch (IOException | IllegalArgumentException e) {
      err.println("describe: " + e.getMessage());
      return 2;
    } catch (KubernetesClientException e) {
      err.println("describe: the API server: " + e.getMessage());
      return 2;
    }
  }

  /** The GatewayDiagnoses of a file: one object or a List, YAML or JSON. */
  static List<GatewayDiagnosis> read(Path f) throws IOException {
    if (!Files.isRegularFile(f)) {
      throw new IOException(f + ": no such file");
    }
    String text = Files.readString(f);
    JsonNode root =
        text.stripLeading().startsWith("{")
            ? Serialization.jsonMapper().readTree(text)
            : Serialization.yamlMapper().readTree(text);
    List<GatewayDiagnosis> out = new ArrayList<>();
    List<JsonNode> nodes = new ArrayList<>();
    if (root != null && root.has("items") && root.get("items").isArray()) {
      root.get("items").forEach(nodes::add);
    } else if (root != null) {
      nodes.add(root);
    }
    for (JsonNode n : nodes) {
      if ("GatewayDiagnosis".equals(n.path("kind").asText())) {
        out.add(Serialization.jsonMapper().treeToValue(n, GatewayDiagnosis.class));
      }
    }
    return out;
  }
}
