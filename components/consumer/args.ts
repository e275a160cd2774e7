import * as pulumi from "@pulumi/pulumi";
import type { KubernetesAuthRole } from "../config/args";

/** How Vault checks the service account tokens clients of this cluster log in with (Kubernetes TokenReview). */
export const ConsumerTokenReview = {
    /** Vault calls TokenReview with a long-lived token of a reviewer service account bound to `system:auth-delegator`. */
    ReviewerToken: "reviewer-token",
    /** Vault calls TokenReview with each client's own token: every client service account is bound to `system:auth-delegator`. */
    ClientToken: "client-token",
} as const;
export type ConsumerTokenReview = typeof ConsumerTokenReview[keyof typeof ConsumerTokenReview];

/** How a Vault Secrets Operator `VaultAuth` logs in. */
export const ConsumerVaultAuthMethod = {
    /** Kubernetes auth with a service account token of the VaultAuth's namespace. */
    Kubernetes: "kubernetes",
    /** AppRole: the role ID read from Vault, a secret ID issued by Pulumi into a Kubernetes Secret. */
    AppRole: "appRole",
} as const;
export type ConsumerVaultAuthMethod = typeof ConsumerVaultAuthMethod[keyof typeof ConsumerVaultAuthMethod];

/** Version of a KV secrets engine. */
export const ConsumerKvVersion = { V1: "v1", V2: "v2" } as const;
export type ConsumerKvVersion = typeof ConsumerKvVersion[keyof typeof ConsumerKvVersion];

/** Kind of an External Secrets store. */
export const ConsumerSecretStoreKind = {
    /** Namespaced: serves ExternalSecrets of its own namespace. */
    SecretStore: "SecretStore",
    /** Cluster-wide: serves ExternalSecrets of every namespace. */
    ClusterSecretStore: "ClusterSecretStore",
} as const;
export type ConsumerSecretStoreKind = typeof ConsumerSecretStoreKind[keyof typeof ConsumerSecretStoreKind];

/**
 * Arguments of {@link VaultConsumerCluster}: one Kubernetes cluster whose workloads read secrets from a Vault that
 * runs elsewhere (another cluster) or in the same cluster. Kubernetes resources go through the Kubernetes provider
 * of that cluster (`opts.providers.kubernetes`), Vault resources through `opts.providers.vault`.
 */
export interface VaultConsumerClusterArgs {
    /**
     * Vault's API address as pods of this cluster reach it: `VaultCluster.externalAddress` from another cluster,
     * `VaultCluster.address` from the cluster Vault runs in. An `https://` URL (`http://` only for a Vault without TLS).
     * @default none (required)
     */
    vaultAddress: pulumi.Input<string>;
    /**
     * CA certificate that verifies Vault's certificate (PEM, or base64 of PEM), e.g. `VaultCluster.caCertPem`.
     * The injector, the CSI provider, the Vault Secrets Operator and External Secrets are all given it.
     * @default none: the system trust store (a publicly trusted certificate, e.g. an ingress with Let's Encrypt)
     */
    vaultCaCertPem?: pulumi.Input<string>;
    /** Kubernetes auth in Vault for this cluster: the mount, how tokens are reviewed, and roles. @default none (required) */
    kubernetesAuth: ConsumerKubernetesAuth;
    /**
     * Namespace of the `hashicorp/vault` release that runs the injector and the Vault CSI provider, and of the CA
     * Secret the CSI provider mounts.
     * @default "vault-consumer"
     */
    namespace?: string;
    /**
     * Create the namespaces this component puts its own objects in (`namespace`, the reviewer's, the operators').
     * `kube-system`, `default` and the namespaces of VaultAuth objects and stores are never created.
     * @default true
     */
    createNamespaces?: boolean;
    /** The `hashicorp/vault` chart of the injector and the CSI provider. @default version 0.34.1 from https://helm.releases.hashicorp.com */
    vaultChart?: ConsumerChart;
    /** Vault Agent injector in external mode (no Vault server in this cluster). @default none (not installed) */
    injector?: ConsumerInjector;
    /** Secrets Store CSI driver and the Vault CSI provider. @default none (not installed) */
    csi?: ConsumerCsi;
    /** Vault Secrets Operator with a VaultConnection to this Vault, VaultAuth objects and synced secrets. @default none (not installed) */
    secretsOperator?: ConsumerSecretsOperator;
    /** External Secrets Operator with stores on this Vault. @default none (not installed) */
    externalSecrets?: ConsumerExternalSecrets;
}

/** The Kubernetes auth mount in Vault that verifies this cluster's service account tokens. */
export interface ConsumerKubernetesAuth {
    /** Mount path in Vault, e.g. `"eks-apps"`: one per cluster. @default none (required) */
    path: string;
    /**
     * Create and configure the mount. `false` uses an existing mount (the `kubernetes` mount a `VaultCluster`
     * configures for the cluster it runs in): only `roles` are created on it, and host, CA and token review do not apply.
     * @default true
     */
    createMount?: boolean;
    /**
     * API server of this cluster as Vault reaches it, e.g. an EKS cluster's `endpoint` output. With `caCert`;
     * or give `kubeconfig` instead.
     * @default none: required with createMount unless kubeconfig is given
     */
    host?: pulumi.Input<string>;
    /**
     * CA certificate of the API server: PEM, or base64 of PEM as EKS `certificateAuthority.data` and a kubeconfig's
     * `certificate-authority-data` hold it. Parsed as an X.509 certificate once known.
     * @default none: required with host
     */
    caCert?: pulumi.Input<string>;
    /**
     * A kubeconfig (YAML or JSON text) whose context's cluster gives `server` and `certificate-authority-data` (or a
     * `certificate-authority` file), instead of host and caCert. Only those two values are used and kept.
     * @default none
     */
    kubeconfig?: pulumi.Input<string>;
    /** Context of `kubeconfig`. @default the kubeconfig's current-context */
    kubeconfigContext?: string;
    /**
     * How Vault reviews login tokens. `reviewer-token`: a reviewer service account, its `system:auth-delegator`
     * binding and a long-lived token Secret are created on this cluster and the token is given to Vault; clients may
     * use audience-bound tokens. `client-token`: Vault reviews each login with the client's own token; every service
     * account the roles bind gets the `system:auth-delegator` binding, and tokens must keep the API server's audience.
     * @default "reviewer-token"
     */
    tokenReview?: ConsumerTokenReview;
    /** Namespace of the reviewer service account and its token Secret. @default "kube-system" */
    reviewerNamespace?: string;
    /** Name of the reviewer service account. @default "vault-token-reviewer" */
    reviewerServiceAccountName?: string;
    /** Issuer of this cluster's service account tokens, when Vault should check it. @default none: not checked */
    issuer?: string;
    /** Description of the mount. @default "Kubernetes auth for cluster <component name>" */
    description?: string;
    /** Roles on the mount by name, binding service accounts of this cluster to Vault policies. @default none */
    roles?: Record<string, KubernetesAuthRole>;
}

/** A Helm chart of one integration: source, version and extra values. */
export interface ConsumerChart {
    /** Chart version. @default the version pinned for the integration (see the README) */
    version?: string;
    /** Chart repository URL. @default the chart's official repository */
    repository?: string;
    /** Values deep-merged over the rendered ones, last. @default none */
    values?: Record<string, any>;
    /**
     * Seconds Helm waits for the release to become ready.
     * @default 600
     * @integer
     * @minimum 30
     * @maximum 3600
     */
    timeoutSeconds?: number;
}

/** The Vault Agent injector for an external Vault (`global.externalVaultAddr`, no server in this cluster). */
export interface ConsumerInjector {
    /** Install it. @default true */
    enabled?: boolean;
    /**
     * Injector replicas (its webhook ignores failures: with one replica, pods start without secrets while it restarts).
     * @default 2
     * @integer
     * @minimum 1
     * @maximum 10
     */
    replicas?: number;
}

/** The Secrets Store CSI driver (kubernetes-sigs chart) and the Vault CSI provider (`hashicorp/vault` chart, `csi.enabled`). */
export interface ConsumerCsi {
    /** Install them. @default true */
    enabled?: boolean;
    /** Install the Secrets Store CSI driver; `false` when the cluster has one already (e.g. as an EKS add-on). @default true */
    installDriver?: boolean;
    /** Namespace of the driver. @default "kube-system" */
    driverNamespace?: string;
    /** Let the driver sync mounted secrets into Kubernetes Secrets (`secretObjects` of a SecretProviderClass). @default false */
    syncSecrets?: boolean;
    /** Re-fetch mounted secrets at this interval (the driver's secret rotation), e.g. `"2m"`. @default none: rotation off */
    rotationPollInterval?: string;
    /** The `secrets-store-csi-driver` chart. @default version 1.6.0 from https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts */
    driverChart?: ConsumerChart;
}

/** The Vault Secrets Operator, a VaultConnection to this Vault, VaultAuth objects and the secrets it syncs. */
export interface ConsumerSecretsOperator {
    /** Install it. @default true */
    enabled?: boolean;
    /** Namespace of the operator and of its `default` VaultConnection and CA Secret. @default "vault-secrets-operator-system" */
    namespace?: string;
    /** The `vault-secrets-operator` chart. @default version 1.4.1 from https://helm.releases.hashicorp.com */
    chart?: ConsumerChart;
    /** VaultAuth objects by name. @default none */
    auths?: Record<string, ConsumerVaultAuth>;
    /** VaultStaticSecret objects (KV secrets synced into Kubernetes Secrets) by name. @default none */
    staticSecrets?: Record<string, ConsumerStaticSecret>;
    /** VaultDynamicSecret objects (leased credentials, renewed and rotated) by name. @default none */
    dynamicSecrets?: Record<string, ConsumerDynamicSecret>;
}

/** A VaultAuth: how the operator logs in for the secrets of one namespace. */
export interface ConsumerVaultAuth {
    /** Login method. @default none (required) */
    method: ConsumerVaultAuthMethod;
    /** Namespace of the VaultAuth and of the secrets that use it (the operator reads the service account or the secret ID there). @default "default" */
    namespace?: string;
    /** Vault role: a Kubernetes auth role, or the name of an AppRole role that exists in Vault. @default none (required) */
    role: string;
    /** Auth mount path. @default kubernetesAuth.path for kubernetes, "approle" for appRole */
    mount?: string;
    /** Kubernetes: the service account the operator requests tokens for. @default none: required with method kubernetes */
    serviceAccountName?: string;
    /** Kubernetes: create that service account. @default true */
    createServiceAccount?: boolean;
    /**
     * Kubernetes: audiences of the requested tokens (the role's `audience` must be among them).
     * @default none: the API server's
     * @minItems 1
     */
    audiences?: string[];
    /** AppRole: TTL of the secret ID Pulumi issues, e.g. `"720h"`. @default the role's secret_id_ttl */
    secretIdTtl?: string;
    /** AppRole: CIDR blocks the secret ID may be used from. @default none: the role's */
    secretIdCidrs?: string[];
}

/** A VaultStaticSecret: one KV secret kept in sync in a Kubernetes Secret. */
export interface ConsumerStaticSecret {
    /** The VaultAuth (a key of `auths`) it logs in with; the secret lives in that VaultAuth's namespace. @default none (required) */
    auth: string;
    /** KV mount path, e.g. `"secret"`. @default none (required) */
    mount: string;
    /** Path of the secret in the mount (without `data/`), e.g. `"k8s/testdata/secret"`. @default none (required) */
    path: string;
    /** KV version of the mount. @default "v2" */
    kvVersion?: ConsumerKvVersion;
    /** How often the operator re-reads the secret, e.g. `"60s"`, `"1h"`. @default "60s" */
    refreshAfter?: string;
    /** Name of the Kubernetes Secret written (created). @default the static secret's name */
    destination?: string;
}

/** A VaultDynamicSecret: credentials from a secrets engine (e.g. `aws/creds/<role>`), renewed and rotated. */
export interface ConsumerDynamicSecret {
    /** The VaultAuth (a key of `auths`) it logs in with; the secret lives in that VaultAuth's namespace. @default none (required) */
    auth: string;
    /** Secrets engine mount, e.g. `"aws"`. @default none (required) */
    mount: string;
    /** Path in the mount, e.g. `"creds/my-role"`. @default none (required) */
    path: string;
    /** Name of the Kubernetes Secret written (created). @default the dynamic secret's name */
    destination?: string;
    /**
     * Percent of the lease after which it is renewed (0 to 90).
     * @default the operator's (67)
     * @integer
     * @minimum 0
     * @maximum 90
     */
    renewalPercent?: number;
    /** Revoke the lease when the object is deleted. @default the operator's (false: the lease is left to expire) */
    revoke?: boolean;
}

/** The External Secrets Operator and its stores on this Vault. */
export interface ConsumerExternalSecrets {
    /** Install it. @default true */
    enabled?: boolean;
    /** Namespace of the operator. @default "external-secrets" */
    namespace?: string;
    /** The `external-secrets` chart. @default version 2.9.0 from https://charts.external-secrets.io */
    chart?: ConsumerChart;
    /** SecretStore / ClusterSecretStore objects by name. @default none */
    stores?: Record<string, ConsumerSecretStore>;
}

/** A store reading one KV mount of this Vault with Kubernetes auth on this cluster's mount. */
export interface ConsumerSecretStore {
    /** Store kind. @default "SecretStore" */
    kind?: ConsumerSecretStoreKind;
    /** Namespace of a SecretStore. @default the operator's namespace */
    namespace?: string;
    /** Kubernetes auth role it logs in with. @default none (required) */
    role: string;
    /** KV mount it reads, e.g. `"my-kv"`. @default none (required) */
    kvMount: string;
    /** KV version of the mount. @default "v2" */
    kvVersion?: ConsumerKvVersion;
    /** Service account whose token logs in (a SecretStore's must be in its namespace); by default the operator's own. @default "external-secrets" */
    serviceAccountName?: string;
    /** ClusterSecretStore: namespace of that service account. @default the operator's namespace */
    serviceAccountNamespace?: string;
    /**
     * Audiences of the requested tokens (the role's `audience` must be among them).
     * @default none: the API server's
     * @minItems 1
     */
    audiences?: string[];
}
