import type * as pulumi from "@pulumi/pulumi";

/*
 * The arguments of VaultConfig (also `VaultClusterArgs.config`). Same rules and generator tags as cluster/args.ts.
 */

/** One path block of a Vault ACL policy. */
export interface PolicyRule {
    /**
     * Vault path, e.g. `my-kv/data/*`: a `*` glob at the end or `+` segments allowed; no leading slash, no quotes,
     * braces, spaces or `${`.
     */
    path: string;
    /**
     * Capabilities: any of create, read, update, patch, delete, list, sudo, deny, subscribe, recover.
     * @minItems 1
     */
    capabilities: string[];
    /**
     * Description rendered as a comment above the block.
     * @default none
     */
    description?: string;
}

/** Kind of an audit device. */
export const AuditDeviceType = {
    /** A log file (or `stdout`). */
    File: "file",
    /** A TCP, UDP or Unix socket. */
    Socket: "socket",
    /** The local syslog daemon. */
    Syslog: "syslog",
} as const;
export type AuditDeviceType = typeof AuditDeviceType[keyof typeof AuditDeviceType];

/** KV secrets engine version. */
export const KvVersion = {
    /** Unversioned key/value pairs. */
    V1: 1,
    /** Versioned secrets (`data/` and `metadata/` paths). */
    V2: 2,
} as const;
export type KvVersion = typeof KvVersion[keyof typeof KvVersion];

/** Type of a transit key. */
export const TransitKeyType = {
    Aes256Gcm96: "aes256-gcm96",
    Chacha20Poly1305: "chacha20-poly1305",
    Ed25519: "ed25519",
    EcdsaP256: "ecdsa-p256",
    Rsa2048: "rsa-2048",
    Rsa4096: "rsa-4096",
} as const;
export type TransitKeyType = typeof TransitKeyType[keyof typeof TransitKeyType];

/** What an AWS secrets engine role issues. */
export const AwsCredentialType = {
    /** An IAM user with access keys, created per lease and deleted when it ends. */
    IamUser: "iam_user",
    /** Credentials of an assumed role. */
    AssumedRole: "assumed_role",
    /** A federation token. */
    FederationToken: "federation_token",
} as const;
export type AwsCredentialType = typeof AwsCredentialType[keyof typeof AwsCredentialType];

/** How `boundClaims` values are matched. */
export const BoundClaimsType = {
    /** Exact match. */
    String: "string",
    /** Values may use `*`. */
    Glob: "glob",
} as const;
export type BoundClaimsType = typeof BoundClaimsType[keyof typeof BoundClaimsType];

/**
 * Post-init Vault configuration. Used by VaultCluster through `config`, or on its own against any Vault:
 * `new VaultConfig(name, args, { provider })`.
 */
export interface VaultConfigArgs {
    /**
     * Audit devices. `[]` enables none.
     * @default none; in a VaultCluster with audit storage, one `file` device at /vault/audit/vault_audit.log
     */
    auditDevices?: AuditDevice[];
    /**
     * Key/value secrets engines.
     * @default []
     */
    kvMounts?: KvMount[];
    /**
     * Other secrets engines.
     * @default none
     */
    secretsEngines?: SecretsEngines;
    /**
     * ACL policies by name, as rules rendered to HCL. Names are compared case-insensitively, as Vault does; `root`,
     * `default` and the admin identity's policy are reserved.
     * @default {}
     */
    policies?: Record<string, PolicyRule[]>;
    /**
     * ACL policies by name, as HCL text (parsed before anything is registered). Same naming rules as `policies`.
     * @default {}
     */
    hclPolicies?: Record<string, string>;
    /**
     * Policies that already exist in Vault and may be named by roles although not defined here. `default` is always
     * allowed.
     * @default []
     */
    existingPolicies?: string[];
    /**
     * Kubernetes auth mounts: the cluster Vault runs in, and others.
     * @default []
     */
    kubernetesAuth?: KubernetesAuth[];
    /**
     * JWT/OIDC auth mounts, e.g. for GitLab CI `id_tokens`.
     * @default []
     */
    jwtAuth?: JwtAuth[];
    /**
     * AppRole auth mounts for machines outside Kubernetes (and the Vault Secrets Operator).
     * @default []
     */
    appRoleAuth?: AppRoleAuth[];
    /**
     * OIDC auth mounts for people: `vault login -method=oidc` (or the UI) signs in through the identity provider, and
     * the role maps the person to policies, e.g. the `operatorPolicy`.
     * @default []
     */
    oidcAuth?: OidcAuth[];
    /**
     * Userpass auth mounts: people log in with a name and a password (`vault login -method=userpass`). For labs and
     * break-glass accounts; use `oidcAuth` where an identity provider exists.
     * @default []
     */
    userpassAuth?: UserpassAuth[];
    /**
     * A ready-made policy for people who seed and maintain secrets once the root token is retired: create, read,
     * update, delete and list secrets in the KV mounts (both KV versions' paths), nothing else (no `sys/`, no `auth/`,
     * no policies, no KV v2 `destroy`). Map it to `oidcAuth` or `userpassAuth` roles by its name.
     * @default none
     */
    operatorPolicy?: OperatorPolicy;
    /**
     * Transit keys this Vault holds for other Vault clusters' transit seal (auto-unseal). For each: the key (mounted
     * and created unless `secretsEngines.transit` declares them), a policy with `update` on exactly
     * `<mount>/encrypt/<key>` and `<mount>/decrypt/<key>`, a token role, and an orphan periodic token with only that
     * policy, exposed as a secret output (`transitSealTokens`) for the sealed cluster's `VAULT_TOKEN`.
     * @default []
     */
    transitSealKeys?: TransitSealKey[];
}

/**
 * The configuration a VaultCluster applies (`VaultClusterArgs.config`): the same fields as VaultConfigArgs, under a name
 * of its own so that other languages' SDKs do not read "VaultConfigArgsArgs".
 */
export interface VaultConfiguration extends VaultConfigArgs {}

/** An audit device. */
export interface AuditDevice {
    /** Kind of device. */
    type: AuditDeviceType;
    /**
     * Mount path of the device.
     * @default the type, e.g. "file"
     */
    path?: string;
    /**
     * Device options, e.g. `{ file_path: "/vault/audit/vault_audit.log" }` (a file device's path must be `stdout`,
     * `discard` or a file under /vault/audit).
     * @default {}
     */
    options?: Record<string, string>;
    /**
     * Description.
     * @default none
     */
    description?: string;
}

/** A KV secrets engine. */
export interface KvMount {
    /** Mount path, e.g. `my-kv`: segments of letters, digits, `_`, `-` and `.`, no `.` or `..` segment. */
    path: string;
    /**
     * KV version.
     * @default 2
     */
    version?: KvVersion;
    /**
     * Description.
     * @default none
     */
    description?: string;
    /**
     * KV v2: versions kept per key.
     * @default Vault's (10)
     * @integer
     * @minimum 1
     */
    maxVersions?: number;
    /**
     * KV v2: require check-and-set on writes.
     * @default Vault's (false)
     */
    casRequired?: boolean;
    /**
     * KV v2: delete versions after this duration, e.g. `"768h"`.
     * @default never
     */
    deleteVersionAfter?: string;
}

/** Secrets engines besides KV. */
export interface SecretsEngines {
    /**
     * Transit (encryption as a service) mounts.
     * @default []
     */
    transit?: TransitEngine[];
    /**
     * AWS secrets engines issuing dynamic IAM credentials.
     * @default []
     */
    aws?: AwsEngine[];
}

/** A transit secrets engine. */
export interface TransitEngine {
    /**
     * Mount path.
     * @default "transit"
     */
    path?: string;
    /**
     * Named keys to create.
     * @default {}
     */
    keys?: Record<string, TransitKey>;
}

/** A transit key. */
export interface TransitKey {
    /**
     * Key type.
     * @default Vault's ("aes256-gcm96")
     */
    type?: TransitKeyType;
    /**
     * Rotate the key automatically this often, e.g. `"720h"`.
     * @default never
     */
    autoRotatePeriod?: string;
    /**
     * Allow exporting the key.
     * @default Vault's (false)
     */
    exportable?: boolean;
    /**
     * Allow deleting the key.
     * @default Vault's (false)
     */
    deletionAllowed?: boolean;
}

/** An AWS secrets engine. */
export interface AwsEngine {
    /**
     * Mount path.
     * @default "aws"
     */
    path?: string;
    /**
     * Region of the IAM/STS endpoint.
     * @default the Vault server's region
     */
    region?: pulumi.Input<string>;
    /**
     * Static root credentials' access key. Omit (with `secretKey`) to use the Vault pods' own identity (IRSA).
     * @default none
     */
    accessKey?: pulumi.Input<string>;
    /**
     * Static root credentials' secret key.
     * @default none
     * @secret
     */
    secretKey?: pulumi.Input<string>;
    /**
     * Default lease TTL of issued credentials, e.g. `"1h"`.
     * @default Vault's system default
     */
    defaultLeaseTtl?: string;
    /**
     * Maximum lease TTL of issued credentials.
     * @default Vault's system maximum
     */
    maxLeaseTtl?: string;
    /** Roles: what `<path>/creds/<role>` issues. */
    roles: Record<string, AwsEngineRole>;
}

/** A role of an AWS secrets engine. */
export interface AwsEngineRole {
    /** What the role issues. */
    credentialType: AwsCredentialType;
    /**
     * Inline IAM policy document (an object) for the issued credentials.
     * @default none
     */
    policyDocument?: Record<string, any>;
    /**
     * Managed policy ARNs attached to issued IAM users (no wildcards).
     * @default none
     */
    policyArns?: pulumi.Input<string>[];
    /**
     * Role ARNs Vault may assume for `assumed_role` (no wildcards).
     * @default none
     */
    roleArns?: pulumi.Input<string>[];
    /**
     * ARN of the permissions boundary Vault sets on every IAM user it creates. Required for `iam_user`: the Vault
     * server role may only create users that carry it, so no user can hold more than the boundary allows.
     * @default none
     */
    permissionsBoundaryArn?: pulumi.Input<string>;
    /**
     * Default STS TTL for `assumed_role` and `federation_token`.
     * @default Vault's
     */
    defaultStsTtl?: string;
    /**
     * Maximum STS TTL for `assumed_role` and `federation_token`.
     * @default Vault's
     */
    maxStsTtl?: string;
}

/** A Kubernetes auth role, bound to service accounts. */
export interface KubernetesAuthRole {
    /**
     * Service accounts that may log in.
     * @minItems 1
     */
    serviceAccountNames: string[];
    /**
     * Their namespaces.
     * @minItems 1
     */
    namespaces: string[];
    /**
     * Policies of the issued tokens.
     * @minItems 1
     */
    policies: string[];
    /**
     * Token TTL, e.g. `"24h"`.
     * @default Vault's system default
     */
    ttl?: string;
    /**
     * Token max TTL.
     * @default Vault's system maximum
     */
    maxTtl?: string;
    /**
     * Audience the service account token must carry (Vault warns when unset).
     * @default none
     */
    audience?: string;
}

/** A Kubernetes auth mount. */
export interface KubernetesAuth {
    /**
     * Mount path.
     * @default "kubernetes"
     */
    path?: string;
    /**
     * API server of the cluster whose tokens this mount verifies.
     * @default "https://kubernetes.default.svc" (the cluster Vault runs in, verified with Vault's own token and CA)
     */
    host?: pulumi.Input<string>;
    /**
     * CA of `host` (PEM). Required for another cluster.
     * @default none (Vault's own, for the local cluster)
     */
    caCertPem?: pulumi.Input<string>;
    /**
     * Reviewer JWT for another cluster (a service account bound to `system:auth-delegator` there). Omit for the local
     * cluster.
     * @default none
     * @secret
     */
    tokenReviewerJwt?: pulumi.Input<string>;
    /**
     * Token issuer, when the cluster's differs from the default.
     * @default none
     */
    issuer?: string;
    /**
     * Description.
     * @default none
     */
    description?: string;
    /** Roles by name. */
    roles: Record<string, KubernetesAuthRole>;
}

/** A JWT auth role. */
export interface JwtAuthRole {
    /**
     * Audiences the JWT must carry (the `aud` of GitLab's `id_tokens`). Required since Vault 1.17.
     * @minItems 1
     */
    boundAudiences: string[];
    /** Claim that names the entity, e.g. `"sub"` or `"user_email"`. */
    userClaim: string;
    /**
     * Claims the JWT must carry, e.g. `{ project_id: "42", ref_protected: "true" }`; a comma-separated value accepts
     * any of its items (`ref: "main,release"`). Required unless `allowUnboundClaims`: without them any project on the
     * issuer can log in.
     * @default none
     */
    boundClaims?: Record<string, string>;
    /**
     * How `boundClaims` values match.
     * @default Vault's ("string")
     */
    boundClaimsType?: BoundClaimsType;
    /**
     * Accept a role with no `boundClaims`.
     * @default false
     */
    allowUnboundClaims?: boolean;
    /**
     * Policies of the issued tokens.
     * @minItems 1
     */
    policies: string[];
    /**
     * Token TTL, e.g. `"1h"`.
     * @default Vault's system default
     */
    ttl?: string;
    /**
     * Token max TTL.
     * @default Vault's system maximum
     */
    maxTtl?: string;
}

/** A JWT/OIDC auth mount. */
export interface JwtAuth {
    /**
     * Mount path, e.g. `"jwt_v2"`.
     * @default "jwt"
     */
    path?: string;
    /**
     * Expected `iss`, e.g. `https://gitlab.example.com`.
     * @default none
     */
    boundIssuer?: pulumi.Input<string>;
    /**
     * JWKS endpoint, e.g. `https://gitlab.example.com/-/jwks`. Exactly one of `jwksUrl` and `oidcDiscoveryUrl`.
     * @default none
     */
    jwksUrl?: pulumi.Input<string>;
    /**
     * OIDC discovery URL, e.g. `https://gitlab.example.com`.
     * @default none
     */
    oidcDiscoveryUrl?: pulumi.Input<string>;
    /**
     * CA (PEM) for `jwksUrl` / `oidcDiscoveryUrl` when not publicly trusted.
     * @default the system roots
     */
    caCertPem?: pulumi.Input<string>;
    /**
     * Description.
     * @default none
     */
    description?: string;
    /** Roles by name. */
    roles: Record<string, JwtAuthRole>;
}

/** An AppRole role. */
export interface AppRoleRole {
    /**
     * Policies of the issued tokens.
     * @minItems 1
     */
    policies: string[];
    /**
     * Token TTL, e.g. `"1h"`.
     * @default Vault's system default
     */
    tokenTtl?: string;
    /**
     * Token max TTL.
     * @default Vault's system maximum
     */
    tokenMaxTtl?: string;
    /**
     * Secret ID TTL, e.g. `"720h"`.
     * @default Vault's: secret IDs do not expire
     */
    secretIdTtl?: string;
    /**
     * Number of uses of a secret ID; 0 is unlimited.
     * @default Vault's (0)
     * @integer
     * @minimum 0
     */
    secretIdNumUses?: number;
    /**
     * CIDR blocks a secret ID may be used from.
     * @default any
     */
    secretIdBoundCidrs?: string[];
    /**
     * CIDR blocks an issued token may be used from.
     * @default any
     */
    tokenBoundCidrs?: string[];
    /**
     * Also create a secret ID, exposed as a secret output.
     * @default false
     */
    createSecretId?: boolean;
}

/** An AppRole auth mount. */
export interface AppRoleAuth {
    /**
     * Mount path.
     * @default "approle"
     */
    path?: string;
    /**
     * Description.
     * @default none
     */
    description?: string;
    /** Roles by name. */
    roles: Record<string, AppRoleRole>;
}

/** A role of an OIDC auth mount: who may sign in through it, and the policies they get. */
export interface OidcAuthRole {
    /**
     * Redirect URIs Vault accepts after the identity provider's login, registered there too: the CLI's
     * `http://localhost:8250/oidc/callback` and the UI's `https://<vault host>/ui/vault/auth/<path>/oidc/callback`.
     * @minItems 1
     */
    allowedRedirectUris: string[];
    /**
     * Claim that names the person (the entity alias), e.g. `"email"`.
     * @default "sub"
     */
    userClaim?: string;
    /**
     * Claim that lists the person's groups, e.g. `"groups"`, for Vault identity groups.
     * @default none
     */
    groupsClaim?: string;
    /**
     * Claims the ID token must carry, e.g. `{ groups: "vault-operators" }` (a list claim matches when it contains the
     * value; a comma-separated value accepts any of its items). Required unless `allowUnboundClaims`: without them
     * everyone the identity provider signs in gets this role's policies.
     * @default none
     */
    boundClaims?: Record<string, string>;
    /**
     * How `boundClaims` values match.
     * @default Vault's ("string")
     */
    boundClaimsType?: BoundClaimsType;
    /**
     * Accept a role with no `boundClaims`, e.g. when the identity provider itself only admits operators to Vault's
     * client.
     * @default false
     */
    allowUnboundClaims?: boolean;
    /**
     * Audiences the ID token must carry.
     * @default Vault's (the client ID)
     */
    boundAudiences?: string[];
    /**
     * Scopes requested besides `openid`, e.g. `["email", "groups"]`, so that the claims above are in the ID token.
     * @default none
     */
    oidcScopes?: string[];
    /**
     * Policies of the issued tokens, e.g. the `operatorPolicy`'s name.
     * @minItems 1
     */
    policies: string[];
    /**
     * Token TTL, e.g. `"8h"` (a working day).
     * @default Vault's system default
     */
    ttl?: string;
    /**
     * Token max TTL.
     * @default Vault's system maximum
     */
    maxTtl?: string;
}

/** An OIDC auth mount for people (`vault login -method=oidc`). */
export interface OidcAuth {
    /**
     * Mount path.
     * @default "oidc"
     */
    path?: string;
    /**
     * The identity provider's issuer URL (https), whose `/.well-known/openid-configuration` Vault reads, e.g.
     * `https://login.example.com/realms/ops`.
     */
    oidcDiscoveryUrl: pulumi.Input<string>;
    /**
     * CA (PEM) of `oidcDiscoveryUrl` when not publicly trusted.
     * @default the system roots
     */
    caCertPem?: pulumi.Input<string>;
    /** Client ID of Vault's application at the identity provider. */
    oidcClientId: pulumi.Input<string>;
    /**
     * Client secret of that application.
     * @secret
     */
    oidcClientSecret: pulumi.Input<string>;
    /**
     * Role used when a login names none (`vault login -method=oidc` without `role=`): one of `roles`.
     * @default none (logins pass `role=<name>`)
     */
    defaultRole?: string;
    /**
     * Description.
     * @default none
     */
    description?: string;
    /** Roles by name. */
    roles: Record<string, OidcAuthRole>;
}

/** A person with a password on a userpass mount. */
export interface UserpassUser {
    /**
     * The password, at least 12 characters, from a Pulumi secret (e.g. `pulumi config set --secret`). Never shown in
     * errors or previews.
     * @secret
     */
    password: pulumi.Input<string>;
    /**
     * Policies of the issued tokens, e.g. the `operatorPolicy`'s name.
     * @minItems 1
     */
    policies: string[];
    /**
     * Token TTL, e.g. `"8h"`.
     * @default Vault's system default
     */
    ttl?: string;
    /**
     * Token max TTL.
     * @default Vault's system maximum
     */
    maxTtl?: string;
    /**
     * CIDR blocks the user may log in from and use the token from.
     * @default any
     */
    tokenBoundCidrs?: string[];
}

/** A userpass auth mount (`vault login -method=userpass username=<name>`). */
export interface UserpassAuth {
    /**
     * Mount path.
     * @default "userpass"
     */
    path?: string;
    /**
     * Description.
     * @default none
     */
    description?: string;
    /**
     * Users by name: lower case (Vault folds user names to lower case), letters, digits, `_`, `-` and `.`.
     */
    users: Record<string, UserpassUser>;
}

/**
 * The operator policy: least privilege for seeding and maintaining secrets by hand. On a KV v2 mount: create, read,
 * update, patch and delete on `<mount>/data/*`; read, list and delete on `<mount>/metadata/*`; update on
 * `<mount>/delete/*` and `<mount>/undelete/*` (soft delete and restore of versions). On a KV v1 mount: create, read,
 * update, delete and list on `<mount>/*`. Not `destroy` (versions stay recoverable), nothing on `sys/` or `auth/`,
 * no other engine.
 */
export interface OperatorPolicy {
    /**
     * Policy name, for roles' `policies`.
     * @default "kv-operator"
     */
    name?: string;
    /**
     * The KV mounts (paths from `kvMounts`) it covers.
     * @default every mount in kvMounts
     */
    kvMounts?: string[];
}

/** A transit key held for another Vault's transit seal. */
export interface TransitSealKey {
    /**
     * Transit mount path. Mounted here unless `secretsEngines.transit` declares it.
     * @default "transit"
     */
    mount?: string;
    /**
     * Key name, the sealed cluster's `key_name`. Created as an `aes256-gcm96` key unless that mount's `keys` declare it
     * (then its type must encrypt: aes256-gcm96, chacha20-poly1305 or an RSA type).
     */
    keyName: string;
    /**
     * Period of the token: the sealed cluster renews it within this time, and Vault keeps it alive as long as it does.
     * @default "24h"
     */
    tokenPeriod?: string;
}
