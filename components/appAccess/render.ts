import type { PolicyRule } from "../config/args";
import { kvV2Paths } from "../config/policy";
import { CSI_CA_CERT_PATH } from "../chart/values";
import type { AppSecret } from "./args";

/** The application's secrets as policy rules: read on each secret's API path. */
export function appPolicyRules(secrets: Record<string, AppSecret>): PolicyRule[] {
    const paths = [...new Set(Object.values(secrets).map(apiPath))];
    return paths.map((path) => ({ path, capabilities: ["read"] }));
}

/** `my-kv` + `my-secret` → `my-kv/data/my-secret` (KV v2) or `my-kv/my-secret` (v1). */
export function apiPath(s: AppSecret): string {
    return (s.version ?? 2) === 2 ? kvV2Paths(s.mount, s.path).data : `${s.mount}/${s.path.replace(/^\/+/, "")}`;
}

/** Pod annotations for the Vault Agent injector. */
export function injectorAnnotations(role: string, secrets: Record<string, AppSecret>, authPath = "kubernetes"): Record<string, string> {
    const annotations: Record<string, string> = {
        "vault.hashicorp.com/agent-inject": "true",
        "vault.hashicorp.com/role": role,
    };
    if (authPath !== "kubernetes") annotations["vault.hashicorp.com/auth-path"] = `auth/${authPath}`;
    for (const [file, s] of Object.entries(secrets)) {
        annotations[`vault.hashicorp.com/agent-inject-secret-${file}`] = apiPath(s);
        if (s.template) annotations[`vault.hashicorp.com/agent-inject-template-${file}`] = s.template;
    }
    return annotations;
}

/** `spec.parameters` of a secrets-store CSI SecretProviderClass with `provider: vault`. */
export function csiParameters(vaultAddress: string, role: string, secrets: Record<string, AppSecret>, authPath = "kubernetes"): Record<string, string> {
    const objects = Object.entries(secrets).flatMap(([file, s]) =>
        s.keys?.length ? s.keys.map((key) => ({ objectName: `${file}-${key}`, secretPath: apiPath(s), secretKey: key })) : [{ objectName: file, secretPath: apiPath(s) }]);
    // JSON strings are valid YAML scalars: the provider parses this list as YAML.
    const yaml = objects.map((o) => Object.entries(o).map(([k, v], i) => `${i === 0 ? "- " : "  "}${k}: ${JSON.stringify(v)}`).join("\n")).join("\n");
    return { vaultAddress, roleName: role, vaultKubernetesMountPath: authPath, vaultCACertPath: CSI_CA_CERT_PATH, objects: `${yaml}\n` };
}
