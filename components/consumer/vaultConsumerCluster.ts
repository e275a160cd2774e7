import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import { ServiceAccount } from "@pulumi/kubernetes/core/v1/serviceAccount";
import { Release } from "@pulumi/kubernetes/helm/v3/release";
import { ClusterRoleBinding } from "@pulumi/kubernetes/rbac/v1/clusterRoleBinding";
import { AuthBackend } from "@pulumi/vault/authBackend";
import { AuthBackendConfig as KubernetesAuthBackendConfig } from "@pulumi/vault/kubernetes/authBackendConfig";
import { AuthBackendRole as KubernetesAuthBackendRole } from "@pulumi/vault/kubernetes/authBackendRole";
import { AuthBackendRoleSecretId } from "@pulumi/vault/approle/authBackendRoleSecretId";
import { getAuthBackendRoleIdOutput } from "@pulumi/vault/approle/getAuthBackendRoleId";
import { durationSeconds } from "../validation";
import { validateArgs } from "../args/typeCheck";
import { TYPE_PREFIX } from "../typeTokens";
import { ConsumerVaultAuthMethod } from "./args";
import type { VaultConsumerClusterArgs } from "./args";
import { KubernetesApi, kubeconfigApi } from "./certificates";
import { CSI_CA_SECRET, VaultEndpoint, agentValues, csiDriverValues, externalSecretsValues, secretsOperatorValues } from "./chartValues";
import { Manifest, VSO_CA_SECRET, secretIdSecretName, secretStore, vaultAuth, vaultConnection, vaultDynamicSecret, vaultStaticSecret } from "./customResources";
import { ChartSettings, ConsumerSettings, SecretsOperatorSettings, resolveConsumerSettings } from "./settings";
import { clientTokenReviewBinding, reviewerManifests } from "./tokenReview";

/** Validates a VaultConsumerCluster's arguments (types, then meaning) before anything is registered. */
export function validateConsumer(name: string, args: VaultConsumerClusterArgs): ConsumerSettings {
    return validateArgs("VaultConsumerCluster", name, args, (p, checked, subject) => resolveConsumerSettings(p, name, checked, subject));
}

/** Seconds for the Vault provider, which takes TTLs as numbers. */
const seconds = (d: string | undefined): number | undefined => (d === undefined ? undefined : durationSeconds(d));

/**
 * One Kubernetes cluster that consumes a Vault: the same cluster Vault runs in, or another one. On that cluster
 * (through `opts.providers.kubernetes`) it creates what Vault needs to review tokens and the integrations asked for,
 * each a pinned Helm release wired to this Vault (injector, Secrets Store CSI driver and Vault CSI provider, Vault
 * Secrets Operator, External Secrets) with their custom resources; in Vault (through `opts.providers.vault`) the
 * cluster's Kubernetes auth mount, configured from the cluster's host and CA, and its roles.
 */
export class VaultConsumerCluster extends pulumi.ComponentResource {
    /** Vault mount path of this cluster's Kubernetes auth (`auth/<path>`). */
    readonly authPath: pulumi.Output<string>;
    /** `<namespace>/<name>` of the operator's VaultConnection, for the `vaultConnectionRef` of your own VaultAuth objects. Set with secretsOperator. */
    readonly vaultConnectionRef?: pulumi.Output<string>;

    constructor(name: string, args: VaultConsumerClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = validateConsumer(name, args);
        super(`${TYPE_PREFIX}:index:VaultConsumerCluster`, name, {}, opts);

        const wiring = new Wiring(this, s, opts?.dependsOn);
        wiring.tokenReview();
        this.authPath = wiring.vaultSide();
        wiring.kubernetesSide();
        if (s.secretsOperator) this.vaultConnectionRef = pulumi.output(`${s.secretsOperator.connection.namespace}/${s.secretsOperator.connection.name}`);
        this.registerOutputs({ authPath: this.authPath, vaultConnectionRef: this.vaultConnectionRef });
    }
}

/** Creates the component's children from its settings: the thin constructor above only orders the two sides. */
class Wiring {
    private readonly subject: string;
    private readonly vault: pulumi.Output<VaultEndpoint>;
    private readonly namespaces = new Map<string, Namespace>();
    /** The reviewer's token, once the token controller has filled its Secret. */
    private reviewerJwt?: pulumi.Output<string>;

    constructor(private readonly parent: VaultConsumerCluster, private readonly s: ConsumerSettings, private readonly dependsOn: pulumi.ResourceOptions["dependsOn"]) {
        this.subject = `VaultConsumerCluster "${s.name}"`;
        this.vault = pulumi.all([s.vaultAddress, s.vaultCaCertPem]).apply(([address, caCertPem]) => ({ address, caCertPem }));
        for (const ns of s.namespaces) this.namespaces.set(ns, new Namespace(`${s.name}-ns-${ns}`, { metadata: { name: ns } }, { parent }));
    }

    private name(suffix: string): string {
        return `${this.s.name}-${suffix}`;
    }

    /** Options of a Kubernetes object in `namespace`: after the namespace when this component creates it. */
    private inNamespace(namespace: string | undefined, dependsOn: pulumi.Resource[] = []): pulumi.CustomResourceOptions {
        const ns = namespace === undefined ? undefined : this.namespaces.get(namespace);
        return { parent: this.parent, dependsOn: [...(ns ? [ns] : []), ...dependsOn] };
    }

    /** Options of a Vault resource: after what the component depends on (the Vault it configures, its policies). */
    private get vaultOpts(): pulumi.CustomResourceOptions {
        return { parent: this.parent, dependsOn: this.dependsOn };
    }

    /** What lets Vault review this cluster's tokens: the reviewer and its token, or the clients' auth-delegator binding. */
    tokenReview(): void {
        const a = this.s.auth;
        if (!a.createMount) return;
        if (a.reviewer) {
            const m = reviewerManifests(a.reviewer);
            const sa = new ServiceAccount(this.name("reviewer"), m.serviceAccount, this.inNamespace(a.reviewer.namespace));
            new ClusterRoleBinding(this.name("reviewer-auth-delegator"), m.binding, { parent: this.parent, dependsOn: [sa] });
            // The Secret's data is a secret output of the Kubernetes SDK: the token never appears in plain state.
            const token = new Secret(this.name("reviewer-token"), m.tokenSecret, this.inNamespace(a.reviewer.namespace, [sa]));
            this.reviewerJwt = pulumi.secret(token.data.apply((data) => {
                const jwt = data?.token;
                if (!jwt) throw new Error(`${this.subject}: the token controller left Secret ${a.reviewer!.namespace}/${m.tokenSecretName} without a token`);
                return Buffer.from(jwt, "base64").toString("utf8");
            }));
        } else {
            const binding = clientTokenReviewBinding(a);
            if (binding) new ClusterRoleBinding(this.name("client-tokenreview"), binding, { parent: this.parent });
        }
    }

    /** The cluster's API server and CA: from host and caCert (settled), or read from a kubeconfig once known. */
    private kubernetesApi(): pulumi.Output<KubernetesApi> {
        const api = this.s.auth.api!;
        if (api.kubeconfig !== undefined) {
            return pulumi.output(api.kubeconfig).apply((k) => kubeconfigApi(this.subject, "kubernetesAuth.kubeconfig", k, api.kubeconfigContext));
        }
        return pulumi.all([api.host, api.caCert]).apply(([host, caCertPem]) => ({ host: host!, caCertPem: caCertPem! }));
    }

    /** The auth mount and its configuration (when created here), and the roles. Returns the mount path. */
    vaultSide(): pulumi.Output<string> {
        const a = this.s.auth;
        let backend: pulumi.Output<string> = pulumi.output(a.path);
        if (a.createMount) {
            const mount = new AuthBackend(this.name("auth"), { type: "kubernetes", path: a.path, description: a.description }, this.vaultOpts);
            const api = this.kubernetesApi();
            new KubernetesAuthBackendConfig(this.name("auth-config"), {
                backend: mount.path,
                kubernetesHost: api.host,
                kubernetesCaCert: api.caCertPem,
                tokenReviewerJwt: this.reviewerJwt,
                // Vault runs elsewhere: never its own pod's CA and token. Without a reviewer token, each login's own
                // token reviews itself.
                disableLocalCaJwt: true,
                issuer: a.issuer,
            }, this.vaultOpts);
            backend = mount.path;
        }
        for (const r of a.roles) {
            new KubernetesAuthBackendRole(this.name(`role-${r.name}`), {
                backend, roleName: r.name,
                boundServiceAccountNames: r.serviceAccountNames, boundServiceAccountNamespaces: r.namespaces,
                tokenPolicies: r.policies, tokenTtl: seconds(r.ttl), tokenMaxTtl: seconds(r.maxTtl), audience: r.audience,
            }, this.vaultOpts);
        }
        return backend;
    }

    private release(logical: string, chart: ChartSettings, values: pulumi.Input<Record<string, any>>, dependsOn: pulumi.Resource[] = []): Release {
        return new Release(this.name(logical), {
            name: chart.releaseName,
            namespace: chart.namespace,
            chart: chart.chart,
            version: chart.version,
            repositoryOpts: { repo: chart.repository },
            createNamespace: false,
            timeout: chart.timeoutSeconds,
            values,
        }, this.inNamespace(chart.namespace, dependsOn));
    }

    /** A Secret holding Vault's CA under `key`, in `namespace`. */
    private caSecret(logical: string, namespace: string, name: string, key: string): Secret {
        return new Secret(this.name(logical), {
            metadata: { name, namespace },
            type: "Opaque",
            stringData: { [key]: this.vault.apply((v) => v.caCertPem!) },
        }, this.inNamespace(namespace));
    }

    /**
     * A custom resource: its identity from the settings, its spec once the values it needs are known (`spec`
     * undefined: the identity's own spec, which needs none).
     */
    private customResource(logical: string, identity: Manifest, spec: pulumi.Input<unknown> | undefined, dependsOn: pulumi.Resource[]): CustomResource {
        return new CustomResource(this.name(logical), {
            apiVersion: identity.apiVersion, kind: identity.kind, metadata: identity.metadata, spec: spec ?? identity.spec,
        }, this.inNamespace(identity.metadata.namespace, dependsOn));
    }

    kubernetesSide(): void {
        const s = this.s;
        const hasCa = s.vaultCaCertPem !== undefined;
        const driver = s.csiDriver ? this.release("csi-driver", s.csiDriver.chart, csiDriverValues(s.csiDriver)) : undefined;
        if (s.agent) {
            const agent = s.agent;
            const ca = agent.csi && hasCa ? [this.caSecret("csi-provider-ca", agent.chart.namespace, CSI_CA_SECRET.name, CSI_CA_SECRET.key)] : [];
            // The provider registers with the driver's socket directory: the driver goes first.
            this.release("vault", agent.chart, this.vault.apply((v) => agentValues(agent, v, s.auth.path)), [...ca, ...(driver ? [driver] : [])]);
        }
        if (s.secretsOperator) this.secretsOperator(s.secretsOperator, hasCa);
        if (s.externalSecrets) {
            const release = this.release("external-secrets", s.externalSecrets.chart, externalSecretsValues(s.externalSecrets.chart));
            for (const store of s.externalSecrets.stores) {
                this.customResource(`store-${store.namespace ?? "cluster"}/${store.name}`, secretStore(store), this.vault.apply((v) => secretStore(store, v).spec), [release]);
            }
        }
    }

    private secretsOperator(so: SecretsOperatorSettings, hasCa: boolean): void {
        const release = this.release("vault-secrets-operator", so.chart, secretsOperatorValues(so.chart));
        const ca = hasCa ? [this.caSecret("vso-ca", so.connection.namespace, VSO_CA_SECRET.name, VSO_CA_SECRET.key)] : [];
        const connection = this.customResource("vso-connection", vaultConnection(so), this.vault.apply((v) => vaultConnection(so, v).spec), [release, ...ca]);
        const auths = new Map<string, CustomResource>();
        for (const a of so.auths) {
            const key = `${a.namespace}/${a.name}`;
            const needs: pulumi.Resource[] = [release, connection];
            let spec: pulumi.Input<unknown> | undefined;
            if (a.method === ConsumerVaultAuthMethod.Kubernetes) {
                if (a.createServiceAccount) {
                    needs.push(new ServiceAccount(this.name(`vso-sa-${a.namespace}/${a.serviceAccountName}`), { metadata: { name: a.serviceAccountName, namespace: a.namespace } }, this.inNamespace(a.namespace)));
                }
            } else {
                // The role ID is not secret: read from Vault once the role exists. The secret ID is issued by Pulumi and
                // only ever held as a secret, in state and in the Kubernetes Secret the operator reads.
                const secretId = new AuthBackendRoleSecretId(this.name(`vso-secret-id-${key}`), {
                    backend: a.mount, roleName: a.role, ttl: seconds(a.secretIdTtl), cidrLists: a.secretIdCidrs,
                    metadata: JSON.stringify({ "vault-consumer-cluster": this.s.name, "kubernetes-secret": `${a.namespace}/${secretIdSecretName(a)}` }),
                }, this.vaultOpts);
                needs.push(new Secret(this.name(`vso-secret-id-secret-${key}`), {
                    metadata: { name: secretIdSecretName(a), namespace: a.namespace },
                    type: "Opaque",
                    stringData: { id: pulumi.secret(secretId.secretId) },
                }, this.inNamespace(a.namespace)));
                const roleId = getAuthBackendRoleIdOutput({ backend: a.mount, roleName: a.role }, { parent: this.parent, dependsOn: this.dependsOn }).roleId;
                spec = roleId.apply((id) => vaultAuth(so, a, { roleId: id }).spec);
            }
            auths.set(a.name, this.customResource(`vso-auth-${key}`, vaultAuth(so, a), spec, needs));
        }
        for (const v of so.staticSecrets) this.customResource(`vso-static-${v.auth.namespace}/${v.name}`, vaultStaticSecret(v), undefined, [release, auths.get(v.auth.name)!]);
        for (const v of so.dynamicSecrets) this.customResource(`vso-dynamic-${v.auth.namespace}/${v.name}`, vaultDynamicSecret(v), undefined, [release, auths.get(v.auth.name)!]);
    }
}
