import type { ServerStorage } from "../cluster/modes";
import type { TelemetryConfig } from "../chart/serverConfig";
import { Problems, durationSeconds, isDnsLabel, isDuration, isPlainObject } from "../validation";
import { MetricsAccess, type Monitoring } from "./args";
import { IMAGES, checkLabels, checkPinnedImage, isPromDuration, promDurationSeconds } from "./checks";
import type { OperationsContext } from "./context";

/** Vault policy (and token role) of the scraper: `read` on `sys/metrics`, nothing else. */
export const METRICS_POLICY_NAME = "prometheus-metrics";

/** Where Prometheus finds the server pods and how it reaches them. */
export interface ScrapeTarget {
    namespace: string;
    releaseName: string;
    fullname: string;
    scheme: "https" | "http";
    /** Secret whose `vault.ca` verifies the listener; none without TLS. */
    tlsSecretName?: string;
    /** PromQL matchers selecting the server pods' series: `namespace="vault", pod=~"vault-[0-9]+"`. */
    selector: string;
    storage: ServerStorage;
    replicas: number;
    /** PVCs of the audit volumes (`audit-<fullname>-N`), when audit storage is on. */
    auditClaimPattern?: string;
}

export interface MetricsTokenSettings {
    policyName: string;
    /** Token role creating orphan periodic tokens with the policy (no sudo needed, survives the creator). */
    roleName: string;
    /** Vault duration. */
    period: string;
    /** Kubernetes Secret holding the token (key `token`), read by Prometheus and the renewal job. */
    secretName: string;
    renewal: { cronJobName: string; schedule: string; image: string };
}

export interface AlertSettings {
    /** Create the PrometheusRule (with the operator); the rules render either way, for a Prometheus configured by hand. */
    createRule: boolean;
    ruleName: string;
    requestLatencyP99Ms: number;
    leadershipChangesPerHour: number;
    auditVolumeFreeRatio: number;
    labels: Record<string, string>;
    /** CronJobs whose last success is watched (through kube-state-metrics): alert when older than `maxAgeSeconds`. */
    watchedCronJobs: WatchedCronJob[];
}

export interface DashboardConfigMapSettings {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}

/** Monitoring, validated and settled; undefined when turned off. */
export interface MonitoringSettings {
    telemetry: TelemetryConfig;
    /** Set `unauthenticated_metrics_access` on the listener. */
    unauthenticatedMetricsAccess: boolean;
    prometheusOperator: boolean;
    scrapeInterval: string;
    scrapeTimeout: string;
    selectorLabels: Record<string, string>;
    target: ScrapeTarget;
    /** The scraper's identity; none with unauthenticated access. */
    token?: MetricsTokenSettings;
    alerts: AlertSettings;
    dashboardConfigMap?: DashboardConfigMapSettings;
}

/** A CronJob that must succeed regularly: the snapshot job (from the backup settings), the token renewal job. */
export interface WatchedCronJob {
    name: string;
    /** Alert when the last success is older than this. */
    maxAgeSeconds: number;
    /** What its absence means, for the alert text. */
    what: string;
}

/**
 * Validates the monitoring arguments and settles their defaults: telemetry on, a dedicated metrics token unless
 * unauthenticated access is chosen, a ServiceMonitor and alert rules only when the Prometheus Operator is said to be
 * there, scrape annotations otherwise.
 */
export function resolveMonitoringSettings(p: Problems, args: Monitoring | undefined, ctx: OperationsContext,
    watched: WatchedCronJob[] = []): MonitoringSettings | undefined {
    const a = args ?? {};
    if (args !== undefined) p.check(isPlainObject(args), "monitoring", args, "must be an object", "e.g. { prometheusOperator: true }");
    if (a.enabled === false) {
        for (const key of Object.keys(a).filter((k) => k !== "enabled")) {
            p.add(`monitoring.${key}`, (a as Record<string, unknown>)[key], "has no effect with monitoring.enabled: false", `remove it, or turn monitoring on`);
        }
        return undefined;
    }
    const operator = a.prometheusOperator ?? false;
    const access = a.access ?? MetricsAccess.Token;
    p.check(Object.values(MetricsAccess).includes(access), "monitoring.access", access, "is not a metrics access mode", `use "token" (default) or "unauthenticated"`);

    const retention = a.prometheusRetentionTime ?? "24h";
    const interval = a.scrapeInterval ?? "30s";
    const timeout = a.scrapeTimeout ?? "10s";
    const durationsOk = [
        p.check(isDuration(retention) && durationSeconds(retention) > 0, "monitoring.prometheusRetentionTime", retention, "is not a positive duration", "e.g. \"24h\""),
        p.check(isPromDuration(interval), "monitoring.scrapeInterval", interval, "is not a Prometheus duration", "e.g. \"30s\""),
        p.check(isPromDuration(timeout), "monitoring.scrapeTimeout", timeout, "is not a Prometheus duration", "e.g. \"10s\""),
    ].every(Boolean);
    if (durationsOk) {
        p.check(promDurationSeconds(timeout) <= promDurationSeconds(interval), "monitoring.scrapeTimeout", timeout,
            `is longer than the scrape interval (${interval}): Prometheus refuses it`, "make it at most the interval");
        p.check(durationSeconds(retention) >= 2 * promDurationSeconds(interval), "monitoring.prometheusRetentionTime", retention,
            `must cover at least two scrape intervals (${interval}), or metrics vanish between scrapes`, "e.g. \"24h\"");
    }
    const selectorLabels = a.selectorLabels ?? { release: "prometheus" };
    checkLabels(p, "monitoring.selectorLabels", selectorLabels);
    if (!operator) {
        for (const key of ["scrapeInterval", "scrapeTimeout", "selectorLabels"] as const) {
            p.check(a[key] === undefined, `monitoring.${key}`, a[key], "only applies to the ServiceMonitor",
                "set monitoring.prometheusOperator: true, or configure the interval in your Prometheus scrape config");
        }
    }

    const token = access === MetricsAccess.Token ? resolveToken(p, a, ctx) : undefined;
    if (token) {
        watched = [...watched, { name: token.renewal.cronJobName, maxAgeSeconds: 3 * 86400, what: "the metrics token is not renewed and lapses at the end of its period" }];
    }
    const scheme = ctx.tlsSecretName ? "https" : "http";
    const target: ScrapeTarget = {
        namespace: ctx.namespace, releaseName: ctx.releaseName, fullname: ctx.fullname, scheme, tlsSecretName: ctx.tlsSecretName,
        selector: `namespace="${ctx.namespace}", pod=~"${ctx.fullname}-[0-9]+"`,
        storage: ctx.storage,
        replicas: ctx.replicas,
        auditClaimPattern: ctx.audit.enabled ? `audit-${ctx.fullname}-[0-9]+` : undefined,
    };
    return {
        telemetry: { prometheusRetentionTime: retention, disableHostname: true },
        unauthenticatedMetricsAccess: access === MetricsAccess.Unauthenticated,
        prometheusOperator: operator,
        scrapeInterval: interval,
        scrapeTimeout: timeout,
        selectorLabels,
        target,
        token,
        alerts: resolveAlerts(p, a, ctx, operator, watched),
        dashboardConfigMap: resolveDashboard(p, a, ctx),
    };
}

function resolveToken(p: Problems, a: Monitoring, ctx: OperationsContext): MetricsTokenSettings {
    const period = a.tokenPeriod ?? "768h";
    p.check(isDuration(period) && durationSeconds(period) >= 2 * 86400, "monitoring.tokenPeriod", period,
        "must be a duration of at least 48h: the token is renewed once a day", "e.g. \"768h\"");
    const image = a.jobImage ?? IMAGES.curl;
    checkPinnedImage(p, "monitoring.jobImage", image);
    checkReservedPolicy(p, ctx, METRICS_POLICY_NAME, "monitoring");
    return {
        policyName: METRICS_POLICY_NAME,
        roleName: METRICS_POLICY_NAME,
        period,
        secretName: `${ctx.fullname}-metrics-token`,
        renewal: { cronJobName: `${ctx.fullname}-metrics-token-renew`, schedule: "17 4 * * *", image },
    };
}

/** Refuses a configured policy with a name this feature writes: one would overwrite the other on every run. */
export function checkReservedPolicy(p: Problems, ctx: OperationsContext, policy: string, feature: string): void {
    p.check(!ctx.vaultPolicyNames.includes(policy), `config.policies.${policy}`, policy, `is the policy ${feature} writes`, "choose another policy name");
}

function resolveAlerts(p: Problems, a: Monitoring, ctx: OperationsContext, operator: boolean, watchedCronJobs: WatchedCronJob[]): AlertSettings {
    const r = a.alerts ?? {};
    const enabled = r.enabled ?? operator;
    if (enabled && !operator) {
        p.add("monitoring.alerts.enabled", true, "needs the Prometheus Operator (the rules are a PrometheusRule)",
            "set monitoring.prometheusOperator: true, or write vaultAlertRules(name, args) to a rule file of your Prometheus");
    }
    const latency = r.requestLatencyP99Ms ?? 1000;
    p.check(typeof latency === "number" && latency > 0, "monitoring.alerts.requestLatencyP99Ms", latency, "must be a positive number of milliseconds", "e.g. 1000");
    const changes = r.leadershipChangesPerHour ?? 3;
    p.check(Number.isInteger(changes) && changes >= 0, "monitoring.alerts.leadershipChangesPerHour", changes, "must be a whole number", "e.g. 3");
    const ratio = r.auditVolumeFreeRatio ?? 0.2;
    p.check(typeof ratio === "number" && ratio > 0 && ratio < 1, "monitoring.alerts.auditVolumeFreeRatio", ratio, "must be a fraction between 0 and 1", "e.g. 0.2 (20% free)");
    const labels = r.labels ?? {};
    checkLabels(p, "monitoring.alerts.labels", labels);
    return {
        createRule: enabled && operator,
        ruleName: ctx.fullname,
        requestLatencyP99Ms: latency,
        leadershipChangesPerHour: changes,
        auditVolumeFreeRatio: ratio,
        labels,
        watchedCronJobs,
    };
}

function resolveDashboard(p: Problems, a: Monitoring, ctx: OperationsContext): DashboardConfigMapSettings | undefined {
    const d = a.dashboard ?? {};
    const namespace = d.namespace ?? ctx.namespace;
    p.check(isDnsLabel(namespace), "monitoring.dashboard.namespace", namespace, "is not a namespace name", "e.g. \"monitoring\"");
    const labels = d.labels ?? { grafana_dashboard: "1" };
    checkLabels(p, "monitoring.dashboard.labels", labels);
    if (!d.configMap) {
        for (const key of ["namespace", "labels", "annotations"] as const) {
            p.check(d[key] === undefined, `monitoring.dashboard.${key}`, d[key], "only applies to the dashboard ConfigMap", "set monitoring.dashboard.configMap: true, or remove it");
        }
        return undefined;
    }
    return { name: `${ctx.fullname}-dashboard`, namespace, labels, annotations: d.annotations ?? {} };
}
