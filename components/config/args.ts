import * as pulumi from "@pulumi/pulumi";

/** One path block of a Vault ACL policy. */
export interface PolicyRule {
    /** Vault path, glob `*` at the end or `+` segments allowed, e.g. `my-kv/data/*`. No leading slash. */
    path: string;
    /** Any of create, read, update, patch, delete, list, sudo, deny, subscribe, recover. */
    capabilities: string[];
    /** Optional description rendered as a comment above the block. */
    description?: string;
}

/**
 * Post-init Vault configuration. Used by {@link VaultCluster} through `config`, or on its own against any Vault:
 * `new VaultConfig(name, args, { provider })`.
 */
export interface VaultConfigArgs {
    /**
     * Audit devices. Default when composed by a cluster with audit storage: one `file` device at
     * `/vault/audit/vault_audit.log`. Pass `[]` to enable none.
     */
    auditDevices?: AuditDeviceArgs[];
    /** Key/value secrets engines. */
    kvMounts?: KvMountArgs[];
    /** Other secrets engines. */
    secretsEngines?: SecretsEnginesArgs;
    /** ACL policies by name: raw HCL text, or rules rendered to HCL. */
    policies?: Record<string, string | PolicyRule[]>;
    /**
     * Policies that already exist in Vault and may be named by roles although not defined here.
     * `default` is always allowed.
     */
    existingPolicies?: string[];
    /** Kubernetes auth mounts: the cluster Vault runs in, and others. */
    kubernetesAuth?: KubernetesAuthArgs[];
    /** JWT/OIDC auth mounts, e.g. for GitLab CI `id_tokens`. */
    jwtAuth?: JwtAuthArgs[];
    /** AppRole auth mounts for machines outside Kubernetes (and the Vault Secrets Operator). */
    appRoleAuth?: AppRoleAuthArgs[];
}

export interface AuditDeviceArgs {
    /** `file`, `socket` or `syslog`. */
    type: "file" | "socket" | "syslog";
    /** Mount path of the device. Default the type (`file`). */
    path?: string;
    /** Device options, e.g. `{ file_path: "/vault/audit/vault_audit.log" }`. */
    options?: Record<string, string>;
    description?: string;
}

export interface KvMountArgs {
    /** Mount path, e.g. `my-kv`. No leading or trailing slash, no spaces. */
    path: string;
    /** KV version. Default 2. */
    version?: 1 | 2;
    description?: string;
    /** KV v2: versions kept per key. Default Vault's (10). */
    maxVersions?: number;
    /** KV v2: require check-and-set on writes. */
    casRequired?: boolean;
    /** KV v2: delete versions after this duration, e.g. `"768h"`. */
    deleteVersionAfter?: string;
}

export interface SecretsEnginesArgs {
    /** Transit (encryption as a service) mounts. */
    transit?: TransitEngineArgs[];
    /** AWS secrets engines issuing dynamic IAM credentials. */
    aws?: AwsEngineArgs[];
}

export interface TransitEngineArgs {
    /** Mount path. Default `"transit"`. */
    path?: string;
    /** Named keys to create. */
    keys?: Record<string, { type?: "aes256-gcm96" | "chacha20-poly1305" | "ed25519" | "ecdsa-p256" | "rsa-2048" | "rsa-4096"; autoRotatePeriod?: string; exportable?: boolean; deletionAllowed?: boolean }>;
}

export interface AwsEngineArgs {
    /** Mount path. Default `"aws"`. */
    path?: string;
    /** Region of the IAM/STS endpoint. */
    region?: string;
    /** Static root credentials. Omit to use the Vault pods' own identity (IRSA). */
    accessKey?: pulumi.Input<string>;
    secretKey?: pulumi.Input<string>;
    /** Default lease TTL of issued credentials, e.g. `"1h"`. */
    defaultLeaseTtl?: string;
    /** Maximum lease TTL of issued credentials. */
    maxLeaseTtl?: string;
    /** Roles: what `aws/creds/<role>` issues. */
    roles: Record<string, AwsEngineRoleArgs>;
}

export interface AwsEngineRoleArgs {
    /** `iam_user`, `assumed_role` or `federation_token`. */
    credentialType: "iam_user" | "assumed_role" | "federation_token";
    /** Inline IAM policy document (object or JSON text) for the issued credentials. */
    policyDocument?: Record<string, unknown> | string;
    /** Managed policy ARNs attached to issued IAM users. */
    policyArns?: string[];
    /** Role ARNs Vault may assume for `assumed_role`. */
    roleArns?: string[];
    /** STS TTL defaults for `assumed_role` / `federation_token`. */
    defaultStsTtl?: string;
    maxStsTtl?: string;
}

/** A role bound to Kubernetes service accounts. */
export interface KubernetesAuthRoleArgs {
    serviceAccountNames: string[];
    namespaces: string[];
    policies: string[];
    /** Token TTL, e.g. `"24h"`. Default Vault's system default. */
    ttl?: string;
    /** Token max TTL. */
    maxTtl?: string;
    /** Audience the service account token must carry (Vault warns when unset). */
    audience?: string;
}

export interface KubernetesAuthArgs {
    /** Mount path. Default `"kubernetes"`. */
    path?: string;
    /**
     * API server of the cluster whose tokens this mount verifies. Default `https://kubernetes.default.svc`:
     * the cluster Vault runs in, verified with Vault's own short-lived token and CA.
     */
    host?: string;
    /** CA of `host` (PEM). Required for another cluster. */
    caCertPem?: pulumi.Input<string>;
    /**
     * Long-lived reviewer JWT for another cluster (a service account bound to `system:auth-delegator` there).
     * Omit for the local cluster.
     */
    tokenReviewerJwt?: pulumi.Input<string>;
    /** Token issuer, when the cluster's differs from the default. */
    issuer?: string;
    description?: string;
    roles: Record<string, KubernetesAuthRoleArgs>;
}

export interface JwtAuthRoleArgs {
    /** Audiences the JWT must carry (the `aud` of GitLab's `id_tokens`). Required since Vault 1.17. */
    boundAudiences: string[];
    /** Claim that names the entity, e.g. `"sub"` or `"user_email"`. */
    userClaim: string;
    /**
     * Claims the JWT must carry, e.g. `{ project_id: "42", ref_protected: "true" }`. Required unless
     * `allowUnboundClaims` is set: without them any project on the issuer can log in.
     */
    boundClaims?: Record<string, string | string[]>;
    /** `"string"` (default) matches `boundClaims` values exactly; `"glob"` lets them use `*`. */
    boundClaimsType?: "string" | "glob";
    /** Accept a role with no `boundClaims`. Default `false`. */
    allowUnboundClaims?: boolean;
    policies: string[];
    /** Token TTL, e.g. `"1h"`. */
    ttl?: string;
    maxTtl?: string;
}

export interface JwtAuthArgs {
    /** Mount path, e.g. `"jwt_v2"`. Default `"jwt"`. */
    path?: string;
    /** Expected `iss`, e.g. `https://gitlab.example.com`. */
    boundIssuer?: string;
    /** JWKS endpoint, e.g. `https://gitlab.example.com/-/jwks`. One of `jwksUrl`, `oidcDiscoveryUrl`. */
    jwksUrl?: string;
    /** OIDC discovery URL, e.g. `https://gitlab.example.com`. */
    oidcDiscoveryUrl?: string;
    /** CA for `jwksUrl` / `oidcDiscoveryUrl` when not publicly trusted (PEM). */
    caCertPem?: string;
    description?: string;
    roles: Record<string, JwtAuthRoleArgs>;
}

export interface AppRoleRoleArgs {
    policies: string[];
    /** Token TTL, e.g. `"1h"`. */
    tokenTtl?: string;
    tokenMaxTtl?: string;
    /** Secret ID TTL, e.g. `"720h"`. Default Vault's: secret IDs do not expire. */
    secretIdTtl?: string;
    /** Number of uses of a secret ID. Default 0 (unlimited). */
    secretIdNumUses?: number;
    /** CIDR blocks a secret ID may be used from. */
    secretIdBoundCidrs?: string[];
    /** CIDR blocks an issued token may be used from. */
    tokenBoundCidrs?: string[];
    /** Also create a secret ID, exposed as a secret output. Default `false`. */
    createSecretId?: boolean;
}

export interface AppRoleAuthArgs {
    /** Mount path. Default `"approle"`. */
    path?: string;
    description?: string;
    roles: Record<string, AppRoleRoleArgs>;
}
