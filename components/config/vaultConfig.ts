import * as pulumi from "@pulumi/pulumi";
import { Audit } from "@pulumi/vault/audit";
import { AuthBackend } from "@pulumi/vault/authBackend";
import { Mount } from "@pulumi/vault/mount";
import { Policy } from "@pulumi/vault/policy";
import { SecretBackendV2 } from "@pulumi/vault/kv/secretBackendV2";
import { SecretBackendKey } from "@pulumi/vault/transit/secretBackendKey";
import { SecretBackend as AwsSecretBackend } from "@pulumi/vault/aws/secretBackend";
import { SecretBackendRole as AwsSecretBackendRole } from "@pulumi/vault/aws/secretBackendRole";
import { AuthBackendConfig as KubernetesAuthBackendConfig } from "@pulumi/vault/kubernetes/authBackendConfig";
import { AuthBackendRole as KubernetesAuthBackendRole } from "@pulumi/vault/kubernetes/authBackendRole";
import { AuthBackend as JwtAuthBackend } from "@pulumi/vault/jwt/authBackend";
import { AuthBackendRole as JwtAuthBackendRole } from "@pulumi/vault/jwt/authBackendRole";
import { AuthBackendRole as AppRoleAuthBackendRole } from "@pulumi/vault/approle/authBackendRole";
import { AuthBackendRoleSecretId } from "@pulumi/vault/approle/authBackendRoleSecretId";
import { Endpoint } from "@pulumi/vault/generic/endpoint";
import { AuthBackendRole as TokenAuthBackendRole } from "@pulumi/vault/tokenauth/authBackendRole";
import { Token } from "@pulumi/vault/token";
import { durationSeconds } from "../validation";
import { TYPE_PREFIX } from "../typeTokens";
import { IAM_USER_PATH } from "../reserved";
import { validateArgs } from "../args/typeCheck";
import type { VaultConfigArgs } from "./args";
import { ConfigSettings, resolveConfigSettings } from "./settings";

/** Validates a VaultConfig's arguments (types, then meaning) before anything is registered. */
export function validateConfig(name: string, args: VaultConfigArgs): ConfigSettings {
    return validateArgs("VaultConfig", name, args, (p, checked, subject) => resolveConfigSettings(p, checked, "", subject));
}

/** TTL strings become the seconds the Vault provider expects. */
const seconds = (d: string | undefined): number | undefined => (d === undefined ? undefined : durationSeconds(d));

/**
 * Post-init configuration of a Vault, as code: audit devices, secrets engines, policies, Kubernetes, JWT and AppRole
 * auth for machines, OIDC and userpass auth for people, and transit keys held for other clusters' seals. Works against
 * any Vault through the given `vault.Provider`. Resource names derive from mount paths and role names, so reordering a
 * list replaces nothing.
 */
export class VaultConfig extends pulumi.ComponentResource {
    /** AppRole role IDs by `<mount>/<role>`. */
    readonly appRoleIds: Record<string, pulumi.Output<string>>;
    /** AppRole secret IDs (secret) by `<mount>/<role>`, for roles with `createSecretId`. */
    readonly appRoleSecretIds: Record<string, pulumi.Output<string>>;
    /** Names of the policies written. */
    readonly policyNames: string[];
    /** Tokens (secret) of `transitSealKeys`, by `<mount>/<key>`: the sealed cluster's `VAULT_TOKEN`. */
    readonly transitSealTokens: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: VaultConfigArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = validateConfig(name, args ?? {});
        super(`${TYPE_PREFIX}:index:VaultConfig`, name, {}, opts);
        this.appRoleIds = {};
        this.appRoleSecretIds = {};
        this.transitSealTokens = {};
        this.policyNames = settings.policies.map((x) => x.name);
        // deletedWith is not inherited: when the cluster goes, nothing here needs deleting one by one.
        const child: pulumi.CustomResourceOptions = { parent: this, deletedWith: opts?.deletedWith };

        for (const d of settings.auditDevices) {
            new Audit(`${name}-audit-${d.path}`, { type: d.type, path: d.path, options: d.options, description: d.description }, child);
        }

        for (const m of settings.kvMounts) {
            const mount = new Mount(`${name}-kv-${m.path}`, { path: m.path, type: "kv", options: { version: String(m.version) }, description: m.description }, child);
            if (m.version === 2 && (m.maxVersions !== undefined || m.casRequired !== undefined || m.deleteVersionAfter !== undefined)) {
                new SecretBackendV2(`${name}-kv-config-${m.path}`, {
                    mount: mount.path, maxVersions: m.maxVersions, casRequired: m.casRequired, deleteVersionAfter: seconds(m.deleteVersionAfter),
                }, child);
            }
        }

        const keys = new Map<string, SecretBackendKey>();
        for (const t of settings.transit) {
            const mount = new Mount(`${name}-transit-${t.path}`, { path: t.path, type: "transit", description: "Encryption as a service" }, child);
            for (const [key, k] of Object.entries(t.keys ?? {})) {
                keys.set(`${t.path}/${key}`, new SecretBackendKey(`${name}-transit-key-${t.path}/${key}`, {
                    backend: mount.path, name: key, type: k.type, exportable: k.exportable, deletionAllowed: k.deletionAllowed, autoRotatePeriod: seconds(k.autoRotatePeriod),
                }, child));
            }
        }

        for (const a of settings.aws) {
            const engine = new AwsSecretBackend(`${name}-aws-${a.path}`, {
                path: a.path, region: a.region, accessKey: a.accessKey, secretKey: a.secretKey === undefined ? undefined : pulumi.secret(a.secretKey),
                defaultLeaseTtlSeconds: seconds(a.defaultLeaseTtl), maxLeaseTtlSeconds: seconds(a.maxLeaseTtl),
                description: "Dynamic AWS credentials",
            }, child);
            for (const [role, r] of Object.entries(a.roles)) {
                new AwsSecretBackendRole(`${name}-aws-role-${a.path}/${role}`, {
                    backend: engine.path as pulumi.Output<string>, name: role, credentialType: r.credentialType,
                    policyDocument: r.policyDocument === undefined ? undefined : JSON.stringify(r.policyDocument),
                    policyArns: r.policyArns, roleArns: r.roleArns, permissionsBoundaryArn: r.permissionsBoundaryArn,
                    // The server role may only touch users under this path (see the AWS backend's policy).
                    userPath: r.credentialType === "iam_user" ? IAM_USER_PATH : undefined, defaultStsTtl: seconds(r.defaultStsTtl), maxStsTtl: seconds(r.maxStsTtl),
                }, child);
            }
        }

        const policies = new Map(settings.policies.map((policy) =>
            [policy.name, new Policy(`${name}-policy-${policy.name}`, { name: policy.name, policy: policy.hcl }, child)]));

        // The key holder's side of a transit seal. The token comes from a token role that allows exactly the seal's
        // policy: through a role, Vault lets a token that does not hold that policy (Pulumi's admin identity) issue an
        // orphan periodic token with it, without sudo on token creation.
        for (const t of settings.transitSeals) {
            const key = `${t.mount}/${t.keyName}`;
            const role = new TokenAuthBackendRole(`${name}-seal-role-${key}`, {
                roleName: t.name, allowedPolicies: [policies.get(t.name)!.name], orphan: true, renewable: true,
                tokenPeriod: seconds(t.tokenPeriod), tokenNoDefaultPolicy: true,
            }, { ...child, dependsOn: [keys.get(key)!] });
            const token = new Token(`${name}-seal-token-${key}`, {
                roleName: role.roleName, policies: [t.name], noParent: true, noDefaultPolicy: true, renewable: true, displayName: t.name,
            }, child);
            this.transitSealTokens[key] = pulumi.secret(token.clientToken);
        }

        for (const k of settings.kubernetesAuth) {
            const backend = new AuthBackend(`${name}-auth-${k.path}`, { type: "kubernetes", path: k.path, description: k.description }, child);
            new KubernetesAuthBackendConfig(`${name}-auth-config-${k.path}`, {
                backend: backend.path,
                kubernetesHost: k.host,
                kubernetesCaCert: k.caCertPem,
                tokenReviewerJwt: k.tokenReviewerJwt === undefined ? undefined : pulumi.secret(k.tokenReviewerJwt),
                issuer: k.issuer,
                disableLocalCaJwt: k.disableLocalCaJwt,
            }, child);
            for (const r of k.roles) {
                new KubernetesAuthBackendRole(`${name}-role-${k.path}/${r.name}`, {
                    backend: backend.path, roleName: r.name,
                    boundServiceAccountNames: r.serviceAccountNames, boundServiceAccountNamespaces: r.namespaces,
                    tokenPolicies: r.policies, tokenTtl: seconds(r.ttl), tokenMaxTtl: seconds(r.maxTtl), audience: r.audience,
                }, child);
            }
        }

        // JWT mounts (machines) and OIDC mounts (people's browser logins) are the same Vault plugin.
        for (const j of settings.jwtAuth) {
            const backend = new JwtAuthBackend(`${name}-auth-${j.path}`, {
                type: j.type, path: j.path, description: j.description, boundIssuer: j.boundIssuer,
                jwksUrl: j.jwksUrl, jwksCaPem: j.jwksUrl ? j.caCertPem : undefined,
                oidcDiscoveryUrl: j.oidcDiscoveryUrl, oidcDiscoveryCaPem: j.oidcDiscoveryUrl ? j.caCertPem : undefined,
                oidcClientId: j.oidcClientId, oidcClientSecret: j.oidcClientSecret === undefined ? undefined : pulumi.secret(j.oidcClientSecret),
                defaultRole: j.defaultRole,
            }, child);
            for (const r of j.roles) {
                new JwtAuthBackendRole(`${name}-role-${j.path}/${r.name}`, {
                    backend: backend.path as pulumi.Output<string>, roleName: r.name, roleType: j.type,
                    boundAudiences: r.boundAudiences, userClaim: r.userClaim, groupsClaim: r.groupsClaim,
                    allowedRedirectUris: r.allowedRedirectUris, oidcScopes: r.oidcScopes,
                    // The provider takes claim lists comma-separated, as they are given.
                    boundClaims: r.boundClaims,
                    boundClaimsType: r.boundClaimsType,
                    tokenPolicies: r.policies, tokenTtl: seconds(r.ttl), tokenMaxTtl: seconds(r.maxTtl),
                }, child);
            }
        }

        for (const u of settings.userpassAuth) {
            const backend = new AuthBackend(`${name}-auth-${u.path}`, { type: "userpass", path: u.path, description: u.description }, child);
            for (const user of u.users) {
                // No dedicated resource exists: the user is written to its API path. Vault never returns the password,
                // so nothing is read back (a changed password is written again; one changed outside Pulumi is not seen).
                new Endpoint(`${name}-user-${u.path}/${user.name}`, {
                    path: pulumi.interpolate`auth/${backend.path}/users/${user.name}`,
                    dataJson: pulumi.secret(pulumi.output(user.password).apply((password) => JSON.stringify({
                        password, token_policies: user.policies, token_ttl: seconds(user.ttl), token_max_ttl: seconds(user.maxTtl), token_bound_cidrs: user.tokenBoundCidrs,
                    }))),
                    disableRead: true,
                    ignoreAbsentFields: true,
                }, child);
            }
        }

        for (const a of settings.appRoleAuth) {
            const backend = new AuthBackend(`${name}-auth-${a.path}`, { type: "approle", path: a.path, description: a.description }, child);
            for (const r of a.roles) {
                const key = `${a.path}/${r.name}`;
                const role = new AppRoleAuthBackendRole(`${name}-role-${key}`, {
                    backend: backend.path, roleName: r.name, tokenPolicies: r.policies,
                    tokenTtl: seconds(r.tokenTtl), tokenMaxTtl: seconds(r.tokenMaxTtl), secretIdTtl: seconds(r.secretIdTtl),
                    secretIdNumUses: r.secretIdNumUses, secretIdBoundCidrs: r.secretIdBoundCidrs, tokenBoundCidrs: r.tokenBoundCidrs,
                }, child);
                this.appRoleIds[key] = role.roleId;
                if (r.createSecretId) {
                    const secretId = new AuthBackendRoleSecretId(`${name}-secret-id-${key}`, { backend: backend.path, roleName: role.roleName }, child);
                    this.appRoleSecretIds[key] = pulumi.secret(secretId.secretId);
                }
            }
        }

        this.registerOutputs({
            appRoleIds: this.appRoleIds, appRoleSecretIds: this.appRoleSecretIds, policyNames: this.policyNames, transitSealTokens: this.transitSealTokens,
        });
    }
}
