import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { parse as parseYaml } from "yaml";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import * as components from "../components";
import { FAKE_CLUSTER_CA_PEM, FAKE_VAULT_CA_PEM, installMocks, settle, unwrapSecrets } from "../components/testing/mocks";
import { ARGS_SCHEMA_FILE, COMPONENTS, PackageSchema, README_FILE, ROOT, SCHEMA_FILE, generateAll, pluginName } from "./tools/generate";

/**
 * The multi-language contract: Pulumi's own analyzer infers every component's schema from the Args interfaces, the
 * committed copies of everything derived from them are fresh, and a component built from plain JSON (what a Python,
 * Go, C# or YAML program sends) works and refuses wrong types naming the field.
 */
describe("the multi-language contract", function () {
    // The analyzer type-checks the package's sources once (about 10 s).
    this.timeout(180_000);
    let generated: Record<string, string>;
    let schema: PackageSchema;
    let provider: ComponentProvider;

    before(async () => {
        generated = await generateAll();
        schema = JSON.parse(generated[SCHEMA_FILE]);
        provider = new ComponentProvider({ dirname: ROOT, name: pluginName(), components: COMPONENTS.map((c) => components[c]) });
        await provider.getSchema();
    });

    it("is the plugin PulumiPlugin.yaml declares, named as the type tokens say", () => {
        const plugin = parseYaml(readFileSync(join(ROOT, "PulumiPlugin.yaml"), "utf8"));
        assert.equal(plugin.runtime, "nodejs");
        assert.equal(pluginName(), "vault-cluster");
        assert.deepEqual(Object.keys(schema.resources).sort(), COMPONENTS.map((c) => `vault-cluster:index:${c}`).sort());
    });

    it("infers every component with the analyzer, and every input and type property has a description", () => {
        const undocumented: string[] = [];
        for (const [token, resource] of Object.entries(schema.resources)) {
            for (const [name, p] of Object.entries(resource.inputProperties)) if (!p.description) undocumented.push(`${token}.${name}`);
        }
        for (const [token, type] of Object.entries(schema.types)) {
            for (const [name, p] of Object.entries(type.properties ?? {})) if (!p.description) undocumented.push(`${token}.${name}`);
        }
        assert.deepEqual(undocumented, []);
        assert.ok(Object.keys(schema.types).length > 40, "the nested argument types are part of the schema");
    });

    for (const [label, file] of [["schema.json", SCHEMA_FILE], ["components/args/argsSchema.json", ARGS_SCHEMA_FILE], ["the README reference", README_FILE]] as const) {
        it(`has a fresh committed copy of ${label} (else run \`npm run generate\`)`, () => {
            assert.ok(readFileSync(file, "utf8") === generated[file], `${label} is stale: run \`npm run generate\` and commit the result`);
        });
    }

    it("builds a VaultCluster from plain JSON inputs, as a Python program's VaultCluster(...) does", async () => {
        const recorder = await installMocks();
        const result = await provider.construct("py", "vault-cluster:index:VaultCluster", {
            storage: { type: "raft", size: "5Gi" },
            seal: { type: "shamir" },
            replicas: 3,
            bootstrap: { custody: { type: "kubernetes-secret" } },
            config: { kvMounts: [{ path: "my-kv", version: 2 }], policies: { app: [{ path: "my-kv/data/app", capabilities: ["read"] }] } },
        } as any, {});
        await settle();
        assert.ok(result.urn);
        const release = recorder.one("kubernetes:helm.sh/v3:Release");
        assert.equal(unwrapSecrets(release.inputs.values).server.dataStorage.size, "5Gi");
        assert.ok(recorder.ofType("vault:index/policy:Policy").some((r) => r.name === "py-config-policy-app" && r.inputs.name === "app"));
        assert.deepEqual(Object.keys(result.state).sort(), Object.keys(schema.resources["vault-cluster:index:VaultCluster"].properties).sort());
    });

    it("refuses a wrong type from plain inputs before registering anything, naming the field for the engine", async () => {
        const recorder = await installMocks();
        await assert.rejects(provider.construct("py", "vault-cluster:index:VaultCluster", {
            storage: { type: "raft" }, seal: { type: "shamir" }, replicas: "3", createNamespace: "false",
            bootstrap: { custody: { type: "kubernetes-secret" } },
        } as any, {}), (e: any) => {
            assert.equal(e.__pulumiInputPropertiesError, true, "the provider host reports each problem against its property");
            assert.deepEqual(e.errors.map((x: { propertyPath: string }) => x.propertyPath).sort(), ["createNamespace", "replicas"]);
            assert.match(e.message, /replicas = "3": must be a whole number, not a string\. Fix: write 3 without quotes/);
            return true;
        });
        await settle();
        assert.deepEqual(recorder.resources, []);
    });

    it("builds a VaultConsumerCluster from plain JSON inputs, and refuses a wrong type there naming the field", async () => {
        const recorder = await installMocks();
        const inputs = {
            vaultAddress: "https://vault.example.com/", vaultCaCertPem: FAKE_VAULT_CA_PEM,
            kubernetesAuth: {
                path: "eks-apps", host: "https://apps.example.com", caCert: Buffer.from(FAKE_CLUSTER_CA_PEM).toString("base64"),
                roles: { vso: { serviceAccountNames: ["vso-auth"], namespaces: ["default"], policies: ["app"], ttl: "1h" } },
            },
            injector: { replicas: 3 },
            secretsOperator: { auths: { "vault-auth": { method: "kubernetes", role: "vso", serviceAccountName: "vso-auth" } } },
        };
        const result = await provider.construct("py", "vault-cluster:index:VaultConsumerCluster", inputs as any, {});
        await settle();
        assert.ok(result.urn);
        const release = recorder.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "vault-consumer");
        assert.deepEqual(unwrapSecrets(release?.inputs.values).injector.replicas, 3);
        assert.equal(unwrapSecrets(release?.inputs.values).global.externalVaultAddr, "https://vault.example.com");
        const config = unwrapSecrets(recorder.one("vault:kubernetes/authBackendConfig:AuthBackendConfig").inputs);
        assert.deepEqual([config.kubernetesHost, config.kubernetesCaCert], ["https://apps.example.com", FAKE_CLUSTER_CA_PEM], "the CA given as base64 reaches Vault as PEM");
        assert.equal(recorder.one("vault:kubernetes/authBackendRole:AuthBackendRole").inputs.tokenTtl, 3600);
        assert.deepEqual(Object.keys(result.state).sort(), Object.keys(schema.resources["vault-cluster:index:VaultConsumerCluster"].properties).sort());

        const again = await installMocks();
        await assert.rejects(provider.construct("py", "vault-cluster:index:VaultConsumerCluster", { ...inputs, injector: { replicas: "3" }, createNamespaces: "false" } as any, {}), (e: any) => {
            assert.equal(e.__pulumiInputPropertiesError, true);
            assert.deepEqual(e.errors.map((x: { propertyPath: string }) => x.propertyPath).sort(), ["createNamespaces", "injector.replicas"]);
            assert.match(e.message, /injector\.replicas = "3": must be a whole number, not a string\. Fix: write 3 without quotes/);
            return true;
        });
        await settle();
        assert.deepEqual(again.resources, []);
    });

    it("builds VaultConfig and VaultAppAccess from plain inputs too", async () => {
        const recorder = await installMocks();
        await provider.construct("cfg", "vault-cluster:index:VaultConfig", { kvMounts: [{ path: "kv" }] } as any, {});
        await provider.construct("app", "vault-cluster:index:VaultAppAccess", {
            namespace: "default", serviceAccountName: "app", secrets: { config: { mount: "kv", path: "app" } },
        } as any, {});
        await settle();
        assert.equal(recorder.one("vault:index/mount:Mount").inputs.path, "kv");
        assert.equal(recorder.one("vault:kubernetes/authBackendRole:AuthBackendRole").inputs.roleName, "app");
    });
});
