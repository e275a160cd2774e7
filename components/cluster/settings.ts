import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_SHAPE } from "../argShapes";
import {
    Problems, REDACTED, checkPem, checkShape, isCidr, isDnsLabel, isDnsName, isIpAddress, isPlainObject, isPositiveInteger, isQuantity,
} from "../validation";
import { resolveBootstrapSettings, BootstrapSettings } from "../bootstrap/settings";
import { ADMIN_AUTH_MOUNT, ADMIN_POLICY_NAME } from "../bootstrap/adminIdentity";
import { resolveConfigSettings, ConfigSettings } from "../config/settings";
import type {
    AuditStorageArgs, CsiArgs, ImageArgs, InjectorArgs, IrsaArgs, ServerArgs, UiArgs, VaultClusterArgs, VpcEndpointsArgs,
} from "./args";
import { AUDIT_MOUNT_PATH, clusterNames, ClusterNames, serverCertificateNames, CertificateNames, USERCONFIG_DIR } from "./names";
import { valueOverrideProblems } from "../chart/release";

export const DEFAULT_CHART_VERSION = "0.34.1";
export const DEFAULT_CHART_REPOSITORY = "https://helm.releases.hashicorp.com";

export type StorageSettings =
    | {
          type: "dynamodb";
          /** Set when the component creates the table. */
          create?: { tableName: string; billingMode: "PAY_PER_REQUEST" | "PROVISIONED"; readCapacity?: number; writeCapacity?: number;
                     pointInTimeRecovery: boolean; deletionProtection: boolean; protect: boolean; retainOnDelete: boolean };
          /** Name or ARN of an existing table. */
          existingTable?: string;
          maxParallel?: number;
      }
    | { type: "raft"; size: string; storageClass?: string };

export type SealSettings =
    | { type: "awskms"; kmsKeyArn?: pulumi.Input<string>; protect: boolean; retainOnDelete: boolean; deletionWindowInDays: number }
    | { type: "shamir" };

export interface AwsSettings {
    region?: string;
    /** The server role: created for the cluster's OIDC provider, or an existing one. */
    role:
        | { create: { name: string; oidcProviderArn: pulumi.Input<string>; oidcProviderUrl: pulumi.Input<string>; permissionsBoundary?: pulumi.Input<string> } }
        | { existingArn: pulumi.Input<string> };
    vpcEndpoints?: VpcEndpointsArgs;
    tags: Record<string, string>;
    /**
     * The cluster key: created whenever the cluster uses AWS and no key ARN is given (it encrypts the table, the seal
     * and custody), with the seal's lifecycle settings or, with Shamir, the same safe defaults.
     */
    key: { create: { protect: boolean; retainOnDelete: boolean; deletionWindowInDays: number } } | { existingArn: pulumi.Input<string> };
}

export type TlsSettings =
    | { enabled: false }
    | {
          enabled: true;
          /** Directory the secret is mounted at in the server pods. */
          mountDir: string;
          secretName: string;
          /** Generate CA and certificate (absent with an existing secret). */
          generate?: {
              algorithm: "ECDSA" | "RSA"; rsaBits: number; validityHours: number; earlyRenewalHours: number; caValidityHours: number;
              ca?: { keyPem: pulumi.Input<string>; certPem: pulumi.Input<string> };
          };
          caCertPem?: pulumi.Input<string>;
          names: CertificateNames;
      };

export interface PodSettings {
    nodeSelector?: Record<string, string>;
    tolerations?: Record<string, unknown>[];
    resources?: Record<string, unknown>;
    image?: ImageArgs;
}

/** Everything the cluster needs, validated and with defaults applied. Nothing downstream reads raw args. */
export interface ClusterSettings {
    name: string;
    namespace: string;
    createNamespace: boolean;
    releaseName: string;
    names: ClusterNames;
    replicas: number;
    storage: StorageSettings;
    seal: SealSettings;
    aws?: AwsSettings;
    tls: TlsSettings;
    ingress?: { host: string; className?: string; annotations: Record<string, string>; tlsSecretName?: string; activeService: boolean };
    ui: { enabled: boolean; serviceType: "ClusterIP" | "LoadBalancer"; loadBalancerSourceRanges: string[]; annotations: Record<string, string> };
    injector: PodSettings & { enabled: boolean; replicas: number; agentImage?: ImageArgs;
                              agentDefaults: { cpuRequest: string; cpuLimit: string; memRequest: string; memLimit: string } };
    csi: PodSettings & { enabled: boolean };
    auditStorage: { enabled: boolean; size: string; storageClass?: string };
    server: PodSettings & { extraEnv: Record<string, string>; logLevel?: string };
    chart: { version: string; repository: string; values: Record<string, unknown>; allowOverrides: string[]; timeoutSeconds: number };
    bootstrap: BootstrapSettings;
    /** Post-init configuration; the audit device default is applied here. */
    config: ConfigSettings;
}

/** Whether the cluster needs AWS: DynamoDB storage or the awskms seal (both are the defaults). */
export function clusterUsesAws(args: Pick<VaultClusterArgs, "storage" | "seal">): boolean {
    return (args.storage?.type ?? "dynamodb") === "dynamodb" || (args.seal?.type ?? "awskms") === "awskms";
}

/**
 * Validates the arguments of a VaultCluster and applies every default. Throws one InputError listing all problems
 * (field, value, fix) before any resource is registered.
 */
export function resolveClusterSettings(name: string, args: VaultClusterArgs): ClusterSettings {
    const p = new Problems();
    checkShape(p, args, CLUSTER_SHAPE, "");

    const namespace = args.namespace ?? "vault";
    p.check(isDnsLabel(namespace), "namespace", namespace, "is not a DNS-1123 label",
        "use lower-case letters, digits and '-', at most 63 characters, e.g. \"vault\"");
    const releaseName = args.releaseName ?? "vault";
    p.check(isDnsLabel(releaseName, 53), "releaseName", releaseName, "is not a valid Helm release name",
        "use lower-case letters, digits and '-', at most 53 characters, e.g. \"vault\"");

    const replicas = args.replicas ?? 3;
    p.check(isPositiveInteger(replicas), "replicas", replicas, "must be a whole number of at least 1",
        "set replicas to 3 (or 5 for more failure tolerance)");

    const storage = resolveStorage(p, name, args);
    if (storage.type === "raft" && isPositiveInteger(replicas) && replicas % 2 === 0) {
        p.add("replicas", replicas, "Raft needs an odd number of voters (an even count tolerates no more failures and can split votes)",
            `set replicas to ${replicas - 1} or ${replicas + 1}`);
    }
    const seal = resolveSeal(p, args);
    const usesAws = clusterUsesAws(args);
    const aws = usesAws ? resolveAws(p, name, args, seal) : undefined;
    if (!usesAws) {
        for (const field of ["irsa", "vpcEndpoints", "tags", "region"] as const) {
            p.check(args[field] === undefined, field, REDACTED, "is only used with DynamoDB storage or the awskms seal",
                `remove ${field}, or use storage { type: "dynamodb" } / seal { type: "awskms" }`);
        }
    }

    const names = clusterNames(releaseName, namespace, isPositiveInteger(replicas) ? replicas : 1, args.tls?.enabled === false ? "http" : "https");
    const ingress = resolveIngress(p, args);
    const ui = resolveUi(p, args.ui);
    const tls = resolveTls(p, args, names, ingress?.host);
    const auditStorage = resolveAuditStorage(p, args.auditStorage);
    const chart = resolveChart(p, args);
    const bootstrap = resolveBootstrapSettings(p, args.bootstrap, {
        componentName: name, releaseName, namespace, usesAws, seal: seal.type, tlsEnabled: tls.enabled,
    });
    const config = resolveConfig(p, args, auditStorage.enabled);
    reserveAdminNames(p, config);

    const settings: ClusterSettings = {
        name, namespace, createNamespace: args.createNamespace ?? true, releaseName, names,
        replicas, storage, seal, aws, tls, ingress, ui,
        injector: resolveInjector(p, args.injector, replicas),
        csi: resolveCsi(p, args.csi),
        auditStorage,
        server: resolveServer(p, args.server),
        chart, bootstrap, config,
    };
    valueOverrideProblems(p, settings);
    p.throwIfAny(`VaultCluster "${name}"`);
    return settings;
}

/** Refuses fields of another variant (e.g. `tableName` with Raft): they would be ignored without a word. */
function onlyFieldsOf(p: Problems, value: object | undefined, allowed: string[], field: string, variant: string): void {
    for (const key of Object.keys(value ?? {}).filter((k) => !allowed.includes(k))) {
        p.add(`${field}.${key}`, REDACTED, `does not apply to ${variant}`, `remove it (${variant} takes: ${allowed.join(", ")})`);
    }
}

const RAFT_FIELDS = ["type", "size", "storageClass"];
const DYNAMODB_FIELDS = ["type", "tableName", "existingTable", "billingMode", "readCapacity", "writeCapacity", "pointInTimeRecovery",
    "deletionProtection", "protect", "retainOnDelete", "maxParallel"];
const KMS_KEY_ARN = /^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/;

function resolveStorage(p: Problems, name: string, args: VaultClusterArgs): StorageSettings {
    const s = args.storage ?? { type: "dynamodb" as const };
    onlyFieldsOf(p, s, s.type === "raft" ? RAFT_FIELDS : DYNAMODB_FIELDS, "storage", `storage type ${JSON.stringify(s.type)}`);
    if (s.type === "raft") {
        const size = s.size ?? "10Gi";
        p.check(isQuantity(size), "storage.size", size, "is not a Kubernetes storage quantity", "use a size such as \"10Gi\"");
        return { type: "raft", size, storageClass: s.storageClass };
    }
    if (s.type !== "dynamodb") {
        p.add("storage.type", (s as { type: unknown }).type, "is not a supported storage backend", "use \"dynamodb\" or \"raft\"");
        return { type: "raft", size: "10Gi" };
    }
    const billingMode = s.billingMode ?? "PAY_PER_REQUEST";
    p.check(billingMode === "PAY_PER_REQUEST" || billingMode === "PROVISIONED", "storage.billingMode", billingMode,
        "is not a DynamoDB billing mode", "use \"PAY_PER_REQUEST\" (default) or \"PROVISIONED\"");
    const provisioned = billingMode === "PROVISIONED";
    for (const field of ["readCapacity", "writeCapacity"] as const) {
        const value = s[field];
        if (value !== undefined) {
            p.check(provisioned, `storage.${field}`, value, "only applies to PROVISIONED billing",
                "remove it, or set storage.billingMode to \"PROVISIONED\"");
            p.check(isPositiveInteger(value), `storage.${field}`, value, "must be a whole number of at least 1", "e.g. 10");
        }
    }
    if (s.maxParallel !== undefined) {
        p.check(isPositiveInteger(s.maxParallel), "storage.maxParallel", s.maxParallel, "must be a whole number of at least 1", "e.g. 128");
    }
    const tableName = s.tableName ?? `${name}-vault`;
    p.check(/^[A-Za-z0-9_.-]{3,255}$/.test(tableName), "storage.tableName", tableName, "is not a valid DynamoDB table name",
        "use 3-255 characters of letters, digits, '_', '-' and '.'");
    if (s.existingTable !== undefined) {
        p.check(s.tableName === undefined, "storage.tableName", s.tableName, "cannot be combined with storage.existingTable",
            "set only one: tableName to create a table, existingTable to use one");
        return { type: "dynamodb", existingTable: s.existingTable, maxParallel: s.maxParallel };
    }
    return {
        type: "dynamodb",
        maxParallel: s.maxParallel,
        create: {
            tableName, billingMode,
            readCapacity: provisioned ? s.readCapacity ?? 10 : undefined,
            writeCapacity: provisioned ? s.writeCapacity ?? 10 : undefined,
            pointInTimeRecovery: s.pointInTimeRecovery ?? true,
            deletionProtection: s.deletionProtection ?? true,
            protect: s.protect ?? true,
            retainOnDelete: s.retainOnDelete ?? false,
        },
    };
}

function resolveSeal(p: Problems, args: VaultClusterArgs): SealSettings {
    const s = args.seal ?? { type: "awskms" as const };
    if (s.type === "shamir") {
        onlyFieldsOf(p, s, ["type"], "seal", "the shamir seal");
        return { type: "shamir" };
    }
    if (s.type !== "awskms") {
        p.add("seal.type", (s as { type: unknown }).type, "is not a supported seal", "use \"awskms\" or \"shamir\"");
        return { type: "shamir" };
    }
    if (typeof s.kmsKeyArn === "string") {
        p.check(KMS_KEY_ARN.test(s.kmsKeyArn), "seal.kmsKeyArn", s.kmsKeyArn, "is not a KMS key ARN",
            "pass the key's ARN (arn:aws:kms:<region>:<account>:key/<id>): IAM policies and encryption settings need the key ARN, not an ID or alias");
    }
    const deletionWindowInDays = s.deletionWindowInDays ?? 30;
    p.check(Number.isInteger(deletionWindowInDays) && deletionWindowInDays >= 7 && deletionWindowInDays <= 30,
        "seal.deletionWindowInDays", deletionWindowInDays, "must be a whole number of days from 7 to 30", "use 30 (the default)");
    return { type: "awskms", kmsKeyArn: s.kmsKeyArn, protect: s.protect ?? true, retainOnDelete: s.retainOnDelete ?? false, deletionWindowInDays };
}

function resolveAws(p: Problems, name: string, args: VaultClusterArgs, seal: SealSettings): AwsSettings | undefined {
    const irsa: IrsaArgs = args.irsa ?? {};
    const oidc = irsa.oidcProviderArn !== undefined && irsa.oidcProviderUrl !== undefined;
    if (irsa.existingRoleArn === undefined && !oidc) {
        p.add("irsa", args.irsa === undefined ? undefined : REDACTED,
            "is required with DynamoDB storage or the awskms seal: Vault's pods need an IAM role to reach them",
            "pass irsa: { oidcProviderArn, oidcProviderUrl } from your EKS cluster (or irsa: { existingRoleArn }), or use storage { type: \"raft\" } and seal { type: \"shamir\" }");
        return undefined;
    }
    if (irsa.existingRoleArn !== undefined) {
        for (const field of ["oidcProviderArn", "oidcProviderUrl", "roleName", "permissionsBoundary"] as const) {
            p.check(irsa[field] === undefined, `irsa.${field}`, REDACTED, "only applies to a role this component creates",
                "remove it, or remove irsa.existingRoleArn to let the component create the role");
        }
    }
    if (args.region !== undefined) {
        p.check(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(args.region), "region", args.region, "is not an AWS region name",
            "use a region such as \"eu-west-1\", or omit it to use the AWS provider's region");
    }
    p.check(/^[A-Za-z0-9/_-]+$/.test(name), "(component name)", name, "cannot name the KMS alias alias/<name>-vault-unseal",
        "name the VaultCluster with letters, digits, '/', '_' and '-' only");
    const roleName = irsa.roleName ?? `${name}-vault-server`;
    p.check(/^[\w+=,.@-]{1,64}$/.test(roleName), "irsa.roleName", roleName, "is not a valid IAM role name",
        "use at most 64 letters, digits and +=,.@_-");
    const tags = args.tags ?? {};
    for (const [key, value] of Object.entries(tags)) {
        p.check(typeof value === "string" && key.length <= 128 && value.length <= 256, `tags.${key}`, value,
            "is not a valid AWS tag", "use a string value of at most 256 characters and a key of at most 128");
    }
    return {
        region: args.region,
        role: irsa.existingRoleArn !== undefined
            ? { existingArn: irsa.existingRoleArn }
            : { create: { name: roleName, oidcProviderArn: irsa.oidcProviderArn!, oidcProviderUrl: irsa.oidcProviderUrl!, permissionsBoundary: irsa.permissionsBoundary } },
        vpcEndpoints: args.vpcEndpoints,
        tags: { "managed-by": "pulumi", "vault-cluster": name, ...tags },
        key: seal.type === "awskms" && seal.kmsKeyArn !== undefined
            ? { existingArn: seal.kmsKeyArn }
            : { create: seal.type === "awskms" ? { protect: seal.protect, retainOnDelete: seal.retainOnDelete, deletionWindowInDays: seal.deletionWindowInDays }
                                               : { protect: true, retainOnDelete: false, deletionWindowInDays: 30 } },
    };
}

function resolveIngress(p: Problems, args: VaultClusterArgs): ClusterSettings["ingress"] {
    const i = args.ingress;
    if (!i) return undefined;
    p.check(isDnsName(i.host) && i.host.includes("."), "ingress.host", i.host, "is not a DNS name",
        "use a lower-case fully qualified host name such as \"vault.example.com\" (no scheme, port or wildcard)");
    if (i.tlsSecretName !== undefined) {
        p.check(isDnsName(i.tlsSecretName), "ingress.tlsSecretName", i.tlsSecretName, "is not a valid Secret name",
            "use lower-case letters, digits, '-' and '.'");
    }
    return { host: i.host, className: i.className, annotations: i.annotations ?? {}, tlsSecretName: i.tlsSecretName, activeService: i.activeService ?? true };
}

function resolveUi(p: Problems, ui: UiArgs | undefined): ClusterSettings["ui"] {
    const serviceType = ui?.serviceType ?? "ClusterIP";
    p.check(serviceType === "ClusterIP" || serviceType === "LoadBalancer", "ui.serviceType", serviceType,
        "is not a supported service type", "use \"ClusterIP\" or \"LoadBalancer\"");
    const ranges = ui?.loadBalancerSourceRanges ?? [];
    if (serviceType === "LoadBalancer") {
        p.check(ranges.length > 0, "ui.loadBalancerSourceRanges", ranges,
            "is required with a LoadBalancer: without it Vault is open to the whole internet",
            "list the CIDR blocks allowed to reach Vault, e.g. [\"10.0.0.0/8\"]");
    }
    ranges.forEach((r, i) => p.check(isCidr(r), `ui.loadBalancerSourceRanges[${i}]`, r, "is not a CIDR block", "use a block such as \"203.0.113.0/24\""));
    return { enabled: ui?.enabled ?? true, serviceType, loadBalancerSourceRanges: ranges, annotations: ui?.annotations ?? {} };
}

function resolveTls(p: Problems, args: VaultClusterArgs, names: ClusterNames, ingressHost: string | undefined): TlsSettings {
    const t = args.tls ?? {};
    if (t.enabled === false) {
        onlyFieldsOf(p, t, ["enabled"], "tls", "a listener without TLS");
        return { enabled: false };
    }
    checkPem(p, "tls.caCertPem", t.caCertPem);
    checkPem(p, "tls.ca.certPem", t.ca?.certPem);
    p.check(t.enabled === undefined || t.enabled === true, "tls.enabled", t.enabled, "must be a boolean", "use true (default) or false");
    const algorithm = t.algorithm ?? "ECDSA";
    p.check(algorithm === "ECDSA" || algorithm === "RSA", "tls.algorithm", algorithm, "is not a supported key algorithm", "use \"ECDSA\" or \"RSA\"");
    const rsaBits = t.rsaBits ?? 2048;
    p.check(Number.isInteger(rsaBits) && rsaBits >= 2048, "tls.rsaBits", rsaBits, "is too weak", "use 2048, 3072 or 4096");
    const validityHours = t.validityHours ?? 8760;
    const earlyRenewalHours = t.earlyRenewalHours ?? 720;
    const caValidityHours = t.caValidityHours ?? 87600;
    p.check(isPositiveInteger(validityHours), "tls.validityHours", validityHours, "must be a whole number of hours", "e.g. 8760 (one year)");
    p.check(Number.isInteger(earlyRenewalHours) && earlyRenewalHours >= 0 && earlyRenewalHours < validityHours,
        "tls.earlyRenewalHours", earlyRenewalHours, `must be at least 0 and below tls.validityHours (${validityHours})`,
        "e.g. 720 (re-issue 30 days before expiry)");
    p.check(isPositiveInteger(caValidityHours) && caValidityHours >= validityHours, "tls.caValidityHours", caValidityHours,
        "must be a whole number of hours no shorter than the server certificate's validity", "e.g. 87600 (ten years)");
    (t.extraDnsNames ?? []).forEach((n, i) => p.check(isDnsName(n.replace(/^\*\./, "")), `tls.extraDnsNames[${i}]`, n,
        "is not a DNS name", "use a lower-case host name such as \"vault.internal.example.com\""));
    (t.extraIpAddresses ?? []).forEach((n, i) => p.check(isIpAddress(n), `tls.extraIpAddresses[${i}]`, n, "is not an IP address", "e.g. \"10.0.0.10\""));
    if (t.existingSecretName !== undefined) {
        p.check(isDnsName(t.existingSecretName), "tls.existingSecretName", t.existingSecretName, "is not a valid Secret name",
            "use lower-case letters, digits, '-' and '.'");
        p.check(t.caCertPem !== undefined, "tls.caCertPem", undefined, "is required with tls.existingSecretName",
            "pass the PEM of the CA that signed the secret's certificate, so the init step can verify Vault");
        p.check(t.ca === undefined, "tls.ca", REDACTED, "cannot be combined with tls.existingSecretName", "set only one of them");
    }
    const secretName = t.existingSecretName ?? names.tlsSecret;
    return {
        enabled: true,
        secretName,
        mountDir: `${USERCONFIG_DIR}/${secretName}`,
        generate: t.existingSecretName === undefined
            ? { algorithm, rsaBits, validityHours, earlyRenewalHours, caValidityHours, ca: t.ca }
            : undefined,
        caCertPem: t.caCertPem,
        names: serverCertificateNames(names, { ingressHost, dnsNames: t.extraDnsNames, ipAddresses: t.extraIpAddresses }),
    };
}

export const DEFAULT_AUDIT_FILE = `${AUDIT_MOUNT_PATH}/vault_audit.log`;

/** The cluster's post-init configuration: audit on by default, writing to the audit volume. */
function resolveConfig(p: Problems, args: VaultClusterArgs, auditVolume: boolean): ConfigSettings {
    const config = resolveConfigSettings(p, args.config ?? {}, { fieldPrefix: "config.", keysChecked: true });
    config.auditDevices ??= auditVolume ? [{ type: "file", path: "file", options: { file_path: DEFAULT_AUDIT_FILE } }] : [];
    config.auditDevices.forEach((d, i) => {
        const file = d.options?.file_path;
        if (d.type === "file" && !auditVolume && file?.startsWith(`${AUDIT_MOUNT_PATH}/`)) {
            p.add(`config.auditDevices[${i}].options.file_path`, file, "is on the audit volume, but auditStorage is disabled: the log would vanish with the pod",
                "enable auditStorage, or log to \"stdout\"");
        }
    });
    return config;
}

/** The admin identity's policy and auth mount belong to the init step; the configuration must not take them over. */
function reserveAdminNames(p: Problems, config: ConfigSettings): void {
    config.policies.forEach((policy) => p.check(policy.name !== ADMIN_POLICY_NAME, `config.policies.${policy.name}`, policy.name,
        "is the policy of Pulumi's own admin identity (written by the init step)", "choose another policy name"));
    [...config.kubernetesAuth, ...config.jwtAuth, ...config.appRoleAuth].forEach((mount) => p.check(mount.path !== ADMIN_AUTH_MOUNT,
        "config auth mount path", mount.path, "is the AppRole mount of Pulumi's own admin identity", "choose another mount path"));
}

function resolveAuditStorage(p: Problems, a: AuditStorageArgs | undefined): ClusterSettings["auditStorage"] {
    const size = a?.size ?? "10Gi";
    p.check(isQuantity(size), "auditStorage.size", size, "is not a Kubernetes storage quantity", "use a size such as \"10Gi\"");
    return { enabled: a?.enabled ?? true, size, storageClass: a?.storageClass };
}

function resolvePlacement(p: Problems, field: string, a: ServerArgs | InjectorArgs | CsiArgs | undefined): PodSettings {
    if (a?.resources !== undefined) {
        p.check(isPlainObject(a.resources) && Object.keys(a.resources).every((k) => k === "requests" || k === "limits"),
            `${field}.resources`, a.resources, "must be an object with requests and/or limits", "e.g. { requests: { cpu: \"250m\", memory: \"256Mi\" } }");
    }
    if (a?.tolerations !== undefined) {
        p.check(Array.isArray(a.tolerations), `${field}.tolerations`, a.tolerations, "must be a list of tolerations", "e.g. [{ key: \"dedicated\", operator: \"Equal\", value: \"vault\", effect: \"NoSchedule\" }]");
    }
    return { nodeSelector: a?.nodeSelector, tolerations: a?.tolerations, resources: a?.resources, image: a?.image };
}

function resolveInjector(p: Problems, i: InjectorArgs | undefined, serverReplicas: number): ClusterSettings["injector"] {
    const replicas = i?.replicas ?? (serverReplicas > 1 ? 2 : 1);
    p.check(isPositiveInteger(replicas), "injector.replicas", replicas, "must be a whole number of at least 1", "e.g. 2");
    const d = i?.agentDefaults ?? {};
    return {
        ...resolvePlacement(p, "injector", i),
        enabled: i?.enabled ?? true,
        replicas,
        agentImage: i?.agentImage,
        agentDefaults: { cpuRequest: d.cpuRequest ?? "250m", cpuLimit: d.cpuLimit ?? "500m", memRequest: d.memRequest ?? "64Mi", memLimit: d.memLimit ?? "128Mi" },
    };
}

function resolveCsi(p: Problems, c: CsiArgs | undefined): ClusterSettings["csi"] {
    return { ...resolvePlacement(p, "csi", c), enabled: c?.enabled ?? false };
}

function resolveServer(p: Problems, s: ServerArgs | undefined): ClusterSettings["server"] {
    const levels = ["trace", "debug", "info", "warn", "error"];
    if (s?.logLevel !== undefined) {
        p.check(levels.includes(s.logLevel), "server.logLevel", s.logLevel, "is not a Vault log level", `use one of ${levels.join(", ")}`);
    }
    for (const key of Object.keys(s?.extraEnv ?? {})) {
        p.check(/^[A-Za-z_][A-Za-z0-9_]*$/.test(key), `server.extraEnv.${key}`, key, "is not an environment variable name", "use letters, digits and '_'");
    }
    return { ...resolvePlacement(p, "server", s), extraEnv: s?.extraEnv ?? {}, logLevel: s?.logLevel };
}

function resolveChart(p: Problems, args: VaultClusterArgs): ClusterSettings["chart"] {
    const c = args.chart ?? {};
    const version = c.version ?? DEFAULT_CHART_VERSION;
    p.check(/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version), "chart.version", version, "is not a chart version", `use an exact version such as "${DEFAULT_CHART_VERSION}"`);
    const repository = c.repository ?? DEFAULT_CHART_REPOSITORY;
    p.check(/^(https?|oci):\/\//.test(repository), "chart.repository", repository, "is not a chart repository URL", `use "${DEFAULT_CHART_REPOSITORY}"`);
    if (c.values !== undefined) p.check(isPlainObject(c.values), "chart.values", c.values, "must be an object of chart values", "e.g. { server: { logLevel: \"debug\" } }");
    const timeoutSeconds = c.timeoutSeconds ?? 600;
    p.check(isPositiveInteger(timeoutSeconds), "chart.timeoutSeconds", timeoutSeconds, "must be a whole number of seconds", "e.g. 600");
    return { version, repository, values: c.values ?? {}, allowOverrides: c.allowOverrides ?? [], timeoutSeconds };
}
