import type { ClusterSettings, PodSettings } from "../cluster/settings";
import { AUDIT_MOUNT_PATH, TLS_FILES, VAULT_PORT } from "../cluster/names";
import { isPlainObject } from "../validation";

/** Values resolved from other resources' outputs; placeholders work too (the paths do not depend on them). */
export interface ResolvedInputs {
    /** Rendered server HCL. */
    serverConfig: string;
    /** IRSA role of the server service account. */
    roleArn?: string;
    /** AWS region of the table and key. */
    region?: string;
    /** CA that signed the server certificate; injected agents trust it. */
    caCertPem?: string;
}

/** Lets pods turn Ready before init (the default probe runs `vault status`, which fails while uninitialized or sealed). */
export const READINESS_PATH = "/v1/sys/health?standbyok=true&sealedcode=204&uninitcode=204";
const CA_MOUNT_DIR = "/vault/tls";

function compact<T extends Record<string, unknown>>(object: T): T {
    return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

function placement(p: PodSettings): Record<string, unknown> {
    return compact({ nodeSelector: p.nodeSelector, tolerations: p.tolerations, resources: p.resources, image: p.image && compact({ ...p.image }) });
}

/**
 * The hashicorp/vault chart values for a cluster, before `chart.values` is merged: HA mode, TLS files mounted,
 * IRSA annotation, region environment, a readiness probe that passes before init, audit storage, injector, CSI,
 * UI service and ingress.
 */
export function renderChartValues(s: ClusterSettings, r: ResolvedInputs): Record<string, unknown> {
    const tls = s.tls.enabled ? s.tls : undefined;
    const raft = s.storage.type === "raft" ? s.storage : undefined;
    const env: Record<string, string> = {};
    if (tls) env.VAULT_CACERT = `${tls.mountDir}/${TLS_FILES.ca}`;
    if (s.aws && r.region) {
        // EKS injects AWS_REGION (the cluster's); pin the region of the table and key so that both the seal and
        // the storage backend reach them even when the cluster runs elsewhere.
        env.AWS_REGION = r.region;
        if (s.storage.type === "dynamodb") env.AWS_DYNAMODB_REGION = r.region;
    }
    Object.assign(env, s.server.extraEnv);

    const server = compact({
        ...placement(s.server),
        logLevel: s.server.logLevel,
        updateStrategyType: "OnDelete",
        readinessProbe: { enabled: true, path: READINESS_PATH },
        extraEnvironmentVars: env,
        extraVolumes: tls ? [{ type: "secret", name: tls.secretName }] : undefined,
        serviceAccount: compact({
            create: true,
            annotations: r.roleArn ? { "eks.amazonaws.com/role-arn": r.roleArn } : undefined,
        }),
        auditStorage: compact({
            enabled: s.auditStorage.enabled,
            size: s.auditStorage.size,
            storageClass: s.auditStorage.storageClass,
            mountPath: AUDIT_MOUNT_PATH,
            accessMode: "ReadWriteOnce",
        }),
        dataStorage: raft ? compact({ enabled: true, size: raft.size, storageClass: raft.storageClass }) : { enabled: false },
        standalone: { enabled: false },
        ha: {
            enabled: true,
            replicas: s.replicas,
            ...(raft ? { raft: { enabled: true, setNodeId: true, config: r.serverConfig } } : { config: r.serverConfig, raft: { enabled: false } }),
            disruptionBudget: { enabled: true },
        },
        ingress: s.ingress ? renderIngress(s) : { enabled: false },
    });

    const injector = s.injector.enabled
        ? compact({
              ...placement(s.injector),
              enabled: true,
              replicas: s.injector.replicas,
              leaderElector: { enabled: true },
              agentImage: s.injector.agentImage && compact({ ...s.injector.agentImage }),
              agentDefaults: { ...s.injector.agentDefaults },
              // Injected agents verify Vault with the cluster CA (base64 keeps the env value on one line).
              extraEnvironmentVars: tls && r.caCertPem ? { AGENT_INJECT_VAULT_CACERT_BYTES: Buffer.from(r.caCertPem).toString("base64") } : undefined,
          })
        : { enabled: false };

    const csi = s.csi.enabled
        ? compact({
              enabled: true,
              image: s.csi.image && compact({ ...s.csi.image }),
              resources: s.csi.resources,
              pod: compact({ nodeSelector: s.csi.nodeSelector, tolerations: s.csi.tolerations }),
              // Only the CA file, never the server key, is mounted into the provider (vaultCACertPath: /vault/tls/vault.ca).
              volumes: tls ? [{ name: "vault-ca", secret: { secretName: tls.secretName, items: [{ key: TLS_FILES.ca, path: TLS_FILES.ca }] } }] : undefined,
              volumeMounts: tls ? [{ name: "vault-ca", mountPath: CA_MOUNT_DIR, readOnly: true }] : undefined,
          })
        : { enabled: false };

    return {
        fullnameOverride: s.names.fullname,
        global: { enabled: true, tlsDisable: !tls },
        injector,
        server,
        ui: compact({
            enabled: s.ui.enabled,
            serviceType: s.ui.serviceType,
            externalPort: VAULT_PORT,
            targetPort: VAULT_PORT,
            loadBalancerSourceRanges: s.ui.serviceType === "LoadBalancer" ? s.ui.loadBalancerSourceRanges : undefined,
            annotations: Object.keys(s.ui.annotations).length > 0 ? s.ui.annotations : undefined,
        }),
        csi,
    };
}

/** Path of the CA file inside CSI provider pods, for a SecretProviderClass's `vaultCACertPath`. */
export const CSI_CA_CERT_PATH = `${CA_MOUNT_DIR}/${TLS_FILES.ca}`;

function renderIngress(s: ClusterSettings): Record<string, unknown> {
    const i = s.ingress!;
    const annotations: Record<string, string> = {};
    // ingress-nginx speaks plain HTTP to backends unless told otherwise; Vault only answers TLS.
    if (s.tls.enabled && i.className === "nginx") annotations["nginx.ingress.kubernetes.io/backend-protocol"] = "HTTPS";
    Object.assign(annotations, i.annotations);
    return compact({
        enabled: true,
        ingressClassName: i.className,
        annotations,
        activeService: i.activeService,
        pathType: "Prefix",
        hosts: [{ host: i.host, paths: [] }],
        tls: i.tlsSecretName ? [{ hosts: [i.host], secretName: i.tlsSecretName }] : undefined,
    });
}

/** One override in `chart.values` that changes a value this component sets. */
export interface ValueConflict {
    path: string;
    ours: unknown;
    theirs: unknown;
}

function deepEqual(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

/** Finds the overrides that contradict rendered values, skipping allowed paths (and everything below them). */
export function findValueConflicts(rendered: Record<string, unknown>, overrides: Record<string, unknown>, allowed: string[], prefix = ""): ValueConflict[] {
    const conflicts: ValueConflict[] = [];
    for (const [key, theirs] of Object.entries(overrides)) {
        const path = prefix + key;
        if (allowed.some((a) => path === a || path.startsWith(`${a}.`))) continue;
        const ours = rendered[key];
        if (ours === undefined) continue;
        if (isPlainObject(ours) && isPlainObject(theirs)) {
            conflicts.push(...findValueConflicts(ours, theirs, allowed, `${path}.`));
        } else if (!deepEqual(ours, theirs)) {
            conflicts.push({ path, ours, theirs });
        }
    }
    return conflicts;
}

/** Deep-merges `overrides` over `base`: objects merge key by key, anything else (lists too) replaces. */
export function deepMerge(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(overrides)) {
        const current = out[key];
        out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
    }
    return out;
}
