package io.gatewaydoctor.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #22 item 4: the chart's alerts, evaluated by Prometheus's own rule tester ({@code promtool test
 * rules}, Debian's {@code prometheus} package; {@code bin/test} installs it) on series shaped like
 * the operator's: a target stays one alert while its cause changes, Degraded waits longer, the
 * annotations name the current cause and the runbook, stale verdicts, the operator down and failed
 * remediations fire, and without per-target series the alerts fire per namespace.
 */
class PrometheusRuleTest {
  @TempDir Path dir;

  static String promtool() {
    for (String p : List.of("/usr/bin/promtool", "/usr/local/bin/promtool")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    throw new AssertionError(
        "promtool is not installed: run bin/test (it installs it as root), or apt-get install"
            + " prometheus");
  }

  String rules(Map<String, Object> values) throws Exception {
    PrometheusRule rule = ChartTest.first(ChartTest.render(values), PrometheusRule.class);
    Path f = dir.resolve("rules.yml");
    Files.writeString(f, Serialization.asYaml(rule.getSpec()));
    return f.getFileName().toString();
  }

  /** Runs promtool on the test file; its whole output when it fails. */
  String test(String rules, String tests) throws Exception {
    Path t = dir.resolve("tests.yml");
    Files.writeString(t, "rule_files: [" + rules + "]\nevaluation_interval: 1m\n" + tests);
    Process p =
        new ProcessBuilder(promtool(), "test", "rules", t.getFileName().toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void theAlertsFireOnTheOperatorsSeries() throws Exception {
    String rules =
        rules(
            Map.of(
                "serviceMonitor.enabled",
                true,
                "prometheusRule.enabled",
                true,
                "prometheusRule.runbookUrl",
                "https://runbooks.example.com/gd"));
    String out =
        test(
            rules,
            """
            tests:
            - interval: 1m
              input_series:
              # shop/web Failing all along; its cause changes at minute 6
              - series: 'gatewaydoctor_target_health{namespace="shop",target="web",pod="gd-0"}'
                values: '2x60'
              - series: 'gatewaydoctor_target_info{namespace="shop",target="web",pod="gd-0",health="Failing",root_cause="NoReadyEndpoints"}'
                values: '1x5'
              - series: 'gatewaydoctor_target_info{namespace="shop",target="web",pod="gd-0",health="Failing",root_cause="TargetPortMismatch"}'
                values: '_x5 1x55'
              # shop/api Degraded all along, pay/ok Healthy, a target not diagnosed
              - series: 'gatewaydoctor_target_health{namespace="shop",target="api",pod="gd-0"}'
                values: '1x60'
              - series: 'gatewaydoctor_target_health{namespace="pay",target="ok",pod="gd-0"}'
                values: '0x60'
              - series: 'gatewaydoctor_target_health{namespace="pay",target="gone",pod="gd-0"}'
                values: '-1x60'
              - series: 'gatewaydoctor_targets{namespace="shop",health="Failing",pod="gd-0"}'
                values: '1x60'
              # the operator runs and evaluates
              - series: 'gatewaydoctor_reconcile_seconds_count{pod="gd-0"}'
                values: '0+3x60'
              - series: 'up{job="gateway-doctor",namespace="gateway-doctor",pod="gateway-doctor-7d9f-abcde"}'
                values: '1x60'
              - series: 'gatewaydoctor_remediations_total{action="SetTargetPort",result="Failed",pod="gd-0"}'
                values: '0x20 1x40'
              alert_rule_test:
              - eval_time: 8m
                alertname: GatewayTargetFailing
                exp_alerts: []
              - eval_time: 12m
                alertname: GatewayTargetFailing
                exp_alerts:
                - exp_labels: {severity: critical, namespace: shop, target: web}
                  exp_annotations:
                    summary: 'Failing: shop/web, root cause TargetPortMismatch'
                    description: 'kubectl describe gd -n shop web for the verdict, the culprit and the fix.'
                    runbook_url: 'https://runbooks.example.com/gd#targetportmismatch'
              - eval_time: 12m
                alertname: GatewayTargetDegraded
                exp_alerts: []
              - eval_time: 35m
                alertname: GatewayTargetDegraded
                exp_alerts:
                - exp_labels: {severity: warning, namespace: shop, target: api}
                  exp_annotations:
                    summary: 'Degraded: shop/api'
                    description: 'kubectl describe gd -n shop api for the verdict, the culprit and the fix.'
                    runbook_url: 'https://runbooks.example.com/gd'
              - eval_time: 50m
                alertname: GatewayDoctorVerdictsStale
                exp_alerts: []
              - eval_time: 50m
                alertname: GatewayDoctorDown
                exp_alerts: []
              - eval_time: 19m
                alertname: GatewayDoctorRemediationFailed
                exp_alerts: []
              - eval_time: 22m
                alertname: GatewayDoctorRemediationFailed
                exp_alerts:
                - exp_labels: {severity: warning, action: SetTargetPort}
                  exp_annotations:
                    summary: 'a SetTargetPort remediation failed in the last 15 min: see the Events of the target'
            # the operator stopped evaluating at minute 10, then stopped being scraped at 60
            - interval: 1m
              input_series:
              - series: 'gatewaydoctor_targets{namespace="shop",health="Healthy",pod="gd-0"}'
                values: '1x60'
              - series: 'gatewaydoctor_reconcile_seconds_count{pod="gd-0"}'
                values: '0+1x10 10x50'
              - series: 'up{job="gateway-doctor",namespace="gateway-doctor",pod="gateway-doctor-7d9f-abcde"}'
                values: '1x60'
              alert_rule_test:
              - eval_time: 40m
                alertname: GatewayDoctorVerdictsStale
                exp_alerts: []
              - eval_time: 50m
                alertname: GatewayDoctorVerdictsStale
                exp_alerts:
                - exp_labels: {severity: warning, pod: gd-0}
                  exp_annotations:
                    summary: 'gateway-doctor gd-0 has evaluated no target for 30m: the verdicts shown are stale'
              - eval_time: 65m
                alertname: GatewayDoctorDown
                exp_alerts: []
              - eval_time: 80m
                alertname: GatewayDoctorDown
                exp_alerts:
                - exp_labels: {severity: warning}
                  exp_annotations:
                    summary: 'gateway-doctor in gateway-doctor is not running (or not scraped): no diagnosis is updated'
            """);
    assertThat(out).contains("SUCCESS");
  }

  /** Without per-target series no target name exists: the alerts fire per namespace. */
  @Test
  void withoutPerTargetSeriesTheAlertsFirePerNamespace() throws Exception {
    String rules = rules(Map.of("prometheusRule.enabled", true, "metrics.perTarget", false));
    test(
        rules,
        """
        tests:
        - interval: 1m
          input_series:
          - series: 'gatewaydoctor_targets{namespace="shop",health="Failing",pod="gd-0"}'
            values: '2x30'
          - series: 'gatewaydoctor_targets{namespace="pay",health="Healthy",pod="gd-0"}'
            values: '3x30'
          alert_rule_test:
          - eval_time: 12m
            alertname: GatewayTargetFailing
            exp_alerts:
            - exp_labels: {severity: critical, namespace: shop}
              exp_annotations:
                summary: 'Failing: 2 target(s) in namespace shop'
                description: 'kubectl get gd -n shop -l gatewaydoctor.io/health=Failing names them; kubectl describe gd for the verdict, the culprit and the fix.'
        """);
  }
}
