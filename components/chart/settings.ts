import * as pulumi from "@pulumi/pulumi";
import type {
    AgentDefaults, Image, LogLevel, ContainerResources, PodAntiAffinity, Server, Storage, Toleration, UiServiceType, AuditStorage, VaultClusterArgs,
} from "../cluster/args";
import { Problems, REDACTED, checkWhenKnown, isCidr, isDnsName, isPlainObject, isQuantity, mapKnown, redactSecrets, refuseOtherVariantFields } from "../validation";

export const DEFAULT_CHART_VERSION = "0.34.1";
export const DEFAULT_CHART_REPOSITORY = "https://helm.releases.hashicorp.com";
/** The Vault image the default chart version runs (its values.yaml `server.image`). */
export const DEFAULT_VAULT_IMAGE = { repository: "hashicorp/vault", tag: "2.0.4" };

/** Placement of one kind of pod. */
export interface PodSettings {
    nodeSelector?: Record<string, string>;
    tolerations?: Toleration[];
    resources?: ContainerResources;
    image?: Image;
}

/** Everything the chart values are rendered from, besides the names and the other stages' outputs. */
export interface ChartSettings {
    version: string;
    repository: string;
    /** The user's raw values, merged last. */
    values: Record<string, any>;
    allowOverrides: string[];
    timeoutSeconds: number;
    ingress?: { host: pulumi.Input<string>; className?: string; annotations: Record<string, pulumi.Input<string>>;
                tlsSecretName?: pulumi.Input<string>; activeService: boolean };
    ui: { enabled: boolean; serviceType: UiServiceType; loadBalancerSourceRanges: pulumi.Input<string>[]; annotations: Record<string, pulumi.Input<string>> };
    injector: PodSettings & { enabled: boolean; replicas: pulumi.Input<number>; podAntiAffinity: PodAntiAffinity; agentImage?: Image; agentDefaults: Required<AgentDefaults> };
    csi: PodSettings & { enabled: boolean };
    auditStorage: { enabled: boolean; size: string; storageClass?: string };
    server: PodSettings & { extraEnv: Record<string, pulumi.Input<string>>; logLevel?: LogLevel; podAntiAffinity: PodAntiAffinity };
    /** The Raft data volumes; undefined with DynamoDB storage. */
    raft?: { size: string; storageClass?: string };
}

/** What the chart stage reads of the cluster's arguments. */
export interface ChartSettingsInput extends Pick<VaultClusterArgs, "ingress" | "ui" | "injector" | "csi" | "auditStorage" | "server" | "chart"> {
    subject: string;
    /** Undefined in dev mode (in memory: no data volume). */
    storage?: Storage;
    replicas: pulumi.Input<number>;
}

export const RAFT_FIELDS = ["type", "size", "storageClass"];

/** Validates the chart-facing arguments (pods, services, ingress, volumes, chart source) and applies their defaults. */
export function resolveChartSettings(p: Problems, input: ChartSettingsInput): ChartSettings {
    const c = input.chart ?? {};
    const version = c.version ?? DEFAULT_CHART_VERSION;
    p.check(/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version), "chart.version", version, "is not an exact chart version", `use a version such as "${DEFAULT_CHART_VERSION}"`);
    const repository = c.repository ?? DEFAULT_CHART_REPOSITORY;
    p.check(/^(https|oci):\/\/[^\s@]+$/.test(repository), "chart.repository", repository, "is not an https:// or oci:// chart repository URL (without credentials)",
        `use "${DEFAULT_CHART_REPOSITORY}"`);
    const values = c.values ?? {};
    refuseSecretValues(p, values, "chart.values");
    return {
        version, repository,
        values,
        allowOverrides: c.allowOverrides ?? [],
        timeoutSeconds: c.timeoutSeconds ?? 600,
        ingress: resolveIngress(p, input),
        ui: resolveUi(p, input),
        injector: resolveInjector(input),
        csi: { ...placement(input.csi), enabled: input.csi?.enabled ?? false },
        auditStorage: resolveAuditStorage(p, input.auditStorage),
        server: resolveServer(p, input.server),
        raft: input.storage?.type === "raft" ? resolveRaft(p, input.storage) : undefined,
    };
}

/** Names of environment variables that carry credentials. */
const SECRET_NAME = /(TOKEN|PASSWORD|SECRET|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?)$/i;

/**
 * Chart values land in the StatefulSet and ConfigMaps and, when plain, in Pulumi's plain state: a value shaped like a
 * secret (a token, a private key, URL credentials) or a plain value of a credential-named environment variable is
 * refused, without echoing it. Secrets go through a Kubernetes Secret (`server.extraSecretEnvironmentVars`).
 */
function refuseSecretValues(p: Problems, value: unknown, field: string): void {
    if (typeof value === "string") {
        const credentialEnv = /extraEnvironmentVars\.[^.]+$/.test(field) && SECRET_NAME.test(field.slice(field.lastIndexOf(".") + 1));
        if (redactSecrets(value) !== value || credentialEnv) {
            p.add(field, REDACTED, "holds a secret (not shown): chart values land in the StatefulSet, ConfigMaps and plain state",
                "keep it in a Kubernetes Secret and reference it (server.extraSecretEnvironmentVars), or use the typed argument that takes it as a secret");
        }
    } else if (Array.isArray(value)) {
        value.forEach((v, i) => refuseSecretValues(p, v, `${field}[${i}]`));
    } else if (isPlainObject(value)) {
        for (const [k, v] of Object.entries(value)) refuseSecretValues(p, v, `${field}.${k}`);
    }
}

function resolveRaft(p: Problems, s: Storage): ChartSettings["raft"] {
    refuseOtherVariantFields(p, s, RAFT_FIELDS, "storage", "storage type \"raft\"");
    const size = s.size ?? "10Gi";
    p.check(isQuantity(size), "storage.size", size, "is not a Kubernetes storage quantity", "use a size such as \"10Gi\"");
    return { size, storageClass: s.storageClass };
}

function resolveIngress(p: Problems, input: ChartSettingsInput): ChartSettings["ingress"] {
    const i = input.ingress;
    if (!i) return undefined;
    const host = checkWhenKnown(p, input.subject, i.host, (q, v) =>
        q.check(isDnsName(v) && v.includes("."), "ingress.host", v, "is not a DNS name",
            "use a lower-case fully qualified host name such as \"vault.example.com\" (no scheme, port or wildcard)"));
    const tlsSecretName = i.tlsSecretName === undefined ? undefined : checkWhenKnown(p, input.subject, i.tlsSecretName, (q, v) =>
        q.check(isDnsName(v), "ingress.tlsSecretName", v, "is not a valid Secret name", "use lower-case letters, digits, '-' and '.'"));
    return { host, className: i.className, annotations: i.annotations ?? {}, tlsSecretName, activeService: i.activeService ?? true };
}

function resolveUi(p: Problems, input: ChartSettingsInput): ChartSettings["ui"] {
    const ui = input.ui;
    const serviceType = ui?.serviceType ?? "ClusterIP";
    const ranges = ui?.loadBalancerSourceRanges ?? [];
    if (serviceType === "LoadBalancer") {
        p.check(ranges.length > 0, "ui.loadBalancerSourceRanges", ranges,
            "is required with a LoadBalancer: without it Vault is open to the whole internet", "list the CIDR blocks allowed to reach Vault, e.g. [\"10.0.0.0/8\"]");
    } else {
        p.check(ranges.length === 0, "ui.loadBalancerSourceRanges", ranges, "only applies to a LoadBalancer service", "remove it, or set ui.serviceType to \"LoadBalancer\"");
    }
    const loadBalancerSourceRanges = ranges.map((r, i) => checkWhenKnown(p, input.subject, r, (q, v) =>
        q.check(isCidr(v), `ui.loadBalancerSourceRanges[${i}]`, v, "is not a CIDR block", "use a block such as \"203.0.113.0/24\"")));
    return { enabled: ui?.enabled ?? true, serviceType, loadBalancerSourceRanges, annotations: ui?.annotations ?? {} };
}

function placement(a: { nodeSelector?: Record<string, string>; tolerations?: Toleration[]; resources?: ContainerResources; image?: Image } | undefined): PodSettings {
    return { nodeSelector: a?.nodeSelector, tolerations: a?.tolerations, resources: a?.resources, image: a?.image };
}

/** Injector replicas default to 2 (leader election), 1 when there is a single server. */
function resolveInjector(input: ChartSettingsInput): ChartSettings["injector"] {
    const i = input.injector;
    const d = i?.agentDefaults ?? {};
    return {
        ...placement(i),
        enabled: i?.enabled ?? true,
        replicas: i?.replicas ?? mapKnown(input.replicas, (servers) => (servers > 1 ? 2 : 1)),
        podAntiAffinity: i?.podAntiAffinity ?? "required",
        agentImage: i?.agentImage,
        agentDefaults: { cpuRequest: d.cpuRequest ?? "250m", cpuLimit: d.cpuLimit ?? "500m", memRequest: d.memRequest ?? "64Mi", memLimit: d.memLimit ?? "128Mi" },
    };
}

function resolveAuditStorage(p: Problems, a: AuditStorage | undefined): ChartSettings["auditStorage"] {
    const size = a?.size ?? "10Gi";
    p.check(isQuantity(size), "auditStorage.size", size, "is not a Kubernetes storage quantity", "use a size such as \"10Gi\"");
    return { enabled: a?.enabled ?? true, size, storageClass: a?.storageClass };
}

function resolveServer(p: Problems, s: Server | undefined): ChartSettings["server"] {
    for (const key of Object.keys(s?.extraEnv ?? {})) {
        p.check(/^[A-Za-z_][A-Za-z0-9_]*$/.test(key), `server.extraEnv.${key}`, key, "is not an environment variable name", "use letters, digits and '_'");
        p.check(!/^(VAULT_TOKEN|VAULT_UNSEAL_KEY|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)$/.test(key), `server.extraEnv.${key}`, key,
            "would put a secret into the StatefulSet in plain text", "deliver secrets through a Kubernetes Secret (chart.values server.extraSecretEnvironmentVars)");
    }
    return { ...placement(s), extraEnv: s?.extraEnv ?? {}, logLevel: s?.logLevel, podAntiAffinity: s?.podAntiAffinity ?? "required" };
}
