import type { MonitoringSettings } from "./monitoringSettings";
import { chartServiceLabels } from "./serviceMonitor";

/** One Prometheus alerting rule, as a rule file and a PrometheusRule hold it. */
export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: { summary: string; description: string };
}

export interface RuleGroup {
    name: string;
    rules: AlertRule[];
}

/** Raft's autopilot reports a failure tolerance of 0 for fewer than 3 voters: that alert only means something from 3. */
const MIN_REPLICAS_FOR_TOLERANCE = 3;

/**
 * The alerting rules, as a Prometheus rule file's groups. Vault's metrics come from its telemetry reference (names as
 * the Prometheus sink writes them: dots become `_`, summaries add `_count`/`_sum` and a `quantile` label); `up` is
 * Prometheus's own, `kubelet_volume_stats_*` the kubelet's and `kube_cronjob_*` kube-state-metrics'.
 */
export function renderAlertRules(m: MonitoringSettings): RuleGroup[] {
    const t = m.target;
    const a = m.alerts;
    const sel = t.selector;
    const rule = (alert: string, expr: string, forDuration: string, severity: "critical" | "warning", summary: string, description: string): AlertRule => ({
        alert, expr, for: forDuration, labels: { severity, ...a.labels }, annotations: { summary, description },
    });
    const rules: AlertRule[] = [
        rule("VaultSealed", `vault_core_unsealed{${sel}} == 0`, "1m", "critical",
            "Vault pod {{ $labels.pod }} is sealed",
            "A sealed node serves no requests. With auto-unseal, check the KMS key and the pod's IAM role; with Shamir, unseal it from custody (the next `pulumi up` does)."),
        rule("VaultMetricsUnavailable", `up{${sel}} == 0`, "5m", "critical",
            "Prometheus cannot scrape Vault pod {{ $labels.pod }}",
            "The pod is down, sealed (sys/metrics needs an unsealed Vault when a token is used), or the metrics token was refused (expired or revoked)."),
        rule("VaultMetricsAbsent", `absent(up{${sel}})`, "15m", "warning",
            `Prometheus has no Vault targets in namespace ${t.namespace}`,
            "The ServiceMonitor or scrape annotations select nothing: check the Prometheus selector labels and that the server pods run."),
        rule("VaultNoActiveNode", `sum(vault_core_active{${sel}}) < 1`, "2m", "critical",
            "No Vault node is active",
            "Every reachable node is standby or sealed: clients get errors. Check leadership (DynamoDB lock item or Raft) and the seal."),
        rule("VaultLeadershipFlapping", `sum(increase(vault_core_leadership_lost_count{${sel}}[1h])) > ${a.leadershipChangesPerHour}`, "0m", "warning",
            `Vault lost leadership more than ${a.leadershipChangesPerHour} times in an hour`,
            "With DynamoDB, throttling of the lock item or clock skew between nodes makes leadership flap; with Raft, network or disk latency."),
        rule("VaultLeadershipSetupFailed", `sum(increase(vault_core_leadership_setup_failed_count{${sel}}[15m])) > 0`, "0m", "warning",
            "A Vault node failed to take over leadership", "A node won the election but could not set up as active node; see its logs."),
        rule("VaultAuditDeviceFailing",
            `(sum(increase(vault_audit_log_request_failure{${sel}}[5m])) or vector(0)) + (sum(increase(vault_audit_log_response_failure{${sel}}[5m])) or vector(0)) > 0`,
            "0m", "critical",
            "Vault failed to write to an audit device",
            "When no audit device can log a request, Vault refuses the request. Check the audit volume (full?) and the device."),
        rule("VaultRequestsSlow", `max(vault_core_handle_request{${sel}, quantile="0.99"}) > ${a.requestLatencyP99Ms}`, "10m", "warning",
            `Vault's 99th percentile request time is above ${a.requestLatencyP99Ms} ms`,
            "Requests are slow: look at storage latency (the dashboard's storage row), audit device latency and CPU."),
    ];
    if (t.auditClaimPattern) {
        const claims = `namespace="${t.namespace}", persistentvolumeclaim=~"${t.auditClaimPattern}"`;
        rules.push(
            rule("VaultAuditVolumeNearlyFull",
                `kubelet_volume_stats_available_bytes{${claims}} / kubelet_volume_stats_capacity_bytes{${claims}} < ${a.auditVolumeFreeRatio}`, "5m", "warning",
                `Audit volume {{ $labels.persistentvolumeclaim }} has less than ${Math.round(a.auditVolumeFreeRatio * 100)}% free`,
                "Vault stops serving requests when it cannot write the audit log. Check the rotation sidecar (audit-rotate) or enlarge the volume."),
            rule("VaultAuditVolumeFillingUp", `predict_linear(kubelet_volume_stats_available_bytes{${claims}}[6h], 4 * 3600) < 0`, "30m", "critical",
                "Audit volume {{ $labels.persistentvolumeclaim }} fills up within 4 hours",
                "At the current rate the audit log fills the volume within 4 hours, and then Vault stops serving requests."),
        );
    }
    if (t.storage === "raft") {
        rules.push(rule("VaultRaftUnhealthy", `max(vault_autopilot_healthy{${sel}}) < 1`, "5m", "critical",
            "Raft autopilot reports an unhealthy node", "A Raft peer is unhealthy (lagging, unreachable or stale): quorum is at risk."));
        if (t.replicas >= MIN_REPLICAS_FOR_TOLERANCE) {
            rules.push(rule("VaultRaftFailureToleranceLow", `max(vault_autopilot_failure_tolerance{${sel}}) < 1`, "10m", "warning",
                "The Raft cluster cannot lose another node", "One more node lost means no quorum: bring the missing peer back."));
        }
    }
    for (const job of a.watchedCronJobs) {
        const jobSel = `namespace="${t.namespace}", cronjob="${job.name}"`;
        const last = `kube_cronjob_status_last_successful_time{${jobSel}}`;
        // A job that never succeeded has no last success: count from the CronJob's creation instead.
        const neverSince = `time() - max(kube_cronjob_created{${jobSel}}) > ${job.maxAgeSeconds} unless on() count(${last})`;
        rules.push(rule("VaultCronJobNotSucceeding", `time() - max(${last}) > ${job.maxAgeSeconds} or (${neverSince})`, "10m", "warning",
            `CronJob ${job.name} has not succeeded for ${Math.round(job.maxAgeSeconds / 3600)} hours`,
            `Without it ${job.what}. See \`kubectl -n ${t.namespace} get jobs\` and the failed pods' logs.`));
    }
    return [{ name: `vault-${t.fullname}`, rules }];
}

/** The rules as a PrometheusRule for the Prometheus Operator, labelled for the Prometheus that selects them. */
export function renderPrometheusRule(m: MonitoringSettings): Record<string, any> {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: m.alerts.ruleName, namespace: m.target.namespace, labels: { ...chartServiceLabels(m.target.releaseName), ...m.selectorLabels } },
        spec: { groups: renderAlertRules(m) },
    };
}
