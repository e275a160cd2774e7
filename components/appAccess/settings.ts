import type * as pulumi from "@pulumi/pulumi";
import { clusterNames } from "../cluster/names";
import { renderPolicy } from "../config/policy";
import { ADMIN_POLICY_NAME, VAULT_POLICIES } from "../reserved";
import { Problems, checkWhenKnown, isDnsLabel, isDnsName, isDuration, isMountPath, isPolicyPath } from "../validation";
import type { AppSecret, VaultAppAccessArgs } from "./args";
import { appPolicyRules } from "./render";

/** VaultAppAccessArgs validated, with defaults applied. */
export interface AppAccessSettings {
    namespace: pulumi.Input<string>;
    serviceAccountName: pulumi.Input<string>;
    createServiceAccount: boolean;
    secrets: Record<string, AppSecret>;
    authPath: string;
    roleName: string;
    policyName: string;
    policyHcl: string;
    ttl: string;
    audience?: string;
    vaultAddress: pulumi.Input<string>;
}

/** Validates an application's access (after the type check) and applies the defaults. */
export function resolveAppAccessSettings(p: Problems, name: string, a: VaultAppAccessArgs, subject: string): AppAccessSettings {
    const files = Object.entries(a.secrets);
    p.check(files.length > 0, "secrets", a.secrets, "must name at least one secret", "e.g. { config: { mount: \"my-kv\", path: \"my-secret\" } }");
    for (const [file, s] of files) {
        p.check(/^[A-Za-z0-9._-]+$/.test(file), `secrets.${file}`, file, "is not a file name", "use letters, digits, '.', '_' and '-'");
        p.check(isMountPath(s.mount), `secrets.${file}.mount`, s.mount, "is not a mount path", "no leading or trailing slash and no spaces, e.g. \"my-kv\"");
        p.check(isPolicyPath(s.path) && !s.path.includes("*"), `secrets.${file}.path`, s.path, "is not a secret path",
            "the path inside the mount without data/, e.g. \"my-secret\" (no quotes, braces, spaces or '*')");
    }
    const ttl = a.ttl ?? "1h";
    p.check(isDuration(ttl), "ttl", ttl, "is not a Vault duration", "e.g. \"1h\"");
    const authPath = a.authPath ?? "kubernetes";
    p.check(isMountPath(authPath), "authPath", authPath, "is not a mount path", "e.g. \"kubernetes\"");
    const roleName = a.roleName ?? name;
    const policyName = a.policyName ?? `${name}-read`;
    p.check(/^[A-Za-z0-9_.-]+$/.test(roleName), "roleName", roleName, "is not a role name", "use letters, digits, '_', '-' and '.' (name the component accordingly, or set roleName)");
    p.check(/^[A-Za-z0-9_.-]+$/.test(policyName) && ![...VAULT_POLICIES, ADMIN_POLICY_NAME].includes(policyName.toLowerCase()), "policyName", policyName,
        "is not a policy name this component may write", `use letters, digits, '_', '-' and '.', not ${[...VAULT_POLICIES, ADMIN_POLICY_NAME].join(", ")}`);
    return {
        namespace: checkWhenKnown(p, subject, a.namespace, (q, v) => q.check(isDnsLabel(v), "namespace", v, "is not a namespace name", "e.g. \"default\"")),
        serviceAccountName: checkWhenKnown(p, subject, a.serviceAccountName, (q, v) =>
            q.check(isDnsName(v), "serviceAccountName", v, "is not a service account name", "e.g. \"internal-app\"")),
        createServiceAccount: a.createServiceAccount ?? true,
        secrets: Object.fromEntries(files.map(([file, s]) => [file, { ...s, version: s.version ?? 2 }])),
        authPath, roleName, policyName,
        policyHcl: renderPolicy(appPolicyRules(a.secrets)),
        ttl,
        audience: a.audience,
        vaultAddress: a.vaultAddress ?? clusterNames("vault", "vault", 1).address,
    };
}
