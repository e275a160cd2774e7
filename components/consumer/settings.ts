import * as pulumi from "@pulumi/pulumi";
import type { KubernetesAuthRole } from "../config/args";
import { DEFAULT_CHART_REPOSITORY, DEFAULT_CHART_VERSION } from "../chart/settings";
import { Problems, REDACTED, checkWhenKnown, isCidr, isDnsLabel, isDnsName, isDuration, isMountPath, isPolicyPath, isVaultUrl, knownNow, mapKnown } from "../validation";
import type {
    ConsumerChart, ConsumerCsi, ConsumerDynamicSecret, ConsumerExternalSecrets, ConsumerKubernetesAuth, ConsumerSecretsOperator,
    ConsumerStaticSecret, ConsumerVaultAuth, VaultConsumerClusterArgs,
} from "./args";
import { ConsumerKvVersion, ConsumerSecretStoreKind, ConsumerTokenReview, ConsumerVaultAuthMethod } from "./args";
import { isApiServerUrl, parseCaCert } from "./certificates";

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

/** A check of a string argument's meaning (its type is checked before): what a valid value is, and what to say otherwise. */
interface Rule {
    test: (value: string) => boolean;
    problem: string;
    fix: string;
}

const NAME = /^[A-Za-z0-9_.-]+$/;
const NAMESPACE: Rule = { test: (v) => isDnsLabel(v), problem: "is not a namespace name (a DNS-1123 label)", fix: "e.g. \"vault-consumer\"" };
const K8S_NAME: Rule = { test: (v) => isDnsName(v), problem: "is not a Kubernetes object name (a DNS-1123 subdomain)", fix: "lower-case letters, digits, '-' and '.'" };
const MOUNT: Rule = { test: isMountPath, problem: "is not a mount path", fix: "no leading or trailing slash and no spaces, e.g. \"eks-apps\"" };
const TTL: Rule = { test: isDuration, problem: "is not a Vault duration", fix: "seconds (\"3600\") or a duration such as \"20m\", \"1h\", \"720h\"" };
/** VSO's `refreshAfter` pattern (its CRD), a subset of Vault durations. */
const REFRESH: Rule = { test: (v) => /^([0-9]+(\.[0-9]+)?(s|m|h))$/.test(v), problem: "is not a duration the operator accepts", fix: "e.g. \"30s\", \"1m\", \"24h\"" };
const roleName = (fix: string): Rule => ({ test: (v) => NAME.test(v), problem: "is not a role name", fix });
const nonEmpty = (fix: string): Rule => ({ test: (v) => v.length > 0, problem: "is empty", fix });

/** The value when it is absent or passes `rule`; else a problem naming the field, and undefined (the caller's default stands in). */
function follows(p: Problems, field: string, value: string | undefined, rule: Rule): string | undefined {
    return value === undefined || p.check(rule.test(value), field, value, rule.problem, rule.fix) ? value : undefined;
}

/** The list when it is absent or every item passes `rule`; else a problem for each item that does not, and undefined. */
function allFollow(p: Problems, field: string, values: string[] | undefined, rule: Rule): string[] | undefined {
    const passed = values?.map((v, i) => follows(p, `${field}[${i}]`, v, rule) !== undefined);
    return passed?.includes(false) ? undefined : values;
}

/** Refuses the given fields of `value` where they do not apply (`because` says why). */
function refuse(p: Problems, field: string, value: object, keys: readonly string[], because: string, fix: string): void {
    for (const key of keys.filter((k) => (value as Record<string, unknown>)[k] !== undefined)) p.add(`${field}.${key}`, REDACTED, because, fix);
}

const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, "");

/** A CA certificate (PEM or base64 of PEM) that may be another resource's output: parsed now or once known, settled as PEM. */
function caCertPem(p: Problems, subject: string, field: string, value: pulumi.Input<string>, fix: string): pulumi.Input<string> {
    const checked = checkWhenKnown(p, subject, value, (q, v) => {
        const ca = parseCaCert(v);
        if ("problem" in ca) q.add(field, v.length > 40 ? `${v.slice(0, 37)}...` : v, ca.problem, fix);
    });
    return mapKnown(checked, (v) => {
        const ca = parseCaCert(v);
        return "pem" in ca ? ca.pem : v;
    });
}

/** A URL that may be another resource's output: checked against `rule` now or once known, settled without trailing slashes. */
function url(p: Problems, subject: string, field: string, value: pulumi.Input<string>, rule: Rule): pulumi.Input<string> {
    return mapKnown(checkWhenKnown(p, subject, value, (q, v) => follows(q, field, v, rule)), withoutTrailingSlash);
}

/**
 * Checks the meaning of a VaultConsumerCluster's arguments, once their types are checked (`checkArgTypes`), and settles
 * their defaults: every problem is collected with the field named, and the values that other resources provide
 * (address, CAs, host, kubeconfig) are checked once known, failing then for `subject`.
 */
export function resolveConsumerSettings(p: Problems, name: string, args: VaultConsumerClusterArgs, subject: string): ConsumerSettings {
    const vaultAddress = url(p, subject, "vaultAddress", args.vaultAddress,
        { test: (v: string) => isVaultUrl(v), problem: "is not an https URL of Vault", fix: "e.g. VaultCluster.externalAddress, \"https://vault.example.com\"" });
    const vaultCaCertPem = args.vaultCaCertPem === undefined ? undefined
        : caCertPem(p, subject, "vaultCaCertPem", args.vaultCaCertPem, "pass the PEM of the CA that signed Vault's certificate");
    if (knownNow(args.vaultAddress)?.startsWith("http://") && args.vaultCaCertPem !== undefined) {
        p.add("vaultCaCertPem", "<pem>", "is given for a plain http vaultAddress", "use Vault's https address, or drop the CA");
    }
    const namespace = follows(p, "namespace", args.namespace, NAMESPACE) ?? DEFAULTS.namespace;

    const auth = resolveAuth(p, name, subject, args.kubernetesAuth);
    const injector = enabled(args.injector);
    const csi = enabled(args.csi);
    const agent = injector || csi
        ? {
              chart: resolveChart(p, "vaultChart", args.vaultChart, CONSUMER_CHARTS.vault, RELEASE_NAMES.vault, namespace),
              injector: injector ? { replicas: injector.replicas ?? DEFAULTS.injectorReplicas } : undefined,
              csi: csi !== undefined,
          }
        : undefined;
    if (!agent && args.vaultChart !== undefined) p.add("vaultChart", "<chart>", "applies to the injector and the CSI provider, and neither is enabled", "enable injector or csi, or remove vaultChart");
    const csiDriver = csi && (csi.installDriver ?? true) ? resolveCsiDriver(p, csi) : undefined;
    if (csi && !csiDriver) refuse(p, "csi", csi, ["driverNamespace", "syncSecrets", "rotationPollInterval", "driverChart"], "configures the driver, which installDriver: false leaves out", "remove it");

    const secretsOperator = resolveSecretsOperator(p, enabled(args.secretsOperator), auth);
    const externalSecrets = resolveExternalSecrets(p, enabled(args.externalSecrets), auth);

    if (!auth.createMount && auth.roles.length === 0 && !agent && !secretsOperator && !externalSecrets) {
        p.add("kubernetesAuth.createMount", false, "leaves this component nothing to do (no mount, no roles, no integration)",
            "create the mount, add roles, or enable an integration");
    }
    const namespaces = args.createNamespaces ?? true
        ? [...new Set([auth.reviewer?.namespace, agent?.chart.namespace, secretsOperator?.chart.namespace, externalSecrets?.chart.namespace].filter((n): n is string => !!n))]
              .filter((n) => n !== "kube-system" && n !== "default")
        : [];
    return { name, vaultAddress, vaultCaCertPem, auth, namespaces, namespace, agent, csiDriver, secretsOperator, externalSecrets };
}

/** An integration that is present and not switched off. */
function enabled<T extends { enabled?: boolean }>(integration: T | undefined): T | undefined {
    return integration && (integration.enabled ?? true) ? integration : undefined;
}

function resolveChart(p: Problems, field: string, c: ConsumerChart | undefined, source: ChartSource, releaseName: string, namespace: string): ChartSettings {
    return {
        chart: source.chart,
        version: follows(p, `${field}.version`, c?.version,
            { test: (v) => /^v?\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(v), problem: "is not a chart version", fix: `e.g. "${source.version}"` }) ?? source.version,
        repository: follows(p, `${field}.repository`, c?.repository,
            { test: (v) => /^(https|oci):\/\/\S+$/.test(v), problem: "is not a chart repository URL", fix: `e.g. "${source.repository}"` }) ?? source.repository,
        values: c?.values ?? {},
        timeoutSeconds: c?.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
        releaseName,
        namespace,
    };
}

function resolveAuth(p: Problems, name: string, subject: string, a: ConsumerKubernetesAuth): AuthSettings {
    const field = (key: string) => `kubernetesAuth.${key}`;
    const path = follows(p, field("path"), a.path, MOUNT) ?? "";
    if (path === "token" || path.startsWith("token/")) p.add(field("path"), path, "is Vault's token auth method", "choose another mount path, e.g. \"eks-apps\"");
    const createMount = a.createMount ?? true;
    const tokenReview = a.tokenReview ?? ConsumerTokenReview.ReviewerToken;
    const roles = Object.entries(a.roles ?? {}).map(([roleName, role]) => resolveRole(p, roleName, field(`roles.${roleName}`), role, tokenReview, createMount));
    const settings: AuthSettings = { path, createMount, tokenReview, roles, description: `Kubernetes auth for cluster ${name}` };
    if (!createMount) {
        refuse(p, "kubernetesAuth", a, ["host", "caCert", "kubeconfig", "kubeconfigContext", "tokenReview", "reviewerNamespace", "reviewerServiceAccountName", "issuer", "description"],
            "configures a mount, and createMount is false (an existing mount is used as it is)", "remove it, or set createMount: true");
        return settings;
    }
    const host = a.host === undefined ? undefined
        : url(p, subject, field("host"), a.host, { test: isApiServerUrl, problem: "is not an https URL of a Kubernetes API server", fix: "e.g. the EKS cluster's endpoint output" });
    const caCert = a.caCert === undefined ? undefined
        : caCertPem(p, subject, field("caCert"), a.caCert, "pass the API server's CA certificate as PEM or base64 of PEM");
    const kubeconfig = a.kubeconfig === undefined ? undefined : checkWhenKnown(p, subject, a.kubeconfig, (q, v) =>
        follows(q, field("kubeconfig"), v, { test: (text) => text.trim().length > 0, problem: "is empty", fix: "pass kubeconfig text (YAML or JSON)" }));
    const kubeconfigContext = follows(p, field("kubeconfigContext"), a.kubeconfigContext, nonEmpty("a context name of the kubeconfig"));
    if (a.kubeconfig !== undefined) {
        refuse(p, "kubernetesAuth", a, ["host", "caCert"], "comes from kubeconfig when kubeconfig is given", "give either kubeconfig or host and caCert");
    } else {
        if (a.host === undefined) p.add(field("host"), undefined, "is required to create the mount", "pass this cluster's API server URL (an EKS cluster's endpoint), or kubeconfig");
        if (a.caCert === undefined) p.add(field("caCert"), undefined, "is required to create the mount", "pass the API server's CA (an EKS cluster's certificateAuthority.data), or kubeconfig");
        refuse(p, "kubernetesAuth", a, ["kubeconfigContext"], "only applies with kubeconfig", "remove it, or pass kubeconfig");
    }
    let reviewer: AuthSettings["reviewer"];
    if (tokenReview === ConsumerTokenReview.ReviewerToken) {
        reviewer = {
            namespace: follows(p, field("reviewerNamespace"), a.reviewerNamespace, NAMESPACE) ?? DEFAULTS.reviewerNamespace,
            serviceAccountName: follows(p, field("reviewerServiceAccountName"), a.reviewerServiceAccountName, K8S_NAME) ?? DEFAULTS.reviewerServiceAccountName,
        };
    } else {
        refuse(p, "kubernetesAuth", a, ["reviewerNamespace", "reviewerServiceAccountName"], "names the reviewer service account, which tokenReview \"client-token\" does not create",
            "remove it, or use tokenReview \"reviewer-token\"");
    }
    return {
        ...settings,
        api: { host, caCert, kubeconfig, kubeconfigContext },
        reviewer,
        issuer: follows(p, field("issuer"), a.issuer, { test: (v) => /^\S+$/.test(v), problem: "is not an issuer", fix: "e.g. \"https://kubernetes.default.svc.cluster.local\"" }),
        description: a.description ?? settings.description,
    };
}

function resolveRole(p: Problems, name: string, field: string, r: KubernetesAuthRole, tokenReview: ConsumerTokenReview, createMount: boolean): NamedRole {
    if (!NAME.test(name)) p.add(field, name, "is not a role name", "use letters, digits, '_', '-' and '.'");
    const { serviceAccountNames, namespaces } = r;
    const role: NamedRole = {
        name, serviceAccountNames, namespaces,
        policies: allFollow(p, `${field}.policies`, r.policies, { test: (v) => NAME.test(v), problem: "is not a policy name", fix: "e.g. [\"my-app-read\"]" }) ?? [],
        ttl: follows(p, `${field}.ttl`, r.ttl, TTL), maxTtl: follows(p, `${field}.maxTtl`, r.maxTtl, TTL), audience: follows(p, `${field}.audience`, r.audience, nonEmpty("e.g. \"vault\"")),
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

function resolveCsiDriver(p: Problems, csi: ConsumerCsi): CsiDriverSettings {
    const namespace = follows(p, "csi.driverNamespace", csi.driverNamespace, NAMESPACE) ?? DEFAULTS.csiDriverNamespace;
    return {
        chart: resolveChart(p, "csi.driverChart", csi.driverChart, CONSUMER_CHARTS.csiDriver, RELEASE_NAMES.csiDriver, namespace),
        syncSecrets: csi.syncSecrets ?? false,
        rotationPollInterval: follows(p, "csi.rotationPollInterval", csi.rotationPollInterval,
            { test: (v) => /^(\d+(\.\d+)?(ms|s|m|h))+$/.test(v), problem: "is not a duration", fix: "e.g. \"2m\"" }),
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

function resolveSecretsOperator(p: Problems, so: ConsumerSecretsOperator | undefined, auth: AuthSettings): SecretsOperatorSettings | undefined {
    if (!so) return undefined;
    const namespace = follows(p, "secretsOperator.namespace", so.namespace, NAMESPACE) ?? DEFAULTS.secretsOperatorNamespace;
    const auths = Object.entries(so.auths ?? {}).map(([name, a]) => resolveVaultAuth(p, name, `secretsOperator.auths.${name}`, a, auth));
    const destinations = new Map<string, string>();
    const secretBase = (name: string, field: string, s: ConsumerStaticSecret | ConsumerDynamicSecret) => {
        if (!isDnsName(name)) p.add(field, name, "is not a Kubernetes object name", "lower-case letters, digits, '-' and '.'");
        const vaultAuth = auths.find((x) => x.name === s.auth);
        if (!vaultAuth) p.add(`${field}.auth`, s.auth, "is not a key of secretsOperator.auths", `use one of: ${auths.map((x) => x.name).join(", ") || "(define auths first)"}`);
        const destination = follows(p, `${field}.destination`, s.destination, K8S_NAME) ?? name;
        if (vaultAuth) {
            // One Secret per name and namespace: two objects writing the same Secret would overwrite each other.
            const key = `${vaultAuth.namespace}/${destination}`;
            if (destinations.has(key)) p.add(`${field}.destination`, destination, `is also written by ${destinations.get(key)}`, "give each synced secret its own destination");
            destinations.set(key, field);
        }
        return {
            vaultAuth, destination,
            mount: follows(p, `${field}.mount`, s.mount, MOUNT) ?? "",
            path: follows(p, `${field}.path`, s.path, { test: isPolicyPath, problem: "is not a Vault path", fix: "e.g. \"k8s/testdata/secret\" or \"creds/my-role\"" }) ?? "",
        };
    };
    const staticSecrets = Object.entries(so.staticSecrets ?? {}).flatMap(([name, s]): StaticSecretSettings[] => {
        const field = `secretsOperator.staticSecrets.${name}`;
        const b = secretBase(name, field, s);
        if (!b.vaultAuth) return [];
        return [{
            name, auth: b.vaultAuth, mount: b.mount, path: b.path.replace(/^data\//, ""), destination: b.destination,
            kvVersion: s.kvVersion ?? ConsumerKvVersion.V2,
            refreshAfter: follows(p, `${field}.refreshAfter`, s.refreshAfter, REFRESH) ?? DEFAULTS.refreshAfter,
        }];
    });
    const dynamicSecrets = Object.entries(so.dynamicSecrets ?? {}).flatMap(([name, s]): DynamicSecretSettings[] => {
        const b = secretBase(name, `secretsOperator.dynamicSecrets.${name}`, s);
        if (!b.vaultAuth) return [];
        return [{ name, auth: b.vaultAuth, mount: b.mount, path: b.path, destination: b.destination, renewalPercent: s.renewalPercent, revoke: s.revoke }];
    });
    return {
        chart: resolveChart(p, "secretsOperator.chart", so.chart, CONSUMER_CHARTS.secretsOperator, RELEASE_NAMES.secretsOperator, namespace),
        connection: { name: "default", namespace },
        auths, staticSecrets, dynamicSecrets,
    };
}

function resolveVaultAuth(p: Problems, name: string, field: string, a: ConsumerVaultAuth, auth: AuthSettings): VaultAuthSettings {
    if (!isDnsName(name)) p.add(field, name, "is not a Kubernetes object name", "lower-case letters, digits, '-' and '.'");
    const kubernetes = a.method === ConsumerVaultAuthMethod.Kubernetes;
    const settings: VaultAuthSettings = {
        name, method: a.method,
        namespace: follows(p, `${field}.namespace`, a.namespace, NAMESPACE) ?? DEFAULTS.vaultAuthNamespace,
        role: follows(p, `${field}.role`, a.role, roleName("the Vault role to log in as, e.g. \"k8s-vault-op\"")) ?? "",
        mount: follows(p, `${field}.mount`, a.mount, MOUNT) ?? (kubernetes ? auth.path : DEFAULTS.appRoleMount),
        createServiceAccount: false,
    };
    if (kubernetes) {
        const fix = "the service account of this namespace to log in as, e.g. \"vso-auth\"";
        if (a.serviceAccountName === undefined) p.add(`${field}.serviceAccountName`, undefined, "is required", fix);
        settings.serviceAccountName = follows(p, `${field}.serviceAccountName`, a.serviceAccountName, { ...K8S_NAME, fix });
        settings.createServiceAccount = a.createServiceAccount ?? true;
        settings.audiences = a.audiences;
        refuse(p, field, a, ["secretIdTtl", "secretIdCidrs"], "only applies to method \"appRole\"", "remove it");
        if (settings.serviceAccountName) {
            checkLogin(p, field, auth, settings.mount, settings.role, { serviceAccount: settings.serviceAccountName, namespace: settings.namespace, audiences: settings.audiences });
        }
    } else {
        settings.secretIdTtl = follows(p, `${field}.secretIdTtl`, a.secretIdTtl, TTL);
        settings.secretIdCidrs = allFollow(p, `${field}.secretIdCidrs`, a.secretIdCidrs, { test: isCidr, problem: "is not a CIDR block", fix: "e.g. \"10.0.0.0/16\"" });
        refuse(p, field, a, ["serviceAccountName", "createServiceAccount", "audiences"], "only applies to method \"kubernetes\"", "remove it");
        if (settings.mount === auth.path) p.add(`${field}.mount`, settings.mount, "is this cluster's Kubernetes auth mount, not an AppRole mount", "name the AppRole mount (default \"approle\")");
    }
    return settings;
}

function resolveExternalSecrets(p: Problems, es: ConsumerExternalSecrets | undefined, auth: AuthSettings): ExternalSecretsSettings | undefined {
    if (!es) return undefined;
    const namespace = follows(p, "externalSecrets.namespace", es.namespace, NAMESPACE) ?? DEFAULTS.externalSecretsNamespace;
    const stores = Object.entries(es.stores ?? {}).map(([name, s]): SecretStoreSettings => {
        const field = `externalSecrets.stores.${name}`;
        if (!isDnsName(name)) p.add(field, name, "is not a Kubernetes object name", "lower-case letters, digits, '-' and '.'");
        const kind = s.kind ?? ConsumerSecretStoreKind.SecretStore;
        const cluster = kind === ConsumerSecretStoreKind.ClusterSecretStore;
        const store: SecretStoreSettings = {
            name, kind,
            namespace: cluster ? undefined : follows(p, `${field}.namespace`, s.namespace, NAMESPACE) ?? namespace,
            role: follows(p, `${field}.role`, s.role, roleName("a role of kubernetesAuth, e.g. \"external-secrets\"")) ?? "",
            authPath: auth.path,
            kvMount: follows(p, `${field}.kvMount`, s.kvMount, MOUNT) ?? "",
            kvVersion: s.kvVersion ?? ConsumerKvVersion.V2,
            serviceAccountName: follows(p, `${field}.serviceAccountName`, s.serviceAccountName, K8S_NAME) ?? DEFAULTS.externalSecretsServiceAccount,
            serviceAccountNamespace: cluster ? follows(p, `${field}.serviceAccountNamespace`, s.serviceAccountNamespace, NAMESPACE) ?? namespace : undefined,
            audiences: s.audiences,
        };
        if (cluster) refuse(p, field, s, ["namespace"], "only applies to a SecretStore (a ClusterSecretStore has no namespace)", "remove it, or use serviceAccountNamespace");
        else refuse(p, field, s, ["serviceAccountNamespace"], "only applies to a ClusterSecretStore (a SecretStore's service account is in its own namespace)", "remove it");
        checkLogin(p, field, auth, auth.path, store.role, { serviceAccount: store.serviceAccountName, namespace: store.serviceAccountNamespace ?? store.namespace!, audiences: store.audiences });
        return store;
    });
    return { chart: resolveChart(p, "externalSecrets.chart", es.chart, CONSUMER_CHARTS.externalSecrets, RELEASE_NAMES.externalSecrets, namespace), stores };
}
