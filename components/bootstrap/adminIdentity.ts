import { renderPolicy } from "../config/policy";
import type { PolicyRule } from "../config/args";
import type { AdminRecord } from "./custody/types";
import { VaultApiError, VaultClient } from "./vaultApi";

import { ADMIN_AUTH_MOUNT, ADMIN_POLICY_NAME, ADMIN_ROLE_NAME } from "../reserved";

const MANAGE = ["create", "read", "update", "delete", "list"];

/** The secrets engines the admin identity configures, by kind. */
export interface AdminScope {
    kvV2Mounts: string[];
    awsMounts: string[];
    transitMounts: string[];
    /** Raft storage: the day-2 steps read and change the peer set and autopilot. */
    raft?: boolean;
}

/**
 * What Pulumi's own identity may do once the root token is gone: manage auth methods, secrets engines, audit
 * devices and policies, and configure exactly the engines the cluster configures (KV v2 settings, AWS root
 * credentials and roles, transit keys). It cannot read KV data, and it cannot grant the root policy (only root can).
 */
export function adminPolicyRules(scope: AdminScope = { kvV2Mounts: [], awsMounts: [], transitMounts: [] }): PolicyRule[] {
    return [
        { path: "sys/auth", capabilities: ["read"] },
        { path: "sys/auth/*", capabilities: [...MANAGE, "sudo"], description: "Enable, tune and disable auth methods" },
        { path: "sys/mounts", capabilities: ["read"] },
        { path: "sys/mounts/*", capabilities: MANAGE, description: "Enable, tune and disable secrets engines" },
        { path: "sys/audit", capabilities: ["read", "sudo"] },
        { path: "sys/audit/*", capabilities: [...MANAGE, "sudo"], description: "Audit devices" },
        { path: "sys/policies/acl", capabilities: ["list"] },
        { path: "sys/policies/acl/*", capabilities: MANAGE, description: "ACL policies" },
        { path: "sys/policy/*", capabilities: MANAGE },
        { path: "auth/*", capabilities: MANAGE, description: "Auth method configuration and roles" },
        { path: "auth/token/create", capabilities: ["update"], description: "Short-lived child tokens for the Vault provider" },
        ...scope.kvV2Mounts.map((m) => ({ path: `${m}/config`, capabilities: MANAGE, description: `KV v2 settings of ${m}` })),
        ...scope.awsMounts.flatMap((m) => [
            { path: `${m}/config/*`, capabilities: MANAGE, description: `AWS engine ${m}: root credentials and leases` },
            { path: `${m}/roles/*`, capabilities: MANAGE },
        ]),
        ...scope.transitMounts.map((m) => ({ path: `${m}/keys/*`, capabilities: MANAGE, description: `Transit keys of ${m}` })),
        { path: "sys/step-down", capabilities: ["update", "sudo"], description: "Rollouts: the active node steps down before it is replaced" },
        ...(scope.raft ? [
            { path: "sys/storage/raft/configuration", capabilities: ["read"], description: "Rollouts and scaling: the Raft peer set" },
            { path: "sys/storage/raft/remove-peer", capabilities: ["update", "sudo"], description: "Scaling down: peers leave before their pods go" },
            { path: "sys/storage/raft/autopilot/state", capabilities: ["read"] },
            { path: "sys/storage/raft/autopilot/configuration", capabilities: ["read", "update"], description: "Dead-server cleanup" },
        ] : []),
    ];
}

export function adminPolicyHcl(scope?: AdminScope): string {
    return renderPolicy(adminPolicyRules(scope));
}

/** The admin policy when no engine is configured. */
export const ADMIN_POLICY_HCL = adminPolicyHcl();

/**
 * Creates (idempotently) the admin policy and an AppRole role for Pulumi with the root token, and issues one
 * secret ID. Token TTLs are short: the Vault provider logs in anew on every run.
 */
export async function createAdminIdentity(root: VaultClient, policyHcl: string = ADMIN_POLICY_HCL): Promise<AdminRecord> {
    await root.request("PUT", `/v1/sys/policies/acl/${ADMIN_POLICY_NAME}`, { policy: policyHcl });
    const auths = (await root.get("/v1/sys/auth")).body;
    const mounts = auths?.data ?? auths ?? {};
    if (!mounts[`${ADMIN_AUTH_MOUNT}/`]) {
        await root.request("POST", `/v1/sys/auth/${ADMIN_AUTH_MOUNT}`, { type: "approle", description: "Pulumi's admin identity (vault-cluster bootstrap)" });
    }
    const role = `/v1/auth/${ADMIN_AUTH_MOUNT}/role/${ADMIN_ROLE_NAME}`;
    await root.request("POST", role, { token_policies: [ADMIN_POLICY_NAME], token_ttl: "1h", token_max_ttl: "4h", secret_id_num_uses: 0, secret_id_ttl: 0 });
    const roleId = (await root.get(`${role}/role-id`)).body?.data?.role_id;
    const secretId = (await root.request("POST", `${role}/secret-id`, {})).body?.data?.secret_id;
    if (typeof roleId !== "string" || typeof secretId !== "string") {
        throw new Error(`Vault at ${root.address} did not return a role ID and secret ID for ${role}`);
    }
    return { version: 1, createdAt: new Date().toISOString(), mount: ADMIN_AUTH_MOUNT, roleName: ADMIN_ROLE_NAME, policyName: ADMIN_POLICY_NAME, roleId, secretId };
}

/** Logs in with the admin identity; proves the credentials work before the root token goes. */
export async function loginAdmin(client: VaultClient, admin: AdminRecord): Promise<VaultClient> {
    const res = await client.request("POST", `/v1/auth/${admin.mount}/login`, { role_id: admin.roleId, secret_id: admin.secretId });
    const token = res.body?.auth?.client_token;
    if (typeof token !== "string") throw new Error(`Vault at ${client.address} returned no token for the ${admin.mount} AppRole login`);
    return client.withToken(token);
}

/** Revokes the root token unless it is already gone. Returns whether this call revoked it. */
export async function revokeRootToken(root: VaultClient): Promise<boolean> {
    try {
        await root.get("/v1/auth/token/lookup-self");
    } catch (e) {
        if (e instanceof VaultApiError && e.status === 403) return false;
        throw e;
    }
    await root.request("POST", "/v1/auth/token/revoke-self", {});
    return true;
}
