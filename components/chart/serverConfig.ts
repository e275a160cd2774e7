/**
 * Vault's server configuration (the `server.ha.config` / `server.ha.raft.config` chart value) as a typed object,
 * rendered to HCL by a pure function. It lands in a ConfigMap: nothing secret may be part of it.
 */
export interface ServerConfig {
    ui: boolean;
    listener: {
        address: string;
        clusterAddress: string;
        /** TLS files; without them the listener runs with `tls_disable = 1`. */
        tls?: { certFile: string; keyFile: string };
        /** `telemetry { unauthenticated_metrics_access = true }`: `sys/metrics` answers without a token. */
        unauthenticatedMetricsAccess?: boolean;
    };
    storage: DynamoDbStorageConfig | RaftStorageConfig;
    /** None with Shamir. */
    seal?: AwsKmsSealConfig | TransitSealConfig;
    /** `service_registration "kubernetes"`: labels pods `vault-active` / `vault-sealed` for the services. */
    kubernetesServiceRegistration: boolean;
    /** The `telemetry` stanza (Prometheus format on `sys/metrics`); none when absent. */
    telemetry?: TelemetryConfig;
}

export interface TelemetryConfig {
    /** How long Vault keeps metrics for Prometheus to scrape, e.g. `"24h"`; `0` would turn the Prometheus sink off. */
    prometheusRetentionTime: string;
    /** Without the hostname prefix every pod's gauges have the same names (`vault_core_unsealed`, not `vault_<host>_core_...`). */
    disableHostname: boolean;
}

export interface DynamoDbStorageConfig {
    type: "dynamodb";
    region: string;
    table: string;
    maxParallel?: number;
}

export interface RaftStorageConfig {
    type: "raft";
    path: string;
    /**
     * The node's Raft ID, when the chart does not set `VAULT_RAFT_NODE_ID` (it does in HA mode only): without either,
     * Vault makes up a UUID and the day-2 steps, which name peers after their pods, would never find it.
     */
    nodeId?: string;
    /** One entry per replica, so any node can find the leader at start. */
    retryJoin: { leaderApiAddr: string; leaderCaCertFile?: string }[];
}

export interface AwsKmsSealConfig {
    type: "awskms";
    region: string;
    kmsKeyId: string;
}

/** The transit seal; its token is not here: Vault reads it from `VAULT_TOKEN`, set from a Secret. */
export interface TransitSealConfig {
    type: "transit";
    address: string;
    keyName: string;
    mountPath: string;
    /** The key holder's CA file in the pod. */
    tlsCaCert?: string;
    tlsServerName?: string;
}

type Value = string | number | boolean;

function attribute(name: string, value: Value, width: number): string {
    return `${name.padEnd(width)} = ${typeof value === "string" ? JSON.stringify(value) : String(value)}`;
}

/** A block with aligned attributes and optional nested blocks, indented by `indent`. */
function block(header: string, attrs: [string, Value | undefined][], indent = "", nested: string[] = []): string {
    const set = attrs.filter((a): a is [string, Value] => a[1] !== undefined);
    const width = Math.max(0, ...set.map(([n]) => n.length));
    const inner = `${indent}  `;
    const lines = [
        ...set.map(([n, v]) => inner + attribute(n, v, width)),
        ...nested.map((b) => b.replace(/^/gm, inner).replace(new RegExp(`^${inner}$`, "gm"), "")),
    ];
    return lines.length === 0 ? `${indent}${header} {}` : `${indent}${header} {\n${lines.join("\n")}\n${indent}}`;
}

/**
 * Renders the server configuration to HCL. The chart passes the text through Helm's `tpl`, so every literal `{{`
 * is escaped to `{{"{{"}}`.
 */
export function renderServerConfig(config: ServerConfig): string {
    const l = config.listener;
    const parts: string[] = [`ui = ${config.ui}`];
    parts.push(block(`listener "tcp"`, [
        ["address", l.address],
        ["cluster_address", l.clusterAddress],
        ...(l.tls
            ? [["tls_cert_file", l.tls.certFile], ["tls_key_file", l.tls.keyFile], ["tls_min_version", "tls12"]] as [string, Value][]
            : [["tls_disable", 1]] as [string, Value][]),
    ], "", l.unauthenticatedMetricsAccess ? [block("telemetry", [["unauthenticated_metrics_access", true]])] : []));
    const s = config.storage;
    if (s.type === "dynamodb") {
        parts.push(block(`storage "dynamodb"`, [
            ["ha_enabled", "true"],
            ["region", s.region],
            ["table", s.table],
            ["max_parallel", s.maxParallel === undefined ? undefined : String(s.maxParallel)],
        ]));
    } else {
        parts.push(block(`storage "raft"`, [["path", s.path], ["node_id", s.nodeId]], "",
            s.retryJoin.map((j) => block("retry_join", [["leader_api_addr", j.leaderApiAddr], ["leader_ca_cert_file", j.leaderCaCertFile]]))));
    }
    const seal = config.seal;
    if (seal?.type === "awskms") parts.push(block(`seal "awskms"`, [["region", seal.region], ["kms_key_id", seal.kmsKeyId]]));
    if (seal?.type === "transit") {
        parts.push(block(`seal "transit"`, [
            ["address", seal.address],
            ["key_name", seal.keyName],
            // Vault's transit engine paths are mounted under the path; the seal takes it with a trailing slash.
            ["mount_path", `${seal.mountPath}/`],
            ["tls_ca_cert", seal.tlsCaCert],
            ["tls_server_name", seal.tlsServerName],
        ]));
    }
    if (config.kubernetesServiceRegistration) parts.push(`service_registration "kubernetes" {}`);
    if (config.telemetry) {
        parts.push(block("telemetry", [
            ["prometheus_retention_time", config.telemetry.prometheusRetentionTime],
            ["disable_hostname", config.telemetry.disableHostname],
        ]));
    }
    return escapeHelmTemplate(parts.join("\n\n") + "\n");
}

/** Helm's `tpl` would evaluate `{{`; emit it as a template that prints the braces instead. */
export function escapeHelmTemplate(text: string): string {
    return text.replace(/\{\{/g, `{{"{{"}}`);
}
