import * as pulumi from "@pulumi/pulumi";
import { ServiceAccount } from "@pulumi/kubernetes/core/v1/serviceAccount";
import { Policy } from "@pulumi/vault/policy";
import { AuthBackendRole as KubernetesAuthBackendRole } from "@pulumi/vault/kubernetes/authBackendRole";
import { Problems, durationSeconds, isDnsLabel, isDnsName, isDuration, isMountPath, isVaultPath } from "../validation";
import { TYPE_PREFIX } from "../typeTokens";
import { CSI_CA_CERT_PATH } from "../chart/values";
import { clusterNames } from "../cluster/names";
import type { PolicyRule } from "./args";
import { kvV2Paths, renderPolicy } from "./policy";

/** One secret an application reads, written by the agent to `/vault/secrets/<file>`. */
export interface AppSecretArgs {
    /** KV mount, e.g. `my-kv`. */
    mount: string;
    /** Path inside the mount, e.g. `my-secret` (the `vault kv get` path, without `data/`). */
    path: string;
    /** KV version of the mount. Default 2. */
    version?: 1 | 2;
    /** Vault Agent template for the file (`agent-inject-template-<file>`), e.g. an env file or a connection string. */
    template?: string;
    /** CSI: the keys to expose, each as its own file `<file>-<key>`. Default: the whole secret as JSON in `<file>`. */
    keys?: string[];
}

export interface VaultAppAccessArgs {
    /** Namespace of the application. */
    namespace: string;
    /** Service account the application's pods run as. */
    serviceAccountName: string;
    /** Create the service account. Default `true`. */
    createServiceAccount?: boolean;
    /** Secrets by file name. */
    secrets: Record<string, AppSecretArgs>;
    /** Kubernetes auth mount path. Default `"kubernetes"`. */
    authPath?: string;
    /** Vault role name. Default: the component name. */
    roleName?: string;
    /** Policy name. Default `"<component name>-read"`. */
    policyName?: string;
    /** Token TTL. Default `"1h"`. */
    ttl?: string;
    /** Audience the service account token must carry. */
    audience?: string;
    /** Vault address for CSI parameters. Default `https://vault.vault.svc:8200`; pass `VaultCluster.address`. */
    vaultAddress?: pulumi.Input<string>;
}

/** The application's secrets as policy rules: read on each secret's API path. */
export function appPolicyRules(secrets: Record<string, AppSecretArgs>): PolicyRule[] {
    const paths = [...new Set(Object.values(secrets).map(apiPath))];
    return paths.map((path) => ({ path, capabilities: ["read"] }));
}

/** `my-kv` + `my-secret` → `my-kv/data/my-secret` (KV v2) or `my-kv/my-secret` (v1). */
export function apiPath(s: AppSecretArgs): string {
    return (s.version ?? 2) === 2 ? kvV2Paths(s.mount, s.path).data : `${s.mount}/${s.path.replace(/^\/+/, "")}`;
}

/** Pod annotations for the Vault Agent injector. */
export function injectorAnnotations(role: string, secrets: Record<string, AppSecretArgs>, authPath = "kubernetes"): Record<string, string> {
    const annotations: Record<string, string> = {
        "vault.hashicorp.com/agent-inject": "true",
        "vault.hashicorp.com/role": role,
    };
    if (authPath !== "kubernetes") annotations["vault.hashicorp.com/auth-path"] = `auth/${authPath}`;
    for (const [file, s] of Object.entries(secrets)) {
        annotations[`vault.hashicorp.com/agent-inject-secret-${file}`] = apiPath(s);
        if (s.template) annotations[`vault.hashicorp.com/agent-inject-template-${file}`] = s.template;
    }
    return annotations;
}

/** `spec.parameters` of a secrets-store CSI SecretProviderClass with `provider: vault`. */
export function csiParameters(vaultAddress: string, role: string, secrets: Record<string, AppSecretArgs>, authPath = "kubernetes"): Record<string, string> {
    const objects = Object.entries(secrets).flatMap(([file, s]) =>
        s.keys?.length ? s.keys.map((key) => ({ objectName: `${file}-${key}`, secretPath: apiPath(s), secretKey: key })) : [{ objectName: file, secretPath: apiPath(s) }]);
    // JSON strings are valid YAML scalars: the provider parses this list as YAML.
    const yaml = objects.map((o) => Object.entries(o).map(([k, v], i) => `${i === 0 ? "- " : "  "}${k}: ${JSON.stringify(v)}`).join("\n")).join("\n");
    return { vaultAddress, roleName: role, vaultKubernetesMountPath: authPath, vaultCACertPath: CSI_CA_CERT_PATH, objects: `${yaml}\n` };
}

/**
 * The one-call way to give an application its secrets: its service account, a read policy for exactly its
 * secrets, a Kubernetes auth role binding the two, and what its pods need: injector annotations and the parameters
 * of a CSI SecretProviderClass. Pass the Vault provider in `opts.provider` (and the Kubernetes one in `providers`).
 */
export class VaultAppAccess extends pulumi.ComponentResource {
    readonly roleName: string;
    readonly policyName: string;
    readonly policyHcl: string;
    readonly serviceAccountName: string;
    readonly namespace: string;
    /** Annotations for the pod template: `agent-inject`, `role`, `agent-inject-secret-<file>`, templates. */
    readonly podAnnotations: Record<string, string>;
    /** `spec.parameters` for a SecretProviderClass (provider `vault`). */
    readonly csiParameters: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: VaultAppAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        validateAppAccess(name, args);
        super(`${TYPE_PREFIX}:index:VaultAppAccess`, name, {}, opts);
        const authPath = args.authPath ?? "kubernetes";
        this.roleName = args.roleName ?? name;
        this.policyName = args.policyName ?? `${name}-read`;
        this.serviceAccountName = args.serviceAccountName;
        this.namespace = args.namespace;
        this.policyHcl = renderPolicy(appPolicyRules(args.secrets));
        this.podAnnotations = injectorAnnotations(this.roleName, args.secrets, authPath);
        this.csiParameters = pulumi.output(args.vaultAddress ?? clusterNames("vault", "vault", 1).address)
            .apply((address) => csiParameters(address, this.roleName, args.secrets, authPath));

        const parent = { parent: this };
        if (args.createServiceAccount ?? true) {
            new ServiceAccount(`${name}-sa`, { metadata: { name: args.serviceAccountName, namespace: args.namespace } }, parent);
        }
        const policy = new Policy(`${name}-policy`, { name: this.policyName, policy: this.policyHcl }, parent);
        new KubernetesAuthBackendRole(`${name}-role`, {
            backend: authPath,
            roleName: this.roleName,
            boundServiceAccountNames: [args.serviceAccountName],
            boundServiceAccountNamespaces: [args.namespace],
            tokenPolicies: [policy.name],
            tokenTtl: durationSeconds(args.ttl ?? "1h"),
            audience: args.audience,
        }, parent);
        this.registerOutputs({ roleName: this.roleName, policyName: this.policyName, podAnnotations: this.podAnnotations, csiParameters: this.csiParameters });
    }
}

function validateAppAccess(name: string, a: VaultAppAccessArgs): void {
    const p = new Problems();
    p.check(isDnsLabel(a.namespace), "namespace", a.namespace, "is not a namespace name", "e.g. \"default\"");
    p.check(isDnsName(a.serviceAccountName), "serviceAccountName", a.serviceAccountName, "is not a service account name", "e.g. \"internal-app\"");
    const files = Object.entries(a.secrets ?? {});
    p.check(files.length > 0, "secrets", a.secrets, "must name at least one secret", "e.g. { config: { mount: \"my-kv\", path: \"my-secret\" } }");
    for (const [file, s] of files) {
        p.check(/^[A-Za-z0-9._-]+$/.test(file), `secrets.${file}`, file, "is not a file name", "use letters, digits, '.', '_' and '-'");
        p.check(isMountPath(s.mount), `secrets.${file}.mount`, s.mount,
            "is not a mount path", "no leading or trailing slash and no spaces, e.g. \"my-kv\"");
        p.check(isVaultPath(s.path), `secrets.${file}.path`, s.path, "is not a secret path",
            "the path inside the mount without data/, e.g. \"my-secret\"");
    }
    if (a.ttl !== undefined) p.check(isDuration(a.ttl), "ttl", a.ttl, "is not a Vault duration", "e.g. \"1h\"");
    p.throwIfAny(`VaultAppAccess "${name}"`);
}
