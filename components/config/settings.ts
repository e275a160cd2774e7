import { Problems, REDACTED, checkPem, checkShape, isCidr, isDuration, isMountPath, isPositiveInteger, isVaultPath } from "../validation";
import { CONFIG_SHAPE } from "../argShapes";
import type {
    AppRoleRoleArgs, AuditDeviceArgs, AwsEngineArgs, JwtAuthRoleArgs, KubernetesAuthRoleArgs, KvMountArgs, PolicyRule,
    TransitEngineArgs, VaultConfigArgs, KubernetesAuthArgs, JwtAuthArgs, AppRoleAuthArgs,
} from "./args";
import { CAPABILITIES, renderPolicy } from "./policy";

export const IN_CLUSTER_KUBERNETES_HOST = "https://kubernetes.default.svc";

export interface PolicySettings {
    name: string;
    /** The HCL written to Vault. */
    hcl: string;
    /** The structured rules, when the policy was given as rules. */
    rules?: PolicyRule[];
}

export type Named<T> = T & { name: string };

export interface KubernetesAuthSettings extends Omit<KubernetesAuthArgs, "roles" | "path" | "host"> {
    path: string;
    host: string;
    /** True for another cluster: Vault must not use its own pod's CA and token. */
    disableLocalCaJwt: boolean;
    roles: Named<KubernetesAuthRoleArgs>[];
}

export interface JwtAuthSettings extends Omit<JwtAuthArgs, "roles" | "path"> {
    path: string;
    roles: Named<JwtAuthRoleArgs>[];
}

export interface AppRoleAuthSettings extends Omit<AppRoleAuthArgs, "roles" | "path"> {
    path: string;
    roles: Named<AppRoleRoleArgs>[];
}

/** VaultConfigArgs validated, defaults applied, policies rendered. */
export interface ConfigSettings {
    /** Undefined: the composing cluster decides (a file device when audit storage is on). */
    auditDevices?: (AuditDeviceArgs & { path: string })[];
    kvMounts: (KvMountArgs & { version: 1 | 2 })[];
    transit: (TransitEngineArgs & { path: string })[];
    aws: (AwsEngineArgs & { path: string })[];
    policies: PolicySettings[];
    kubernetesAuth: KubernetesAuthSettings[];
    jwtAuth: JwtAuthSettings[];
    appRoleAuth: AppRoleAuthSettings[];
}

const NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Validates VaultConfigArgs: mount paths (shape and duplicates), policy capabilities, TTLs, policy references,
 * JWT audiences and bound claims. `fieldPrefix` is prepended to field names ("config." when composed by a cluster,
 * whose own shape check has then covered the keys already: `keysChecked`).
 */
export function resolveConfigSettings(p: Problems, args: VaultConfigArgs, options: { fieldPrefix?: string; keysChecked?: boolean } = {}): ConfigSettings {
    const prefix = options.fieldPrefix ?? "";
    if (!options.keysChecked) checkShape(p, args, CONFIG_SHAPE, prefix.replace(/\.$/, ""));
    const secretMounts = new MountRegistry(p, "secrets engine", ["sys", "auth", "identity", "cubbyhole"]);
    const authMounts = new MountRegistry(p, "auth method", ["token"]);

    const auditDevices = args.auditDevices?.map((d, i) => {
        const f = `${prefix}auditDevices[${i}]`;
        p.check(["file", "socket", "syslog"].includes(d.type), `${f}.type`, d.type, "is not an audit device type", "use \"file\", \"socket\" or \"syslog\"");
        if (d.type === "file") {
            p.check(typeof d.options?.file_path === "string", `${f}.options.file_path`, d.options?.file_path, "is required for a file device",
                "e.g. \"/vault/audit/vault_audit.log\" (on the audit volume) or \"stdout\"");
        }
        const path = d.path ?? d.type;
        checkMountPath(p, `${f}.path`, path);
        return { ...d, path };
    });
    if (auditDevices) {
        const seen = new Set<string>();
        auditDevices.forEach((d, i) => {
            p.check(!seen.has(d.path), `${prefix}auditDevices[${i}].path`, d.path, "is used by another audit device", "give each device its own path");
            seen.add(d.path);
        });
    }

    const kvMounts = (args.kvMounts ?? []).map((m, i) => {
        const f = `${prefix}kvMounts[${i}]`;
        secretMounts.add(`${f}.path`, m.path);
        const version = m.version ?? 2;
        p.check(version === 1 || version === 2, `${f}.version`, m.version, "is not a KV version", "use 2 (default) or 1");
        if (version === 1) {
            for (const k of ["maxVersions", "casRequired", "deleteVersionAfter"] as const) {
                p.check(m[k] === undefined, `${f}.${k}`, m[k], "only applies to KV version 2", "remove it or use version 2");
            }
        }
        if (m.maxVersions !== undefined) p.check(isPositiveInteger(m.maxVersions), `${f}.maxVersions`, m.maxVersions, "must be a whole number of at least 1", "e.g. 10");
        checkTtl(p, `${f}.deleteVersionAfter`, m.deleteVersionAfter);
        return { ...m, version: version as 1 | 2 };
    });

    const transit = (args.secretsEngines?.transit ?? []).map((t, i) => {
        const path = t.path ?? "transit";
        secretMounts.add(`${prefix}secretsEngines.transit[${i}].path`, path);
        for (const [key, k] of Object.entries(t.keys ?? {})) {
            p.check(NAME.test(key), `${prefix}secretsEngines.transit[${i}].keys`, key, "is not a valid key name", "use letters, digits, '_', '-' and '.'");
            checkTtl(p, `${prefix}secretsEngines.transit[${i}].keys.${key}.autoRotatePeriod`, k.autoRotatePeriod);
        }
        return { ...t, path };
    });

    const aws = (args.secretsEngines?.aws ?? []).map((a, i) => {
        const f = `${prefix}secretsEngines.aws[${i}]`;
        const path = a.path ?? "aws";
        secretMounts.add(`${f}.path`, path);
        p.check((a.accessKey === undefined) === (a.secretKey === undefined), `${f}.accessKey`, REDACTED,
            "accessKey and secretKey go together", "set both, or neither to use the Vault pods' IAM role");
        checkTtl(p, `${f}.defaultLeaseTtl`, a.defaultLeaseTtl);
        checkTtl(p, `${f}.maxLeaseTtl`, a.maxLeaseTtl);
        for (const [role, r] of Object.entries(a.roles ?? {})) {
            const rf = `${f}.roles.${role}`;
            p.check(NAME.test(role), `${f}.roles`, role, "is not a valid role name", "use letters, digits, '_', '-' and '.'");
            p.check(["iam_user", "assumed_role", "federation_token"].includes(r.credentialType), `${rf}.credentialType`, r.credentialType,
                "is not an AWS credential type", "use \"iam_user\", \"assumed_role\" or \"federation_token\"");
            if (r.credentialType === "assumed_role") {
                p.check((r.roleArns ?? []).length > 0, `${rf}.roleArns`, r.roleArns, "is required for assumed_role", "list the IAM role ARNs Vault may assume");
            } else {
                p.check(r.policyDocument !== undefined || (r.policyArns ?? []).length > 0, `${rf}.policyDocument`, undefined,
                    "an iam_user or federation_token role needs a policy", "set policyDocument or policyArns");
            }
            if (typeof r.policyDocument === "string") {
                try { JSON.parse(r.policyDocument); } catch {
                    p.add(`${rf}.policyDocument`, r.policyDocument, "is not valid JSON", "pass an IAM policy document object or JSON text");
                }
            }
            checkTtl(p, `${rf}.defaultStsTtl`, r.defaultStsTtl);
            checkTtl(p, `${rf}.maxStsTtl`, r.maxStsTtl);
        }
        return { ...a, path };
    });

    const policies = Object.entries(args.policies ?? {}).map(([name, body]) => resolvePolicy(p, `${prefix}policies.${name}`, name, body));
    const known = new Set(["default", ...(args.existingPolicies ?? []), ...policies.map((x) => x.name)]);
    const checkPolicies = (field: string, list: string[] | undefined) => {
        p.check(Array.isArray(list) && list.length > 0, field, list, "must name at least one policy", "e.g. [\"my-app-read\"]");
        (list ?? []).forEach((name) => p.check(known.has(name), field, name, "names a policy that is neither defined in policies nor declared in existingPolicies",
            `define policies["${name}"], or add "${name}" to existingPolicies if it exists in Vault already`));
    };

    const kubernetesAuth = (args.kubernetesAuth ?? []).map((k, i) => {
        const f = `${prefix}kubernetesAuth[${i}]`;
        const path = k.path ?? "kubernetes";
        authMounts.add(`${f}.path`, path);
        const host = k.host ?? IN_CLUSTER_KUBERNETES_HOST;
        p.check(/^https:\/\/[^\s/]+(:\d+)?\/?$/.test(host), `${f}.host`, host, "is not an https URL of a Kubernetes API server",
            "e.g. \"https://ABCD.gr7.eu-west-1.eks.amazonaws.com\"");
        const remote = host !== IN_CLUSTER_KUBERNETES_HOST;
        if (remote) {
            p.check(k.caCertPem !== undefined, `${f}.caCertPem`, undefined, "is required for another cluster's API server",
                "pass that cluster's CA certificate (PEM), e.g. from `aws eks describe-cluster` certificateAuthority");
        }
        checkPem(p, `${f}.caCertPem`, k.caCertPem);
        const roles = namedEntries(p, `${f}.roles`, k.roles).map((r) => {
            const rf = `${f}.roles.${r.name}`;
            p.check(Array.isArray(r.serviceAccountNames) && r.serviceAccountNames.length > 0, `${rf}.serviceAccountNames`, r.serviceAccountNames,
                "must list at least one service account", "e.g. [\"internal-app\"]");
            p.check(Array.isArray(r.namespaces) && r.namespaces.length > 0, `${rf}.namespaces`, r.namespaces, "must list at least one namespace", "e.g. [\"default\"]");
            p.check(!(r.serviceAccountNames?.includes("*") && r.namespaces?.includes("*")), `${rf}.serviceAccountNames`, r.serviceAccountNames,
                "binds every service account in every namespace", "name the service accounts or the namespaces");
            checkPolicies(`${rf}.policies`, r.policies);
            checkTtl(p, `${rf}.ttl`, r.ttl);
            checkTtl(p, `${rf}.maxTtl`, r.maxTtl);
            return r;
        });
        return { ...k, path, host, disableLocalCaJwt: remote, roles };
    });

    const jwtAuth = (args.jwtAuth ?? []).map((j, i) => {
        const f = `${prefix}jwtAuth[${i}]`;
        const path = j.path ?? "jwt";
        authMounts.add(`${f}.path`, path);
        p.check((j.jwksUrl === undefined) !== (j.oidcDiscoveryUrl === undefined), `${f}.jwksUrl`, j.jwksUrl ?? j.oidcDiscoveryUrl,
            "exactly one of jwksUrl and oidcDiscoveryUrl is needed", "for GitLab set jwksUrl \"https://<gitlab>/-/jwks\" or oidcDiscoveryUrl \"https://<gitlab>\"");
        checkPem(p, `${f}.caCertPem`, j.caCertPem);
        for (const k of ["jwksUrl", "oidcDiscoveryUrl", "boundIssuer"] as const) {
            if (j[k] !== undefined) p.check(/^https:\/\/\S+$/.test(j[k]!), `${f}.${k}`, j[k], "is not an https URL", "e.g. \"https://gitlab.example.com\"");
        }
        const roles = namedEntries(p, `${f}.roles`, j.roles).map((r) => {
            const rf = `${f}.roles.${r.name}`;
            p.check(Array.isArray(r.boundAudiences) && r.boundAudiences.length > 0, `${rf}.boundAudiences`, r.boundAudiences,
                "is required: since Vault 1.17 a JWT with an aud claim is refused by a role without bound audiences",
                "set it to the aud of the job's id_tokens, e.g. [\"https://vault.example.com\"]");
            p.check(typeof r.userClaim === "string" && r.userClaim.length > 0, `${rf}.userClaim`, r.userClaim, "is required", "e.g. \"sub\" or \"user_email\"");
            const claims = Object.keys(r.boundClaims ?? {});
            p.check(claims.length > 0 || r.allowUnboundClaims === true, `${rf}.boundClaims`, r.boundClaims,
                "is empty: every project and pipeline on the issuer could log in with this role and read its secrets",
                "bind project_id, ref and ref_protected (e.g. { project_id: \"42\", ref_protected: \"true\" }), or set allowUnboundClaims: true deliberately");
            checkPolicies(`${rf}.policies`, r.policies);
            checkTtl(p, `${rf}.ttl`, r.ttl);
            checkTtl(p, `${rf}.maxTtl`, r.maxTtl);
            return r;
        });
        return { ...j, path, roles };
    });

    const appRoleAuth = (args.appRoleAuth ?? []).map((a, i) => {
        const f = `${prefix}appRoleAuth[${i}]`;
        const path = a.path ?? "approle";
        authMounts.add(`${f}.path`, path);
        const roles = namedEntries(p, `${f}.roles`, a.roles).map((r) => {
            const rf = `${f}.roles.${r.name}`;
            checkPolicies(`${rf}.policies`, r.policies);
            for (const k of ["tokenTtl", "tokenMaxTtl", "secretIdTtl"] as const) checkTtl(p, `${rf}.${k}`, r[k]);
            if (r.secretIdNumUses !== undefined) {
                p.check(Number.isInteger(r.secretIdNumUses) && r.secretIdNumUses >= 0, `${rf}.secretIdNumUses`, r.secretIdNumUses, "must be 0 (unlimited) or more", "e.g. 0");
            }
            for (const k of ["secretIdBoundCidrs", "tokenBoundCidrs"] as const) {
                (r[k] ?? []).forEach((c, n) => p.check(isCidr(c), `${rf}.${k}[${n}]`, c, "is not a CIDR block", "e.g. \"10.0.0.0/16\""));
            }
            return r;
        });
        return { ...a, path, roles };
    });

    return { auditDevices, kvMounts, transit, aws, policies, kubernetesAuth, jwtAuth, appRoleAuth };
}

function resolvePolicy(p: Problems, field: string, name: string, body: string | PolicyRule[]): PolicySettings {
    p.check(NAME.test(name) && name !== "root" && name !== "default", field, name, "is not a policy name this component may write",
        "use letters, digits, '_', '-' and '.'; root and default are Vault's own");
    if (typeof body === "string") {
        p.check(/\bpath\s+"[^"]+"\s*\{/.test(body), field, body, "does not look like a Vault policy (no path block)",
            "write HCL such as path \"my-kv/data/*\" { capabilities = [\"read\"] }, or pass a list of rules");
        return { name, hcl: body };
    }
    p.check(Array.isArray(body) && body.length > 0, field, body, "must be HCL text or a non-empty list of rules", "e.g. [{ path: \"my-kv/data/app\", capabilities: [\"read\"] }]");
    const paths = new Set<string>();
    (Array.isArray(body) ? body : []).forEach((rule, i) => {
        const rf = `${field}[${i}]`;
        p.check(isVaultPath(rule.path), `${rf}.path`, rule.path,
            "is not a Vault path", "no leading slash, spaces or quotes, e.g. \"my-kv/data/app/*\"");
        p.check(!paths.has(rule.path), `${rf}.path`, rule.path, "appears twice in this policy", "merge the capabilities into one rule");
        paths.add(rule.path);
        p.check(Array.isArray(rule.capabilities) && rule.capabilities.length > 0, `${rf}.capabilities`, rule.capabilities,
            "must list at least one capability", `use some of: ${CAPABILITIES.join(", ")}`);
        (rule.capabilities ?? []).forEach((c) => p.check((CAPABILITIES as readonly string[]).includes(c), `${rf}.capabilities`, c,
            "is not a Vault capability", `use one of: ${CAPABILITIES.join(", ")}`));
    });
    return { name, hcl: renderPolicy(Array.isArray(body) ? body : []), rules: body };
}

function namedEntries<T>(p: Problems, field: string, roles: Record<string, T> | undefined): Named<T>[] {
    p.check(roles !== undefined && typeof roles === "object", field, roles, "is required", "map role names to role settings");
    return Object.entries(roles ?? {}).map(([name, r]) => {
        p.check(NAME.test(name), field, name, "is not a valid role name", "use letters, digits, '_', '-' and '.'");
        return { ...r, name };
    });
}

function checkTtl(p: Problems, field: string, value: string | undefined): void {
    if (value !== undefined) {
        p.check(isDuration(value), field, value, "is not a Vault duration", "use seconds (\"3600\") or a duration such as \"20m\", \"1h\", \"768h\"");
    }
}

function checkMountPath(p: Problems, field: string, path: unknown): boolean {
    return p.check(isMountPath(path), field, path, "is not a valid mount path",
        "no leading or trailing slash and no spaces, e.g. \"my-kv\" or \"team-a/kv\"");
}

/**
 * Refuses mount paths Vault would refuse: duplicates and nested paths within one namespace of mounts (secrets
 * engines, or auth methods), and the paths Vault reserves for itself.
 */
class MountRegistry {
    private readonly seen = new Map<string, string>();
    constructor(private readonly p: Problems, private readonly kind: string, private readonly reserved: string[]) {}

    add(field: string, path: string): void {
        if (!checkMountPath(this.p, field, path)) return;
        const within = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
        const reserved = this.reserved.find((r) => within(path, r));
        this.p.check(reserved === undefined, field, path, `is under ${reserved}/, which Vault reserves`, "choose another mount path");
        for (const [other, otherField] of this.seen) {
            if (within(path, other) || within(other, path)) {
                this.p.add(field, path, other === path ? `is already the mount path of another ${this.kind} (${otherField})`
                    : `overlaps the mount path "${other}" of another ${this.kind} (${otherField}): Vault refuses nested mounts`, "give each mount its own path");
            }
        }
        this.seen.set(path, field);
    }
}
