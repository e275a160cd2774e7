/** Package segment of every component's type token: `vault-cluster:index:VaultCluster`. */
export const TYPE_PREFIX = "vault-cluster";
