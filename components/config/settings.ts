import type * as pulumi from "@pulumi/pulumi";
import { ADMIN_AUTH_MOUNT, VAULT_AUTH_MOUNTS, VAULT_SECRET_MOUNTS } from "../reserved";
import { AUDIT_MOUNT_PATH } from "../cluster/names";
import { Problems, REDACTED, checkAwsName, checkPem, checkWhenKnown, isCidr, isDuration, isMountPath } from "../validation";
import type {
    AppRoleAuth, AppRoleRole, AuditDevice, AwsEngine, BoundClaimsType, JwtAuth, KubernetesAuth, KubernetesAuthRole,
    KvMount, KvVersion, TransitEngine, UserpassAuth, UserpassUser, VaultConfigArgs,
} from "./args";
import { BuiltInPolicy, PolicySettings, resolvePolicies } from "./policies";
import { operatorPolicy, resolveTransitSeals, TransitSealSettings } from "./optionPolicies";
import { transitSealRules } from "./policy";

export type { PolicySettings } from "./policies";
export type { TransitSealSettings } from "./optionPolicies";

export const IN_CLUSTER_KUBERNETES_HOST = "https://kubernetes.default.svc";
/** Where a VaultCluster's file audit device writes: on the audit volume. */
export const DEFAULT_AUDIT_FILE = `${AUDIT_MOUNT_PATH}/vault_audit.log`;

export type Named<T> = T & { name: string };

export interface KubernetesAuthSettings extends Omit<KubernetesAuth, "roles" | "path" | "host"> {
    path: string;
    host: pulumi.Input<string>;
    /** True for another cluster: Vault must not use its own pod's CA and token. */
    disableLocalCaJwt: boolean;
    roles: Named<KubernetesAuthRole>[];
}

/** A role of a JWT or OIDC mount: what both kinds share, and the OIDC login's own fields. */
export interface JwtRoleSettings {
    name: string;
    boundAudiences?: string[];
    userClaim: string;
    groupsClaim?: string;
    boundClaims?: Record<string, string>;
    boundClaimsType?: BoundClaimsType;
    allowUnboundClaims: boolean;
    allowedRedirectUris?: string[];
    oidcScopes?: string[];
    policies: string[];
    ttl?: string;
    maxTtl?: string;
}

/** A mount of Vault's jwt plugin: `jwt` for machines (jwtAuth), `oidc` for people's browser logins (oidcAuth). */
export interface JwtAuthSettings extends Omit<JwtAuth, "roles" | "path"> {
    type: "jwt" | "oidc";
    path: string;
    oidcClientId?: pulumi.Input<string>;
    oidcClientSecret?: pulumi.Input<string>;
    defaultRole?: string;
    roles: JwtRoleSettings[];
}

export interface UserpassAuthSettings extends Omit<UserpassAuth, "users" | "path"> {
    path: string;
    users: Named<UserpassUser>[];
}


export interface AppRoleAuthSettings extends Omit<AppRoleAuth, "roles" | "path"> {
    path: string;
    roles: Named<AppRoleRole>[];
}

/** VaultConfigArgs validated, defaults applied, policies rendered. */
export interface ConfigSettings {
    auditDevices: (AuditDevice & { path: string; options: Record<string, string> })[];
    kvMounts: (KvMount & { version: KvVersion })[];
    transit: (TransitEngine & { path: string })[];
    aws: (AwsEngine & { path: string })[];
    policies: PolicySettings[];
    kubernetesAuth: KubernetesAuthSettings[];
    /** JWT and OIDC mounts (one Vault plugin serves both). */
    jwtAuth: JwtAuthSettings[];
    appRoleAuth: AppRoleAuthSettings[];
    userpassAuth: UserpassAuthSettings[];
    transitSeals: TransitSealSettings[];
}

const NAME = /^[A-Za-z0-9_.-]+$/;
/** Userpass passwords shorter than this are refused: these accounts can write every secret. */
const MIN_PASSWORD_LENGTH = 12;

/**
 * Validates VaultConfigArgs (after the type check): mount paths (shape, reserved, duplicates, nesting), audit file
 * paths, policies, TTLs, policy references, AWS ARNs, JWT audiences and bound claims. `prefix` is prepended to field
 * names ("config." when composed by a cluster); `subject` names the component in errors found later (outputs).
 */
export function resolveConfigSettings(p: Problems, args: VaultConfigArgs, prefix: string, subject: string): ConfigSettings {
    const secretMounts = new MountRegistry(p, "secrets engine", VAULT_SECRET_MOUNTS);
    const authMounts = new MountRegistry(p, "auth method", [...VAULT_AUTH_MOUNTS, ADMIN_AUTH_MOUNT]);

    const auditDevices = (args.auditDevices ?? []).map((d, i) => {
        const f = `${prefix}auditDevices[${i}]`;
        if (d.type === "file") checkAuditFile(p, `${f}.options.file_path`, d.options?.file_path);
        const path = d.path ?? d.type;
        checkMountPath(p, `${f}.path`, path);
        return { ...d, path, options: d.options ?? {} };
    });
    const devices = new Set<string>();
    auditDevices.forEach((d, i) => {
        p.check(!devices.has(d.path), `${prefix}auditDevices[${i}].path`, d.path, "is used by another audit device", "give each device its own path");
        devices.add(d.path);
    });

    const kvMounts = (args.kvMounts ?? []).map((m, i) => {
        const f = `${prefix}kvMounts[${i}]`;
        secretMounts.add(`${f}.path`, m.path);
        const version = m.version ?? 2;
        if (version === 1) {
            for (const k of ["maxVersions", "casRequired", "deleteVersionAfter"] as const) {
                p.check(m[k] === undefined, `${f}.${k}`, m[k], "only applies to KV version 2", "remove it or use version 2");
            }
        }
        checkTtl(p, `${f}.deleteVersionAfter`, m.deleteVersionAfter);
        return { ...m, version };
    });

    const transit = (args.secretsEngines?.transit ?? []).map((t, i) => {
        const f = `${prefix}secretsEngines.transit[${i}]`;
        const path = t.path ?? "transit";
        secretMounts.add(`${f}.path`, path);
        for (const [key, k] of Object.entries(t.keys ?? {})) {
            p.check(NAME.test(key), `${f}.keys`, key, "is not a valid key name", "use letters, digits, '_', '-' and '.'");
            checkTtl(p, `${f}.keys.${key}.autoRotatePeriod`, k.autoRotatePeriod);
        }
        return { ...t, path, keys: t.keys ?? {} };
    });

    const transitSeals = resolveTransitSeals(p, prefix, args.transitSealKeys ?? [], transit, (field, path) => secretMounts.add(field, path));

    const aws = (args.secretsEngines?.aws ?? []).map((a, i) => resolveAwsEngine(p, `${prefix}secretsEngines.aws[${i}]`, a, secretMounts, subject));

    const builtIn: BuiltInPolicy[] = [
        ...operatorPolicy(p, `${prefix}operatorPolicy`, args.operatorPolicy, kvMounts),
        ...transitSeals.map((t, i) => ({ field: `${prefix}transitSealKeys[${i}]`, name: t.name, rules: transitSealRules(t.mount, t.keyName) })),
    ];
    const policies = resolvePolicies(p, prefix, args.policies ?? {}, args.hclPolicies ?? {}, builtIn);
    const known = new Set(["default", ...(args.existingPolicies ?? []), ...policies.map((x) => x.name)].map((n) => n.toLowerCase()));
    const checkPolicies = (field: string, list: string[]) => list.forEach((name) => p.check(known.has(name.toLowerCase()), field, name,
        "names a policy that is neither defined in policies or hclPolicies nor declared in existingPolicies",
        `define policies["${name}"], or add "${name}" to existingPolicies if it exists in Vault already`));

    const kubernetesAuth = (args.kubernetesAuth ?? []).map((k, i) => {
        const f = `${prefix}kubernetesAuth[${i}]`;
        const path = k.path ?? "kubernetes";
        authMounts.add(`${f}.path`, path);
        const remote = k.host !== undefined && k.host !== IN_CLUSTER_KUBERNETES_HOST;
        const host = k.host === undefined ? IN_CLUSTER_KUBERNETES_HOST : checkWhenKnown(p, subject, k.host, (q, v) =>
            q.check(/^https:\/\/[^\s/@]+(:\d+)?\/?$/.test(v), `${f}.host`, v, "is not an https URL of a Kubernetes API server", "e.g. \"https://ABCD.gr7.eu-west-1.eks.amazonaws.com\""));
        if (remote) {
            p.check(k.caCertPem !== undefined, `${f}.caCertPem`, undefined, "is required for another cluster's API server",
                "pass that cluster's CA certificate (PEM), e.g. from the EKS cluster's certificateAuthority output");
        }
        const roles = namedEntries(p, `${f}.roles`, k.roles).map((r) => {
            const rf = `${f}.roles.${r.name}`;
            p.check(!(r.serviceAccountNames.includes("*") && r.namespaces.includes("*")), `${rf}.serviceAccountNames`, r.serviceAccountNames,
                "binds every service account in every namespace", "name the service accounts or the namespaces");
            checkPolicies(`${rf}.policies`, r.policies);
            checkTtl(p, `${rf}.ttl`, r.ttl);
            checkTtl(p, `${rf}.maxTtl`, r.maxTtl);
            return r;
        });
        return { ...k, path, host, caCertPem: checkPem(p, subject, `${f}.caCertPem`, k.caCertPem), disableLocalCaJwt: remote, roles };
    });

    /** The checks JWT and OIDC roles share: bound claims unless waived, known policies, TTLs. */
    const claimRole = <R extends { boundClaims?: Record<string, string>; allowUnboundClaims?: boolean; policies: string[]; ttl?: string; maxTtl?: string }>(
        rf: string, r: R, who: string, bind: string): R & { allowUnboundClaims: boolean } => {
        p.check(Object.keys(r.boundClaims ?? {}).length > 0 || r.allowUnboundClaims === true, `${rf}.boundClaims`, r.boundClaims,
            `is empty: ${who} could log in with this role and read its secrets`, `${bind}, or set allowUnboundClaims: true deliberately`);
        checkPolicies(`${rf}.policies`, r.policies);
        checkTtl(p, `${rf}.ttl`, r.ttl);
        checkTtl(p, `${rf}.maxTtl`, r.maxTtl);
        return { ...r, allowUnboundClaims: r.allowUnboundClaims ?? false };
    };
    const httpsUrl = (field: string, value: pulumi.Input<string> | undefined, example: string) => value === undefined ? undefined : checkWhenKnown(p, subject, value, (q, v) =>
        q.check(/^https:\/\/[^\s@]+$/.test(v), field, v, "is not an https URL (without credentials)", `e.g. "${example}"`));

    const jwtAuth: JwtAuthSettings[] = (args.jwtAuth ?? []).map((j, i) => {
        const f = `${prefix}jwtAuth[${i}]`;
        const path = j.path ?? "jwt";
        authMounts.add(`${f}.path`, path);
        p.check((j.jwksUrl === undefined) !== (j.oidcDiscoveryUrl === undefined), `${f}.jwksUrl`, REDACTED,
            "exactly one of jwksUrl and oidcDiscoveryUrl is needed", "for GitLab set jwksUrl \"https://<gitlab>/-/jwks\" or oidcDiscoveryUrl \"https://<gitlab>\"");
        const url = (k: "jwksUrl" | "oidcDiscoveryUrl" | "boundIssuer") => httpsUrl(`${f}.${k}`, j[k], "https://gitlab.example.com");
        const roles = namedEntries(p, `${f}.roles`, j.roles).map((r) => claimRole(`${f}.roles.${r.name}`, r, "every project and pipeline on the issuer",
            "bind project_id, ref and ref_protected (e.g. { project_id: \"42\", ref_protected: \"true\" })"));
        return { ...j, type: "jwt" as const, path, jwksUrl: url("jwksUrl"), oidcDiscoveryUrl: url("oidcDiscoveryUrl"), boundIssuer: url("boundIssuer"),
            caCertPem: checkPem(p, subject, `${f}.caCertPem`, j.caCertPem), roles };
    });

    const oidcAuth: JwtAuthSettings[] = (args.oidcAuth ?? []).map((o, i) => {
        const f = `${prefix}oidcAuth[${i}]`;
        const path = o.path ?? "oidc";
        authMounts.add(`${f}.path`, path);
        const roles = namedEntries(p, `${f}.roles`, o.roles).map((r) => {
            const rf = `${f}.roles.${r.name}`;
            r.allowedRedirectUris.forEach((u, n) => p.check(isRedirectUri(u), `${rf}.allowedRedirectUris[${n}]`, u,
                "is not a redirect URI Vault can use (https, or http only on localhost for the CLI)",
                `e.g. "http://localhost:8250/oidc/callback" (vault login) or "https://<vault host>/ui/vault/auth/${path}/oidc/callback" (the UI)`));
            return { ...claimRole(rf, r, "everyone the identity provider signs in", "bind a group (e.g. { groups: \"vault-operators\" }, with groupsClaim and oidcScopes)"),
                userClaim: r.userClaim ?? "sub" };
        });
        p.check(o.defaultRole === undefined || roles.some((r) => r.name === o.defaultRole), `${f}.defaultRole`, o.defaultRole,
            "is not one of this mount's roles", `use one of: ${roles.map((r) => r.name).join(", ") || "(define a role first)"}`);
        const secret = checkWhenKnown(p, subject, o.oidcClientSecret, (q, v) => q.check(v.length > 0, `${f}.oidcClientSecret`, REDACTED, "is empty",
            "pass the client secret of Vault's application at the identity provider, as a Pulumi secret"));
        return { type: "oidc" as const, path, description: o.description, oidcDiscoveryUrl: httpsUrl(`${f}.oidcDiscoveryUrl`, o.oidcDiscoveryUrl, "https://login.example.com"),
            caCertPem: checkPem(p, subject, `${f}.caCertPem`, o.caCertPem), oidcClientId: o.oidcClientId, oidcClientSecret: secret, defaultRole: o.defaultRole, roles };
    });

    const userpassAuth = (args.userpassAuth ?? []).map((u, i) => {
        const f = `${prefix}userpassAuth[${i}]`;
        const path = u.path ?? "userpass";
        authMounts.add(`${f}.path`, path);
        const users = Object.entries(u.users).map(([name, user]) => {
            const uf = `${f}.users.${name}`;
            p.check(/^[a-z0-9_.-]+$/.test(name), `${f}.users`, name, "is not a user name Vault keeps as given",
                "use lower case letters, digits, '_', '-' and '.' (Vault folds user names to lower case)");
            checkPolicies(`${uf}.policies`, user.policies);
            checkTtl(p, `${uf}.ttl`, user.ttl);
            checkTtl(p, `${uf}.maxTtl`, user.maxTtl);
            (user.tokenBoundCidrs ?? []).forEach((c, n) => p.check(isCidr(c), `${uf}.tokenBoundCidrs[${n}]`, c, "is not a CIDR block", "e.g. \"10.0.0.0/16\""));
            const password = checkWhenKnown(p, subject, user.password, (q, v) => q.check(v.length >= MIN_PASSWORD_LENGTH, `${uf}.password`, REDACTED,
                `is shorter than ${MIN_PASSWORD_LENGTH} characters (this account can log in to Vault)`, "generate one, e.g. `openssl rand -base64 24`, and set it with `pulumi config set --secret`"));
            return { ...user, name, password };
        });
        return { ...u, path, users };
    });

    const appRoleAuth = (args.appRoleAuth ?? []).map((a, i) => {
        const f = `${prefix}appRoleAuth[${i}]`;
        const path = a.path ?? "approle";
        authMounts.add(`${f}.path`, path);
        const roles = namedEntries(p, `${f}.roles`, a.roles).map((r) => {
            const rf = `${f}.roles.${r.name}`;
            checkPolicies(`${rf}.policies`, r.policies);
            for (const k of ["tokenTtl", "tokenMaxTtl", "secretIdTtl"] as const) checkTtl(p, `${rf}.${k}`, r[k]);
            for (const k of ["secretIdBoundCidrs", "tokenBoundCidrs"] as const) {
                (r[k] ?? []).forEach((c, n) => p.check(isCidr(c), `${rf}.${k}[${n}]`, c, "is not a CIDR block", "e.g. \"10.0.0.0/16\""));
            }
            return { ...r, createSecretId: r.createSecretId ?? false };
        });
        return { ...a, path, roles };
    });

    return { auditDevices, kvMounts, transit, aws, policies, kubernetesAuth, jwtAuth: [...jwtAuth, ...oidcAuth], appRoleAuth, userpassAuth, transitSeals };
}

/** Where an OIDC login may return: https anywhere, plain http only to the CLI's listener on this machine. */
function isRedirectUri(value: string): boolean {
    return /^https:\/\/[^\s@/]+(\/\S*)?$/.test(value) || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/\S*)?$/.test(value);
}

/** A file audit device writes to stdout, nowhere (`discard`), or a file inside the audit volume. */
function checkAuditFile(p: Problems, field: string, file: string | undefined): void {
    if (!p.check(file !== undefined, field, undefined, "is required for a file device", `e.g. "${DEFAULT_AUDIT_FILE}" (on the audit volume) or "stdout"`)) return;
    if (file === "stdout" || file === "discard") return;
    const inside = file!.startsWith(`${AUDIT_MOUNT_PATH}/`) ? file!.slice(AUDIT_MOUNT_PATH.length + 1).split("/") : [];
    p.check(inside.length > 0 && inside.every((s) => s !== "" && s !== "." && s !== ".."),
        field, file, `is outside the audit volume ${AUDIT_MOUNT_PATH}`, `write to a file under ${AUDIT_MOUNT_PATH}/, e.g. "${DEFAULT_AUDIT_FILE}", or "stdout"`);
}

function resolveAwsEngine(p: Problems, f: string, a: AwsEngine, mounts: MountRegistry, subject: string): AwsEngine & { path: string } {
    const path = a.path ?? "aws";
    mounts.add(`${f}.path`, path);
    p.check((a.accessKey === undefined) === (a.secretKey === undefined), `${f}.accessKey`, REDACTED,
        "accessKey and secretKey go together", "set both, or neither to use the Vault pods' IAM role");
    checkTtl(p, `${f}.defaultLeaseTtl`, a.defaultLeaseTtl);
    checkTtl(p, `${f}.maxLeaseTtl`, a.maxLeaseTtl);
    const roles = Object.fromEntries(Object.entries(a.roles).map(([role, r]) => {
        const rf = `${f}.roles.${role}`;
        p.check(NAME.test(role), `${f}.roles`, role, "is not a valid role name", "use letters, digits, '_', '-' and '.'");
        const arns = (k: "policyArns" | "roleArns", kind: "policyArn" | "roleArn", example: string) => (r[k] ?? []).map((arn, n) =>
            checkAwsName(p, subject, `${rf}.${k}[${n}]`, arn, [kind], `an IAM ${kind === "roleArn" ? "role" : "policy"} ARN`, example)!);
        if (r.credentialType === "assumed_role") {
            p.check((r.roleArns ?? []).length > 0, `${rf}.roleArns`, r.roleArns, "is required for assumed_role", "list the IAM role ARNs Vault may assume");
        } else {
            p.check(r.policyDocument !== undefined || (r.policyArns ?? []).length > 0, `${rf}.policyDocument`, undefined,
                "an iam_user or federation_token role needs a policy", "set policyDocument or policyArns");
        }
        if (r.credentialType === "iam_user") {
            p.check(r.permissionsBoundaryArn !== undefined, `${rf}.permissionsBoundaryArn`, undefined,
                "is required for iam_user: without a boundary, anyone who can write this engine's roles could mint an IAM user with any permission",
                "create a managed policy that caps what Vault's users may do and pass its ARN here");
        } else {
            p.check(r.permissionsBoundaryArn === undefined, `${rf}.permissionsBoundaryArn`, REDACTED, "only applies to iam_user roles", "remove it");
        }
        checkTtl(p, `${rf}.defaultStsTtl`, r.defaultStsTtl);
        checkTtl(p, `${rf}.maxStsTtl`, r.maxStsTtl);
        return [role, {
            ...r,
            policyArns: r.policyArns && arns("policyArns", "policyArn", "arn:aws:iam::<account>:policy/<name>"),
            roleArns: r.roleArns && arns("roleArns", "roleArn", "arn:aws:iam::<account>:role/<name>"),
            permissionsBoundaryArn: checkAwsName(p, subject, `${rf}.permissionsBoundaryArn`, r.permissionsBoundaryArn, ["policyArn"], "an IAM policy ARN",
                "arn:aws:iam::<account>:policy/<boundary>"),
        }];
    }));
    return { ...a, path, roles, region: a.region === undefined ? undefined : checkAwsName(p, subject, `${f}.region`, a.region, ["region"], "an AWS region name", "e.g. \"eu-west-1\"") };
}

function namedEntries<T>(p: Problems, field: string, roles: Record<string, T>): Named<T>[] {
    return Object.entries(roles).map(([name, r]) => {
        p.check(NAME.test(name), field, name, "is not a valid role name", "use letters, digits, '_', '-' and '.'");
        return { ...r, name };
    });
}

function checkTtl(p: Problems, field: string, value: string | undefined): void {
    if (value !== undefined) {
        p.check(isDuration(value), field, value, "is not a Vault duration", "use seconds (\"3600\") or a duration such as \"20m\", \"1h\", \"768h\"");
    }
}

function checkMountPath(p: Problems, field: string, path: string): boolean {
    return p.check(isMountPath(path), field, path, "is not a valid mount path",
        "segments of letters, digits, '_', '-' and '.', no leading or trailing slash, no \".\" or \"..\" segment, e.g. \"my-kv\" or \"team-a/kv\"");
}

/**
 * Refuses mount paths Vault would refuse: duplicates and nested paths within one kind of mount (secrets engines, or
 * auth methods), the paths Vault reserves for itself, and the admin identity's mount.
 */
class MountRegistry {
    private readonly seen = new Map<string, string>();
    constructor(private readonly p: Problems, private readonly kind: string, private readonly reserved: string[]) {}

    add(field: string, path: string): void {
        if (!checkMountPath(this.p, field, path)) return;
        const within = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
        const reserved = this.reserved.find((r) => within(path, r));
        this.p.check(reserved === undefined, field, path,
            reserved === ADMIN_AUTH_MOUNT ? "is the AppRole mount of Pulumi's own admin identity" : `is under ${reserved}/, which Vault reserves`, "choose another mount path");
        for (const [other, otherField] of this.seen) {
            if (within(path, other) || within(other, path)) {
                this.p.add(field, path, other === path ? `is already the mount path of another ${this.kind} (${otherField})`
                    : `overlaps the mount path "${other}" of another ${this.kind} (${otherField}): Vault refuses nested mounts`, "give each mount its own path");
            }
        }
        this.seen.set(path, field);
    }
}
