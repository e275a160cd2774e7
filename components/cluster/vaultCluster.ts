import * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
import { Service } from "@pulumi/kubernetes/core/v1/service";
import type { Release } from "@pulumi/kubernetes/helm/v3/release";
import { AwsBackend } from "../aws/backend";
import { ServerTls } from "../tls/serverTls";
import { createVaultRelease } from "../chart/release";
import { createBootstrap } from "../bootstrap/bootstrap";
import { ResolvedVaultConfig, VaultConfig } from "../config/vaultConfig";
import type { VaultInit } from "../bootstrap/vaultInit";
import type { Provider } from "@pulumi/vault/provider";
import { TYPE_PREFIX } from "../typeTokens";
import { VAULT_PORT } from "./names";
import type { VaultClusterArgs } from "./args";
import { ClusterSettings, resolveClusterSettings } from "./settings";

/**
 * HashiCorp Vault on Kubernetes, production-shaped: AWS backend (DynamoDB, KMS, IRSA), TLS, the official Helm chart
 * in HA mode, automated init with key custody, and post-init configuration through a chained Vault provider.
 */
export class VaultCluster extends pulumi.ComponentResource {
    /** Namespace of the release. */
    readonly namespace: pulumi.Output<string>;
    /** Helm release name (also the chart fullname). */
    readonly releaseName: pulumi.Output<string>;
    /** In-cluster API address, `https://<fullname>.<namespace>.svc:8200`. */
    readonly address: pulumi.Output<string>;
    /** Ingress or load balancer URL, when one is configured. */
    readonly externalAddress?: pulumi.Output<string>;
    /** CA certificate (PEM) that verifies Vault's listener; empty when TLS is off. */
    readonly caCertPem: pulumi.Output<string>;
    readonly tableName?: pulumi.Output<string>;
    readonly kmsKeyArn?: pulumi.Output<string>;
    readonly roleArn?: pulumi.Output<string>;
    /** Kubernetes service account of the server pods. */
    readonly serviceAccountName: pulumi.Output<string>;
    /** The initial root token (secret); empty once `bootstrap.revokeRootToken` has retired it. */
    readonly rootToken: pulumi.Output<string>;
    /** Vault provider chained on the initialized cluster, for your own Vault resources. */
    readonly provider: Provider;
    /** The init step (automated `vault operator init` with custody). */
    readonly init: VaultInit;
    /** Post-init configuration (audit devices, mounts, auth, policies) applied through `provider`. */
    readonly config: VaultConfig;
    /** The validated settings the cluster was built from (plain data, for tooling and tests). */
    readonly settings: ClusterSettings;

    constructor(name: string, args: VaultClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate everything before the component (or anything else) is registered.
        const settings = resolveClusterSettings(name, args ?? {});
        super(`${TYPE_PREFIX}:index:VaultCluster`, name, {}, opts);
        this.settings = settings;
        const parent = { parent: this };

        // Kept on destroy: it holds the audit volumes, raft data and possibly the init secret. Its name output carries
        // the dependency to everything created in it.
        const namespace = settings.createNamespace
            ? new Namespace(name, { metadata: { name: settings.namespace } }, { ...parent, retainOnDelete: true }).metadata.name
            : settings.namespace;

        const aws = settings.aws ? new AwsBackend(name, settings, parent) : undefined;
        const tls = settings.tls.enabled ? new ServerTls(name, settings, namespace, parent) : undefined;

        // The pods need the TLS secret, the role's permissions and, in private subnets, the VPC endpoints (the seal
        // calls KMS at start). Table, key and role reach the release through its values.
        const release = createVaultRelease(name, settings, {
            namespace, region: aws?.region, tableName: aws?.tableName, kmsKeyArn: aws?.kmsKeyArn, roleArn: aws?.roleArn, caCertPem: tls?.caCertPem,
        }, { ...parent, dependsOn: present<pulumi.Resource>(aws?.serverPermissions, ...(aws?.endpoints ?? []), tls?.secret) });

        this.namespace = release.status.namespace.apply((ns) => ns ?? settings.namespace);
        this.releaseName = release.status.name.apply((n) => n ?? settings.releaseName);
        this.address = release.status.apply(() => settings.names.address);
        this.externalAddress = externalAddressOf(name, settings, release, parent);
        this.caCertPem = tls ? tls.caCertPem : pulumi.output("");
        this.tableName = aws?.tableName;
        this.kmsKeyArn = aws?.kmsKeyArn;
        this.roleArn = aws?.roleArn;
        this.serviceAccountName = release.status.apply(() => settings.names.serviceAccount);

        const bootstrap = createBootstrap(name, settings, {
            release, caCertPem: this.caCertPem, region: aws?.region, custodySecretArns: aws?.custodySecretArns,
        }, this);
        this.init = bootstrap.init;
        this.provider = bootstrap.provider;
        this.rootToken = pulumi.secret(bootstrap.rootToken);

        this.config = new VaultConfig(`${name}-config`, new ResolvedVaultConfig(settings.config), {
            parent: this, provider: bootstrap.provider, deletedWith: release,
        });

        this.registerOutputs({
            namespace: this.namespace, releaseName: this.releaseName, address: this.address, externalAddress: this.externalAddress,
            caCertPem: this.caCertPem, tableName: this.tableName, kmsKeyArn: this.kmsKeyArn, roleArn: this.roleArn,
            serviceAccountName: this.serviceAccountName, rootToken: this.rootToken,
        });
    }
}

function present<T>(...items: (T | undefined)[]): T[] {
    return items.filter((i): i is T => i !== undefined);
}

/**
 * The URL clients outside the cluster use: the ingress host, or the UI load balancer's DNS name once AWS has
 * assigned it (read back from the Service the chart created).
 */
function externalAddressOf(name: string, s: ClusterSettings, release: Release, opts: pulumi.CustomResourceOptions): pulumi.Output<string> | undefined {
    if (s.ingress) return pulumi.output(`https://${s.ingress.host}`);
    if (s.ui.enabled && s.ui.serviceType === "LoadBalancer") {
        // The ID comes from the release's outputs: unknown in a first preview, so nothing is read before the Service
        // exists (a `.get` ignores dependsOn during previews).
        const id = release.status.apply((st) => `${st.namespace}/${s.names.fullname}-ui`);
        const service = Service.get(`${name}-ui`, id, opts);
        return service.status.loadBalancer.ingress.apply((ingress) => {
            const host = ingress?.[0]?.hostname ?? ingress?.[0]?.ip;
            return host ? `${s.names.scheme}://${host}:${VAULT_PORT}` : "";
        });
    }
    return undefined;
}
