import { strict as assert } from "assert";
import * as vault from "@pulumi/vault/provider";
import { VaultConfig } from "../components";
import type { VaultConfigArgs } from "../components";
import { installMocks, isSecretOutput, isSecretValue, MockRecorder, settle, unwrapSecrets, valueOf } from "../components/testing/mocks";
import { deploy, IRSA } from "./support/cluster";
import { aclGrants, FakeAcl } from "./support/fakeVault";
import { parseHcl } from "./support/hcl";
import { refusedBy } from "./support/refusals";

const T = {
    mount: "vault:index/mount:Mount",
    policy: "vault:index/policy:Policy",
    auth: "vault:index/authBackend:AuthBackend",
    jwtAuth: "vault:jwt/authBackend:AuthBackend",
    jwtRole: "vault:jwt/authBackendRole:AuthBackendRole",
    endpoint: "vault:generic/endpoint:Endpoint",
    transitKey: "vault:transit/secretBackendKey:SecretBackendKey",
    tokenRole: "vault:tokenauth/authBackendRole:AuthBackendRole",
    token: "vault:index/token:Token",
};

const OIDC_SECRET = "oidc-client-secret-value";
const PASSWORD = "correct-horse-battery-staple";

/** People seed secrets as operators: an OIDC login for everyone in the operators group, a userpass account for a lab. */
const PEOPLE: VaultConfigArgs = {
    kvMounts: [{ path: "my-kv" }, { path: "legacy", version: 1 }, { path: "team-b" }],
    operatorPolicy: { kvMounts: ["my-kv", "legacy"] },
    oidcAuth: [{
        oidcDiscoveryUrl: "https://login.example.com/realms/ops", oidcClientId: "vault", oidcClientSecret: OIDC_SECRET, defaultRole: "operator",
        roles: {
            operator: {
                allowedRedirectUris: ["http://localhost:8250/oidc/callback", "https://vault.example.com/ui/vault/auth/oidc/oidc/callback"],
                userClaim: "email", groupsClaim: "groups", oidcScopes: ["email", "groups"], boundClaims: { groups: "vault-operators" },
                policies: ["kv-operator"], ttl: "8h",
            },
        },
    }],
    userpassAuth: [{ users: { alice: { password: PASSWORD, policies: ["kv-operator"], ttl: "1h" } } }],
};

async function standalone(args: VaultConfigArgs): Promise<{ rec: MockRecorder; config: VaultConfig }> {
    const rec = await installMocks();
    const provider = new vault.Provider("external", { address: "https://vault.example.com", token: "t" });
    const config = new VaultConfig("cfg", args, { provider });
    await settle();
    return { rec, config };
}

/** A policy's HCL, parsed by HashiCorp's parser, as path → capabilities. */
async function pathsOf(hcl: string): Promise<Record<string, string[]>> {
    const parsed = await parseHcl(hcl);
    assert.deepEqual(Object.keys(parsed), ["path"]);
    return Object.fromEntries(Object.entries(parsed.path).map(([p, blocks]: [string, any]) => [p, blocks[0].capabilities]));
}

const policyNamed = (rec: MockRecorder, name: string) => rec.ofType(T.policy).find((p) => p.inputs.name === name)!;

describe("people log in with OIDC or userpass and get the operator policy", () => {
    let rec: MockRecorder;
    before(async () => {
        ({ rec } = await standalone(PEOPLE));
    });

    it("mounts OIDC auth with the client secret as a secret, and a role mapping the operators group to the operator policy", () => {
        const auth = rec.one(T.jwtAuth).inputs;
        assert.ok(isSecretValue(auth.oidcClientSecret), "the client secret travels as a secret");
        assert.deepEqual(unwrapSecrets(auth), {
            type: "oidc", path: "oidc", oidcDiscoveryUrl: "https://login.example.com/realms/ops", oidcClientId: "vault", oidcClientSecret: OIDC_SECRET, defaultRole: "operator",
        });
        assert.deepEqual(rec.one(T.jwtRole).inputs, {
            backend: "oidc", roleName: "operator", roleType: "oidc", userClaim: "email", groupsClaim: "groups",
            allowedRedirectUris: ["http://localhost:8250/oidc/callback", "https://vault.example.com/ui/vault/auth/oidc/oidc/callback"],
            oidcScopes: ["email", "groups"], boundClaims: { groups: "vault-operators" }, tokenPolicies: ["kv-operator"], tokenTtl: 28800,
        });
    });

    it("writes a userpass user to auth/<mount>/users/<name> with the password only inside a secret, never read back", () => {
        assert.deepEqual(rec.one(T.auth).inputs, { type: "userpass", path: "userpass" });
        const user = rec.one(T.endpoint);
        assert.equal(user.name, "cfg-user-userpass/alice");
        assert.deepEqual({ ...user.inputs, dataJson: undefined }, { path: "auth/userpass/users/alice", disableRead: true, ignoreAbsentFields: true, dataJson: undefined });
        assert.ok(isSecretValue(user.inputs.dataJson), "the user's data (with the password) is a secret");
        assert.deepEqual(JSON.parse(unwrapSecrets(user.inputs.dataJson)), { password: PASSWORD, token_policies: ["kv-operator"], token_ttl: 3600 });
        const plain = JSON.stringify(rec.resources.map((r) => ({ ...r.inputs, dataJson: undefined, oidcClientSecret: undefined })));
        assert.ok(!plain.includes(PASSWORD) && !plain.includes(OIDC_SECRET), "no secret outside a secret input");
    });

    it("writes the operator policy: CRUD and list on the chosen KV mounts' v2 data and metadata and v1 paths, nothing else", async () => {
        assert.deepEqual(await pathsOf(policyNamed(rec, "kv-operator").inputs.policy), {
            "my-kv/data/*": ["create", "read", "update", "patch", "delete"],
            "my-kv/metadata/*": ["list", "read", "delete"],
            "my-kv/delete/*": ["update"],
            "my-kv/undelete/*": ["update"],
            "legacy/*": ["create", "read", "update", "delete", "list"],
        });
    });

    it("the operator policy lets `vault kv put/get/list/delete` work and refuses destroy, other mounts, sys/ and auth/", async () => {
        const rules: FakeAcl = Object.entries(await pathsOf(policyNamed(rec, "kv-operator").inputs.policy)).map(([path, capabilities]) => ({ path, capabilities }));
        for (const [path, cap] of [["my-kv/data/apps/db", "create"], ["my-kv/data/apps/db", "update"], ["my-kv/data/apps/db", "read"], ["my-kv/metadata/", "list"],
            ["my-kv/metadata/apps", "list"], ["my-kv/delete/apps/db", "update"], ["legacy/apps/db", "create"], ["legacy/", "list"]]) {
            assert.ok(aclGrants(rules, path, cap), `${cap} ${path}`);
        }
        for (const [path, cap] of [["my-kv/destroy/apps/db", "update"], ["team-b/data/x", "read"], ["sys/policies/acl/kv-operator", "update"],
            ["sys/mounts/my-kv", "update"], ["auth/userpass/users/alice", "update"], ["my-kv/config", "update"], ["my-kv/data/x", "sudo"]]) {
            assert.ok(!aclGrants(rules, path, cap), `must not ${cap} ${path}`);
        }
    });

    it("the operator policy covers every declared KV mount by default, under its default name", async () => {
        const { rec: r } = await standalone({ kvMounts: [{ path: "a" }, { path: "b", version: 1 }], operatorPolicy: {} });
        assert.deepEqual(Object.keys(await pathsOf(policyNamed(r, "kv-operator").inputs.policy)).sort(), ["a/data/*", "a/delete/*", "a/metadata/*", "a/undelete/*", "b/*"]);
    });
});

describe("the key holder's side of a transit seal", () => {
    const NAME = "transit-seal-transit-autounseal-prod";

    it("creates the key, a policy with update on exactly its encrypt and decrypt paths and its token renewing itself, a token role and an orphan periodic token", async () => {
        // The seal renews its token as it goes; without the default policy, its own policy must grant that.
        const { rec, config } = await standalone({ transitSealKeys: [{ keyName: "autounseal-prod" }] });
        assert.deepEqual(rec.one(T.mount).inputs, { path: "transit", type: "transit", description: "Encryption as a service" });
        const key = rec.one(T.transitKey);
        assert.deepEqual(key.inputs, { backend: "transit", name: "autounseal-prod", type: "aes256-gcm96" });
        const policy = rec.one(T.policy);
        assert.equal(policy.inputs.name, NAME);
        assert.deepEqual(await pathsOf(policy.inputs.policy), {
            "transit/encrypt/autounseal-prod": ["update"], "transit/decrypt/autounseal-prod": ["update"],
            "auth/token/renew-self": ["update"], "auth/token/lookup-self": ["read"],
        });
        const role = rec.one(T.tokenRole);
        assert.deepEqual(role.inputs, { roleName: NAME, allowedPolicies: [NAME], orphan: true, renewable: true, tokenPeriod: 86400, tokenNoDefaultPolicy: true });
        assert.ok(role.dependencies.includes(key.urn), "the token role waits for the key");
        assert.deepEqual(rec.one(T.token).inputs, { roleName: NAME, policies: [NAME], noParent: true, noDefaultPolicy: true, renewable: true, displayName: NAME });
        const token = config.transitSealTokens["transit/autounseal-prod"];
        assert.equal(await isSecretOutput(token), true);
        assert.equal(await valueOf(token), "hvs.mock-token-cfg-seal-token-transit/autounseal-prod");
    });

    it("holds a key that secretsEngines.transit declares, in its mount, with its type, and the given token period", async () => {
        const { rec, config } = await standalone({
            secretsEngines: { transit: [{ path: "seal", keys: { prod: { type: "chacha20-poly1305", autoRotatePeriod: "720h" } } }] },
            transitSealKeys: [{ mount: "seal", keyName: "prod", tokenPeriod: "1h" }],
        });
        assert.equal(rec.ofType(T.mount).length, 1);
        assert.deepEqual(rec.one(T.transitKey).inputs, { backend: "seal", name: "prod", type: "chacha20-poly1305", autoRotatePeriod: 2592000 });
        assert.equal(rec.one(T.tokenRole).inputs.tokenPeriod, 3600);
        assert.deepEqual(await pathsOf(rec.one(T.policy).inputs.policy), {
            "seal/encrypt/prod": ["update"], "seal/decrypt/prod": ["update"], "auth/token/renew-self": ["update"], "auth/token/lookup-self": ["read"],
        });
        assert.deepEqual(Object.keys(config.transitSealTokens), ["seal/prod"]);
    });

    it("a VaultCluster exposes the tokens as a secret output; its admin identity may create all of it without sudo, and cannot use the key", async () => {
        const d = await deploy({ irsa: IRSA, bootstrap: { revokeRootToken: true }, config: { transitSealKeys: [{ keyName: "k" }] } });
        assert.equal(await isSecretOutput(d.cluster.transitSealTokens), true);
        assert.deepEqual(await valueOf(d.cluster.transitSealTokens), { "transit/k": "hvs.mock-token-prod-config-seal-token-transit/k" });
        const init = d.recorder.ofType("pulumi-nodejs:dynamic:Resource").find((r) => r.inputs.keyShares !== undefined)!;
        const admin: FakeAcl = Object.entries(await pathsOf(init.inputs.adminPolicyHcl)).map(([path, capabilities]) => ({ path, capabilities }));
        const name = "transit-seal-transit-k";
        const needs: [string, string[]][] = [
            ["sys/mounts/transit", ["create", "update", "read", "delete"]],
            ["transit/keys/k", ["create", "update", "read", "delete"]],
            [`sys/policies/acl/${name}`, ["create", "update", "read", "delete"]],
            [`auth/token/roles/${name}`, ["create", "update", "read", "delete"]],
            [`auth/token/create/${name}`, ["update"]],
            ["auth/token/lookup-accessor", ["update"]],
            ["auth/token/revoke-accessor", ["update"]],
        ];
        for (const [path, caps] of needs) for (const cap of caps) assert.ok(aclGrants(admin, path, cap), `admin: ${cap} ${path}`);
        for (const path of ["auth/token/create", "auth/token/create-orphan"]) assert.ok(!aclGrants(admin, path, "sudo"), `admin: no sudo on ${path}`);
        for (const path of ["transit/encrypt/k", "transit/decrypt/k"]) assert.ok(!aclGrants(admin, path, "update"), `admin: cannot ${path}`);
    });
});

describe("people and seal settings refused before anything is registered", () => {
    const refused = (args: VaultConfigArgs) => refusedBy(() => new VaultConfig("bad", args));
    const oidc = (role: object, mount: object = {}): VaultConfigArgs => ({
        oidcAuth: [{ oidcDiscoveryUrl: "https://login.example.com", oidcClientId: "vault", oidcClientSecret: OIDC_SECRET,
            roles: { ops: { allowedRedirectUris: ["http://localhost:8250/oidc/callback"], boundClaims: { groups: "ops" }, policies: ["default"], ...role } }, ...mount }],
    });

    it("an OIDC role naming an unknown policy, without bound claims, or with a redirect URI Vault cannot use", async () => {
        const e = await refused(oidc({ policies: ["kv-operator"], boundClaims: undefined, allowedRedirectUris: ["http://vault.example.com/callback"] }));
        assert.match(e.message, /oidcAuth\[0\]\.roles\.ops\.policies = "kv-operator": names a policy that is neither defined in policies or hclPolicies nor declared in existingPolicies/);
        assert.match(e.message, /oidcAuth\[0\]\.roles\.ops\.boundClaims = \(not set\): is empty: everyone the identity provider signs in could log in with this role and read its secrets\. Fix: bind a group/);
        assert.match(e.message, /oidcAuth\[0\]\.roles\.ops\.allowedRedirectUris\[0\] = "http:\/\/vault\.example\.com\/callback": is not a redirect URI Vault can use \(https, or http only on localhost for the CLI\)\. Fix: e\.g\. "http:\/\/localhost:8250\/oidc\/callback"/);
    });

    it("an OIDC mount whose default role is not one of its roles, whose discovery URL is not https, or whose client secret is empty (never echoed)", async () => {
        const e = await refused(oidc({}, { defaultRole: "admin", oidcDiscoveryUrl: "http://login.example.com", oidcClientSecret: "" }));
        assert.match(e.message, /oidcAuth\[0\]\.defaultRole = "admin": is not one of this mount's roles\. Fix: use one of: ops/);
        assert.match(e.message, /oidcAuth\[0\]\.oidcDiscoveryUrl = "http:\/\/login\.example\.com": is not an https URL/);
        assert.match(e.message, /oidcAuth\[0\]\.oidcClientSecret = <not shown>: is empty/);
        const e2 = await refused({ ...oidc({}), oidcAuth: [{ ...oidc({}).oidcAuth![0], roles: {} }], jwtAuth: [{ path: "oidc", jwksUrl: "https://gitlab.example.com/-/jwks", roles: {} }] });
        assert.match(e2.message, /oidcAuth\[0\]\.path = "oidc": is already the mount path of another auth method \(jwtAuth\[0\]\.path\)/);
        assert.ok(!e2.message.includes(OIDC_SECRET));
    });

    it("a userpass user with an upper-case name, a short password (never echoed) or an unknown policy", async () => {
        const e = await refused({ userpassAuth: [{ users: { Alice: { password: "short-pw", policies: ["ops"] } } }] });
        assert.match(e.message, /userpassAuth\[0\]\.users = "Alice": is not a user name Vault keeps as given\. Fix: use lower case letters/);
        assert.match(e.message, /userpassAuth\[0\]\.users\.Alice\.password = <not shown>: is shorter than 12 characters/);
        assert.match(e.message, /userpassAuth\[0\]\.users\.Alice\.policies = "ops": names a policy that is neither defined/);
        assert.ok(!e.message.includes("short-pw") && !JSON.stringify(e.problems).includes("short-pw"), "the password is not echoed");
    });

    it("an operator policy with a reserved or taken name, over a mount that is not a KV mount, or over no mount at all", async () => {
        const e = await refused({ kvMounts: [{ path: "kv" }], operatorPolicy: { name: "Default", kvMounts: ["kv", "transit"] } });
        assert.match(e.message, /operatorPolicy\.name = "Default": is reserved/);
        assert.match(e.message, /operatorPolicy\.kvMounts\[1\] = "transit": is not a mount in kvMounts\. Fix: use one of: kv/);
        const e2 = await refused({ kvMounts: [{ path: "kv" }], operatorPolicy: {}, policies: { "KV-operator": [{ path: "kv/data/x", capabilities: ["read"] }] } });
        assert.match(e2.message, /operatorPolicy\.name = "kv-operator": names the same Vault policy as policies\.KV-operator/);
        const e3 = await refused({ operatorPolicy: {} });
        assert.match(e3.message, /operatorPolicy\.kvMounts = \[\]: covers no KV mount/);
    });

    it("a seal key declared with a type that cannot encrypt, held twice, badly named, on a taken mount, or with too short a period", async () => {
        const e = await refused({
            secretsEngines: { transit: [{ path: "transit", keys: { sign: { type: "ed25519" } } }] },
            kvMounts: [{ path: "kv" }],
            transitSealKeys: [{ keyName: "sign" }, { keyName: "a" }, { keyName: "a", tokenPeriod: "30s" }, { mount: "kv/transit", keyName: "b" }, { keyName: "a b" }],
        });
        assert.match(e.message, /transitSealKeys\[0\]\.keyName = "sign": is declared as a ed25519 key, which cannot encrypt/);
        assert.match(e.message, /transitSealKeys\[2\]\.keyName = "a": is already held for a seal \(transitSealKeys\[1\]\)/);
        assert.match(e.message, /transitSealKeys\[2\]\.tokenPeriod = "30s": is too short for the sealed cluster to renew its token/);
        assert.match(e.message, /transitSealKeys\[3\]\.mount = "kv\/transit": overlaps the mount path "kv" of another secrets engine/);
        assert.match(e.message, /transitSealKeys\[4\]\.keyName = "a b": is not a valid key name/);
    });
});
