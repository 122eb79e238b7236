package io.gatewaydoctor.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatewaydoctor.api.GatewayDiagnosis;
import io.gatewaydoctor.demo.DemoBackends;
import io.gatewaydoctor.demo.DemoCluster;
import io.gatewaydoctor.demo.DemoGateway;
import io.gatewaydoctor.demo.DemoScenario;
import io.gatewaydoctor.demo.DiagnosisTable;
import io.javaoperatorsdk.operator.Operator;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "See gateway-doctor work with no cluster: starts an embedded Kubernetes API, seeds a small shop",
      "(a healthy Ingress served by real loopback backends, a wrong targetPort, crash-looping pods, a missing",
      "Service), runs the real operator against it and prints the diagnoses like `kubectl get gd -A`.",
      "Refreshes until Ctrl-C on a terminal; prints the settled table once and exits when not on a terminal",
      "or with --once."
    })
public class DemoCommand implements Callable<Integer> {
  public static final String CRD_RESOURCE =
      "/META-INF/gateway-doctor/crds/gatewaydiagnoses.gatewaydoctor.io-v1.yml";

  @Option(names = "--once", description = "Print the settled table once and exit (0 when settled).")
  boolean once;

  @Option(
      names = "--timeout",
      defaultValue = "60",
      description = "Seconds to wait for the diagnoses to settle (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Inject KubernetesClient client;
  @Inject Operator operator;
  @Inject Clock clock;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (!DemoCluster.running()) {
      System.err.println(
          "demo: the embedded API server is not running (start demo through bin/gateway-doctor)");
      return 2;
    }
    DemoGateway gateway = null;
    try (DemoBackends backends = new DemoBackends()) {
      applyCrd(client);
      DemoScenario.seed(client, backends, clock.instant());
      gateway = startGateway();
      this.gateway = gateway;
      operator.start();
      boolean interactive = !once && System.console() != null;
      String settled = waitForSettled(Duration.ofSeconds(timeoutSeconds));
      if (!interactive) {
        out.print(settled == null ? table() : settled);
        if (settled == null) {
          System.err.println("demo: diagnoses did not settle within " + timeoutSeconds + "s");
          return 1;
        }
        return 0;
      }
      while (true) { // until Ctrl-C
        out.print("\033[H\033[2J" + table() + "\n(refreshing every 2s, Ctrl-C to stop)\n");
        out.flush();
        Thread.sleep(2000);
      }
    } finally {
      try {
        operator.stop();
      } finally {
        if (gateway != null) {
          DemoCluster.podLogs()
              .stopServing(
                  DemoScenario.GATEWAY_NAMESPACE,
                  DemoScenario.CONTROLLER_POD,
                  DemoScenario.CONTROLLER_CONTAINER);
          gateway.close();
        }
      }
    }
  }

  private DemoGateway gateway;

  /**
   * A real nginx as the ingress controller when one is installed, its log served as the controller
   * pod's; else one line saying how to see the gateway's evidence.
   */
  private DemoGateway startGateway() {
    try {
      var g = DemoGateway.start(client, DemoScenario.NAMESPACE, DemoScenario.CONTROLLER_IP, clock);
      if (g.isEmpty()) {
        System.err.println(
            "demo: nginx is not installed, so the gateway's own evidence (502/MIN, the pod nginx"
                + " blames and why) is not shown; install nginx (e.g. apt-get install nginx-light)"
                + " and run the demo again to see it");
        return null;
      }
      DemoCluster.podLogs()
          .serve(
              DemoScenario.GATEWAY_NAMESPACE,
              DemoScenario.CONTROLLER_POD,
              DemoScenario.CONTROLLER_CONTAINER,
              g.get()::linesSince);
      // Ctrl-C or a signal ends the interactive demo without the finally: nginx goes with it
      DemoGateway started = g.get();
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "demo-gateway-stop"));
      return started;
    } catch (java.io.IOException | RuntimeException e) {
      System.err.println(
          "demo: the demo's nginx did not start, the gateway's own evidence is not shown: "
              + e.getMessage());
      return null;
    }
  }

  static void applyCrd(KubernetesClient client) throws java.io.IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream(CRD_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("CRD " + CRD_RESOURCE + " missing from the application");
      }
      client.load(in).create();
    }
  }

  private String table() {
    List<GatewayDiagnosis> items =
        client.resources(GatewayDiagnosis.class).inAnyNamespace().list().getItems();
    return DiagnosisTable.render(items, clock.instant(), true);
  }

  /**
   * Whether every ready endpoint of a diagnosis has its first probe result: until then a verdict
   * that only the prober can reach (resets, TLS behind plain HTTP) is not in yet.
   */
  static boolean probed(GatewayDiagnosis g) {
    var backends = g.getStatus() == null ? null : g.getStatus().backends;
    return backends == null
        || backends.stream()
            .filter(b -> b.endpoints != null)
            .flatMap(b -> b.endpoints.stream())
            .filter(e -> Boolean.TRUE.equals(e.ready))
            .allMatch(e -> e.lastProbe != null);
  }

  /**
   * Whether the gateway's log has reached a diagnosis whose Ingress the demo's nginx serves (its
   * 502/MIN is then shown, zero or not).
   */
  private boolean gatewaySeen(GatewayDiagnosis g) {
    DemoGateway gw = gateway;
    var ref = g.getSpec() == null ? null : g.getSpec().getTargetRef();
    if (gw == null || g.getStatus() == null || ref == null) {
      return true;
    }
    if (!gw.trafficFor(25)) {
      return false; // five seconds of traffic: enough lines for a rate and a reason
    }
    boolean ingress =
        ref.getKind() == null || io.gatewaydoctor.api.TargetRef.INGRESS.equals(ref.getKind());
    return !ingress || !gw.ingresses().contains(ref.getName()) || g.getStatus().errorRate != null;
  }

  /**
   * The table once every demo Ingress and route has a diagnosis and nothing changed for 2 s; null
   * on timeout.
   */
  private String waitForSettled(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = null;
    int stable = 0;
    while (System.nanoTime() < deadline) {
      List<GatewayDiagnosis> items =
          client.resources(GatewayDiagnosis.class).inAnyNamespace().list().getItems();
      boolean complete =
          items.size() >= DemoScenario.targets()
              && items.stream().allMatch(g -> g.getStatus() != null && g.getStatus().health != null)
              && items.stream().allMatch(DemoCommand::probed)
              && items.stream().allMatch(this::gatewaySeen);
      // settled: the verdicts stay; the counts and rates go on growing with the gateway's traffic
      String now =
          DiagnosisTable.render(items, clock.instant(), true)
              .replaceAll("\\d+(\\.\\d+)?", "#")
              .replaceAll("[ \\t]+", " ");
      stable = complete && now.equals(last) ? stable + 1 : 0;
      last = now;
      if (stable >= 8) {
        return table();
      }
      Thread.sleep(250);
    }
    return null;
  }
}
