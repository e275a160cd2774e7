import * as pulumi from "@pulumi/pulumi";
import type { KubernetesAuthRole } from "../config/args";
import { DEFAULT_CHART_REPOSITORY, DEFAULT_CHART_VERSION } from "../chart/settings";
import { Problems, isCidr, isDnsLabel, isDnsName, isDuration, isMountPath, isPolicyPath } from "../validation";
import type {
    ConsumerChart, ConsumerCsi, ConsumerDynamicSecret, ConsumerExternalSecrets, ConsumerInjector,
    ConsumerKubernetesAuth, ConsumerSecretStore, ConsumerSecretsOperator, ConsumerStaticSecret, ConsumerVaultAuth,
    VaultConsumerClusterArgs,
} from "./args";
import { ConsumerKvVersion, ConsumerSecretStoreKind, ConsumerTokenReview, ConsumerVaultAuthMethod } from "./args";
import { isApiServerUrl, parseCaCert } from "./certificates";
import { ArgReader, keysOf } from "./read";

/** A pinned chart: what `helm repo add` + `helm install --version` named in the recipes. */
export interface ChartSource {
    chart: string;
    version: string;
    repository: string;
}

/**
 * The charts each integration installs. Versions match the CRDs and values in test/fixtures (VSO 1.4.1, External
 * Secrets 2.9.0, Secrets Store CSI driver 1.6.0: each chart's version is its app version) and the Vault chart of
 * VaultCluster.
 */
export const CONSUMER_CHARTS = {
    vault: { chart: "vault", version: DEFAULT_CHART_VERSION, repository: DEFAULT_CHART_REPOSITORY },
    csiDriver: { chart: "secrets-store-csi-driver", version: "1.6.0", repository: "https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts" },
    secretsOperator: { chart: "vault-secrets-operator", version: "1.4.1", repository: "https://helm.releases.hashicorp.com" },
    externalSecrets: { chart: "external-secrets", version: "2.9.0", repository: "https://charts.external-secrets.io" },
} as const satisfies Record<string, ChartSource>;

/** Release names are fixed (cluster-scoped objects of the charts derive their names from them). */
export const RELEASE_NAMES = {
    vault: "vault-consumer",
    csiDriver: "secrets-store-csi-driver",
    secretsOperator: "vault-secrets-operator",
    externalSecrets: "external-secrets",
} as const;

export const DEFAULTS = {
    namespace: "vault-consumer",
    reviewerNamespace: "kube-system",
    reviewerServiceAccountName: "vault-token-reviewer",
    injectorReplicas: 2,
    csiDriverNamespace: "kube-system",
    secretsOperatorNamespace: "vault-secrets-operator-system",
    externalSecretsNamespace: "external-secrets",
    /** The service account the external-secrets chart creates for its controller (the release's fullname). */
    externalSecretsServiceAccount: "external-secrets",
    vaultAuthNamespace: "default",
    appRoleMount: "approle",
    refreshAfter: "60s",
    timeoutSeconds: 600,
} as const;

export interface ChartSettings extends ChartSource {
    releaseName: string;
    namespace: string;
    values: Record<string, any>;
    timeoutSeconds: number;
}

export type NamedRole = KubernetesAuthRole & { name: string };

export interface AuthSettings {
    path: string;
    createMount: boolean;
    /** Where host and CA come from, when the mount is created here. */
    api?: { host?: pulumi.Input<string>; caCert?: pulumi.Input<string>; kubeconfig?: pulumi.Input<string>; kubeconfigContext?: string };
    tokenReview: ConsumerTokenReview;
    /** The reviewer service account (reviewer-token with a created mount). */
    reviewer?: { namespace: string; serviceAccountName: string };
    issuer?: string;
    description: string;
    roles: NamedRole[];
}

/** The `hashicorp/vault` release in external mode: the injector and/or the CSI provider. */
export interface AgentSettings {
    chart: ChartSettings;
    injector?: { replicas: number };
    csi: boolean;
}

export interface CsiDriverSettings {
    chart: ChartSettings;
    syncSecrets: boolean;
    rotationPollInterval?: string;
}

export interface VaultAuthSettings {
    name: string;
    method: ConsumerVaultAuthMethod;
    namespace: string;
    role: string;
    mount: string;
    serviceAccountName?: string;
    createServiceAccount: boolean;
    audiences?: string[];
    secretIdTtl?: string;
    secretIdCidrs?: string[];
}

export interface StaticSecretSettings {
    name: string;
    auth: VaultAuthSettings;
    mount: string;
    path: string;
    kvVersion: ConsumerKvVersion;
    refreshAfter: string;
    destination: string;
}

export interface DynamicSecretSettings {
    name: string;
    auth: VaultAuthSettings;
    mount: string;
    path: string;
    destination: string;
    renewalPercent?: number;
    revoke?: boolean;
}

export interface SecretsOperatorSettings {
    chart: ChartSettings;
    /** The operator's `default` VaultConnection (used by VaultAuth objects that name none). */
    connection: { name: string; namespace: string };
    auths: VaultAuthSettings[];
    staticSecrets: StaticSecretSettings[];
    dynamicSecrets: DynamicSecretSettings[];
}

export interface SecretStoreSettings {
    name: string;
    kind: ConsumerSecretStoreKind;
    /** SecretStore only. */
    namespace?: string;
    role: string;
    authPath: string;
    kvMount: string;
    kvVersion: ConsumerKvVersion;
    serviceAccountName: string;
    /** ClusterSecretStore only. */
    serviceAccountNamespace?: string;
    audiences?: string[];
}

export interface ExternalSecretsSettings {
    chart: ChartSettings;
    stores: SecretStoreSettings[];
}

/** VaultConsumerClusterArgs validated, with defaults applied. */
export interface ConsumerSettings {
    name: string;
    vaultAddress: pulumi.Input<string>;
    vaultCaCertPem?: pulumi.Input<string>;
    auth: AuthSettings;
    /** Namespaces this component creates, in order. */
    namespaces: string[];
    /** Namespace of the `hashicorp/vault` release and its CA Secret. */
    namespace: string;
    agent?: AgentSettings;
    csiDriver?: CsiDriverSettings;
    secretsOperator?: SecretsOperatorSettings;
    externalSecrets?: ExternalSecretsSettings;
}

const KEYS = {
    args: keysOf<VaultConsumerClusterArgs>()(["vaultAddress", "vaultCaCertPem", "kubernetesAuth", "namespace", "createNamespaces", "vaultChart",
        "injector", "csi", "secretsOperator", "externalSecrets"]),
    auth: keysOf<ConsumerKubernetesAuth>()(["path", "createMount", "host", "caCert", "kubeconfig", "kubeconfigContext", "tokenReview",
        "reviewerNamespace", "reviewerServiceAccountName", "issuer", "description", "roles"]),
    role: keysOf<KubernetesAuthRole>()(["serviceAccountNames", "namespaces", "policies", "ttl", "maxTtl", "audience"]),
    chart: keysOf<ConsumerChart>()(["version", "repository", "values", "timeoutSeconds"]),
    injector: keysOf<ConsumerInjector>()(["enabled", "replicas"]),
    csi: keysOf<ConsumerCsi>()(["enabled", "installDriver", "driverNamespace", "syncSecrets", "rotationPollInterval", "driverChart"]),
    secretsOperator: keysOf<ConsumerSecretsOperator>()(["enabled", "namespace", "chart", "auths", "staticSecrets", "dynamicSecrets"]),
    vaultAuth: keysOf<ConsumerVaultAuth>()(["method", "namespace", "role", "mount", "serviceAccountName", "createServiceAccount", "audiences",
        "secretIdTtl", "secretIdCidrs"]),
    staticSecret: keysOf<ConsumerStaticSecret>()(["auth", "mount", "path", "kvVersion", "refreshAfter", "destination"]),
    dynamicSecret: keysOf<ConsumerDynamicSecret>()(["auth", "mount", "path", "destination", "renewalPercent", "revoke"]),
    externalSecrets: keysOf<ConsumerExternalSecrets>()(["enabled", "namespace", "chart", "stores"]),
    store: keysOf<ConsumerSecretStore>()(["kind", "namespace", "role", "kvMount", "kvVersion", "serviceAccountName", "serviceAccountNamespace",
        "audiences"]),
};

/** The keys each argument interface accepts, by interface name (also what the schema inferred by Pulumi lists). */
export const CONSUMER_ARG_KEYS: Record<string, readonly string[]> = {
    VaultConsumerClusterArgs: KEYS.args, ConsumerKubernetesAuth: KEYS.auth, KubernetesAuthRole: KEYS.role, ConsumerChart: KEYS.chart,
    ConsumerInjector: KEYS.injector, ConsumerCsi: KEYS.csi, ConsumerSecretsOperator: KEYS.secretsOperator,
    ConsumerVaultAuth: KEYS.vaultAuth, ConsumerStaticSecret: KEYS.staticSecret, ConsumerDynamicSecret: KEYS.dynamicSecret,
    ConsumerExternalSecrets: KEYS.externalSecrets, ConsumerSecretStore: KEYS.store,
};

const NAME = /^[A-Za-z0-9_.-]+$/;
const NAMESPACE = { test: (v: string) => isDnsLabel(v), problem: "is not a namespace name (a DNS-1123 label)", fix: "e.g. \"vault-consumer\"" };
const K8S_NAME = { test: (v: string) => isDnsName(v), problem: "is not a Kubernetes object name (a DNS-1123 subdomain)", fix: "lower-case letters, digits, '-' and '.'" };
const MOUNT = { test: isMountPath, problem: "is not a mount path", fix: "no leading or trailing slash and no spaces, e.g. \"eks-apps\"" };
const TTL = { test: isDuration, problem: "is not a Vault duration", fix: "seconds (\"3600\") or a duration such as \"20m\", \"1h\", \"720h\"" };
/** VSO's `refreshAfter` pattern (its CRD), a subset of Vault durations. */
const REFRESH = { test: (v: string) => /^([0-9]+(\.[0-9]+)?(s|m|h))$/.test(v), problem: "is not a duration the operator accepts", fix: "e.g. \"30s\", \"1m\", \"24h\"" };

/**
 * Validates the arguments of a VaultConsumerCluster and settles its defaults: every problem is collected with the
 * field named, and the values that other resources provide (address, CAs, host) are checked once known.
 */
export function resolveConsumerSettings(p: Problems, name: string, args: VaultConsumerClusterArgs): ConsumerSettings {
    // Arguments that are not an object at all are reported once; reading on from an empty object reports nothing more.
    const a = ArgReader.of(p, "", args, KEYS.args, true) ?? ArgReader.of(new Problems(), "", {}, KEYS.args)!;
    const vaultAddress = a.input("vaultAddress", {
        required: true, test: isVaultAddress, problem: "is not an https URL of Vault", fix: "e.g. VaultCluster.externalAddress, \"https://vault.example.com\"",
    });
    const vaultCaCertPem = a.input("vaultCaCertPem", { fix: "pass VaultCluster.caCertPem, or omit it for a publicly trusted certificate" });
    if (typeof vaultCaCertPem === "string") {
        const ca = parseCaCert(vaultCaCertPem);
        if ("problem" in ca) p.add("vaultCaCertPem", vaultCaCertPem.slice(0, 40), ca.problem, "pass the PEM of the CA that signed Vault's certificate");
    }
    if (typeof vaultAddress === "string" && vaultAddress.startsWith("http://") && vaultCaCertPem !== undefined) {
        p.add("vaultCaCertPem", "<pem>", "is given for a plain http vaultAddress", "use Vault's https address, or drop the CA");
    }
    const namespace = a.string("namespace", NAMESPACE) ?? DEFAULTS.namespace;
    const createNamespaces = a.boolean("createNamespaces") ?? true;

    const auth = resolveAuth(p, name, a.object("kubernetesAuth", KEYS.auth, true));
    const injector = enabled(a.object("injector", KEYS.injector));
    const csi = enabled(a.object("csi", KEYS.csi));
    const agent = injector || csi
        ? {
              chart: resolveChart(a.object("vaultChart", KEYS.chart), CONSUMER_CHARTS.vault, RELEASE_NAMES.vault, namespace),
              injector: injector ? { replicas: injector.integer("replicas", 1, 10, "e.g. 2") ?? DEFAULTS.injectorReplicas } : undefined,
              csi: csi !== undefined,
          }
        : undefined;
    if (!agent && a.has("vaultChart")) p.add("vaultChart", "<chart>", "applies to the injector and the CSI provider, and neither is enabled", "enable injector or csi, or remove vaultChart");
    const csiDriver = csi && (csi.boolean("installDriver") ?? true) ? resolveCsiDriver(csi) : undefined;
    if (csi && !csiDriver) csi.refuse(["driverNamespace", "syncSecrets", "rotationPollInterval", "driverChart"], "configures the driver, which installDriver: false leaves out", "remove it");

    const secretsOperator = resolveSecretsOperator(p, enabled(a.object("secretsOperator", KEYS.secretsOperator)), auth);
    const externalSecrets = resolveExternalSecrets(p, enabled(a.object("externalSecrets", KEYS.externalSecrets)), auth);

    if (!auth.createMount && auth.roles.length === 0 && !agent && !secretsOperator && !externalSecrets) {
        p.add("kubernetesAuth.createMount", false, "leaves this component nothing to do (no mount, no roles, no integration)",
            "create the mount, add roles, or enable an integration");
    }
    const namespaces = createNamespaces
        ? [...new Set([auth.reviewer?.namespace, agent?.chart.namespace, secretsOperator?.chart.namespace, externalSecrets?.chart.namespace].filter((n): n is string => !!n))]
              .filter((n) => n !== "kube-system" && n !== "default")
        : [];
    return { name, vaultAddress: vaultAddress ?? "", vaultCaCertPem, auth, namespaces, namespace, agent, csiDriver, secretsOperator, externalSecrets };
}

export function isVaultAddress(value: string): boolean {
    try {
        const u = new URL(value);
        return (u.protocol === "https:" || u.protocol === "http:") && u.hostname !== "" && (u.pathname === "/" || u.pathname === "") && !u.search && !u.username;
    } catch {
        return false;
    }
}

/** The reader of an integration that is present and not switched off. */
function enabled(r: ArgReader | undefined): ArgReader | undefined {
    return r && (r.boolean("enabled") ?? true) ? r : undefined;
}

function resolveChart(r: ArgReader | undefined, source: ChartSource, releaseName: string, namespace: string): ChartSettings {
    return {
        chart: source.chart,
        version: r?.string("version", { test: (v) => /^v?\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(v), problem: "is not a chart version", fix: `e.g. "${source.version}"` }) ?? source.version,
        repository: r?.string("repository", { test: (v) => /^(https|oci):\/\/\S+$/.test(v), problem: "is not a chart repository URL", fix: `e.g. "${source.repository}"` }) ?? source.repository,
        values: r?.map("values") ?? {},
        timeoutSeconds: r?.integer("timeoutSeconds", 30, 3600, "e.g. 600") ?? DEFAULTS.timeoutSeconds,
        releaseName,
        namespace,
    };
}

function resolveAuth(p: Problems, name: string, r: ArgReader | undefined): AuthSettings {
    const path = r?.string("path", { required: true, ...MOUNT }) ?? "";
    if (path === "token" || path.startsWith("token/")) p.add("kubernetesAuth.path", path, "is Vault's token auth method", "choose another mount path, e.g. \"eks-apps\"");
    const createMount = r?.boolean("createMount") ?? true;
    const tokenReview = r?.oneOf("tokenReview", ConsumerTokenReview) ?? ConsumerTokenReview.ReviewerToken;
    const roles = (r?.entries("roles") ?? []).map((e) => resolveRole(p, e.name, e.field, e.value, tokenReview, createMount));
    const settings: AuthSettings = { path, createMount, tokenReview, roles, description: `Kubernetes auth for cluster ${name}` };
    if (!r) return settings;
    if (!createMount) {
        r.refuse(["host", "caCert", "kubeconfig", "kubeconfigContext", "tokenReview", "reviewerNamespace", "reviewerServiceAccountName", "issuer", "description"],
            "configures a mount, and createMount is false (an existing mount is used as it is)", "remove it, or set createMount: true");
        return settings;
    }
    const host = r.input("host", { test: isApiServerUrl, problem: "is not an https URL of a Kubernetes API server", fix: "e.g. the EKS cluster's endpoint output" });
    const caCert = r.input("caCert", { fix: "the API server's CA as PEM or base64 (EKS certificateAuthority.data)" });
    const kubeconfig = r.input("kubeconfig", { test: (v) => v.trim().length > 0, problem: "is empty", fix: "pass kubeconfig text (YAML or JSON)" });
    const kubeconfigContext = r.string("kubeconfigContext", { test: (v) => v.length > 0, problem: "is empty", fix: "a context name of the kubeconfig" });
    if (typeof caCert === "string") {
        const ca = parseCaCert(caCert);
        if ("problem" in ca) p.add(r.field("caCert"), caCert.length > 40 ? `${caCert.slice(0, 37)}...` : caCert, ca.problem, "pass the API server's CA certificate as PEM or base64 of PEM");
    }
    if (r.has("kubeconfig")) {
        r.refuse(["host", "caCert"], "comes from kubeconfig when kubeconfig is given", "give either kubeconfig or host and caCert");
    } else {
        if (!r.has("host")) p.add(r.field("host"), undefined, "is required to create the mount", "pass this cluster's API server URL (an EKS cluster's endpoint), or kubeconfig");
        if (!r.has("caCert")) p.add(r.field("caCert"), undefined, "is required to create the mount", "pass the API server's CA (an EKS cluster's certificateAuthority.data), or kubeconfig");
        r.refuse(["kubeconfigContext"], "only applies with kubeconfig", "remove it, or pass kubeconfig");
    }
    let reviewer: AuthSettings["reviewer"];
    if (tokenReview === ConsumerTokenReview.ReviewerToken) {
        reviewer = {
            namespace: r.string("reviewerNamespace", NAMESPACE) ?? DEFAULTS.reviewerNamespace,
            serviceAccountName: r.string("reviewerServiceAccountName", K8S_NAME) ?? DEFAULTS.reviewerServiceAccountName,
        };
    } else {
        r.refuse(["reviewerNamespace", "reviewerServiceAccountName"], "names the reviewer service account, which tokenReview \"client-token\" does not create", "remove it, or use tokenReview \"reviewer-token\"");
    }
    return {
        ...settings,
        api: { host, caCert, kubeconfig, kubeconfigContext },
        reviewer,
        issuer: r.string("issuer", { test: (v) => /^\S+$/.test(v), problem: "is not an issuer", fix: "e.g. \"https://kubernetes.default.svc.cluster.local\"" }),
        description: r.string("description", { fix: "a short text" }) ?? settings.description,
    };
}

function resolveRole(p: Problems, name: string, field: string, value: unknown, tokenReview: ConsumerTokenReview, createMount: boolean): NamedRole {
    if (!NAME.test(name)) p.add(field, name, "is not a role name", "use letters, digits, '_', '-' and '.'");
    const r = ArgReader.of(p, field, value, KEYS.role, true);
    const serviceAccountNames = r?.strings("serviceAccountNames", { required: true, nonEmpty: true, fix: "e.g. [\"internal-app\"]" }) ?? [];
    const namespaces = r?.strings("namespaces", { required: true, nonEmpty: true, fix: "e.g. [\"default\"]" }) ?? [];
    const policies = r?.strings("policies", { required: true, nonEmpty: true, test: (v) => NAME.test(v), problem: "is not a policy name", fix: "e.g. [\"my-app-read\"]" }) ?? [];
    const role: NamedRole = {
        name, serviceAccountNames, namespaces, policies,
        ttl: r?.string("ttl", TTL), maxTtl: r?.string("maxTtl", TTL), audience: r?.string("audience", { test: (v) => v.length > 0, problem: "is empty", fix: "e.g. \"vault\"" }),
    };
    if (serviceAccountNames.includes("*") && namespaces.includes("*")) {
        p.add(`${field}.serviceAccountNames`, serviceAccountNames, "binds every service account in every namespace", "name the service accounts or the namespaces");
    }
    if (createMount && tokenReview === ConsumerTokenReview.ClientToken) {
        // Each bound service account gets the auth-delegator binding: a wildcard cannot be bound.
        if (serviceAccountNames.includes("*") || namespaces.includes("*")) {
            p.add(`${field}.serviceAccountNames`, [...serviceAccountNames, ...namespaces].filter((x) => x === "*"),
                "uses a wildcard, but with tokenReview \"client-token\" every bound service account needs its own system:auth-delegator binding",
                "name the service accounts and namespaces, or use tokenReview \"reviewer-token\"");
        }
        if (role.audience !== undefined) {
            p.add(`${field}.audience`, role.audience, "requires an audience, but with tokenReview \"client-token\" the client's token must also be accepted by the API server (its default audience)",
                "remove audience, or use tokenReview \"reviewer-token\"");
        }
    }
    return role;
}

function resolveCsiDriver(r: ArgReader): CsiDriverSettings {
    const namespace = r.string("driverNamespace", NAMESPACE) ?? DEFAULTS.csiDriverNamespace;
    return {
        chart: resolveChart(r.object("driverChart", KEYS.chart), CONSUMER_CHARTS.csiDriver, RELEASE_NAMES.csiDriver, namespace),
        syncSecrets: r.boolean("syncSecrets") ?? false,
        rotationPollInterval: r.string("rotationPollInterval", { test: (v) => /^(\d+(\.\d+)?(ms|s|m|h))+$/.test(v), problem: "is not a duration", fix: "e.g. \"2m\"" }),
    };
}

/**
 * Checks that a login through `role` on this cluster's mount can succeed for `serviceAccount` in `namespace`
 * requesting `audiences`: the role exists on a mount created here, binds them, and its audience is requested.
 */
function checkLogin(p: Problems, field: string, auth: AuthSettings, mount: string, roleName: string, who: { serviceAccount: string; namespace: string; audiences?: string[] }): void {
    if (mount !== auth.path) return;
    const role = auth.roles.find((x) => x.name === roleName);
    if (!role) {
        // On an existing mount, the role may come from elsewhere (VaultCluster's config).
        if (auth.createMount) p.add(`${field}.role`, roleName, `is not a role of the mount "${auth.path}" this component creates`, `add it to kubernetesAuth.roles (roles: ${auth.roles.map((x) => x.name).join(", ") || "none"})`);
        return;
    }
    const binds = (list: string[], v: string) => list.includes(v) || list.includes("*");
    if (!binds(role.serviceAccountNames, who.serviceAccount)) p.add(`${field}.role`, roleName, `does not bind service account "${who.serviceAccount}"`, `add it to kubernetesAuth.roles.${roleName}.serviceAccountNames`);
    if (!binds(role.namespaces, who.namespace)) p.add(`${field}.role`, roleName, `does not bind namespace "${who.namespace}"`, `add it to kubernetesAuth.roles.${roleName}.namespaces`);
    if (role.audience !== undefined && !(who.audiences ?? []).includes(role.audience)) {
        p.add(`${field}.audiences`, who.audiences, `does not include the audience "${role.audience}" that role "${roleName}" requires`, `request it: audiences: ["${role.audience}"]`);
    }
    if (auth.createMount && auth.tokenReview === ConsumerTokenReview.ClientToken && (who.audiences ?? []).length > 0) {
        p.add(`${field}.audiences`, who.audiences, "asks for tokens the API server would not accept, and tokenReview \"client-token\" reviews each login with the client's own token",
            "remove audiences, or use tokenReview \"reviewer-token\"");
    }
}

function resolveSecretsOperator(p: Problems, r: ArgReader | undefined, auth: AuthSettings): SecretsOperatorSettings | undefined {
    if (!r) return undefined;
    const namespace = r.string("namespace", NAMESPACE) ?? DEFAULTS.secretsOperatorNamespace;
    const auths = r.entries("auths").map((e) => resolveVaultAuth(p, e.name, e.field, e.value, auth));
    const destinations = new Map<string, string>();
    const secretBase = (name: string, field: string, value: unknown, keys: readonly string[]) => {
        if (!isDnsName(name)) p.add(field, name, "is not a Kubernetes object name", "lower-case letters, digits, '-' and '.'");
        const s = ArgReader.of(p, field, value, keys, true);
        const authName = s?.string("auth", { required: true, fix: `name one of auths: ${auths.map((x) => x.name).join(", ") || "(none defined)"}` });
        const vaultAuth = auths.find((x) => x.name === authName);
        if (authName !== undefined && !vaultAuth) p.add(`${field}.auth`, authName, "is not a key of secretsOperator.auths", `use one of: ${auths.map((x) => x.name).join(", ") || "(define auths first)"}`);
        const destination = s?.string("destination", K8S_NAME) ?? name;
        if (vaultAuth) {
            // One Secret per name and namespace: two objects writing the same Secret would overwrite each other.
            const key = `${vaultAuth.namespace}/${destination}`;
            if (destinations.has(key)) p.add(`${field}.destination`, destination, `is also written by ${destinations.get(key)}`, "give each synced secret its own destination");
            destinations.set(key, field);
        }
        return {
            s, vaultAuth, destination,
            mount: s?.string("mount", { required: true, ...MOUNT }) ?? "",
            path: s?.string("path", { required: true, test: isPolicyPath, problem: "is not a Vault path", fix: "e.g. \"k8s/testdata/secret\" or \"creds/my-role\"" }) ?? "",
        };
    };
    const staticSecrets = r.entries("staticSecrets").flatMap((e) => {
        const b = secretBase(e.name, e.field, e.value, KEYS.staticSecret);
        if (!b.vaultAuth) return [];
        return [{
            name: e.name, auth: b.vaultAuth, mount: b.mount, path: b.path.replace(/^data\//, ""), destination: b.destination,
            kvVersion: b.s?.oneOf("kvVersion", ConsumerKvVersion) ?? ConsumerKvVersion.V2,
            refreshAfter: b.s?.string("refreshAfter", REFRESH) ?? DEFAULTS.refreshAfter,
        }];
    });
    const dynamicSecrets = r.entries("dynamicSecrets").flatMap((e) => {
        const b = secretBase(e.name, e.field, e.value, KEYS.dynamicSecret);
        if (!b.vaultAuth) return [];
        return [{
            name: e.name, auth: b.vaultAuth, mount: b.mount, path: b.path, destination: b.destination,
            renewalPercent: b.s?.integer("renewalPercent", 0, 90, "e.g. 67"), revoke: b.s?.boolean("revoke"),
        }];
    });
    return {
        chart: resolveChart(r.object("chart", KEYS.chart), CONSUMER_CHARTS.secretsOperator, RELEASE_NAMES.secretsOperator, namespace),
        connection: { name: "default", namespace },
        auths, staticSecrets, dynamicSecrets,
    };
}

function resolveVaultAuth(p: Problems, name: string, field: string, value: unknown, auth: AuthSettings): VaultAuthSettings {
    if (!isDnsName(name)) p.add(field, name, "is not a Kubernetes object name", "lower-case letters, digits, '-' and '.'");
    const r = ArgReader.of(p, field, value, KEYS.vaultAuth, true);
    const method = r?.oneOf("method", ConsumerVaultAuthMethod) ?? ConsumerVaultAuthMethod.Kubernetes;
    if (r && !r.has("method")) p.add(`${field}.method`, undefined, "is required", "use \"kubernetes\" or \"appRole\"");
    const kubernetes = method === ConsumerVaultAuthMethod.Kubernetes;
    const settings: VaultAuthSettings = {
        name, method,
        namespace: r?.string("namespace", NAMESPACE) ?? DEFAULTS.vaultAuthNamespace,
        role: r?.string("role", { required: true, test: (v) => NAME.test(v), problem: "is not a role name", fix: "the Vault role to log in as, e.g. \"k8s-vault-op\"" }) ?? "",
        mount: r?.string("mount", MOUNT) ?? (kubernetes ? auth.path : DEFAULTS.appRoleMount),
        createServiceAccount: false,
    };
    if (!r) return settings;
    if (kubernetes) {
        settings.serviceAccountName = r.string("serviceAccountName", { required: true, ...K8S_NAME, fix: "the service account of this namespace to log in as, e.g. \"vso-auth\"" });
        settings.createServiceAccount = r.boolean("createServiceAccount") ?? true;
        settings.audiences = r.strings("audiences", { nonEmpty: true, fix: "e.g. [\"vault\"]" });
        r.refuse(["secretIdTtl", "secretIdCidrs"], "only applies to method \"appRole\"", "remove it");
        if (settings.serviceAccountName) {
            checkLogin(p, field, auth, settings.mount, settings.role, { serviceAccount: settings.serviceAccountName, namespace: settings.namespace, audiences: settings.audiences });
        }
    } else {
        settings.secretIdTtl = r.string("secretIdTtl", TTL);
        settings.secretIdCidrs = r.strings("secretIdCidrs", { test: isCidr, problem: "is not a CIDR block", fix: "e.g. \"10.0.0.0/16\"" });
        r.refuse(["serviceAccountName", "createServiceAccount", "audiences"], "only applies to method \"kubernetes\"", "remove it");
        if (settings.mount === auth.path) p.add(`${field}.mount`, settings.mount, "is this cluster's Kubernetes auth mount, not an AppRole mount", "name the AppRole mount (default \"approle\")");
    }
    return settings;
}

function resolveExternalSecrets(p: Problems, r: ArgReader | undefined, auth: AuthSettings): ExternalSecretsSettings | undefined {
    if (!r) return undefined;
    const namespace = r.string("namespace", NAMESPACE) ?? DEFAULTS.externalSecretsNamespace;
    const stores = r.entries("stores").map((e): SecretStoreSettings => {
        if (!isDnsName(e.name)) p.add(e.field, e.name, "is not a Kubernetes object name", "lower-case letters, digits, '-' and '.'");
        const s = ArgReader.of(p, e.field, e.value, KEYS.store, true);
        const kind = s?.oneOf("kind", ConsumerSecretStoreKind) ?? ConsumerSecretStoreKind.SecretStore;
        const cluster = kind === ConsumerSecretStoreKind.ClusterSecretStore;
        const store: SecretStoreSettings = {
            name: e.name, kind,
            namespace: cluster ? undefined : s?.string("namespace", NAMESPACE) ?? namespace,
            role: s?.string("role", { required: true, test: (v) => NAME.test(v), problem: "is not a role name", fix: "a role of kubernetesAuth, e.g. \"external-secrets\"" }) ?? "",
            authPath: auth.path,
            kvMount: s?.string("kvMount", { required: true, ...MOUNT }) ?? "",
            kvVersion: s?.oneOf("kvVersion", ConsumerKvVersion) ?? ConsumerKvVersion.V2,
            serviceAccountName: s?.string("serviceAccountName", K8S_NAME) ?? DEFAULTS.externalSecretsServiceAccount,
            serviceAccountNamespace: cluster ? s?.string("serviceAccountNamespace", NAMESPACE) ?? namespace : undefined,
            audiences: s?.strings("audiences", { nonEmpty: true, fix: "e.g. [\"vault\"]" }),
        };
        if (cluster) s?.refuse(["namespace"], "only applies to a SecretStore (a ClusterSecretStore has no namespace)", "remove it, or use serviceAccountNamespace");
        else s?.refuse(["serviceAccountNamespace"], "only applies to a ClusterSecretStore (a SecretStore's service account is in its own namespace)", "remove it");
        checkLogin(p, e.field, auth, auth.path, store.role, { serviceAccount: store.serviceAccountName, namespace: store.serviceAccountNamespace ?? store.namespace!, audiences: store.audiences });
        return store;
    });
    return { chart: resolveChart(r.object("chart", KEYS.chart), CONSUMER_CHARTS.externalSecrets, RELEASE_NAMES.externalSecrets, namespace), stores };
}
