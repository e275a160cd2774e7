import * as pulumi from "@pulumi/pulumi";

/** Where the init response (root token, recovery or unseal keys) is kept. */
export type CustodyArgs =
    | {
          /** An AWS Secrets Manager secret encrypted with the cluster's KMS key, written once, never overwritten. */
          type: "aws-secrets-manager";
          /** Name of the secret to create. Default `"<component name>/vault-init"`. */
          secretName?: string;
          /** Days AWS keeps a deleted secret recoverable, 7 to 30. Default 30. */
          recoveryWindowInDays?: number;
          /** AWS CLI profile the init step uses to write the secret. Default: the ambient credentials. */
          profile?: string;
      }
    | {
          /** A Kubernetes Secret (for local clusters): anyone who can read Secrets in its namespace can unseal. */
          type: "kubernetes-secret";
          /** Namespace of the secret. Default the release namespace. */
          namespace?: string;
          /** Name of the secret. Default `"<release name>-init"`. */
          name?: string;
      }
    | {
          /** Pulumi secret outputs only: the keys live in the (encrypted) stack state and nowhere else. */
          type: "state";
      };

/** A named holder of one recovery (or unseal) key share, encrypted by Vault to their PGP key. */
export interface KeyHolderArgs {
    /** Who holds the share, e.g. an e-mail address. Used to label the encrypted share in custody. */
    name: string;
    /** Base64 of the holder's binary PGP public key (`gpg --export <id> | base64`), as Vault expects. */
    pgpKey: string;
}

export interface BootstrapArgs {
    /** Number of recovery (auto-unseal) or unseal (Shamir) key shares. Default 5; ignored with `keyHolders`. */
    keyShares?: number;
    /** Shares needed to recover or unseal. Default 3; at most `keyShares`. */
    keyThreshold?: number;
    /**
     * Encrypt each recovery key share to one holder's PGP key (auto-unseal seals only: with Shamir the init step
     * needs the plain unseal keys). The number of holders is the number of shares.
     */
    keyHolders?: KeyHolderArgs[];
    /** Where the init response is kept. Default `aws-secrets-manager` when the cluster uses AWS. */
    custody?: CustodyArgs;
    /**
     * URL the machine running `pulumi up` reaches Vault by (ingress or load balancer). Default: a tunnel to the
     * server pods through the Kubernetes API, like `kubectl port-forward`.
     */
    address?: pulumi.Input<string>;
    /** CA that verifies `address` when it is not served with the cluster's certificate (e.g. a public ingress CA). */
    addressCaCertPem?: pulumi.Input<string>;
    /** Kubeconfig (YAML or JSON text) for the tunnel. Default: `KUBECONFIG` or `~/.kube/config`, as kubectl. */
    kubeconfig?: pulumi.Input<string>;
    /** Kubeconfig context for the tunnel. Default: the kubeconfig's current context. */
    kubeContext?: string;
    /**
     * After init, create an admin policy and a dedicated AppRole identity for Pulumi, keep its credentials in
     * custody, switch the provider to it and revoke the root token. Default `false`.
     */
    revokeRootToken?: boolean;
    /** How long the init step waits for the Vault API to answer. Default 600 seconds. */
    timeoutSeconds?: number;
}
