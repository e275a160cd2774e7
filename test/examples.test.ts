import { strict as assert } from "assert";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { parse as parseYaml } from "yaml";
import { csiParameters } from "../components";
import { installMocks, settle, unwrapSecrets, valueOf } from "../components/testing/mocks";
import {
    comparePolicyPaths, crossCheck, describeDoc, effectiveCapabilities, EXAMPLES_DIR, examples, gvk, kubernetesDocuments, KubeDoc,
    loadStack, policyPathMatches, rel, schemaRegistry, SchemaSource, StackInfo,
} from "./support/examples";

// Loaded lazily, inside the tests: a broken example fails its tests instead of aborting the whole mocha run.
let docsCache: KubeDoc[] | undefined;
const registry = schemaRegistry;
const allDocs = (): KubeDoc[] => (docsCache ??= kubernetesDocuments());
const exampleList = examples();
const exampleDir = (name: string) => join(EXAMPLES_DIR, name);
const docOf = (kind: string, name: string): KubeDoc => {
    const d = allDocs().find((x) => x.doc.kind === kind && x.doc.metadata?.name === name);
    if (!d) throw new Error(`no ${kind} ${name} in examples/`);
    return d;
};
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

/** The schema each kind used by the examples is checked against (the report of which kind has which schema). */
function schemaSources(): Map<string, { source: SchemaSource; origin: string }> {
    const used = new Map<string, { source: SchemaSource; origin: string }>();
    for (const d of allDocs()) {
        const e = registry().entry(d.doc.apiVersion, d.doc.kind);
        if (e) used.set(gvk(d.doc.apiVersion, d.doc.kind), { source: e.source, origin: e.origin });
    }
    return used;
}

describe("examples: layout and pairing", () => {
    it("every example folder has a README.md and an example.json naming the stack it pairs with", () => {
        assert.deepEqual(exampleList.map((e) => e.name), ["csi-provider", "eks-program", "external-secrets", "gitlab-ci", "python-program", "transit-autounseal", "vault-agent-injector", "vault-secrets-operator", "yaml-program"]);
        for (const e of exampleList) {
            assert.ok(existsSync(join(e.dir, "README.md")), `${rel(e.dir)}/README.md is missing`);
            assert.notEqual(e.stack, undefined, `${rel(e.dir)}/example.json must say { "stack": "<env>" } (or null for a self-contained program)`);
            const readme = readFileSync(join(e.dir, "README.md"), "utf8");
            assert.match(readme, /Pairs with stack:/, `${rel(e.dir)}/README.md must say which stack it pairs with`);
            for (const s of [e.stack, ...e.variants.map((v) => v.stack)].filter((s): s is string => s !== null)) {
                assert.ok(existsSync(join(EXAMPLES_DIR, "..", "stacks", `Pulumi.${s}.yaml`)), `${rel(e.dir)}/example.json: stacks/Pulumi.${s}.yaml does not exist`);
                assert.ok(readme.includes(`\`${s}\``), `${rel(e.dir)}/README.md does not mention the stack \`${s}\``);
            }
        }
    });

    it("the Kubernetes examples contain the documents the READMEs describe", () => {
        const names = allDocs().map((d) => `${d.file.split("/")[1]}: ${d.doc.kind} ${d.doc.metadata?.name}`).sort();
        assert.deepEqual(names, [
            "csi-provider: Deployment webapp",
            "csi-provider: SecretProviderClass vault-database",
            "csi-provider: ServiceAccount db",
            "external-secrets: ExternalSecret db-credentials",
            "external-secrets: SecretStore vault-backend",
            "vault-agent-injector: Deployment devwebapp",
            "vault-agent-injector: Deployment orgchart",
            "vault-agent-injector: ServiceAccount internal-app",
            "vault-secrets-operator: Secret vault-ca",
            "vault-secrets-operator: ServiceAccount vso-auth",
            "vault-secrets-operator: VaultAuth vault-auth",
            "vault-secrets-operator: VaultAuth vault-auth-approle",
            "vault-secrets-operator: VaultConnection default",
            "vault-secrets-operator: VaultDynamicSecret vault-dynamic-aws",
            "vault-secrets-operator: VaultStaticSecret vault-kv-app",
        ]);
    });
});

describe("examples: Kubernetes documents against strict schemas", () => {
    it("every document validates against the strict Kubernetes 1.32 schema or the CRD schema of its kind", () => {
        const failures = allDocs().flatMap((d) => registry().validate(d.doc).map((e) => `${describeDoc(d)}: ${e}`));
        assert.deepEqual(failures, []);
    });

    it("uses a published schema for every kind: strict Kubernetes 1.32, or the operator's own CRD", () => {
        const used = Object.fromEntries([...schemaSources()].map(([k, v]) => [k, `${v.source}: ${v.origin}`]));
        assert.deepEqual(used, {
            "apps/v1/Deployment": "kubernetes-1.32-strict: test/fixtures/kubernetes-1.32-strict/deployment-apps-v1.json",
            "v1/ServiceAccount": "kubernetes-1.32-strict: test/fixtures/kubernetes-1.32-strict/serviceaccount-v1.json",
            "v1/Secret": "kubernetes-1.32-strict: test/fixtures/kubernetes-1.32-strict/secret-v1.json",
            "secrets-store.csi.x-k8s.io/v1/SecretProviderClass": "crd: test/fixtures/crds/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml (v1)",
            "secrets.hashicorp.com/v1beta1/VaultConnection": "crd: test/fixtures/crds/secrets.hashicorp.com_vaultconnections.yaml (v1beta1)",
            "secrets.hashicorp.com/v1beta1/VaultAuth": "crd: test/fixtures/crds/secrets.hashicorp.com_vaultauths.yaml (v1beta1)",
            "secrets.hashicorp.com/v1beta1/VaultStaticSecret": "crd: test/fixtures/crds/secrets.hashicorp.com_vaultstaticsecrets.yaml (v1beta1)",
            "secrets.hashicorp.com/v1beta1/VaultDynamicSecret": "crd: test/fixtures/crds/secrets.hashicorp.com_vaultdynamicsecrets.yaml (v1beta1)",
            "external-secrets.io/v1/SecretStore": "crd: test/fixtures/crds/external-secrets.io_secretstores.yaml (v1)",
            "external-secrets.io/v1/ExternalSecret": "crd: test/fixtures/crds/external-secrets.io_externalsecrets.yaml (v1)",
        });
        assert.equal(registry().entry("external-secrets.io/v1", "ClusterSecretStore")?.origin, "test/fixtures/crds/external-secrets.io_clustersecretstores.yaml (v1)");
    });

    it("catches misspelled and missing fields in VaultDynamicSecret, SecretStore and ExternalSecret (their CRDs, no longer hand-written required fields)", () => {
        const vds = clone(docOf("VaultDynamicSecret", "vault-dynamic-aws").doc);
        vds.spec.renewalPercnt = 50;
        assert.deepEqual(registry().validate(vds), ["/spec: unknown field \"renewalPercnt\""]);
        delete vds.spec.renewalPercnt;
        vds.spec.renewalPercent = 95;
        assert.deepEqual(registry().validate(vds), ["/spec/renewalPercent: must be <= 90"]);
        const store = clone(docOf("SecretStore", "vault-backend").doc);
        store.spec.provider.vault.auth.kubernetes.serviceAccountRef.audience = ["vault"];
        assert.deepEqual(registry().validate(store), ["/spec/provider/vault/auth/kubernetes/serviceAccountRef: unknown field \"audience\""]);
        delete store.spec.provider.vault.auth.kubernetes.serviceAccountRef.audience;
        store.spec.provider.vault.version = "v3";
        assert.deepEqual(registry().validate(store), ["/spec/provider/vault/version: must be equal to one of the allowed values ([\"v1\",\"v2\"])"]);
        const es = clone(docOf("ExternalSecret", "db-credentials").doc);
        es.spec.data[0].remoteRef = { property: "username" };
        assert.deepEqual(registry().validate(es), ["/spec/data/0/remoteRef: must have required property 'key'"]);
        es.spec.data[0].remoteRef = { key: "apps/db", property: "username" };
        es.spec.refreshIntervl = "1h";
        assert.deepEqual(registry().validate(es), ["/spec: unknown field \"refreshIntervl\""]);
    });

    it("rejects a misspelled field, so the checks cannot pass vacuously", () => {
        const deployment = clone(docOf("Deployment", "devwebapp").doc);
        deployment.spec.replica = deployment.spec.replicas;
        delete deployment.spec.replicas;
        assert.deepEqual(registry().validate(deployment), ["/spec: unknown field \"replica\""]);

        const container = clone(docOf("Deployment", "webapp").doc);
        container.spec.template.spec.volumes[0].csi.readonly = true;
        assert.deepEqual(registry().validate(container), ["/spec/template/spec/volumes/0/csi: unknown field \"readonly\""]);

        const sa = clone(docOf("ServiceAccount", "db").doc);
        sa.metadata.namespce = "default";
        assert.deepEqual(registry().validate(sa), ["/metadata: unknown field \"namespce\""]);

        // Custom resources: the CRD schema closed with additionalProperties: false, and strict ObjectMeta.
        const vss = clone(docOf("VaultStaticSecret", "vault-kv-app").doc);
        vss.spec.refreshAftr = vss.spec.refreshAfter;
        assert.deepEqual(registry().validate(vss), ["/spec: unknown field \"refreshAftr\""]);
        const auth = clone(docOf("VaultAuth", "vault-auth").doc);
        auth.spec.kubernetes.audience = ["vault"];
        auth.metadata.lables = {};
        assert.deepEqual(registry().validate(auth).sort(), ["/metadata: unknown field \"lables\"", "/spec/kubernetes: unknown field \"audience\""]);
        const spc = clone(docOf("SecretProviderClass", "vault-database").doc);
        spc.spec.parameter = spc.spec.parameters;
        assert.deepEqual(registry().validate(spc), ["/spec: unknown field \"parameter\""]);

        // Values, not only names: enums, patterns, types, required fields, annotation keys.
        const conn = clone(docOf("VaultConnection", "default").doc);
        delete conn.spec.skipTLSVerify;
        assert.deepEqual(registry().validate(conn), ["/spec: must have required property 'skipTLSVerify'"]);
        vss.spec.refreshAfter = "1 minute";
        delete vss.spec.refreshAftr;
        assert.deepEqual(registry().validate(vss), ["/spec/refreshAfter: must match pattern \"^([0-9]+(\\.[0-9]+)?(s|m|h))$\""]);
        const replicas = clone(docOf("Deployment", "orgchart").doc);
        replicas.spec.replicas = "1";
        assert.ok(registry().validate(replicas).some((e) => e.startsWith("/spec/replicas: must be integer")));
        const annotations = clone(docOf("Deployment", "orgchart").doc);
        annotations.spec.template.metadata.annotations["vault.hashicorp.com/agent-inject-template-this-file-name-is-much-too-long-for-an-annotation-key.txt"] = "x";
        assert.equal(registry().validate(annotations).length, 1);
        assert.match(registry().validate(annotations)[0], /^\/spec\/template\/metadata\/annotations: key .* is not a qualified name/);

        // An unknown kind has no schema and is reported, not skipped.
        assert.deepEqual(registry().validate({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }),
            ["no schema for example.com/v1/Widget: add its schema to test/fixtures"]);
    });
});

describe("examples: agreement with the package", () => {
    it("the SecretProviderClass parameters are what csiParameters renders", () => {
        const spc = docOf("SecretProviderClass", "vault-database").doc;
        const rendered = csiParameters("https://vault.vault.svc:8200", "database", { db: { mount: "secret", path: "database/secret", keys: ["username", "password"] } });
        assert.deepEqual({ ...spc.spec.parameters, objects: parseYaml(spc.spec.parameters.objects) }, { ...rendered, objects: parseYaml(rendered.objects) });
    });

    it("with-vault-app-access.ts builds, under Pulumi mocks, the devwebapp of devwebapp.yaml and serviceaccount.yaml", async () => {
        const recorder = await installMocks();
        const { devwebapp, DEVWEB_CONFIG_TEMPLATE } = require("../examples/vault-agent-injector/with-vault-app-access") as typeof import("../examples/vault-agent-injector/with-vault-app-access");
        const { access } = devwebapp();
        await settle();
        const yamlDeployment = docOf("Deployment", "devwebapp").doc;
        assert.deepEqual(access.podAnnotations, yamlDeployment.spec.template.metadata.annotations);
        assert.equal(yamlDeployment.spec.template.metadata.annotations["vault.hashicorp.com/agent-inject-template-config"], DEVWEB_CONFIG_TEMPLATE);

        const deployment = unwrapSecrets(recorder.one("kubernetes:apps/v1:Deployment").inputs);
        assert.deepEqual(deployment, yamlDeployment);
        assert.deepEqual(registry().validate(deployment), []);
        const sa = unwrapSecrets(recorder.one("kubernetes:core/v1:ServiceAccount").inputs);
        assert.deepEqual(sa, docOf("ServiceAccount", "internal-app").doc);
        assert.deepEqual(registry().validate(sa), []);
        const role = recorder.one("vault:kubernetes/authBackendRole:AuthBackendRole").inputs;
        assert.deepEqual({ ...role, tokenPolicies: undefined }, {
            backend: "kubernetes", roleName: "devweb-app", boundServiceAccountNames: ["internal-app"], boundServiceAccountNamespaces: ["default"],
            tokenPolicies: undefined, tokenTtl: 86400,
        });
        assert.match(recorder.one("vault:index/policy:Policy").inputs.policy, /^path "my-kv\/data\/my-secret" \{\n {2}capabilities = \["read"\]\n\}\n$/);
    });
});

describe("examples: GitLab CI", () => {
    const file = join(exampleDir("gitlab-ci"), ".gitlab-ci.yml");
    let text = "";
    let ci: any;
    before(() => {
        text = readFileSync(file, "utf8");
        ci = parseYaml(text);
    });

    it("parses as YAML and logs in with an ID token (id_tokens with aud) on auth/jwt_v2 as gitlab-role", () => {
        const job = ci["read-secret"];
        assert.ok(job && Array.isArray(job.script), "job read-secret with a script");
        assert.deepEqual(job.id_tokens, { VAULT_ID_TOKEN: { aud: "https://vault.example.com" } });
        assert.equal(job.variables.VAULT_ADDR, "https://vault.example.com");
        const script: string[] = job.script;
        assert.ok(script.some((l) => /\bvault write -field=token auth\/jwt_v2\/login role=gitlab-role jwt="?\$VAULT_ID_TOKEN"?/.test(l)), "login on auth/jwt_v2 with role gitlab-role");
        assert.ok(script.some((l) => l.includes("vault kv get -mount=my-kv -field=password ci/deploy")), "reads my-kv/ci/deploy");
    });

    it("does not use the removed job JWT and never echoes a secret", () => {
        assert.ok(!text.includes("CI_JOB_JWT"), "CI_JOB_JWT was removed in GitLab 17.0");
        const script: string[] = ci["read-secret"].script;
        for (const line of script) {
            assert.ok(!/\b(echo|printf)\b.*\$\{?(VAULT_TOKEN|VAULT_ID_TOKEN|DB_PASSWORD)\b/.test(line), `prints a secret: ${line}`);
            assert.ok(!/\bset\s+-[a-z]*x/.test(line), `traces commands: ${line}`);
        }
        // The token and the value are captured by command substitution, never written to the log.
        assert.ok(script.every((l) => !/vault (write|kv get)/.test(l) || /^[A-Z_]+="\$\(vault /.test(l)), "vault output is captured, not printed");
    });
});

describe("examples: Vault names against the paired stack configuration", () => {
    const stacks = new Map<string, StackInfo>();
    const stack = (name: string) => {
        if (!stacks.has(name)) stacks.set(name, loadStack(name));
        return stacks.get(name)!;
    };

    for (const e of exampleList.filter((x) => x.stack)) {
        it(`${rel(e.dir)} matches stacks/Pulumi.${e.stack}.yaml`, async () => {
            const problems = await crossCheck(e.dir, stack(e.stack!));
            assert.ok(problems.length === 0, `${rel(e.dir)} does not match stacks/Pulumi.${e.stack}.yaml:\n  - ${problems.join("\n  - ")}`);
        });
        for (const v of e.variants) {
            it(`${rel(e.dir)} with audience ${v.aud} matches stacks/Pulumi.${v.stack}.yaml (documented variant)`, async () => {
                const problems = await crossCheck(e.dir, stack(v.stack), { checkAddress: false, jwtAudience: v.aud });
                assert.ok(problems.length === 0, `${rel(e.dir)} (variant) does not match stacks/Pulumi.${v.stack}.yaml:\n  - ${problems.join("\n  - ")}`);
            });
        }
    }

    it("fails loudly, naming the example file and the missing item", async () => {
        const local = stack("local");
        // The CSI example against prod: no role "database", no KV mount "secret".
        const wrongStack = await crossCheck(exampleDir("csi-provider"), stack("prod"));
        assert.ok(wrongStack.some((p) => p.startsWith("examples/csi-provider/deployment.yaml#0 (Deployment default/webapp) with examples/csi-provider/secretproviderclass.yaml#0")
            && p.includes("Kubernetes auth role \"database\" is not on mount \"kubernetes\" in stacks/Pulumi.prod.yaml")), wrongStack.join("\n"));
        assert.ok(wrongStack.some((p) => p.includes("no secrets engine is mounted for \"secret/data/database/secret\"")), wrongStack.join("\n"));

        // A policy that no longer covers the path.
        const narrowed = clone(local);
        narrowed.config.policies!["db-policy"] = [{ path: "secret/data/database/other", capabilities: ["read"] }];
        assert.deepEqual(await crossCheck(exampleDir("csi-provider"), narrowed), [
            "examples/csi-provider/deployment.yaml#0 (Deployment default/webapp) with examples/csi-provider/secretproviderclass.yaml#0 (SecretProviderClass default/vault-database): "
            + "no policy of role \"database\" (\"db-policy\") grants read on \"secret/data/database/secret\" in stacks/Pulumi.local.yaml (no rule matches)",
        ]);
        // A more specific deny wins over a broader read.
        const denied = clone(local);
        denied.config.policies!["devweb-policy"] = [{ path: "my-kv/data/*", capabilities: ["read"] }, { path: "my-kv/data/my-secret", capabilities: ["deny"] }];
        assert.ok((await crossCheck(exampleDir("vault-agent-injector"), denied)).some((p) =>
            p.includes("grants read on \"my-kv/data/my-secret\"") && p.includes("the deciding rule \"my-kv/data/my-secret\" grants none")));
        // The service account is no longer bound; the role requires an audience the injector cannot present.
        const unbound = clone(local);
        const roles = unbound.config.kubernetesAuth![0].roles;
        roles["internal-app"].serviceAccountNames = ["orgchart"];
        roles["devweb-app"].audience = "vault";
        assert.deepEqual((await crossCheck(exampleDir("vault-agent-injector"), unbound)).map((p) => p.replace(/^.*?: /, "")).sort(), [
            "role \"devweb-app\" requires token audience \"vault\" in stacks/Pulumi.local.yaml, the example requests the default audience",
            "role \"internal-app\" does not bind service account \"internal-app\" in stacks/Pulumi.local.yaml (serviceAccountNames: \"orgchart\")",
        ]);
        // VSO against local: no approle, no aws engine, no vault-secrets-operator role.
        const vso = await crossCheck(exampleDir("vault-secrets-operator"), local);
        for (const expected of ["AppRole auth mount \"approle\" is not in stacks/Pulumi.local.yaml", "Kubernetes auth role \"vault-secrets-operator\" is not on mount \"kubernetes\"",
            "no secrets engine is mounted for \"aws/creds/my-role\""]) {
            assert.ok(vso.some((p) => p.includes(expected)), `expected "${expected}" in:\n${vso.join("\n")}`);
        }
        // GitLab with the dev audience against prod, and an address the stack does not serve.
        const gitlab = await crossCheck(exampleDir("gitlab-ci"), stack("prod"), { jwtAudience: "https://vault.dev.example.com" });
        assert.deepEqual(gitlab, ["examples/gitlab-ci/.gitlab-ci.yml (job read-secret): JWT role \"gitlab-role\" does not accept audience \"https://vault.dev.example.com\" in stacks/Pulumi.prod.yaml (boundAudiences: \"https://vault.example.com\")"]);
        const wrongAddress = await crossCheck(exampleDir("gitlab-ci"), stack("dev"), { jwtAudience: "https://vault.dev.example.com" });
        assert.deepEqual(wrongAddress, ["examples/gitlab-ci/.gitlab-ci.yml (job read-secret): Vault address \"https://vault.example.com\" is not one of the stack's (\"https://vault.vault.svc:8200\", \"https://vault.dev.example.com\")"]);
    });

    it("matches policy paths as Vault does (trailing * prefix, + one segment, most specific rule decides)", () => {
        assert.ok(policyPathMatches("secret/data/database/*", "secret/data/database/secret"));
        assert.ok(policyPathMatches("my-kv/data/app*", "my-kv/data/apps/db"));
        assert.ok(policyPathMatches("my-kv/data/*", "my-kv/data/a/b/c"));
        assert.ok(!policyPathMatches("my-kv/data/*", "my-kv/metadata/a"));
        assert.ok(policyPathMatches("secret/+/teamb", "secret/foo/teamb"));
        assert.ok(!policyPathMatches("secret/+/teamb", "secret/foo/bar/teamb"));
        assert.ok(policyPathMatches("secret/+/team/*", "secret/data/team/x/y"));
        assert.ok(!policyPathMatches("my-kv/data/my-secret", "my-kv/data/my-secret2"));
        assert.ok(!policyPathMatches("my.kv/data/x", "myXkv/data/x"));
        // Vault's documented example order: the first wildcard later wins, then no glob, fewer +, longer, larger.
        const sorted = ["secret/*", "secret/+/*", "secret/+/b", "secret/a/*", "secret/a/b", "secret/a*"].sort(comparePolicyPaths);
        assert.deepEqual(sorted, ["secret/+/*", "secret/*", "secret/+/b", "secret/a*", "secret/a/*", "secret/a/b"]);
        assert.deepEqual(effectiveCapabilities([
            { path: "aws/creds/*", capabilities: ["read"] },
            { path: "aws/creds/admin", capabilities: ["deny"] },
            { path: "aws/creds/*", capabilities: ["list"] },
        ], "aws/creds/my-role"), { path: "aws/creds/*", capabilities: ["list", "read"] });
        assert.deepEqual(effectiveCapabilities([{ path: "aws/creds/admin", capabilities: ["deny", "read"] }], "aws/creds/admin"), { path: "aws/creds/admin", capabilities: [] });
    });
});

describe("examples: transit auto-unseal", () => {
    it("transit-autounseal builds, under Pulumi mocks, a key holder whose token reaches the sealed Vault's Secret and nowhere else", async () => {
        const recorder = await installMocks();
        const { transitAutounseal, SEAL_KEY } = require("../examples/transit-autounseal/program") as typeof import("../examples/transit-autounseal/program");
        const { keyHolder } = transitAutounseal();
        await settle();
        const token = unwrapSecrets(recorder.named("vault:index/token:Token", `-seal-token-transit/${SEAL_KEY}`).inputs);
        assert.deepEqual({ roleName: token.roleName, policies: token.policies, noParent: token.noParent },
            { roleName: `transit-seal-transit-${SEAL_KEY}`, policies: [`transit-seal-transit-${SEAL_KEY}`], noParent: true });
        const clientToken = (await valueOf(keyHolder.transitSealTokens))[`transit/${SEAL_KEY}`];
        assert.ok(clientToken.startsWith("hvs."));
        const secret = recorder.named("kubernetes:core/v1:Secret", "app-transit-seal-token");
        assert.deepEqual(secret.inputs.metadata, { name: "vault-transit-seal-token", namespace: "vault" });
        assert.deepEqual(unwrapSecrets(secret.inputs.stringData), { token: clientToken });
        const holders = recorder.resources.filter((r) => r.custom && JSON.stringify(unwrapSecrets(r.inputs)).includes(clientToken)).map((r) => r.name);
        assert.deepEqual(holders, ["app-transit-seal-token"], "the token is in that Secret and nowhere else");

        const releases = recorder.ofType("kubernetes:helm.sh/v3:Release").map((r) => unwrapSecrets(r.inputs));
        const app = releases.find((r) => r.namespace === "vault")!;
        assert.match(app.values.server.ha.raft.config, new RegExp(`seal "transit" \\{\\n {2}address {5}= "https://vault-keys\\.vault-keys\\.svc:8200"\\n {2}key_name {4}= "${SEAL_KEY}"`));
        const holder = releases.find((r) => r.namespace === "vault-keys")!;
        assert.deepEqual({ name: holder.name, standalone: holder.values.server.standalone.enabled, injector: holder.values.injector.enabled },
            { name: "vault-keys", standalone: true, injector: false }, "the chart's cluster-wide objects do not collide");
    });
});
