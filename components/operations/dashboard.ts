import type { ServerStorage } from "../cluster/modes";
/**
 * The Grafana dashboard, rendered from plain options. `grafana-dashboard.json` next to this file is its rendering with
 * both storage rows (a test keeps the two equal): import it into Grafana as it is.
 */
export interface DashboardOptions {
    /** Default of the `namespace` variable. */
    namespace: string;
    /** Default of the `fullname` variable (pods `<fullname>-N`). */
    fullname: string;
    /** Storage rows to show. */
    storage: ServerStorage[];
}

interface Target {
    expr: string;
    legend: string;
}

const SEL = `namespace="$namespace", pod=~"$fullname-[0-9]+"`;
const AUDIT_CLAIMS = `namespace="$namespace", persistentvolumeclaim=~"audit-$fullname-[0-9]+"`;
const RATE = "$__rate_interval";
const DATASOURCE = { type: "prometheus", uid: "${datasource}" };
const WIDTH = 24;

const quantiles = (metric: string): Target[] => ["0.5", "0.9", "0.99"].map((q) => ({
    expr: `max(${metric}{${SEL}, quantile="${q}"})`, legend: `p${Number(q) * 100}`,
}));
const rateOf = (counter: string, legend: string): Target => ({ expr: `sum(rate(${counter}{${SEL}}[${RATE}]))`, legend });

/** One row of panels: each `[title, type, unit, targets]`, laid out side by side. */
type PanelSpec = [title: string, type: "stat" | "timeseries", unit: string, targets: Target[]];

/** Read and write time and operation rates of a storage layer whose summaries are `<metric>_get`, `_put`, `_list`, `_delete`. */
const storagePanels = (what: string, metric: string): PanelSpec[] => [
    [`${what} read time`, "timeseries", "ms", quantiles(`${metric}_get`)],
    [`${what} write time`, "timeseries", "ms", quantiles(`${metric}_put`)],
    [`${what} operations`, "timeseries", "ops", ["get", "put", "list", "delete"].map((op) => rateOf(`${metric}_${op}_count`, op))],
];

const ROWS: Record<string, PanelSpec[]> = {
    "Seal and leadership": [
        ["Unsealed pods", "stat", "none", [{ expr: `sum(vault_core_unsealed{${SEL}})`, legend: "unsealed" }]],
        ["Active nodes (1 expected)", "stat", "none", [{ expr: `sum(vault_core_active{${SEL}})`, legend: "active" }]],
        ["Seal status by pod (1 = unsealed)", "timeseries", "none", [{ expr: `vault_core_unsealed{${SEL}}`, legend: "{{pod}}" }]],
        ["Active node by pod", "timeseries", "none", [{ expr: `vault_core_active{${SEL}}`, legend: "{{pod}}" }]],
        ["Leadership changes", "timeseries", "none", [
            { expr: `sum(increase(vault_core_leadership_lost_count{${SEL}}[${RATE}]))`, legend: "leadership lost" },
            { expr: `sum(increase(vault_core_leadership_setup_failed_count{${SEL}}[${RATE}]))`, legend: "setup failed" },
        ]],
    ],
    "Requests": [
        ["Request rate", "timeseries", "reqps", [
            rateOf("vault_core_handle_request_count", "requests"), rateOf("vault_core_handle_login_request_count", "logins"),
        ]],
        ["Request time", "timeseries", "ms", quantiles("vault_core_handle_request")],
        ["Login time", "timeseries", "ms", quantiles("vault_core_handle_login_request")],
        ["In-flight requests", "timeseries", "none", [{ expr: `sum(vault_core_in_flight_requests{${SEL}})`, legend: "in flight" }]],
    ],
    "Storage (barrier)": storagePanels("Barrier", "vault_barrier"),
    "Storage: DynamoDB": storagePanels("DynamoDB", "vault_dynamodb"),
    "Storage: Raft": [
        ["Autopilot healthy", "stat", "none", [{ expr: `max(vault_autopilot_healthy{${SEL}})`, legend: "healthy" }]],
        ["Failure tolerance (nodes)", "stat", "none", [{ expr: `max(vault_autopilot_failure_tolerance{${SEL}})`, legend: "tolerance" }]],
        ["Raft peers", "stat", "none", [{ expr: `max(vault_raft_peers{${SEL}})`, legend: "peers" }]],
        ["Commit time", "timeseries", "ms", quantiles("vault_raft_commitTime")],
        ["Leader last contact", "timeseries", "ms", quantiles("vault_raft_leader_lastContact")],
    ],
    "Tokens and leases": [
        ["Tokens", "timeseries", "none", [{ expr: `sum(vault_token_count{${SEL}})`, legend: "tokens" }]],
        ["Leases", "timeseries", "none", [
            { expr: `sum(vault_expire_num_leases{${SEL}})`, legend: "leases" },
            { expr: `sum(vault_expire_num_irrevocable_leases{${SEL}})`, legend: "irrevocable" },
        ]],
        ["Token creation", "timeseries", "ops", [rateOf("vault_token_creation", "created")]],
    ],
    "Audit": [
        ["Audit log failures", "timeseries", "none", [
            { expr: `sum(increase(vault_audit_log_request_failure{${SEL}}[${RATE}]))`, legend: "request failures" },
            { expr: `sum(increase(vault_audit_log_response_failure{${SEL}}[${RATE}]))`, legend: "response failures" },
        ]],
        ["Audit log write time", "timeseries", "ms", quantiles("vault_audit_log_request")],
        ["Audit volume free", "timeseries", "percentunit", [{
            expr: `kubelet_volume_stats_available_bytes{${AUDIT_CLAIMS}} / kubelet_volume_stats_capacity_bytes{${AUDIT_CLAIMS}}`,
            legend: "{{persistentvolumeclaim}}",
        }]],
    ],
};

const STORAGE_ROWS: Record<string, "dynamodb" | "raft"> = { "Storage: DynamoDB": "dynamodb", "Storage: Raft": "raft" };

/** Grafana's dashboard JSON model (schemaVersion 39): variables for the data source, namespace and fullname. */
export function renderDashboard(o: DashboardOptions): Record<string, any> {
    const panels: Record<string, any>[] = [];
    let y = 0;
    let id = 1;
    for (const [title, specs] of Object.entries(ROWS)) {
        const storage = STORAGE_ROWS[title];
        if (storage && !o.storage.includes(storage)) continue;
        panels.push({ id: id++, type: "row", title, collapsed: false, gridPos: { h: 1, w: WIDTH, x: 0, y }, panels: [] });
        y += 1;
        const width = Math.floor(WIDTH / specs.length);
        specs.forEach(([panelTitle, type, unit, targets], i) => {
            panels.push({
                id: id++,
                type,
                title: panelTitle,
                datasource: DATASOURCE,
                gridPos: { h: type === "stat" ? 6 : 8, w: width, x: i * width, y },
                fieldConfig: { defaults: { unit }, overrides: [] },
                options: type === "stat" ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false } } : { legend: { displayMode: "list", placement: "bottom" } },
                targets: targets.map((t, n) => ({ refId: String.fromCharCode(65 + n), datasource: DATASOURCE, expr: t.expr, legendFormat: t.legend })),
            });
        });
        y += specs.some(([, type]) => type === "timeseries") ? 8 : 6;
    }
    return {
        title: "HashiCorp Vault",
        uid: "vault-cluster",
        tags: ["vault"],
        editable: true,
        schemaVersion: 39,
        version: 1,
        time: { from: "now-6h", to: "now" },
        refresh: "30s",
        templating: {
            list: [
                { name: "datasource", label: "Data source", type: "datasource", query: "prometheus", current: {} },
                { name: "namespace", label: "Namespace", type: "textbox", query: o.namespace, current: { text: o.namespace, value: o.namespace } },
                { name: "fullname", label: "Release fullname", type: "textbox", query: o.fullname, current: { text: o.fullname, value: o.fullname } },
            ],
        },
        annotations: { list: [] },
        panels,
    };
}

/** Every PromQL expression of a dashboard, with the panel it belongs to. */
export function dashboardQueries(dashboard: Record<string, any>): { panel: string; expr: string }[] {
    return (dashboard.panels as Record<string, any>[]).flatMap((p) => (p.targets ?? []).map((t: { expr: string }) => ({ panel: p.title as string, expr: t.expr })));
}
