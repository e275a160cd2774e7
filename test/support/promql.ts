import { readFileSync } from "fs";
import { join } from "path";
import { parser } from "@prometheus-io/lezer-promql";

/**
 * PromQL checks with Prometheus's own grammar (@prometheus-io/lezer-promql, the parser of Prometheus's web UI): syntax
 * errors, and the metrics an expression selects, checked against Vault's telemetry reference
 * (test/fixtures/vault-telemetry/metrics.tsv).
 */
export interface Selector {
    metric: string;
    labels: string[];
}

/** Syntax errors (as positions with the text around them) and vector selectors of an expression. */
export function parsePromql(expr: string): { errors: string[]; selectors: Selector[] } {
    const errors: string[] = [];
    const selectors: Selector[] = [];
    parser.parse(expr).iterate({
        enter(node) {
            if (node.type.isError) errors.push(`at ${node.from}: ...${expr.slice(Math.max(0, node.from - 20), node.from + 20)}...`);
            if (node.name === "VectorSelector") {
                const metric = node.node.getChild("Identifier");
                const labels = node.node.getChild("LabelMatchers")?.getChildren("UnquotedLabelMatcher")
                    .map((m) => expr.slice(m.getChild("LabelName")!.from, m.getChild("LabelName")!.to)) ?? [];
                selectors.push({ metric: metric ? expr.slice(metric.from, metric.to) : "", labels });
            }
        },
    });
    return { errors, selectors };
}

/** Metrics that are not Vault's, each with who emits it. Keep this list short and explained. */
export const NON_VAULT_METRICS: Record<string, string> = {
    up: "Prometheus, per scrape target",
    kubelet_volume_stats_available_bytes: "the kubelet, per PVC",
    kubelet_volume_stats_capacity_bytes: "the kubelet, per PVC",
    kube_cronjob_status_last_successful_time: "kube-state-metrics",
    kube_cronjob_created: "kube-state-metrics",
};

export interface VaultMetric {
    documented: string;
    type: "counter" | "gauge" | "summary";
}

let metrics: Map<string, VaultMetric> | undefined;

/**
 * Vault's metrics by the name Prometheus stores them under: the go-metrics Prometheus sink replaces every character
 * outside [a-zA-Z0-9_:] with `_` (`vault.core.unsealed` → `vault_core_unsealed`, `vault.raft-storage.get` →
 * `vault_raft_storage_get`) and keeps the case (`vault_raft_leader_lastContact`). Summaries (and timers) expose the
 * quantiles under the name, plus `_sum` and `_count`; counters keep their name (Vault writes the text format, no
 * `_total`). Names with a placeholder (`<mountpoint>`) are left out.
 */
export function vaultMetrics(): Map<string, VaultMetric> {
    if (metrics) return metrics;
    metrics = new Map();
    const text = readFileSync(join(__dirname, "..", "fixtures", "vault-telemetry", "metrics.tsv"), "utf8");
    for (const line of text.split("\n").filter((l) => l && !l.startsWith("#"))) {
        const [documented, , rawType] = line.split("\t");
        if (documented.includes("<")) continue;
        const type = rawType === "timer" ? "summary" : (rawType as VaultMetric["type"]);
        const base = documented.replace(/[^a-zA-Z0-9_:]/g, "_");
        metrics.set(base, { documented, type });
        if (type === "summary") {
            metrics.set(`${base}_sum`, { documented, type });
            metrics.set(`${base}_count`, { documented, type });
        }
    }
    return metrics;
}

/** Why a selected metric is not one Vault emits (or `quantile` is asked of a non-summary); undefined when fine. */
export function metricProblem(s: Selector): string | undefined {
    if (NON_VAULT_METRICS[s.metric]) return undefined;
    const m = vaultMetrics().get(s.metric);
    if (!m) return `${s.metric} is not in Vault's telemetry reference`;
    const base = m.documented.replace(/[^a-zA-Z0-9_:]/g, "_");
    if (s.labels.includes("quantile") && (m.type !== "summary" || s.metric !== base)) {
        return `${s.metric} has no quantile label (${m.documented} is a ${m.type}${m.type === "summary" ? "; the quantiles are on " + base : ""})`;
    }
    return undefined;
}
