/**
 * Names in Vault that this package reserves or that Vault keeps for itself: one place, read by the configuration's
 * validation and by the init step that creates the admin identity.
 */

/** The ACL policy of Pulumi's own admin identity (written by the init step). */
export const ADMIN_POLICY_NAME = "pulumi-admin";
/** The AppRole auth mount of Pulumi's own admin identity. */
export const ADMIN_AUTH_MOUNT = "pulumi";
export const ADMIN_ROLE_NAME = "admin";

/** Policies Vault defines itself: `root` cannot be written, `default` is attached to every token. */
export const VAULT_POLICIES = ["root", "default"];

/** Mount paths Vault keeps for itself, per kind of mount. */
export const VAULT_SECRET_MOUNTS = ["sys", "auth", "identity", "cubbyhole"];
export const VAULT_AUTH_MOUNTS = ["token"];

/**
 * IAM path of every user the AWS secrets engine creates (its iam_user roles set `user_path`): the server role may touch
 * no user outside it.
 */
export const IAM_USER_PATH = "/vault/";
