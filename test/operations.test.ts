import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { renderServerConfig } from "../components";
import type { VaultClusterArgs } from "../components";
import {
    dashboardQueries, monitoringChartValues, renderAlertRules, renderDashboard, renderPrometheusRule, renderServiceMonitor,
    renderSnapshotCronJob, renderSnapshotServiceAccount, renderTokenRenewCronJob, withTelemetry,
} from "../components/operations";
import type { MonitoringSettings } from "../components/operations";
import { chartSchemaErrors, unknownChartKeys } from "./support/chart";
import { IRSA, LOCAL, renderedValues } from "./support/cluster";
import { resolveOperations, type OperationsArgs } from "./support/operations";
import { SchemaRegistry, closeSchema } from "./support/examples";
import { parseHcl } from "./support/hcl";
import { NON_VAULT_METRICS, metricProblem, parsePromql } from "./support/promql";
import Ajv from "ajv";

const RAFT_AWS: VaultClusterArgs = { storage: { type: "raft" }, irsa: IRSA };

function problemsOf(cluster: VaultClusterArgs, a: OperationsArgs): string {
    try {
        resolveOperations(cluster, a);
    } catch (e) {
        return (e as Error).message;
    }
    return "";
}

describe("operations settings", () => {
    it("turn on what applies: an AWS cluster gets metrics with a token, alarms and audit rotation, no snapshots (DynamoDB)", () => {
        const s = resolveOperations({ irsa: IRSA });
        assert.equal(s.monitoring!.prometheusOperator, false);
        assert.equal(s.monitoring!.unauthenticatedMetricsAccess, false);
        assert.deepEqual(s.monitoring!.telemetry, { prometheusRetentionTime: "24h", disableHostname: true });
        assert.equal(s.monitoring!.token?.policyName, "prometheus-metrics");
        assert.equal(s.monitoring!.alerts.createRule, false);
        assert.ok(s.alarms && "create" in s.alarms.topic && s.alarms.dynamodb);
        assert.equal(s.backup.raftSnapshots, undefined);
        assert.equal(s.backup.awsBackup, undefined);
        assert.deepEqual(s.backup.custodyReplicas, []);
        assert.ok(s.rotation);
    });

    it("with Raft: snapshots to a volume on a local cluster, to S3 through IRSA on AWS; no alarms without AWS", () => {
        const local = resolveOperations(LOCAL);
        assert.equal(local.backup.raftSnapshots?.target, "volume");
        assert.deepEqual(local.backup.raftSnapshots?.volume, { claimName: "vault-snapshots", size: "10Gi", storageClass: undefined, keep: 28 });
        assert.equal(local.alarms, undefined);
        const aws = resolveOperations(RAFT_AWS);
        assert.equal(aws.backup.raftSnapshots?.target, "s3");
        assert.deepEqual(aws.backup.raftSnapshots?.s3, { existingBucket: undefined, retentionDays: 30, prefix: "vault/vault/", roleName: "prod-vault-snapshot", region: undefined });
        assert.equal(aws.backup.raftSnapshots?.maxGapSeconds, 6 * 3600);
    });

    it("watch the snapshot and token renewal jobs in the alert rules, allowing two scheduled runs", () => {
        const s = resolveOperations(LOCAL, { monitoring: { prometheusOperator: true }, backup: { raftSnapshots: { schedule: "0 * * * *" } } });
        assert.deepEqual(s.monitoring!.alerts.watchedCronJobs.map((j) => [j.name, j.maxAgeSeconds]), [["vault-snapshot", 7200], ["vault-metrics-token-renew", 3 * 86400]]);
    });

    it("refuse, all at once and before anything is created, what cannot work, naming field, value and fix", () => {
        const message = problemsOf({ ...LOCAL, config: { policies: { "raft-snapshot": [{ path: "x", capabilities: ["read"] }] } } }, {
            monitoring: { scrapeInterval: "30s", scrapeTimeout: "1m", alerts: { enabled: true, auditVolumeFreeRatio: 2 } },
            alarms: { enabled: true },
            backup: { raftSnapshots: { target: "s3", keep: 3 }, awsBackup: { enabled: true }, custodyReplicas: [{ region: "eu-west-1" }] },
        });
        // A value outside the enum is a type problem, reported (with the others of its kind) before these.
        assert.match(problemsOf(LOCAL, { monitoring: { access: "anonymous" as any } }), /monitoring\.access = "anonymous": is not one of "token", "unauthenticated"/);
        for (const expected of [
            `monitoring.scrapeTimeout = "1m": is longer than the scrape interval (30s): Prometheus refuses it`,
            `monitoring.scrapeInterval = "30s": only applies to the ServiceMonitor`,
            `monitoring.alerts.enabled = true: needs the Prometheus Operator`,
            `monitoring.alerts.auditVolumeFreeRatio = 2: must be a fraction between 0 and 1`,
            `alarms.enabled = true: needs a cluster that uses AWS`,
            `backup.raftSnapshots.target = "s3": needs the cluster's OIDC provider`,
            `backup.raftSnapshots.keep = 3: only applies to the volume target`,
            `backup.awsBackup.enabled = true: needs DynamoDB storage`,
            `backup.custodyReplicas = ["eu-west-1"]: only applies to aws-secrets-manager custody`,
            `config.policies.raft-snapshot = "raft-snapshot": is the policy backup.raftSnapshots writes`,
        ]) {
            assert.ok(message.includes(expected), `missing: ${expected}\nin: ${message}`);
        }
    });

    it("refuse snapshot and replica settings that contradict the cluster", () => {
        const message = problemsOf({ irsa: IRSA, region: "eu-west-1" }, {
            backup: { raftSnapshots: { enabled: true }, custodyReplicas: [{ region: "eu-west-1" }, { region: "us-east-2" }, { region: "us-east-2" }, { region: "mars" }] },
            alarms: { snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:ops", emailEndpoints: ["not-an-address"] },
        });
        for (const expected of [
            "backup.raftSnapshots.enabled = true: needs Raft storage",
            `backup.custodyReplicas[0].region = "eu-west-1": is the cluster's own region`,
            `backup.custodyReplicas[2].region = "us-east-2": is listed twice`,
            `backup.custodyReplicas[3].region = "mars": is not an AWS region name`,
            `alarms.emailEndpoints[0] = "not-an-address": is not an e-mail address`,
            "alarms.emailEndpoints = [\"not-an-address\"]: only subscribe to the topic the component creates",
        ]) {
            assert.ok(message.includes(expected), `missing: ${expected}\nin: ${message}`);
        }
        assert.match(problemsOf(RAFT_AWS, { backup: { raftSnapshots: { bucketName: "mine", retentionDays: 7 } } }),
            /backup.raftSnapshots.retentionDays = 7: does not apply to an existing bucket .* Fix: remove it and add a lifecycle rule expiring "vault\/vault\/" to the bucket/);
        assert.match(problemsOf({ ...LOCAL, config: { kubernetesAuth: [{ path: "kubernetes", host: "https://other.example.com", caCertPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", roles: {} }] } }, {}),
            /backup.raftSnapshots.authMountPath = "kubernetes": is a Kubernetes auth mount for another cluster/);
    });
});

describe("the telemetry stanza and scrape annotations", () => {
    it("render a telemetry block HashiCorp's parser reads, and unauthenticated access only when chosen", async () => {
        const base = { ui: true, listener: { address: "[::]:8200", clusterAddress: "[::]:8201" }, storage: { type: "raft" as const, path: "/vault/data", retryJoin: [] }, kubernetesServiceRegistration: true };
        const token = resolveOperations(LOCAL).monitoring!;
        const parsed = await parseHcl(renderServerConfig(withTelemetry(base, token)));
        assert.deepEqual(parsed.telemetry, [{ prometheus_retention_time: "24h", disable_hostname: true }]);
        assert.equal(parsed.listener.tcp[0].telemetry, undefined);
        const open = resolveOperations(LOCAL, { monitoring: { access: "unauthenticated" } }).monitoring!;
        const parsedOpen = await parseHcl(renderServerConfig(withTelemetry(base, open)));
        assert.deepEqual(parsedOpen.listener.tcp[0].telemetry, [{ unauthenticated_metrics_access: true }]);
        assert.equal(open.token, undefined);
        assert.equal(renderServerConfig(withTelemetry(base, undefined)), renderServerConfig(base));
    });

    it("annotate the server pods without the operator, in values the chart accepts", () => {
        const m = resolveOperations(LOCAL).monitoring!;
        const values = renderedValues(LOCAL);
        assert.deepEqual(values.server.annotations, (monitoringChartValues(m) as any).server.annotations);
        assert.deepEqual(values.server.annotations, {
            "prometheus.io/scrape": "true", "prometheus.io/path": "/v1/sys/metrics", "prometheus.io/port": "8200", "prometheus.io/scheme": "https",
        });
        assert.deepEqual(chartSchemaErrors(values), []);
        assert.deepEqual(unknownChartKeys(values), []);
        assert.deepEqual(monitoringChartValues(resolveOperations(LOCAL, { monitoring: { prometheusOperator: true } }).monitoring!), {});
    });
});

describe("ServiceMonitor, PrometheusRule, dashboard ConfigMap", () => {
    const registry = new SchemaRegistry();
    const m = resolveOperations(LOCAL, { monitoring: { prometheusOperator: true, dashboard: { configMap: true, namespace: "monitoring" } } }).monitoring!;

    it("the ServiceMonitor passes the Prometheus Operator's CRD and scrapes every server pod with TLS verified and the token", () => {
        const monitor = renderServiceMonitor(m);
        assert.deepEqual(registry.validate(monitor), []);
        assert.equal(registry.entry("monitoring.coreos.com/v1", "ServiceMonitor")?.source, "crd");
        assert.deepEqual(monitor.spec.selector.matchLabels, { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", "vault-internal": "true" });
        assert.deepEqual(monitor.spec.endpoints, [{
            port: "https", scheme: "https", path: "/v1/sys/metrics", params: { format: ["prometheus"] }, interval: "30s", scrapeTimeout: "10s",
            tlsConfig: { ca: { secret: { name: "vault-server-tls", key: "vault.ca" } }, serverName: "vault.vault.svc" },
            authorization: { type: "Bearer", credentials: { name: "vault-metrics-token", key: "token" } },
        }]);
        assert.equal(monitor.metadata.labels.release, "prometheus");
    });

    it("the CRD check catches a misspelled field", () => {
        const monitor = renderServiceMonitor(m);
        monitor.spec.endpoints[0].scrapeTimout = "10s";
        assert.deepEqual(registry.validate(monitor), ['/spec/endpoints/0: unknown field "scrapeTimout"']);
    });

    it("the PrometheusRule passes the CRD and holds the documented alerts", () => {
        const rule = renderPrometheusRule(m);
        assert.deepEqual(registry.validate(rule), []);
        assert.deepEqual(rule.spec.groups[0].rules.map((r: any) => [r.alert, r.for, r.labels.severity]), [
            ["VaultSealed", "1m", "critical"], ["VaultMetricsUnavailable", "5m", "critical"], ["VaultMetricsAbsent", "15m", "warning"],
            ["VaultNoActiveNode", "2m", "critical"], ["VaultLeadershipFlapping", "0m", "warning"], ["VaultLeadershipSetupFailed", "0m", "warning"],
            ["VaultAuditDeviceFailing", "0m", "critical"], ["VaultRequestsSlow", "10m", "warning"],
            ["VaultAuditVolumeNearlyFull", "5m", "warning"], ["VaultAuditVolumeFillingUp", "30m", "critical"],
            ["VaultRaftUnhealthy", "5m", "critical"], ["VaultRaftFailureToleranceLow", "10m", "warning"],
            ["VaultCronJobNotSucceeding", "10m", "warning"], ["VaultCronJobNotSucceeding", "10m", "warning"],
        ]);
        const byName = Object.fromEntries(rule.spec.groups[0].rules.map((r: any) => [r.alert, r.expr]));
        assert.equal(byName.VaultSealed, `vault_core_unsealed{namespace="vault", pod=~"vault-[0-9]+"} == 0`);
        assert.equal(byName.VaultRequestsSlow, `max(vault_core_handle_request{namespace="vault", pod=~"vault-[0-9]+", quantile="0.99"}) > 1000`);
        assert.equal(byName.VaultAuditVolumeNearlyFull,
            `kubelet_volume_stats_available_bytes{namespace="vault", persistentvolumeclaim=~"audit-vault-[0-9]+"} / kubelet_volume_stats_capacity_bytes{namespace="vault", persistentvolumeclaim=~"audit-vault-[0-9]+"} < 0.2`);
        assert.equal(byName.VaultLeadershipFlapping, `sum(increase(vault_core_leadership_lost_count{namespace="vault", pod=~"vault-[0-9]+"}[1h])) > 3`);
    });

    it("DynamoDB clusters get no Raft rules; thresholds follow the arguments", () => {
        const d = resolveOperations({ irsa: IRSA }, { monitoring: { prometheusOperator: true, alerts: { requestLatencyP99Ms: 250, leadershipChangesPerHour: 1, labels: { team: "platform" } } } }).monitoring!;
        const rules = renderAlertRules(d)[0].rules;
        assert.ok(!rules.some((r) => r.alert.startsWith("VaultRaft")));
        assert.match(rules.find((r) => r.alert === "VaultRequestsSlow")!.expr, /> 250$/);
        assert.match(rules.find((r) => r.alert === "VaultLeadershipFlapping")!.expr, /> 1$/);
        assert.deepEqual(rules[0].labels, { severity: "critical", team: "platform" });
    });

    it("the dashboard ConfigMap is labelled for the Grafana sidecar and passes the strict ConfigMap schema", () => {
        assert.deepEqual(m.dashboardConfigMap, { name: "vault-dashboard", namespace: "monitoring", labels: { grafana_dashboard: "1" }, annotations: {} });
        const doc = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "vault-dashboard", namespace: "monitoring", labels: { grafana_dashboard: "1" } }, data: { "vault.json": "{}" } };
        assert.deepEqual(registry.validate(doc), []);
    });
});

describe("every PromQL expression of the alerts and the dashboard", () => {
    const grafanaVariables = (expr: string) => expr.replace(/\$__rate_interval/g, "5m").replace(/\$namespace/g, "vault").replace(/\$fullname/g, "vault");
    const raft = resolveOperations(LOCAL, { monitoring: { prometheusOperator: true } }).monitoring!;
    const dynamodb = resolveOperations({ irsa: IRSA }, { monitoring: { prometheusOperator: true } }).monitoring!;
    const expressions = [
        ...[raft, dynamodb].flatMap((s: MonitoringSettings) => renderAlertRules(s)[0].rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
        ...dashboardQueries(renderDashboard({ namespace: "vault", fullname: "vault", storage: ["dynamodb", "raft"] }))
            .map((q) => ({ where: `panel ${q.panel}`, expr: grafanaVariables(q.expr) })),
    ];

    it("parses with Prometheus's grammar", () => {
        assert.ok(expressions.length > 40);
        for (const e of expressions) assert.deepEqual(parsePromql(e.expr).errors, [], `${e.where}: ${e.expr}`);
    });

    it("selects only metrics Vault emits (Prometheus names, summary suffixes) or the few listed non-Vault ones", () => {
        const problems = expressions.flatMap((e) => parsePromql(e.expr).selectors.map(metricProblem).filter(Boolean).map((p) => `${e.where}: ${p}`));
        assert.deepEqual(problems, []);
        const used = new Set(expressions.flatMap((e) => parsePromql(e.expr).selectors.map((s) => s.metric)));
        assert.deepEqual(Object.keys(NON_VAULT_METRICS).filter((m) => !used.has(m)), [], "every allowed non-Vault metric is used");
    });

    it("the checks catch a misspelled metric, a suffix on a gauge, a quantile of a gauge, and broken syntax", () => {
        assert.equal(metricProblem(parsePromql("vault_core_unseald").selectors[0]), "vault_core_unseald is not in Vault's telemetry reference");
        assert.equal(metricProblem(parsePromql("vault_core_unsealed_count").selectors[0]), "vault_core_unsealed_count is not in Vault's telemetry reference");
        assert.match(metricProblem(parsePromql(`vault_core_active{quantile="0.5"}`).selectors[0])!, /has no quantile label \(vault.core.active is a gauge\)/);
        assert.match(metricProblem(parsePromql(`vault_core_handle_request_count{quantile="0.5"}`).selectors[0])!, /the quantiles are on vault_core_handle_request/);
        assert.equal(metricProblem(parsePromql("vault_raft_storage_get_count").selectors[0]), undefined, "vault.raft-storage.get, a timer");
        assert.notDeepEqual(parsePromql("sum(rate(vault_core_handle_request_count[5m])").errors, []);
    });
});

describe("the Grafana dashboard", () => {
    const dashboard = renderDashboard({ namespace: "vault", fullname: "vault", storage: ["dynamodb", "raft"] });

    it("ships as components/operations/grafana-dashboard.json, identical to its rendering", () => {
        const shipped = JSON.parse(readFileSync(join(__dirname, "..", "components", "operations", "grafana-dashboard.json"), "utf8"));
        assert.deepEqual(shipped, dashboard, "regenerate the file from renderDashboard (see its header comment)");
    });

    it("lays panels out without overlap in Grafana's 24-column grid, each with a unique id and the data source variable", () => {
        const panels = dashboard.panels as any[];
        assert.equal(new Set(panels.map((p) => p.id)).size, panels.length);
        const cells = new Set<string>();
        for (const p of panels) {
            const g = p.gridPos;
            assert.ok(g.x >= 0 && g.x + g.w <= 24, `${p.title} fits the width`);
            for (let x = g.x; x < g.x + g.w; x++) for (let y = g.y; y < g.y + g.h; y++) {
                assert.ok(!cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`);
                cells.add(`${x},${y}`);
            }
            if (p.type !== "row") assert.deepEqual(p.datasource, { type: "prometheus", uid: "${datasource}" });
        }
    });

    it("shows seal status, leadership, requests, storage, tokens and leases, and audit errors; one storage row per backend", () => {
        const titles = (d: any) => d.panels.filter((p: any) => p.type === "row").map((p: any) => p.title);
        assert.deepEqual(titles(dashboard), ["Seal and leadership", "Requests", "Storage (barrier)", "Storage: DynamoDB", "Storage: Raft", "Tokens and leases", "Audit"]);
        assert.ok(!titles(renderDashboard({ namespace: "v", fullname: "v", storage: ["raft"] })).includes("Storage: DynamoDB"));
    });
});

describe("the snapshot and token renewal CronJobs", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    require("ajv-formats")(ajv);
    // The pod template schema of the strict Kubernetes 1.32 Deployment: the same PodTemplateSpec a Job template holds.
    const deployment = JSON.parse(readFileSync(join(__dirname, "fixtures", "kubernetes-1.32-strict", "deployment-apps-v1.json"), "utf8"));
    const podTemplate = ajv.compile(closeSchema(deployment.properties.spec.properties.template));
    const podTemplateErrors = (t: unknown) => (podTemplate(t) ? [] : podTemplate.errors);
    const registry = new SchemaRegistry();

    const cronJobs: [string, Record<string, any>][] = [
        ["snapshot (volume)", renderSnapshotCronJob(resolveOperations(LOCAL).backup.raftSnapshots!)],
        ["snapshot (S3)", renderSnapshotCronJob(resolveOperations(RAFT_AWS).backup.raftSnapshots!, { bucket: "b", region: "eu-west-1" })],
        ["token renewal", (() => { const m = resolveOperations(LOCAL).monitoring!; return renderTokenRenewCronJob(m, m.token!, "https://vault-active.vault.svc:8200"); })()],
    ];
    for (const [what, cronJob] of cronJobs) {
        it(`${what}: a pod template valid for Kubernetes 1.32, locked down, one run at a time, with the pinned image`, () => {
            const template = cronJob.spec.jobTemplate.spec.template;
            assert.deepEqual(podTemplateErrors(template), []);
            assert.equal(cronJob.apiVersion, "batch/v1");
            assert.equal(cronJob.spec.concurrencyPolicy, "Forbid");
            const pod = template.spec;
            assert.equal(pod.automountServiceAccountToken, false);
            assert.equal(pod.securityContext.runAsNonRoot, true);
            assert.deepEqual(pod.containers[0].securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
            assert.equal(pod.containers[0].image, "curlimages/curl:8.11.1");
        });
    }

    it("snapshot: every 6 hours, logging in with a projected token for the vault audience, as the snapshot service account", () => {
        const s = resolveOperations(RAFT_AWS).backup.raftSnapshots!;
        const job = renderSnapshotCronJob(s, { bucket: "prod-snapshots", region: "eu-west-1" });
        assert.equal(job.spec.schedule, "0 0,6,12,18 * * *");
        const pod = job.spec.jobTemplate.spec.template.spec;
        assert.equal(pod.serviceAccountName, "vault-snapshot");
        assert.deepEqual(pod.volumes.find((v: any) => v.name === "vault-token").projected.sources, [{ serviceAccountToken: { audience: "vault", expirationSeconds: 600, path: "token" } }]);
        assert.deepEqual(pod.containers[0].env, [
            { name: "VAULT_ADDR", value: "https://vault-active.vault.svc:8200" },
            { name: "VAULT_CACERT", value: "/vault/tls/vault.ca" },
            { name: "VAULT_AUTH_PATH", value: "kubernetes" },
            { name: "VAULT_ROLE", value: "raft-snapshot" },
            { name: "VAULT_JWT_PATH", value: "/var/run/secrets/vault/token" },
            { name: "SNAPSHOT_TARGET", value: "s3" },
            { name: "S3_BUCKET", value: "prod-snapshots" },
            { name: "S3_PREFIX", value: "vault/vault/" },
            { name: "AWS_REGION", value: "eu-west-1" },
        ]);
        const account = renderSnapshotServiceAccount(s, "arn:aws:iam::123456789012:role/prod-vault-snapshot");
        assert.deepEqual(registry.validate(account), []);
        assert.deepEqual(account.metadata.annotations, { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/prod-vault-snapshot" });
    });
});
