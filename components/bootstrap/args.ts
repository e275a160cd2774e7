import type * as pulumi from "@pulumi/pulumi";

/** Where the init response (root token, recovery or unseal keys) is kept. */
export const CustodyType = {
    /** An AWS Secrets Manager secret encrypted with the cluster's KMS key, written once, never overwritten. */
    AwsSecretsManager: "aws-secrets-manager",
    /** A Kubernetes Secret (local clusters): anyone who can read Secrets in its namespace can unseal. */
    KubernetesSecret: "kubernetes-secret",
    /** Pulumi secret outputs only: the keys live in the (encrypted) stack state, in a protected resource. */
    State: "state",
} as const;
export type CustodyType = typeof CustodyType[keyof typeof CustodyType];

/**
 * Where the init response is kept: Secrets Manager (fields `secretName`, `recoveryWindowInDays`, `profile`), a
 * Kubernetes Secret (fields `namespace`, `name`) or the stack state (no fields).
 */
export interface KeyCustody {
    /** Which custody. Fields of another custody are refused. */
    type: CustodyType;
    /**
     * aws-secrets-manager: name of the secret to create.
     * @default "<component name>/vault-init"
     */
    secretName?: string;
    /**
     * aws-secrets-manager: days AWS keeps a deleted secret recoverable.
     * @default 30
     * @integer
     * @minimum 7
     * @maximum 30
     */
    recoveryWindowInDays?: number;
    /**
     * aws-secrets-manager: AWS CLI profile the init step uses to write the secret.
     * @default the ambient credentials
     */
    profile?: string;
    /**
     * kubernetes-secret: namespace of the secret.
     * @default the release namespace
     */
    namespace?: pulumi.Input<string>;
    /**
     * kubernetes-secret: name of the secret.
     * @default "<release name>-init"
     */
    name?: string;
}

/** A named holder of one recovery key share, encrypted by Vault to their PGP key. */
export interface KeyHolder {
    /** Who holds the share, e.g. an e-mail address; labels the encrypted share in custody. */
    name: string;
    /**
     * Base64 of the holder's binary PGP public key (`gpg --export <id> | base64 -w0`), as Vault expects.
     * @secret
     */
    pgpKey: pulumi.Input<string>;
}

/** Automated init, key custody and the chained Vault provider. */
export interface Bootstrap {
    /**
     * Number of recovery (auto-unseal) or unseal (Shamir) key shares. With `keyHolders` it must equal their number
     * (or be left out).
     * @default 5, or the number of keyHolders
     * @integer
     * @minimum 1
     * @maximum 10
     */
    keyShares?: number;
    /**
     * Shares needed to recover or unseal: at most `keyShares`, at least 2 unless there is a single share.
     * @default 3, or keyShares when fewer
     * @integer
     * @minimum 1
     * @maximum 10
     */
    keyThreshold?: number;
    /**
     * Encrypt each recovery key share to one holder's PGP key (auto-unseal seals only: with Shamir the init step
     * needs the plain unseal keys). The number of holders is the number of shares.
     * @default []
     */
    keyHolders?: KeyHolder[];
    /**
     * Where the init response is kept. Required for a cluster that uses no AWS.
     * @default { type: "aws-secrets-manager" } when the cluster uses AWS
     */
    custody?: KeyCustody;
    /**
     * URL the machine running `pulumi up` reaches Vault by (ingress or load balancer): scheme and host, optional
     * port, no path, no user or password.
     * @default the server pods through the Kubernetes API, like `kubectl port-forward`: in-process streams for the init
     * and day-2 steps, a tunnel on 127.0.0.1 for the Vault provider
     */
    address?: pulumi.Input<string>;
    /**
     * CA (PEM) that verifies `address` when it is not served with the cluster's certificate (e.g. an ingress with a
     * private CA).
     * @default the cluster CA, or the system roots for an ingress with its own certificate
     */
    addressCaCertPem?: pulumi.Input<string>;
    /**
     * Kubeconfig (YAML or JSON text) with which the init step, the day-2 steps (Raft membership, rollout, the UI load
     * balancer's name) and the Vault provider's tunnel reach the Kubernetes API. Give the same kubeconfig as the
     * Kubernetes provider's.
     * @default KUBECONFIG or ~/.kube/config, as kubectl
     * @secret
     */
    kubeconfig?: pulumi.Input<string>;
    /**
     * Kubeconfig context for the init step, the day-2 steps and the Vault provider's tunnel.
     * @default the kubeconfig's current context
     */
    kubeContext?: pulumi.Input<string>;
    /**
     * After init, create an admin policy and a dedicated AppRole identity for Pulumi, keep its credentials in custody,
     * switch the provider to it and revoke the root token (irreversible).
     * @default false
     */
    revokeRootToken?: boolean;
    /**
     * How long the init step waits for the Vault API to answer, in seconds.
     * @default 600
     * @integer
     * @minimum 1
     */
    timeoutSeconds?: number;
}
