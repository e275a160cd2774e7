import type { PolicyRule } from "./args";

/** Every capability Vault's ACL policies accept (https://developer.hashicorp.com/vault/docs/concepts/policies#capabilities). */
export const CAPABILITIES = ["create", "read", "update", "patch", "delete", "list", "sudo", "deny", "subscribe", "recover"] as const;

/** Renders structured rules to Vault ACL policy HCL, one `path` block per rule in the given order. */
export function renderPolicy(rules: PolicyRule[]): string {
    return rules
        .map((r) => {
            const comment = r.description ? r.description.split("\n").map((l) => `# ${l}\n`).join("") : "";
            const caps = r.capabilities.map((c) => JSON.stringify(c)).join(", ");
            return `${comment}path ${JSON.stringify(r.path)} {\n  capabilities = [${caps}]\n}\n`;
        })
        .join("\n");
}

/** The API paths behind one logical KV v2 path: `kv get my-kv/app` reads `my-kv/data/app`. */
export function kvV2Paths(mount: string, path: string): { data: string; metadata: string; delete: string; undelete: string; destroy: string } {
    const m = mount.replace(/^\/+|\/+$/g, "");
    const p = path.replace(/^\/+/, "");
    return {
        data: `${m}/data/${p}`,
        metadata: `${m}/metadata/${p}`,
        delete: `${m}/delete/${p}`,
        undelete: `${m}/undelete/${p}`,
        destroy: `${m}/destroy/${p}`,
    };
}

/**
 * Rules that let a client read (and list) secrets under a logical KV v2 path: `read` on the data path and
 * `read` + `list` on the metadata path, as `vault kv get` and `vault kv list` need.
 */
export function kvV2ReadRules(mount: string, path: string): PolicyRule[] {
    const p = kvV2Paths(mount, path);
    return [
        { path: p.data, capabilities: ["read"] },
        { path: p.metadata, capabilities: ["list", "read"] },
    ];
}

/** Rules that let a client read, write, list and soft-delete secrets under a logical KV v2 path. */
export function kvV2WriteRules(mount: string, path: string): PolicyRule[] {
    const p = kvV2Paths(mount, path);
    return [
        { path: p.data, capabilities: ["create", "read", "update", "patch", "delete"] },
        { path: p.metadata, capabilities: ["list", "read", "delete"] },
        { path: p.delete, capabilities: ["update"] },
        { path: p.undelete, capabilities: ["update"] },
    ];
}

/**
 * The operator policy's rules (see OperatorPolicy): for KV v2 the rules of `kvV2WriteRules` on every path, for KV v1
 * create, read, update, delete and list on the whole mount.
 */
export function kvOperatorRules(mounts: { path: string; version: 1 | 2 }[]): PolicyRule[] {
    return mounts.flatMap((m) => m.version === 2 ? kvV2WriteRules(m.path, "*")
        : [{ path: `${m.path}/*`, capabilities: ["create", "read", "update", "delete", "list"] }]);
}

/**
 * What a periodic token needs to keep itself alive when it carries no `default` policy (which is where Vault grants
 * these): renew itself before its period ends, and look itself up to know when that is.
 */
export const TOKEN_SELF_RULES: PolicyRule[] = [
    { path: "auth/token/renew-self", capabilities: ["update"] },
    { path: "auth/token/lookup-self", capabilities: ["read"] },
];

/**
 * What a transit seal's token may do: encrypt and decrypt with its one key, and renew itself (the seal renews its token
 * as it goes; without that, the token would expire after one period and no pod could unseal again).
 */
export function transitSealRules(mount: string, key: string): PolicyRule[] {
    return [
        { path: `${mount}/encrypt/${key}`, capabilities: ["update"] },
        { path: `${mount}/decrypt/${key}`, capabilities: ["update"] },
        ...TOKEN_SELF_RULES,
    ];
}
