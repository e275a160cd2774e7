import * as pulumi from "@pulumi/pulumi";
import type { ClusterMode, PodAntiAffinity } from "../cluster/args";
import type { ServerStorage } from "../cluster/modes";
import { AUDIT_MOUNT_PATH, devRootTokenSecret, TLS_FILES, transitSealSecrets, VAULT_PORT } from "../cluster/names";
import { tlsMountDir } from "../tls/settings";
import { isPlainObject } from "../validation";
import type { ChartSettings, PodSettings } from "./settings";

/**
 * A value only known once other stages have run (the role ARN, the rendered server HCL, ...): the values are rendered
 * once, before anything is registered, with slots in these places, and the slots are filled with those stages'
 * outputs when the release is created.
 */
export class ValueSlot {
    constructor(readonly name: keyof SlotValues) {}
}

/** What fills the slots. */
export interface SlotValues {
    /** The rendered server configuration (HCL). */
    serverConfig: pulumi.Input<string>;
    /** The IRSA role of the server service account. */
    roleArn: pulumi.Input<string>;
    /** The AWS region of the table and key. */
    region: pulumi.Input<string>;
    /** The cluster CA (PEM), base64-encoded, for the injected agents. */
    caCertBase64: pulumi.Input<string>;
}

const slot = (name: keyof SlotValues) => new ValueSlot(name);

/**
 * Lets pods turn Ready before init (the chart's default probe runs `vault status`, which fails while uninitialized),
 * and still reports a sealed pod as not Ready: `sys/health` checks "initialized" before "sealed", so only
 * `uninitcode` is overridden (a `sealedcode=204` would keep sealed pods Ready and counted by the PDB and services).
 */
export const READINESS_PATH = "/v1/sys/health?standbyok=true&uninitcode=204";
const CA_MOUNT_DIR = "/vault/tls";

/** Path of the CA file inside CSI provider pods, for a SecretProviderClass's `vaultCACertPath`. */
export const CSI_CA_CERT_PATH = `${CA_MOUNT_DIR}/${TLS_FILES.ca}`;

/** The environment variable the dev server's root token reaches the pod in, from its Secret. */
const DEV_ROOT_TOKEN_ENV = "VAULT_CLUSTER_DEV_ROOT_TOKEN";

/** What the chart values are rendered from. */
export interface ChartValuesInput {
    fullname: string;
    mode: ClusterMode;
    replicas: pulumi.Input<number>;
    storage: ServerStorage;
    /** With the transit seal: whether a CA for the key holder is mounted. */
    transitSeal?: { caCert: boolean };
    /** The cluster uses AWS: the role annotation and the region environment are set. */
    usesAws: boolean;
    /** The pods reach STS through a VPC endpoint, which serves the regional name only. */
    regionalSts: boolean;
    tls: { enabled: boolean; secretName: pulumi.Input<string> };
    chart: ChartSettings;
}

function compact<T extends Record<string, unknown>>(object: T): T {
    return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

function placement(p: PodSettings): Record<string, unknown> {
    return compact({ nodeSelector: p.nodeSelector, tolerations: p.tolerations, resources: p.resources, image: p.image && compact({ ...p.image }) });
}

/** The labels the chart's own anti-affinity terms select its pods by (values.yaml `server.affinity`, `injector.affinity`). */
const CHART_POD_LABELS = {
    server: { name: "{{ template \"vault.name\" . }}", component: "server" },
    injector: { name: "{{ template \"vault.name\" . }}-agent-injector", component: "webhook" },
};

/**
 * The `affinity` value of one kind of pod; undefined keeps the chart's (required). The chart passes a string through
 * `tpl`, so the term selects the pods by the same templated labels as the chart's own, whatever the release is named.
 */
function renderAntiAffinity(mode: PodAntiAffinity, pods: keyof typeof CHART_POD_LABELS): string | undefined {
    if (mode === "required") return undefined;
    // An empty value is the chart's documented way to drop the affinity ("for single node services such as Minikube").
    if (mode === "none") return "";
    const labels = CHART_POD_LABELS[pods];
    return [
        "podAntiAffinity:",
        "  preferredDuringSchedulingIgnoredDuringExecution:",
        "    - weight: 100",
        "      podAffinityTerm:",
        "        labelSelector:",
        "          matchLabels:",
        `            app.kubernetes.io/name: ${labels.name}`,
        "            app.kubernetes.io/instance: \"{{ .Release.Name }}\"",
        `            component: ${labels.component}`,
        "        topologyKey: kubernetes.io/hostname",
        "",
    ].join("\n");
}

/**
 * The hashicorp/vault chart values, before `chart.values` is merged: HA mode, TLS files mounted, IRSA annotation,
 * region environment, a readiness probe that passes before init and fails while sealed, audit storage, injector, CSI,
 * UI service and ingress. Rendered once; values of other stages are {@link ValueSlot}s.
 */
export function renderChartValues(v: ChartValuesInput): Record<string, unknown> {
    const s = v.chart;
    const tls = v.tls.enabled ? v.tls : undefined;
    const raft = s.raft;
    const env: Record<string, unknown> = {};
    if (tls) env.VAULT_CACERT = pulumi.output(tls.secretName).apply((name) => `${tlsMountDir(name)}/${TLS_FILES.ca}`);
    if (v.usesAws) {
        // EKS injects AWS_REGION (the cluster's); pin the region of the table and key so that both the seal and
        // the storage backend reach them even when the cluster runs elsewhere.
        env.AWS_REGION = slot("region");
        if (v.storage === "dynamodb") env.AWS_DYNAMODB_REGION = slot("region");
        // Vault's AWS SDK calls the global sts.amazonaws.com by default in older regions; the endpoint answers only
        // sts.<region>.amazonaws.com.
        if (v.regionalSts) env.AWS_STS_REGIONAL_ENDPOINTS = "regional";
    }
    Object.assign(env, s.server.extraEnv);

    const secretEnv: { envName: string; secretName: string; secretKey: string }[] = [];
    const volumes: { type: string; name: pulumi.Input<string> }[] = tls ? [{ type: "secret", name: tls.secretName }] : [];
    if (v.transitSeal) {
        // The key holder's token only as an environment variable from a Secret: Vault's transit seal reads VAULT_TOKEN.
        const secrets = transitSealSecrets(v.fullname);
        secretEnv.push({ envName: "VAULT_TOKEN", secretName: secrets.token, secretKey: "token" });
        if (v.transitSeal.caCert) volumes.push({ type: "secret", name: secrets.ca });
    }
    const dev = v.mode === "dev";
    if (dev) secretEnv.push({ envName: DEV_ROOT_TOKEN_ENV, secretName: devRootTokenSecret(v.fullname), secretKey: "token" });

    const server = compact({
        ...placement(s.server),
        logLevel: s.server.logLevel,
        affinity: renderAntiAffinity(s.server.podAntiAffinity, "server"),
        // The rollout step replaces pods in the order an HA upgrade needs; the dev server has no state worth that care.
        updateStrategyType: dev ? "RollingUpdate" : "OnDelete",
        readinessProbe: { enabled: true, path: READINESS_PATH },
        extraEnvironmentVars: env,
        extraSecretEnvironmentVars: secretEnv.length > 0 ? secretEnv : undefined,
        extraVolumes: volumes.length > 0 ? volumes : undefined,
        serviceAccount: compact({
            create: true,
            annotations: v.usesAws ? { "eks.amazonaws.com/role-arn": slot("roleArn") } : undefined,
        }),
        auditStorage: compact({
            enabled: s.auditStorage.enabled,
            size: s.auditStorage.size,
            storageClass: s.auditStorage.storageClass,
            mountPath: AUDIT_MOUNT_PATH,
            accessMode: "ReadWriteOnce",
        }),
        dataStorage: raft ? compact({ enabled: true, size: raft.size, storageClass: raft.storageClass }) : { enabled: false },
        ...modeValues(v.mode, v.replicas, raft !== undefined),
        ingress: s.ingress ? renderIngress(s.ingress, v.tls.enabled) : { enabled: false },
    });

    const injector = s.injector.enabled
        ? compact({
              ...placement(s.injector),
              enabled: true,
              replicas: s.injector.replicas,
              affinity: renderAntiAffinity(s.injector.podAntiAffinity, "injector"),
              leaderElector: { enabled: true },
              agentImage: s.injector.agentImage && compact({ ...s.injector.agentImage }),
              agentDefaults: { ...s.injector.agentDefaults },
              // Injected agents verify Vault with the cluster CA (base64 keeps the env value on one line).
              extraEnvironmentVars: tls ? { AGENT_INJECT_VAULT_CACERT_BYTES: slot("caCertBase64") } : undefined,
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

    const loadBalancer = s.ui.serviceType === "LoadBalancer";
    return {
        fullnameOverride: v.fullname,
        global: { enabled: true, tlsDisable: !tls },
        injector,
        server,
        ui: compact({
            enabled: s.ui.enabled,
            serviceType: s.ui.serviceType,
            externalPort: VAULT_PORT,
            targetPort: VAULT_PORT,
            // A load balancer reaches the active pod only: standbys forward, and a sealed pod must never take traffic. (The
            // chart applies this in HA mode only; it is not rendered for the dev server, which sets no such label.)
            activeVaultPodOnly: loadBalancer && !dev ? true : undefined,
            loadBalancerSourceRanges: loadBalancer ? s.ui.loadBalancerSourceRanges : undefined,
            annotations: Object.keys(s.ui.annotations).length > 0 ? s.ui.annotations : undefined,
        }),
        csi,
    };
}

/**
 * The chart's mode switches, each rendered in every mode so that setting another mode through `chart.values` is a
 * conflict. The dev server takes its root token from the Secret: the flag, expanded by the container's shell, wins over
 * the chart's `VAULT_DEV_ROOT_TOKEN_ID` value, which would otherwise put the token in the pod spec.
 */
function modeValues(mode: ClusterMode, replicas: pulumi.Input<number>, raft: boolean): Record<string, unknown> {
    const off = { enabled: false };
    switch (mode) {
        case "dev":
            return {
                dev: { enabled: true, devRootToken: "unused-see-extraArgs" },
                extraArgs: `-dev-root-token-id="$${DEV_ROOT_TOKEN_ENV}"`,
                standalone: off, ha: off,
            };
        case "standalone":
            return { dev: off, standalone: { enabled: true, config: slot("serverConfig") }, ha: off };
        case "ha":
            return {
                dev: off, standalone: off,
                ha: {
                    enabled: true,
                    replicas,
                    ...(raft ? { raft: { enabled: true, setNodeId: true, config: slot("serverConfig") } } : { config: slot("serverConfig"), raft: { enabled: false } }),
                    disruptionBudget: { enabled: true },
                },
            };
    }
}

function renderIngress(i: NonNullable<ChartSettings["ingress"]>, tlsEnabled: boolean): Record<string, unknown> {
    const annotations: Record<string, unknown> = {};
    // ingress-nginx speaks plain HTTP to backends unless told otherwise; Vault only answers TLS.
    if (tlsEnabled && i.className === "nginx") annotations["nginx.ingress.kubernetes.io/backend-protocol"] = "HTTPS";
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

/** Replaces every slot of rendered values with its value (outputs stay outputs: Pulumi resolves them in place). */
export function fillSlots(values: unknown, slots: Partial<SlotValues>): any {
    if (values instanceof ValueSlot) {
        const value = slots[values.name];
        if (value === undefined) throw new Error(`no value for the chart value slot ${values.name}`);
        return value;
    }
    if (Array.isArray(values)) return values.map((v) => fillSlots(v, slots));
    if (isPlainObject(values)) return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, fillSlots(v, slots)]));
    return values;
}

/** One override in `chart.values` that changes a value this component sets. */
export interface ValueConflict {
    path: string;
    /** The managed value; undefined when it is computed at deployment (a slot or an output). */
    ours: unknown;
    theirs: unknown;
}

function isComputed(value: unknown): boolean {
    return value instanceof ValueSlot || pulumi.Output.isInstance(value) || value instanceof Promise;
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
        } else if (isComputed(ours) || JSON.stringify(ours) !== JSON.stringify(theirs)) {
            conflicts.push({ path, ours: isComputed(ours) ? undefined : ours, theirs });
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
