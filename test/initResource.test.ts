import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { VaultCluster } from "../components";
import { installMocks, isSecretOutput, isSecretValue, isUnknownValue, settle, unwrapSecrets, valueOf } from "../components/testing/mocks";
import { deploy, IRSA, LOCAL } from "./support/cluster";
import { runSerializedProvider } from "./support/dynamicProvider";
import { makeCa, makeServerCertificate } from "./support/certs";
import { withEnv } from "./support/env";
import { FakeVault } from "./support/fakeVault";
import { FakeKubernetes } from "./support/fakeKubernetes";

const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const VAULT_PROVIDER = "pulumi:providers:vault";

describe("init resource and chained Vault provider under mocks", () => {
    it("creates the init step after the release, with the default custody and secret outputs", async () => {
        const d = await deploy({ irsa: IRSA });
        const init = d.recorder.one(DYNAMIC);
        const release = d.recorder.one("kubernetes:helm.sh/v3:Release");
        assert.ok(init.dependencies.includes(release.urn), "init waits for the Helm release");
        const inputs = unwrapSecrets(init.inputs);
        assert.equal(inputs.seal, "awskms");
        assert.equal(inputs.keyShares, 5);
        assert.equal(inputs.keyThreshold, 3);
        assert.equal(inputs.revokeRootToken, false);
        assert.match(inputs.apiAddress, /^https:\/\/127\.0\.0\.1:\d+$/, "a tunnel on loopback");
        assert.deepEqual(inputs.replicaAddresses, []);
        assert.deepEqual(inputs.custody, { type: "aws-secrets-manager", region: "eu-west-1", secretIds: {
            init: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/vault-init-AbCdEf",
            admin: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/vault-init-admin-AbCdEf",
        } });
        const secret = d.recorder.ofType("aws:secretsmanager/secret:Secret").find((x) => x.inputs.name === "prod/vault-init")!;
        assert.equal(secret.inputs.kmsKeyId, "arn:aws:kms:eu-west-1:123456789012:key/prod-vault-0000");
        assert.equal(secret.protect, true);
        assert.deepEqual(init.additionalSecretOutputs.sort(), ["admin", "custody", "rootToken", "stateRecords"]);
        assert.equal(await isSecretOutput(d.cluster.rootToken), true);
        assert.equal(await valueOf(d.cluster.rootToken), "hvs.mock-root-token-prod-init");
    });

    it("serializes a provider that captures no credentials, only the runtime module's path", async () => {
        const d = await withEnv({ AWS_SECRET_ACCESS_KEY: "super-secret-aws-key" }, () => deploy({ ...LOCAL, bootstrap: { custody: { type: "kubernetes-secret" }, kubeconfig: "apiVersion: v1\nusers: [{name: u, user: {token: kube-secret-token}}]" } }));
        const init = d.recorder.one(DYNAMIC);
        const text = init.inputs.__provider as string;
        assert.match(text, /initRuntime/);
        for (const secret of ["super-secret-aws-key", "kube-secret-token", "hvs."]) assert.ok(!text.includes(secret), `provider text captures ${secret}`);
        assert.ok(isSecretValue(init.inputs.custody), "the kubeconfig in the custody spec travels as a secret");
        assert.ok(text.length < 10_000, `serialized provider is small (${text.length})`);
    });

    it("chains the Vault provider on the init outputs: address, token, CA file, child tokens, verified TLS", async () => {
        const d = await deploy({ irsa: IRSA });
        const provider = d.recorder.one(VAULT_PROVIDER);
        const init = d.recorder.one(DYNAMIC);
        assert.equal(provider.inputs.address, unwrapSecrets(init.inputs.apiAddress));
        assert.ok(isSecretValue(provider.inputs.token), "token is secret");
        assert.equal(unwrapSecrets(provider.inputs.token), "hvs.mock-root-token-prod-init");
        assert.equal(provider.inputs.skipChildToken, "false");
        assert.equal(provider.inputs.skipTlsVerify, "false");
        assert.equal(provider.inputs.maxLeaseTtlSeconds, "1200");
        assert.equal(readFileSync(provider.inputs.caCertFile, "utf8"), await valueOf(d.cluster.caCertPem));
        assert.ok(d.cluster.provider, "exposed as cluster.provider");
        assert.equal(provider.urn, await valueOf(d.cluster.provider.urn));
    });

    it("leaves address and token unknown in a first preview, so the provider never dials a Vault that does not exist", async () => {
        const recorder = await installMocks({ preview: true });
        new VaultCluster("prod", { irsa: IRSA });
        await settle();
        const provider = recorder.one(VAULT_PROVIDER);
        assert.ok(isUnknownValue(provider.inputs.address), `address is ${JSON.stringify(provider.inputs.address)}`);
        assert.ok(isUnknownValue(unwrapSecrets(provider.inputs.token)), "token is unknown");
    });

    it("switches the provider to the admin AppRole login when the root token is revoked", async () => {
        const d = await deploy({ irsa: IRSA, bootstrap: { revokeRootToken: true } });
        const provider = d.recorder.one(VAULT_PROVIDER);
        assert.equal(unwrapSecrets(provider.inputs.token) ?? undefined, undefined, "no token: the root token is revoked");
        assert.deepEqual(JSON.parse(unwrapSecrets(provider.inputs.authLogin)), {
            path: "auth/pulumi/login", parameters: { role_id: "prod-init-role-id", secret_id: "prod-init-secret-id" },
        });
        assert.deepEqual(d.recorder.ofType("aws:secretsmanager/secret:Secret").map((x) => [x.inputs.name, x.protect]).sort(),
            [["prod/vault-init", true], ["prod/vault-init-admin", true]], "a second custody secret keeps the admin identity");
        assert.equal(await valueOf(d.cluster.rootToken), "");
    });

    it("tunnels to every replica with Shamir, with inputs that do not change from run to run", async () => {
        const d = await deploy(LOCAL, "local");
        const inputs = unwrapSecrets(d.recorder.one(DYNAMIC).inputs);
        assert.equal(inputs.replicaAddresses.length, 3);
        assert.equal(new Set(inputs.replicaAddresses).size, 3);
        const again = unwrapSecrets((await deploy(LOCAL, "local")).recorder.one(DYNAMIC).inputs);
        // Addresses (tunnel ports) may differ between runs; the diff ignores them.
        for (const x of [inputs, again]) for (const k of ["__provider", "apiAddress", "replicaAddresses"]) delete x[k];
        assert.deepEqual(again, inputs, "a second run registers the same inputs (no per-run value forcing an update)");
        assert.deepEqual(inputs.custody, { type: "kubernetes-secret", namespace: "vault", names: { init: "vault-init", admin: "vault-init-admin" } });
    });

    it("uses bootstrap.address with the cluster CA, or the system roots behind an ingress certificate", async () => {
        const direct = await deploy({ irsa: IRSA, bootstrap: { address: "https://vault-lb.example.com:8200" } });
        const directInputs = unwrapSecrets(direct.recorder.one(DYNAMIC).inputs);
        assert.equal(directInputs.apiAddress, "https://vault-lb.example.com:8200");
        assert.match(directInputs.caCertPem, /BEGIN CERTIFICATE/);
        const ingress = await deploy({ irsa: IRSA, ingress: { host: "vault.example.com", tlsSecretName: "vault-ingress" }, bootstrap: { address: "https://vault.example.com" } });
        const ingressInputs = unwrapSecrets(ingress.recorder.one(DYNAMIC).inputs);
        assert.equal(ingressInputs.caCertPem, undefined);
        assert.equal(ingressInputs.replicaCaCertPem, undefined, "no replica tunnels with auto-unseal");
        assert.equal(ingress.recorder.one(VAULT_PROVIDER).inputs.caCertFile, undefined);
        // With Shamir the replicas are still reached through tunnels to the pods, which present the cluster's certificate.
        const shamir = await deploy({ ...LOCAL, ingress: { host: "vault.example.com", tlsSecretName: "vault-ingress" }, bootstrap: { ...LOCAL.bootstrap, address: "https://vault.example.com" } }, "local");
        const shamirInputs = unwrapSecrets(shamir.recorder.one(DYNAMIC).inputs);
        assert.equal(shamirInputs.caCertPem, undefined);
        assert.equal(shamirInputs.replicaCaCertPem, await valueOf(shamir.cluster.caCertPem));
        assert.match(shamirInputs.replicaCaCertPem, /BEGIN CERTIFICATE/);
    });
});

describe("the init resource's provider when a step after init fails", function () {
    this.timeout(30_000);
    const ca = makeCa();
    const certificate = makeServerCertificate(ca, { ips: ["127.0.0.1"] });

    it("is recorded anyway (created, failed to initialize) with the keys in its secret state, and the next update finishes", async () => {
        const { create, update } = await import("../components/bootstrap/initRuntime");
        const fake = await new FakeVault({ seal: "shamir", replicas: 2, certificate }).start();
        try {
            const inputs = {
                apiAddress: fake.addresses[0], replicaAddresses: [fake.addresses[0], "https://127.0.0.1:1"], caCertPem: ca.certPem,
                seal: "shamir" as const, keyShares: 5, keyThreshold: 3, pgpKeys: [], keyHolders: [], custody: { type: "state" as const },
                revokeRootToken: false, adminPolicyHcl: "", timeoutSeconds: 1,
            };
            const error: any = await create(inputs).then(() => assert.fail("expected a failure"), (e) => e);
            assert.match(error.id, /^vault-init-/);
            assert.deepEqual(error.reasons, [error.message]);
            assert.equal(error.properties.stateRecords.init.rootToken, fake.rootToken, "Pulumi records the keys (secret output)");
            assert.equal(error.properties.rootToken, fake.rootToken);
            const { outs } = await update(error.id, error.properties, { ...inputs, replicaAddresses: fake.addresses, timeoutSeconds: 5 });
            assert.equal(fake.requestsTo("PUT", "/v1/sys/init").length, 1, "never initialized twice");
            assert.deepEqual(outs.stateRecords!.init, error.properties.stateRecords.init);
            assert.equal(fake.replicaSealed(1), false);
        } finally {
            await fake.stop();
        }
    });
});

describe("the init resource's diff with Shamir: an update only when a replica needs unsealing", function () {
    this.timeout(30_000);
    const ca = makeCa();
    const certificate = makeServerCertificate(ca, { ips: ["127.0.0.1"] });
    let fake: FakeVault;
    let created: { id: string; outs: any };
    let inputs: any;
    before(async () => {
        const { create } = await import("../components/bootstrap/initRuntime");
        fake = await new FakeVault({ seal: "shamir", replicas: 3, certificate }).start();
        inputs = {
            apiAddress: fake.addresses[0], replicaAddresses: fake.addresses, caCertPem: ca.certPem, seal: "shamir" as const, keyShares: 5,
            keyThreshold: 3, pgpKeys: [], keyHolders: [], custody: { type: "state" as const }, revokeRootToken: false, adminPolicyHcl: "", timeoutSeconds: 5,
        };
        created = await create(inputs) as { id: string; outs: any };
    });
    after(() => fake?.stop());
    const diff = async (news: unknown) => (await import("../components/bootstrap/initRuntime")).diff(created.id, created.outs, news as any);

    it("reports no change while every replica is unsealed, after asking each one", async () => {
        const before = fake.requestsTo("GET", "/v1/sys/seal-status").length;
        assert.equal((await diff(inputs)).changes, false);
        const asked = fake.requestsTo("GET", "/v1/sys/seal-status").slice(before).map((r) => r.replica).sort();
        assert.deepEqual(asked, [0, 1, 2]);
    });

    it("reports a change when a replica restarted sealed, and the update unseals it without a new init", async () => {
        const { update } = await import("../components/bootstrap/initRuntime");
        fake.restart(2);
        assert.equal((await diff(inputs)).changes, true);
        await update(created.id, created.outs, inputs);
        assert.equal(fake.replicaSealed(2), false);
        assert.equal(fake.requestsTo("PUT", "/v1/sys/init").length, 1);
        assert.equal((await diff(inputs)).changes, false);
    });

    it("reports a change when a replica does not answer or an address is not known yet (a preview)", async () => {
        assert.equal((await diff({ ...inputs, replicaAddresses: [...fake.addresses.slice(1), "https://127.0.0.1:1"] })).changes, true);
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        assert.equal((await diff({ ...inputs, replicaAddresses: unknown })).changes, true);
        assert.equal((await diff({ ...inputs, caCertPem: unknown })).changes, true);
    });

    it("verifies the replicas with replicaCaCertPem when the API address has another trust anchor", async () => {
        const { diff: diffOf } = await import("../components/bootstrap/initRuntime");
        const olds = { ...created.outs, caCertPem: undefined };
        assert.equal((await diffOf(created.id, olds, { ...inputs, caCertPem: undefined, replicaCaCertPem: ca.certPem })).changes, false);
        assert.equal((await diffOf(created.id, olds, { ...inputs, caCertPem: undefined })).changes, true, "the system roots cannot verify the replicas: cannot tell");
    });

    it("does not ask the replicas with an auto-unseal seal", async () => {
        const { diff: diffOf } = await import("../components/bootstrap/initRuntime");
        const before = fake.requests.length;
        const olds = { ...created.outs, seal: "awskms" };
        assert.equal((await diffOf(created.id, olds, { ...inputs, seal: "awskms", replicaAddresses: [] })).changes, false);
        assert.equal(fake.requests.length, before);
    });
});

describe("the serialized init provider, run as Pulumi's dynamic provider host runs it", function () {
    this.timeout(120_000);
    const ca = makeCa();
    const certificate = makeServerCertificate(ca, { ips: ["127.0.0.1"] });
    let fake: FakeVault;
    let kube: FakeKubernetes;
    after(async () => { await fake?.stop(); await kube?.stop(); });

    it("initializes Vault through a Kubernetes port-forward tunnel, then diffs and updates without re-init", async () => {
        fake = await new FakeVault({ seal: "awskms", certificate }).start();
        kube = await new FakeKubernetes(certificate, ca.certPem).start();
        kube.targets.set("vault-0:8200", Number(new URL(fake.addresses[0]).port));
        kube.pods.set("vault-0", { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", component: "server", "vault-active": "true" });

        // The program side: a cluster whose tunnel goes through the fake API server; its CA verifies the fake Vault.
        const d = await deploy({ irsa: IRSA, tls: { ca: { certPem: ca.certPem, keyPem: "unused" } }, bootstrap: { kubeconfig: kube.kubeconfig(), custody: { type: "state" } } });
        const init = d.recorder.one(DYNAMIC);
        const inputs = unwrapSecrets(init.inputs);
        delete inputs.__provider;
        for (const k of ["rootToken", "admin", "sealType", "recoverySeal", "initializedAt", "custodyDescription", "stateRecords"]) delete inputs[k];
        inputs.caCertPem = ca.certPem;

        const created = await runSerializedProvider(init.inputs.__provider, "create", [inputs]);
        assert.equal(fake.requestsTo("PUT", "/v1/sys/init").length, 1);
        assert.ok(kube.forwards.length >= 1 && kube.forwards.every((f) => f === "vault/vault-0:8200"), "reached the active pod through port-forward");
        assert.ok(kube.requests.some((r) => r.path === "/api/v1/namespaces/vault/pods"), "looked up the active pod");
        const outs = created.result.outs;
        assert.equal(outs.rootToken, fake.rootToken);
        assert.equal(outs.stateRecords.init.keys.length, 5);
        assert.ok(!created.output.includes(fake.rootToken!), "the provider process printed no token");

        const diff = await runSerializedProvider(init.inputs.__provider, "diff", [created.result.id, outs, { ...inputs, apiAddress: "https://127.0.0.1:1" }]);
        assert.equal(diff.result.changes, false, "a new tunnel port alone is no change");
        const diff2 = await runSerializedProvider(init.inputs.__provider, "diff", [created.result.id, outs, { ...inputs, revokeRootToken: true }]);
        assert.equal(diff2.result.changes, true);
        assert.deepEqual(diff2.result.replaces, []);

        const updated = await runSerializedProvider(init.inputs.__provider, "update", [created.result.id, outs, { ...inputs, revokeRootToken: true }]);
        assert.equal(fake.requestsTo("PUT", "/v1/sys/init").length, 1, "never initialized twice");
        assert.equal(updated.result.outs.rootToken, "");
        assert.equal(updated.result.outs.stateRecords.init.rootToken, outs.rootToken, "state custody keeps the original record");
        assert.ok(updated.result.outs.admin.secretId);
        assert.equal(fake.tokens.has(fake.rootToken!), false, "root token revoked");
    });
});
