import { strict as assert } from "assert";
import * as vault from "@pulumi/vault/provider";
import { InputError, kvV2ReadRules, VaultAppAccess, VaultConfig } from "../components";
import type { VaultConfigArgs } from "../components";
import { FAKE_CLUSTER_CA_PEM, installMocks, isSecretOutput, MockRecorder, RegisteredResource, settle, unwrapSecrets, valueOf } from "../components/testing/mocks";
import { deploy, IRSA } from "./support/cluster";
import { parseHcl } from "./support/hcl";
import { refusedBy } from "./support/refusals";

const T = {
    mount: "vault:index/mount:Mount",
    policy: "vault:index/policy:Policy",
    auth: "vault:index/authBackend:AuthBackend",
    audit: "vault:index/audit:Audit",
    k8sConfig: "vault:kubernetes/authBackendConfig:AuthBackendConfig",
    k8sRole: "vault:kubernetes/authBackendRole:AuthBackendRole",
    jwtAuth: "vault:jwt/authBackend:AuthBackend",
    jwtRole: "vault:jwt/authBackendRole:AuthBackendRole",
    appRole: "vault:appRole/authBackendRole:AuthBackendRole",
    secretId: "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId",
    awsEngine: "vault:aws/secretBackend:SecretBackend",
    awsRole: "vault:aws/secretBackendRole:SecretBackendRole",
    transitKey: "vault:transit/secretBackendKey:SecretBackendKey",
};

/** The recipes' `vault` commands, as one declarative configuration. */
const RECIPES: VaultConfigArgs = {
    kvMounts: [{ path: "my-kv" }, { path: "secret" }, { path: "internal" }],
    policies: {
        "devweb-policy": [{ path: "my-kv/data/my-secret", capabilities: ["read"] }],
        "gitlab-policy": kvV2ReadRules("my-kv", "*"),
        "db-policy": [{ path: "secret/data/database/*", capabilities: ["read"] }],
        "internal-app": [{ path: "internal/data/database/config", capabilities: ["read"] }],
        "k8s-vault-op": [{ path: "secret/data/k8s/*", capabilities: ["create", "read", "update", "delete", "list"] }],
    },
    // Shape change (issue 10): HCL text moved from `policies` (a union) to its own map.
    hclPolicies: { "iam-role": `path "aws/creds/*" {\n  capabilities = ["read"]\n}\n` },
    kubernetesAuth: [
        {
            roles: {
                "devweb-app": { serviceAccountNames: ["internal-app"], namespaces: ["default"], policies: ["devweb-policy"], ttl: "24h" },
                database: { serviceAccountNames: ["db"], namespaces: ["default"], policies: ["db-policy"], ttl: "20m" },
                "internal-app": { serviceAccountNames: ["internal-app"], namespaces: ["default"], policies: ["internal-app"], ttl: "24h" },
            },
        },
        {
            path: "eks-team-b",
            host: "https://B1234.gr7.eu-west-1.eks.amazonaws.com",
            caCertPem: FAKE_CLUSTER_CA_PEM,
            tokenReviewerJwt: "eyJ.reviewer.jwt",
            roles: { "external-secrets": { serviceAccountNames: ["external-secrets"], namespaces: ["external-secrets"], policies: ["db-policy"], ttl: "1h", audience: "vault" } },
        },
    ],
    jwtAuth: [{
        path: "jwt_v2",
        boundIssuer: "https://gitlab.example.com",
        jwksUrl: "https://gitlab.example.com/-/jwks",
        roles: {
            "gitlab-role": {
                boundAudiences: ["https://gitlab.example.com"], userClaim: "sub",
                boundClaims: { project_id: "42", ref_protected: "true", ref: "main,release" }, policies: ["gitlab-policy"], ttl: "1h",
            },
        },
    }],
    appRoleAuth: [{ roles: { "k8s-vault-op": { policies: ["k8s-vault-op", "iam-role"], tokenTtl: "1h", secretIdTtl: "720h", secretIdBoundCidrs: ["10.0.0.0/8"], createSecretId: true } } }],
    secretsEngines: {
        aws: [{
            region: "ap-northeast-1",
            roles: { "my-role": { credentialType: "iam_user", permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/vault-user-boundary",
                policyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }] } } },
            defaultLeaseTtl: "1h", maxLeaseTtl: "24h",
        }],
        transit: [{ keys: { autounseal: { type: "aes256-gcm96", autoRotatePeriod: "720h" } } }],
    },
};

const byName = (r: MockRecorder, type: string) => Object.fromEntries(r.ofType(type).map((x) => [x.name, x]));

describe("VaultConfig composed by a cluster: the recipes as code", () => {
    let d: Awaited<ReturnType<typeof deploy>>;
    let rec: MockRecorder;
    before(async () => {
        d = await deploy({ irsa: IRSA, config: RECIPES });
        rec = d.recorder;
    });

    it("mounts KV v2 engines by path", () => {
        const mounts = byName(rec, T.mount);
        for (const path of ["my-kv", "secret", "internal"]) {
            assert.deepEqual([mounts[`prod-config-kv-${path}`].inputs.type, mounts[`prod-config-kv-${path}`].inputs.options], ["kv", { version: "2" }]);
            assert.equal(mounts[`prod-config-kv-${path}`].inputs.path, path);
        }
    });

    it("writes every policy as HCL that parses to exactly the expected paths and capabilities", async () => {
        const expected: Record<string, Record<string, string[]>> = {
            "devweb-policy": { "my-kv/data/my-secret": ["read"] },
            "gitlab-policy": { "my-kv/data/*": ["read"], "my-kv/metadata/*": ["list", "read"] },
            "db-policy": { "secret/data/database/*": ["read"] },
            "internal-app": { "internal/data/database/config": ["read"] },
            "k8s-vault-op": { "secret/data/k8s/*": ["create", "read", "update", "delete", "list"] },
            "iam-role": { "aws/creds/*": ["read"] },
            // Written by monitoring (on by default), through the same provider.
            "prometheus-metrics": { "sys/metrics": ["read"], "auth/token/renew-self": ["update"], "auth/token/lookup-self": ["read"] },
        };
        const policies = rec.ofType(T.policy);
        assert.deepEqual(policies.map((x) => x.inputs.name).sort(), Object.keys(expected).sort());
        for (const policy of policies) {
            const parsed = await parseHcl(policy.inputs.policy);
            assert.deepEqual(Object.keys(parsed), ["path"]);
            const got = Object.fromEntries(Object.entries(parsed.path).map(([p, blocks]: [string, any]) => [p, blocks[0].capabilities]));
            assert.deepEqual(got, expected[policy.inputs.name], policy.inputs.name);
        }
    });

    it("configures in-cluster Kubernetes auth with only the host, and the devweb-app, database and internal-app roles", () => {
        const config = byName(rec, T.k8sConfig)["prod-config-auth-config-kubernetes"];
        assert.deepEqual(unwrapSecrets(config.inputs), { backend: "kubernetes", kubernetesHost: "https://kubernetes.default.svc", disableLocalCaJwt: false });
        const roles = byName(rec, T.k8sRole);
        const role = (n: string) => roles[`prod-config-role-kubernetes/${n}`].inputs;
        assert.deepEqual(role("devweb-app"), {
            backend: "kubernetes", roleName: "devweb-app", boundServiceAccountNames: ["internal-app"], boundServiceAccountNamespaces: ["default"],
            tokenPolicies: ["devweb-policy"], tokenTtl: 86400,
        });
        assert.deepEqual([role("database").boundServiceAccountNames, role("database").tokenPolicies, role("database").tokenTtl], [["db"], ["db-policy"], 1200]);
        assert.deepEqual([role("internal-app").boundServiceAccountNames, role("internal-app").tokenPolicies], [["internal-app"], ["internal-app"]]);
    });

    it("gives another cluster its own mount, host, CA and reviewer JWT, with disable_local_ca_jwt", () => {
        const auth = byName(rec, T.auth)["prod-config-auth-eks-team-b"];
        assert.deepEqual(auth.inputs, { type: "kubernetes", path: "eks-team-b" });
        const config = byName(rec, T.k8sConfig)["prod-config-auth-config-eks-team-b"];
        assert.equal(config.inputs.kubernetesHost, "https://B1234.gr7.eu-west-1.eks.amazonaws.com");
        assert.equal(config.inputs.kubernetesCaCert, FAKE_CLUSTER_CA_PEM);
        assert.equal(unwrapSecrets(config.inputs.tokenReviewerJwt), "eyJ.reviewer.jwt");
        assert.equal(config.inputs.disableLocalCaJwt, true);
        assert.equal(byName(rec, T.k8sRole)["prod-config-role-eks-team-b/external-secrets"].inputs.audience, "vault");
    });

    it("mounts JWT auth at jwt_v2 for GitLab with a bound role", () => {
        const auth = byName(rec, T.jwtAuth)["prod-config-auth-jwt_v2"];
        assert.deepEqual(auth.inputs, { type: "jwt", path: "jwt_v2", boundIssuer: "https://gitlab.example.com", jwksUrl: "https://gitlab.example.com/-/jwks" });
        const role = byName(rec, T.jwtRole)["prod-config-role-jwt_v2/gitlab-role"].inputs;
        assert.deepEqual(role, {
            backend: "jwt_v2", roleName: "gitlab-role", roleType: "jwt", boundAudiences: ["https://gitlab.example.com"], userClaim: "sub",
            boundClaims: { project_id: "42", ref_protected: "true", ref: "main,release" }, tokenPolicies: ["gitlab-policy"], tokenTtl: 3600,
        });
    });

    it("creates the k8s-vault-op AppRole with its role ID and a secret ID as a secret output", async () => {
        assert.deepEqual(byName(rec, T.auth)["prod-config-auth-approle"].inputs, { type: "approle", path: "approle" });
        const role = byName(rec, T.appRole)["prod-config-role-approle/k8s-vault-op"].inputs;
        assert.deepEqual(role, {
            backend: "approle", roleName: "k8s-vault-op", tokenPolicies: ["k8s-vault-op", "iam-role"], tokenTtl: 3600, secretIdTtl: 2592000, secretIdBoundCidrs: ["10.0.0.0/8"],
        });
        assert.equal(rec.one(T.secretId).inputs.roleName, "k8s-vault-op");
        assert.equal(await valueOf(d.cluster.config.appRoleIds["approle/k8s-vault-op"]), "prod-config-role-approle/k8s-vault-op-role-id");
        assert.equal(await isSecretOutput(d.cluster.config.appRoleSecretIds["approle/k8s-vault-op"]), true);
    });

    it("mounts the AWS secrets engine with a dynamic IAM user role, and transit with a rotating key", () => {
        const engine = rec.one(T.awsEngine).inputs;
        assert.deepEqual([engine.path, engine.region, engine.defaultLeaseTtlSeconds, engine.maxLeaseTtlSeconds, engine.accessKey], ["aws", "ap-northeast-1", 3600, 86400, undefined]);
        const role = rec.one(T.awsRole).inputs;
        assert.deepEqual([role.backend, role.name, role.credentialType], ["aws", "my-role", "iam_user"]);
        // Every user Vault creates carries the boundary and lives under the one path the server role may touch.
        assert.deepEqual([role.permissionsBoundaryArn, role.userPath], ["arn:aws:iam::123456789012:policy/vault-user-boundary", "/vault/"]);
        assert.deepEqual(JSON.parse(role.policyDocument).Statement[0].Action, "ec2:Describe*");
        const key = rec.one(T.transitKey).inputs;
        assert.deepEqual([key.backend, key.name, key.type, key.autoRotatePeriod], ["transit", "autounseal", "aes256-gcm96", 2592000]);
    });

    it("enables the file audit device on the audit volume", () => {
        assert.deepEqual(rec.one(T.audit).inputs, { type: "file", path: "file", options: { file_path: "/vault/audit/vault_audit.log" } });
    });

    it("puts every Vault resource on the chained provider, deleted with the release", () => {
        const provider = rec.one("pulumi:providers:vault");
        const release = rec.one("kubernetes:helm.sh/v3:Release");
        const vaultResources = rec.resources.filter((r) => r.type.startsWith("vault:"));
        assert.ok(vaultResources.length >= 25);
        for (const r of vaultResources) {
            assert.equal(r.provider, `${provider.urn}::${provider.id}`, `${r.name} uses the chained provider`);
            assert.equal(r.deletedWith, release.urn, `${r.name} is deleted with the release`);
        }
    });
});

describe("VaultConfig on its own", () => {
    async function standalone(args: VaultConfigArgs): Promise<{ rec: MockRecorder; names: string[] }> {
        const rec = await installMocks();
        const provider = new vault.Provider("external", { address: "https://vault.example.com", token: "t" });
        new VaultConfig("cfg", args, { provider });
        await settle();
        return { rec, names: rec.resources.filter((r) => r.type.startsWith("vault:")).map((r) => r.name).sort() };
    }

    it("works against any Vault through the given provider, with no audit device unless asked", async () => {
        const { rec } = await standalone({ kvMounts: [{ path: "apps" }] });
        const provider = rec.one("pulumi:providers:vault");
        assert.equal(rec.one(T.mount).provider, `${provider.urn}::${provider.id}`);
        assert.equal(rec.ofType(T.audit).length, 0);
    });

    it("names resources after paths and role names, so reordering lists replaces nothing", async () => {
        const a = await standalone({
            kvMounts: [{ path: "a" }, { path: "b" }],
            policies: { p: [{ path: "a/data/*", capabilities: ["read"] }] },
            kubernetesAuth: [{ roles: { x: { serviceAccountNames: ["x"], namespaces: ["d"], policies: ["p"] }, y: { serviceAccountNames: ["y"], namespaces: ["d"], policies: ["p"] } } }],
        });
        const b = await standalone({
            kvMounts: [{ path: "b" }, { path: "a" }],
            policies: { p: [{ path: "a/data/*", capabilities: ["read"] }] },
            kubernetesAuth: [{ roles: { y: { serviceAccountNames: ["y"], namespaces: ["d"], policies: ["p"] }, x: { serviceAccountNames: ["x"], namespaces: ["d"], policies: ["p"] } } }],
        });
        assert.deepEqual(a.names, b.names);
        const inputs = (r: MockRecorder) => Object.fromEntries(r.resources.map((x: RegisteredResource) => [x.name, JSON.stringify(x.inputs)]));
        assert.deepEqual(inputs(a.rec), inputs(b.rec));
    });
});

describe("VaultConfig refuses bad input before registering anything", () => {
    const refused = (args: VaultConfigArgs) => refusedBy(() => new VaultConfig("bad", args));
    const role = { serviceAccountNames: ["a"], namespaces: ["b"], policies: ["p"] };
    const p = { p: [{ path: "kv/data/x", capabilities: ["read"] }] };

    it("duplicate mount paths", async () => {
        const e = await refused({ kvMounts: [{ path: "kv" }], secretsEngines: { transit: [{ path: "kv" }] } });
        assert.match(e.message, /secretsEngines\.transit\[0\]\.path = "kv": is already the mount path of another secrets engine \(kvMounts\[0\]\.path\)\. Fix: /);
        const e2 = await refused({ kubernetesAuth: [{ roles: {} }, { roles: {} }] });
        assert.match(e2.message, /kubernetesAuth\[1\]\.path = "kubernetes": is already the mount path of another auth method/);
    });

    it("nested mount paths and paths Vault reserves", async () => {
        const e = await refused({ kvMounts: [{ path: "team" }, { path: "team/kv" }, { path: "sys/kv" }], appRoleAuth: [{ path: "token", roles: {} }] });
        assert.match(e.message, /kvMounts\[1\]\.path = "team\/kv": overlaps the mount path "team" of another secrets engine \(kvMounts\[0\]\.path\): Vault refuses nested mounts/);
        assert.match(e.message, /kvMounts\[2\]\.path = "sys\/kv": is under sys\/, which Vault reserves/);
        assert.match(e.message, /appRoleAuth\[0\]\.path = "token": is under token\/, which Vault reserves/);
    });

    it("a mount path with a leading slash or spaces", async () => {
        const e = await refused({ kvMounts: [{ path: "/my-kv" }, { path: "my kv" }] });
        assert.match(e.message, /kvMounts\[0\]\.path = "\/my-kv": is not a valid mount path\. Fix: segments of letters, digits, '_', '-' and '\.', no leading or trailing slash/);
        assert.match(e.message, /kvMounts\[1\]\.path = "my kv": is not a valid mount path/);
    });

    it("an unknown capability", async () => {
        const e = await refused({ policies: { p: [{ path: "kv/data/x", capabilities: ["read", "write"] }] } });
        assert.match(e.message, /policies\.p\[0\]\.capabilities = "write": is not a Vault capability\. Fix: use one of: create, read, update, patch, delete, list, sudo, deny, subscribe, recover/);
    });

    it("another cluster without its CA, or with a CA that is not PEM", async () => {
        const e = await refused({ policies: p, kubernetesAuth: [{ path: "other", host: "https://k8s.example.com", roles: {} }] });
        assert.match(e.message, /kubernetesAuth\[0\]\.caCertPem = \(not set\): is required for another cluster's API server/);
        const e2 = await refused({ policies: p, kubernetesAuth: [{ path: "other", host: "https://k8s.example.com", caCertPem: "LS0tLS1CRUdJTi...", roles: {} }] });
        // Never echoed: text pasted into a CA field may be a private key.
        assert.match(e2.message, /kubernetesAuth\[0\]\.caCertPem = <not shown>: is not a PEM certificate \(the value is not shown: it may hold a key\)\. Fix: paste the CA certificate/);
    });

    it("a malformed TTL", async () => {
        const e = await refused({ policies: p, kubernetesAuth: [{ roles: { r: { ...role, ttl: "24 hours" } } }] });
        assert.match(e.message, /kubernetesAuth\[0\]\.roles\.r\.ttl = "24 hours": is not a Vault duration\. Fix: use seconds/);
    });

    it("a role naming a policy that is neither defined nor declared as existing", async () => {
        const e = await refused({ policies: p, kubernetesAuth: [{ roles: { r: { ...role, policies: ["p", "missing"] } } }] });
        assert.match(e.message, /kubernetesAuth\[0\]\.roles\.r\.policies = "missing": names a policy that is neither defined in policies or hclPolicies nor declared in existingPolicies\. Fix: define policies\["missing"\], or add "missing" to existingPolicies/);
        await standaloneOk({ existingPolicies: ["missing"], policies: p, kubernetesAuth: [{ roles: { r: { ...role, policies: ["p", "missing"] } } }] });
    });

    it("a JWT role without bound audiences, or without bound claims unless allowed", async () => {
        const jwt = (r: object) => ({ policies: p, jwtAuth: [{ path: "jwt_v2", jwksUrl: "https://gitlab.example.com/-/jwks", roles: { ci: { userClaim: "sub", policies: ["p"], ...r } as any } }] });
        const e = await refused(jwt({ boundClaims: { project_id: "1" } }));
        // A required field's reason comes from its documentation (JwtAuthRole.boundAudiences).
        assert.match(e.message, /jwtAuth\[0\]\.roles\.ci\.boundAudiences = \(not set\): is required: Audiences the JWT must carry \(the `aud` of GitLab's `id_tokens`\)/);
        const e2 = await refused(jwt({ boundAudiences: ["https://gitlab.example.com"] }));
        assert.match(e2.message, /boundClaims = \(not set\): is empty: every project and pipeline on the issuer could log in with this role/);
        await standaloneOk(jwt({ boundAudiences: ["https://gitlab.example.com"], allowUnboundClaims: true }));
    });

    async function standaloneOk(args: VaultConfigArgs): Promise<void> {
        await installMocks();
        new VaultConfig("ok", args);
        await settle();
    }
});

describe("VaultAppAccess", () => {
    it("creates the service account, a read policy for exactly its secrets, the role, and the pod annotations", async () => {
        const rec = await installMocks();
        const app = new VaultAppAccess("devweb-app", {
            namespace: "default",
            serviceAccountName: "internal-app",
            secrets: {
                config: { mount: "my-kv", path: "my-secret", template: `{{ with secret "my-kv/data/my-secret" -}}\nTOKEN={{ .Data.data.token }}\n{{- end }}\n`, keys: ["token", "password"] },
                legacy: { mount: "kv1", path: "app", version: 1 },
            },
            ttl: "24h",
            vaultAddress: "https://vault.vault.svc:8200",
        });
        await settle();
        assert.deepEqual(rec.one("kubernetes:core/v1:ServiceAccount").inputs.metadata, { name: "internal-app", namespace: "default" });
        const policy = rec.one(T.policy).inputs;
        assert.equal(policy.name, "devweb-app-read");
        assert.deepEqual((await parseHcl(policy.policy)).path, { "my-kv/data/my-secret": [{ capabilities: ["read"] }], "kv1/app": [{ capabilities: ["read"] }] });
        assert.deepEqual(rec.one(T.k8sRole).inputs, {
            backend: "kubernetes", roleName: "devweb-app", boundServiceAccountNames: ["internal-app"], boundServiceAccountNamespaces: ["default"],
            tokenPolicies: ["devweb-app-read"], tokenTtl: 86400,
        });
        assert.deepEqual(app.podAnnotations, {
            "vault.hashicorp.com/agent-inject": "true",
            "vault.hashicorp.com/role": "devweb-app",
            "vault.hashicorp.com/agent-inject-secret-config": "my-kv/data/my-secret",
            "vault.hashicorp.com/agent-inject-template-config": `{{ with secret "my-kv/data/my-secret" -}}\nTOKEN={{ .Data.data.token }}\n{{- end }}\n`,
            "vault.hashicorp.com/agent-inject-secret-legacy": "kv1/app",
        });
        const csi = await valueOf(app.csiParameters);
        assert.deepEqual({ ...csi, objects: undefined }, {
            vaultAddress: "https://vault.vault.svc:8200", roleName: "devweb-app", vaultKubernetesMountPath: "kubernetes", vaultCACertPath: "/vault/tls/vault.ca", objects: undefined,
        });
        const { parse } = await import("yaml");
        assert.deepEqual(parse(csi.objects), [
            { objectName: "config-token", secretPath: "my-kv/data/my-secret", secretKey: "token" },
            { objectName: "config-password", secretPath: "my-kv/data/my-secret", secretKey: "password" },
            { objectName: "legacy", secretPath: "kv1/app" },
        ]);
    });

    it("refuses an application without secrets", async () => {
        const rec = await installMocks();
        assert.throws(() => new VaultAppAccess("x", { namespace: "Default", serviceAccountName: "a", secrets: {} }), (e: InputError) => {
            assert.deepEqual(e.problems.map((x) => x.field).sort(), ["namespace", "secrets"]);
            return true;
        });
        await settle();
        assert.deepEqual(rec.resources, []);
    });
});
