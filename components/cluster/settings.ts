import type * as pulumi from "@pulumi/pulumi";
import { checkArgTypes } from "../args/typeCheck";
import { AwsSettings, resolveAwsSettings } from "../aws/settings";
import { BootstrapSettings, resolveBootstrapSettings } from "../bootstrap/settings";
import { ChartSettings, resolveChartSettings } from "../chart/settings";
import { deepMerge, findValueConflicts, renderChartValues } from "../chart/values";
import type { VaultConfigArgs } from "../config/args";
import { ConfigSettings, DEFAULT_AUDIT_FILE, resolveConfigSettings } from "../config/settings";
import { resolveTlsSettings, TlsSettings } from "../tls/settings";
import { OperationsSettings, resolveOperationsSettings } from "../operations/settings";
import { SNAPSHOT_AUTH_MOUNT } from "../operations/backupSettings";
import { Problems, REDACTED, checkWhenKnown, isDnsLabel, refuseOtherVariantFields } from "../validation";
import { resolveTransitSeal, TransitSealSettings } from "../seal/transit";
import type { ClusterMode, SealType, Storage, VaultClusterArgs } from "./args";
import { checkModeArgs, modeReplicas, ServerStorage } from "./modes";
import { AUDIT_MOUNT_PATH, LONGEST_SERVICE_SUFFIX, MAX_RELEASE_NAME, releaseNames } from "./names";

/** A VaultCluster's arguments validated, with every default applied: what the stages are built from. */
export interface ClusterSettings {
    name: string;
    /** How errors found later (in outputs) name the component. */
    subject: string;
    namespace: pulumi.Input<string>;
    createNamespace: boolean;
    releaseName: string;
    mode: ClusterMode;
    replicas: pulumi.Input<number>;
    /** `inmem` in dev mode. */
    storage: ServerStorage;
    /** `shamir` in dev mode: the dev server seals its root key with one key share it keeps in memory. */
    seal: SealType;
    /** With the transit seal. */
    transitSeal?: TransitSealSettings;
    /** Undefined when the cluster uses no AWS. */
    aws?: AwsSettings;
    tls: TlsSettings;
    chart: ChartSettings;
    /** The chart values, rendered once with the other stages' values as slots, `chart.values` merged. */
    values: Record<string, unknown>;
    bootstrap: BootstrapSettings;
    /** The post-init configuration, with the cluster's audit default, and what it was validated to. */
    config: { args: VaultConfigArgs; settings: ConfigSettings };
    /** Metrics, alarms, backups and audit rotation. */
    operations: OperationsSettings;
}

/** Whether a cluster needs AWS: DynamoDB storage or the awskms seal (both are the defaults). */
export function clusterUsesAws(args: Pick<VaultClusterArgs, "storage" | "seal">): boolean {
    return (args.storage?.type ?? "dynamodb") === "dynamodb" || (args.seal?.type ?? "awskms") === "awskms";
}

/** Raft clusters above 7 voters slow every write; HashiCorp recommends 3 or 5. */
const MAX_RAFT_REPLICAS = 7;
/** Beyond this every standby only adds load on the HA lock (and a longer configuration) without more availability. */
const MAX_REPLICAS = 15;

/**
 * Validates the arguments of a VaultCluster and applies every default: types first (all type problems in one
 * InputError), then meaning, stage by stage (all problems in one InputError), before any resource is registered.
 */
export function resolveClusterSettings(name: string, args: VaultClusterArgs): ClusterSettings {
    const subject = `VaultCluster "${name}"`;
    const p = new Problems();
    const a = checkArgTypes(p, "VaultCluster", args, subject);
    p.throwIfAny(subject);

    const releaseName = a.releaseName ?? "vault";
    p.check(isDnsLabel(releaseName, MAX_RELEASE_NAME), "releaseName", releaseName,
        `is not a DNS-1123 label of at most ${MAX_RELEASE_NAME} characters (the chart names a service "<release>${LONGEST_SERVICE_SUFFIX}", which must fit 63)`,
        "use lower-case letters, digits and '-', e.g. \"vault\"");
    const namespace = checkWhenKnown(p, subject, a.namespace ?? "vault", (q, v) =>
        q.check(isDnsLabel(v), "namespace", v, "is not a DNS-1123 label", "use lower-case letters, digits and '-', at most 63 characters, e.g. \"vault\""));
    const mode = a.mode ?? "ha";
    checkModeArgs(p, mode, a);
    const dev = mode === "dev";
    const storage: Storage | undefined = dev ? undefined : a.storage ?? { type: "dynamodb" };
    const storageType = storage?.type ?? "inmem";
    const seal = a.seal ?? { type: dev ? "shamir" : "awskms" };
    const replicas = checkWhenKnown(p, subject, modeReplicas(mode, a.replicas), (q, r) => checkReplicas(q, r, storageType));
    const usesAws = storage !== undefined && clusterUsesAws({ storage, seal });
    const aws = usesAws ? resolveAwsSettings(p, { ...a, componentName: name, subject, storage: storage!, seal }) : undefined;
    if (!usesAws && !dev) {
        for (const field of ["irsa", "vpcEndpoints", "tags", "region"] as const) {
            p.check(a[field] === undefined, field, REDACTED, "is only used with DynamoDB storage or the awskms seal",
                `remove ${field}, or use storage { type: "dynamodb" } / seal { type: "awskms" }`);
        }
    }
    if (seal.type === "shamir") refuseOtherVariantFields(p, seal, ["type"], "seal", "the shamir seal");
    const tls = resolveTlsSettings(p, { subject, tls: dev ? { enabled: false } : a.tls, defaultSecretName: releaseNames(releaseName).tlsSecret });
    const transitSeal = seal.type === "transit" ? resolveTransitSeal(p, subject, seal, tls.enabled) : undefined;
    const chart = resolveChartSettings(p, { ...a, subject, storage, replicas, auditStorage: dev ? { enabled: false } : a.auditStorage });
    const bootstrap = resolveBootstrapSettings(p, a.bootstrap, {
        subject, componentName: name, releaseName, namespace, usesAws, seal: seal.type, tlsEnabled: tls.enabled, noInitStep: dev,
    });
    const auditLog = dev ? "stdout" : chart.auditStorage.enabled ? "volume" : "none";
    const config = resolveClusterConfig(p, a.config ?? {}, auditLog, snapshotAuthMount(storageType, a.backup), subject);
    // The dev server reads no server configuration (no telemetry) and mounts no volume: no operations.
    const operations = resolveOperationsSettings(p, dev ? { monitoring: { enabled: false } } : a, {
        name, namespace, releaseName, storage: storageType, ha: mode === "ha", replicas, tls, aws, auditStorage: chart.auditStorage, config: config.settings,
        custodyInSecretsManager: bootstrap.custody.type === "aws-secrets-manager",
    });
    // Rendered once: the override check reads the same values the release receives.
    const rendered = deepMerge(renderChartValues({
        fullname: releaseName, mode, replicas, storage: storageType, usesAws, regionalSts: aws?.vpcEndpoints?.sts ?? false, tls, chart,
        transitSeal: transitSeal && { caCert: transitSeal.caCertPem !== undefined },
    }), operations.chartValues);
    for (const c of findValueConflicts(rendered, chart.values, chart.allowOverrides)) {
        p.add(`chart.values.${c.path}`, c.theirs, `contradicts the value this component manages (${c.ours === undefined ? "computed at deployment" : JSON.stringify(c.ours)})`,
            `set it through the typed argument, or list "${c.path}" in chart.allowOverrides if you mean it`);
    }
    p.throwIfAny(subject);
    return {
        name, subject, namespace, createNamespace: a.createNamespace ?? true, releaseName, mode, replicas,
        storage: storageType, seal: seal.type, transitSeal, aws, tls, chart, values: deepMerge(rendered, chart.values), bootstrap, config, operations,
    };
}

/** The auth mount of the Raft snapshot job, when there will be one. */
function snapshotAuthMount(storage: ServerStorage, backup: VaultClusterArgs["backup"]): string | undefined {
    const s = backup?.raftSnapshots;
    return storage === "raft" && s?.enabled !== false ? s?.authMountPath ?? SNAPSHOT_AUTH_MOUNT : undefined;
}

function checkReplicas(p: Problems, replicas: number, storage: ServerStorage): void {
    if (storage === "raft") {
        p.check(replicas % 2 === 1, "replicas", replicas, "Raft needs an odd number of voters (an even count tolerates no more failures and can split votes)",
            `set replicas to ${Math.max(1, replicas - 1)} or ${replicas + 1}`);
        p.check(replicas <= MAX_RAFT_REPLICAS, "replicas", replicas, `is above ${MAX_RAFT_REPLICAS}: every Raft write waits for a majority, so more voters slow Vault down`,
            "use 3 or 5 (HashiCorp's recommendation)");
    } else {
        p.check(replicas <= MAX_REPLICAS, "replicas", replicas,
            `is above ${MAX_REPLICAS}: only one node is active, and each standby adds load on the DynamoDB HA lock`, "use 3 (or 5 for more failure tolerance)");
    }
}

/**
 * The cluster's configuration: audit on by default, writing to the audit volume (to stdout in dev mode, which has no
 * volume); and the in-cluster Kubernetes auth mount the Raft snapshot job logs in with, owned by the configuration (so
 * that declaring it later moves nothing).
 */
function resolveClusterConfig(p: Problems, config: VaultConfigArgs, auditLog: "volume" | "stdout" | "none", snapshotMount: string | undefined, subject: string): ClusterSettings["config"] {
    const auditVolume = auditLog === "volume";
    const defaultAudit = auditLog === "none" ? [] : [{ type: "file" as const, path: "file", options: { file_path: auditVolume ? DEFAULT_AUDIT_FILE : "stdout" } }];
    const kubernetesAuth = config.kubernetesAuth ?? [];
    const args: VaultConfigArgs = {
        ...config,
        auditDevices: config.auditDevices ?? defaultAudit,
        kubernetesAuth: snapshotMount === undefined || kubernetesAuth.some((k) => (k.path ?? "kubernetes") === snapshotMount)
            ? config.kubernetesAuth : [...kubernetesAuth, { path: snapshotMount, roles: {} }],
    };
    const settings = resolveConfigSettings(p, args, "config.", subject);
    if (!auditVolume) {
        settings.auditDevices.forEach((d, i) => p.check(!(d.type === "file" && d.options?.file_path?.startsWith(`${AUDIT_MOUNT_PATH}/`)),
            `config.auditDevices[${i}].options.file_path`, d.options?.file_path,
            "is on the audit volume, but auditStorage is disabled: the log would vanish with the pod", "enable auditStorage, or log to \"stdout\""));
    }
    return { args, settings };
}
