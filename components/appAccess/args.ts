import type * as pulumi from "@pulumi/pulumi";
import type { KvVersion } from "../config/args";

/** One secret an application reads, written by the agent to `/vault/secrets/<file>`. */
export interface AppSecret {
    /** KV mount, e.g. `my-kv`. */
    mount: string;
    /** Path inside the mount, e.g. `my-secret` (the `vault kv get` path, without `data/`). */
    path: string;
    /**
     * KV version of the mount.
     * @default 2
     */
    version?: KvVersion;
    /**
     * Vault Agent template for the file (`agent-inject-template-<file>`), e.g. an env file or a connection string.
     * @default none (the secret as Vault returns it)
     */
    template?: string;
    /**
     * CSI: the keys to expose, each as its own file `<file>-<key>`.
     * @default the whole secret as JSON in `<file>`
     */
    keys?: string[];
}

/** Arguments of VaultAppAccess: one application's access to its secrets. */
export interface VaultAppAccessArgs {
    /** Namespace of the application (a DNS-1123 label). */
    namespace: pulumi.Input<string>;
    /** Service account the application's pods run as. */
    serviceAccountName: pulumi.Input<string>;
    /**
     * Create the service account.
     * @default true
     */
    createServiceAccount?: boolean;
    /** Secrets by file name (letters, digits, `.`, `_` and `-`). At least one. */
    secrets: Record<string, AppSecret>;
    /**
     * Kubernetes auth mount path.
     * @default "kubernetes"
     */
    authPath?: string;
    /**
     * Vault role name.
     * @default the component name
     */
    roleName?: string;
    /**
     * Policy name.
     * @default "<component name>-read"
     */
    policyName?: string;
    /**
     * Token TTL.
     * @default "1h"
     */
    ttl?: string;
    /**
     * Audience the service account token must carry.
     * @default none
     */
    audience?: string;
    /**
     * Vault address for the CSI parameters; pass `VaultCluster.address`.
     * @default "https://vault.vault.svc:8200"
     */
    vaultAddress?: pulumi.Input<string>;
}
