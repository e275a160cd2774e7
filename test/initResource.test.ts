import { strict as assert } from "assert";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from "fs";
import * as net from "net";
import { tmpdir } from "os";
import { basename, join } from "path";
import { VaultCluster } from "../components";
import { caCertFile } from "../components/bootstrap/bootstrap";
import { preferredPort } from "../components/bootstrap/tunnel";
import { installMocks, isSecretOutput, isSecretValue, isUnknownValue, MockRecorder, settle, unwrapSecrets, valueOf } from "../components/testing/mocks";
import { deploy, IRSA, LOCAL } from "./support/cluster";
import { runSerializedProvider } from "./support/dynamicProvider";
import { withEnv } from "./support/env";
import type { FakeVault } from "./support/fakeVault";
import type { FakeKubernetes } from "./support/fakeKubernetes";
import { useFakeServers } from "./support/fakes";
import { initInputs, routePods } from "./support/initInputs";

const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const VAULT_PROVIDER = "pulumi:providers:vault";
/** The init runtime, loaded when a test first needs it (a CommonJS require: native import() wants file extensions). */
const initRuntime = () => require("../components/bootstrap/initRuntime") as typeof import("../components/bootstrap/initRuntime");

describe("init resource and chained Vault provider under mocks", () => {
    it("creates the init step after the release, with the default custody and secret outputs", async () => {
        const d = await deploy({ irsa: IRSA });
        const init = d.recorder.named(DYNAMIC, "-init");
        const release = d.recorder.one("kubernetes:helm.sh/v3:Release");
        assert.ok(init.dependencies.includes(release.urn), "init waits for the Helm release");
        const inputs = unwrapSecrets(init.inputs);
        assert.equal(inputs.seal, "awskms");
        assert.equal(inputs.keyShares, 5);
        assert.equal(inputs.keyThreshold, 3);
        assert.equal(inputs.revokeRootToken, false);
        assert.equal(inputs.apiAddress, undefined, "no address: the init step reaches the pods itself");
        assert.deepEqual(inputs.pods, {
            namespace: "vault", releaseName: "vault", names: ["vault-0", "vault-1", "vault-2"], internalService: "vault-internal", port: 8200, scheme: "https",
        });
        assert.deepEqual(inputs.placement, { namespace: "vault", releaseName: "vault", storage: "dynamodb", table: "prod-vault" });
        assert.equal(inputs.logUrn, init.urn, "progress is attached to the init resource itself");
        assert.deepEqual(inputs.custody, { type: "aws-secrets-manager", region: "eu-west-1", secretIds: {
            init: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/vault-init-AbCdEf",
            admin: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/vault-init-admin-AbCdEf",
        } });
        const secret = d.recorder.ofType("aws:secretsmanager/secret:Secret").find((x) => x.inputs.name === "prod/vault-init")!;
        assert.equal(secret.inputs.kmsKeyId, "arn:aws:kms:eu-west-1:123456789012:key/prod-vault-0000");
        assert.equal(secret.protect, true);
        assert.deepEqual(init.additionalSecretOutputs.sort(), ["admin", "custody", "kubeconfig", "rootToken", "stateRecords"]);
        assert.equal(init.protect, false, "custody outside the state keeps the keys: the init resource needs no protection");
        assert.equal(await isSecretOutput(d.cluster.rootToken), true);
        assert.equal(await valueOf(d.cluster.rootToken), "hvs.mock-root-token-prod-init");
    });

    it("serializes a provider that captures no credentials, only the runtime module's path", async () => {
        const d = await withEnv({ AWS_SECRET_ACCESS_KEY: "super-secret-aws-key" }, () => deploy({ ...LOCAL, bootstrap: { custody: { type: "kubernetes-secret" }, kubeconfig: "apiVersion: v1\nusers: [{name: u, user: {token: kube-secret-token}}]" } }));
        const init = d.recorder.named(DYNAMIC, "-init");
        const text = init.inputs.__provider as string;
        assert.match(text, /initRuntime/);
        for (const secret of ["super-secret-aws-key", "kube-secret-token", "hvs."]) assert.ok(!text.includes(secret), `provider text captures ${secret}`);
        assert.ok(isSecretValue(init.inputs.custody), "the kubeconfig in the custody spec travels as a secret");
        assert.ok(text.length < 10_000, `serialized provider is small (${text.length})`);
    });

    it("chains the Vault provider on the init outputs: address, token, CA file, child tokens, verified TLS", async () => {
        const d = await deploy({ irsa: IRSA });
        const provider = d.recorder.one(VAULT_PROVIDER);
        // Under mocks (tests, the offline plan) the address the tunnel would take, and no socket.
        assert.equal(provider.inputs.address, `https://127.0.0.1:${preferredPort("vault/vault-active")}`);
        assert.ok(isSecretValue(provider.inputs.token), "token is secret");
        assert.equal(unwrapSecrets(provider.inputs.token), "hvs.mock-root-token-prod-init");
        assert.equal(provider.inputs.skipChildToken, "false");
        assert.equal(provider.inputs.skipTlsVerify, "false");
        assert.equal(provider.inputs.maxLeaseTtlSeconds, "1200");
        assert.equal(readFileSync(provider.inputs.caCertFile, "utf8"), await valueOf(d.cluster.caCertPem));
        assert.ok(d.cluster.provider, "exposed as cluster.provider");
        assert.equal(provider.urn, await valueOf(d.cluster.provider.urn));
    });

    it("opens no socket under mocks (the unit tests and the offline plan), for the init step or the provider", async () => {
        const listen = net.Server.prototype.listen;
        let listened = 0;
        net.Server.prototype.listen = function (this: net.Server, ...args: any[]) { listened++; return listen.apply(this, args as any); } as typeof listen;
        try {
            await deploy({ irsa: IRSA });
            await deploy(LOCAL, "local");
        } finally {
            net.Server.prototype.listen = listen;
        }
        assert.equal(listened, 0);
    });

    it("keeps the provider's address unknown in a preview of an existing cluster, and opens no tunnel", async () => {
        // A preview whose resources exist: IDs and outputs known, but the program runs with dryRun set.
        const recorder = await installMocks({ preview: true, recorder: new MockRecorder(false) });
        const listen = net.Server.prototype.listen;
        let listened = 0;
        net.Server.prototype.listen = function (this: net.Server, ...args: any[]) { listened++; return listen.apply(this, args as any); } as typeof listen;
        try {
            new VaultCluster("prod", { irsa: IRSA });
            await settle();
        } finally {
            net.Server.prototype.listen = listen;
        }
        const provider = recorder.one(VAULT_PROVIDER);
        assert.ok(!isUnknownValue(recorder.named(DYNAMIC, "-init").id), "the init resource exists");
        assert.ok(isUnknownValue(provider.inputs.address), `address is ${JSON.stringify(provider.inputs.address)}`);
        assert.equal(listened, 0);
    });

    it("keeps bootstrap.address known in a preview: previews through an ingress or load balancer are exact", async () => {
        const recorder = await installMocks({ preview: true, recorder: new MockRecorder(false) });
        new VaultCluster("prod", { irsa: IRSA, bootstrap: { address: "https://vault-lb.example.com:8200" } });
        await settle();
        assert.equal(recorder.one(VAULT_PROVIDER).inputs.address, "https://vault-lb.example.com:8200");
    });

    it("protects the init resource when it holds the only copy of the keys (state custody)", async () => {
        const state = await deploy({ irsa: IRSA, bootstrap: { custody: { type: "state" } } });
        assert.equal(state.recorder.named(DYNAMIC, "-init").protect, true);
        const local = await deploy(LOCAL, "local");
        assert.equal(local.recorder.named(DYNAMIC, "-init").protect, false);
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

    it("reaches every replica through the pods with Shamir, with inputs that do not change from run to run", async () => {
        const d = await deploy(LOCAL, "local");
        const inputs = unwrapSecrets(d.recorder.named(DYNAMIC, "-init").inputs);
        assert.deepEqual(inputs.pods.names, ["vault-0", "vault-1", "vault-2"]);
        assert.deepEqual(inputs.placement, { namespace: "vault", releaseName: "vault", storage: "raft" });
        const again = unwrapSecrets((await deploy(LOCAL, "local")).recorder.named(DYNAMIC, "-init").inputs);
        for (const x of [inputs, again]) delete x.__provider;
        assert.deepEqual(again, inputs, "a second run registers the same inputs (no per-run value forcing an update)");
        assert.deepEqual(inputs.custody, { type: "kubernetes-secret", namespace: "vault", names: { init: "vault-init", admin: "vault-init-admin" } });
    });

    it("passes the kubeconfig to the init step as a secret", async () => {
        const kubeconfig = "apiVersion: v1\nusers: [{name: u, user: {token: kube-secret-token}}]";
        const d = await deploy({ ...LOCAL, bootstrap: { custody: { type: "state" }, kubeconfig } }, "local");
        const init = d.recorder.named(DYNAMIC, "-init");
        assert.ok(isSecretValue(init.inputs.kubeconfig));
        assert.equal(unwrapSecrets(init.inputs.kubeconfig), kubeconfig);
    });

    it("uses bootstrap.address with the cluster CA, or the system roots behind an ingress certificate", async () => {
        const direct = await deploy({ irsa: IRSA, bootstrap: { address: "https://vault-lb.example.com:8200" } });
        const directInputs = unwrapSecrets(direct.recorder.named(DYNAMIC, "-init").inputs);
        assert.equal(directInputs.apiAddress, "https://vault-lb.example.com:8200");
        assert.match(directInputs.caCertPem, /BEGIN CERTIFICATE/);
        const ingress = await deploy({ irsa: IRSA, ingress: { host: "vault.example.com", tlsSecretName: "vault-ingress" }, bootstrap: { address: "https://vault.example.com" } });
        const ingressInputs = unwrapSecrets(ingress.recorder.named(DYNAMIC, "-init").inputs);
        assert.equal(ingressInputs.caCertPem, undefined);
        assert.equal(ingressInputs.replicaCaCertPem, undefined, "no replica tunnels with auto-unseal");
        assert.equal(ingress.recorder.one(VAULT_PROVIDER).inputs.caCertFile, undefined);
        // With Shamir the replicas are still reached through tunnels to the pods, which present the cluster's certificate.
        const shamir = await deploy({ ...LOCAL, ingress: { host: "vault.example.com", tlsSecretName: "vault-ingress" }, bootstrap: { ...LOCAL.bootstrap, address: "https://vault.example.com" } }, "local");
        const shamirInputs = unwrapSecrets(shamir.recorder.named(DYNAMIC, "-init").inputs);
        assert.equal(shamirInputs.caCertPem, undefined);
        assert.equal(shamirInputs.replicaCaCertPem, await valueOf(shamir.cluster.caCertPem));
        assert.match(shamirInputs.replicaCaCertPem, /BEGIN CERTIFICATE/);
    });
});

describe("the CA file the Vault provider reads", () => {
    const PEM = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";
    const uid = process.getuid!();

    it("lives in a directory private to this user, at a path that does not change between runs", () => {
        const base = mkdtempSync(join(tmpdir(), "ca-file-"));
        const file = caCertFile(PEM, { base, uid });
        assert.equal(file, join(base, `vault-cluster-${uid}`, basename(file)));
        assert.equal(lstatSync(join(base, `vault-cluster-${uid}`)).mode & 0o777, 0o700);
        assert.equal(readFileSync(file, "utf8"), PEM);
        assert.equal(caCertFile(PEM, { base, uid }), file);
    });

    for (const [what, plant] of [
        ["another user's directory", (dir: string) => mkdirSync(dir, { mode: 0o700 })],
        ["a directory open to everybody", (dir: string) => { mkdirSync(dir); chmodSync(dir, 0o777); }],
        ["a symlink to somewhere else", (dir: string) => symlinkSync(mkdtempSync(join(tmpdir(), "elsewhere-")), dir)],
    ] as const) {
        it(`neither trusts nor is blocked by ${what} planted at its path`, () => {
            const base = mkdtempSync(join(tmpdir(), "ca-file-"));
            // "Another user": the directory belongs to this process's user, and the check is asked for uid + 1.
            const as = what === "another user's directory" ? uid + 1 : uid;
            const planted = join(base, `vault-cluster-${as}`);
            plant(planted);
            const file = caCertFile(PEM, { base, uid: as });
            assert.ok(!file.startsWith(`${planted}/`), `${file} is inside the planted directory`);
            assert.equal(readFileSync(file, "utf8"), PEM);
            assert.equal(lstatSync(join(file, "..")).mode & 0o777, 0o700, "a fresh private directory instead");
            assert.equal(readdirSync(planted).length, 0, "nothing written into the planted directory");
        });
    }
});

describe("the init resource's provider when a step after init fails", function () {
    this.timeout(30_000);
    const f = useFakeServers();

    it("is recorded anyway (created, failed to initialize) with the keys and the new admin identity in its secret state; the next update mints nothing", async () => {
        const { create, update } = initRuntime();
        const fake = await f.vault({ seal: "awskms" });
        const kube = await f.kube();
        const inputs = initInputs(kube, f.ca.certPem, routePods(kube, fake), { seal: "awskms", revokeRootToken: true });
        // The admin identity is created, then its first login fails: its secret ID exists and must not be minted again.
        fake.failOnce("POST", "/v1/auth/pulumi/login", 500, ["storage unavailable"]);
        const error: any = await create(inputs).then(() => assert.fail("expected a failure"), (e) => e);
        assert.match(error.id, /^vault-init-/);
        assert.deepEqual(error.reasons, [error.message]);
        assert.equal(error.properties.stateRecords.init.rootToken, fake.rootToken, "Pulumi records the keys (secret output)");
        const minted = error.properties.stateRecords.admin;
        assert.ok(minted?.secretId, "the admin record survives the failed login");
        assert.ok(!error.message.includes(minted.secretId) && !error.message.includes(fake.rootToken!));
        const secretIds = () => fake.requestsTo("POST", "/v1/auth/pulumi/role/admin/secret-id").length;
        assert.equal(secretIds(), 1);
        const { outs } = await update(error.id, error.properties, inputs);
        assert.equal(fake.requestsTo("PUT", "/v1/sys/init").length, 1, "never initialized twice");
        assert.equal(secretIds(), 1, "no second unlimited secret ID");
        assert.deepEqual(outs.stateRecords!.admin, minted);
        assert.deepEqual(outs.stateRecords!.init, error.properties.stateRecords.init);
        assert.equal(outs.rootToken, "");
        assert.equal(fake.tokens.has(fake.rootToken!), false, "root token revoked");
    });
});

describe("the init resource's diff with Shamir: an update only when a replica needs unsealing", function () {
    this.timeout(30_000);
    const f = useFakeServers();
    let fake: FakeVault;
    let kube: FakeKubernetes;
    let created: { id: string; outs: any };
    let inputs: any;
    beforeEach(async () => {
        const { create } = initRuntime();
        fake = await f.vault({ seal: "shamir", replicas: 3 });
        kube = await f.kube();
        inputs = initInputs(kube, f.ca.certPem, routePods(kube, fake));
        created = await create(inputs) as { id: string; outs: any };
    });
    const diff = async (news: unknown, olds = created.outs) => initRuntime().diff(created.id, olds, news as any);

    it("reports no change while every replica is unsealed, after asking each one through its port-forward stream", async () => {
        const before = fake.requestsTo("GET", "/v1/sys/seal-status").length;
        const forwards = kube.forwards.length;
        assert.equal((await diff(inputs)).changes, false);
        const asked = fake.requestsTo("GET", "/v1/sys/seal-status").slice(before).map((r) => r.replica).sort();
        assert.deepEqual(asked, [0, 1, 2]);
        assert.deepEqual(kube.forwards.slice(forwards).sort(), ["vault/vault-0:8200", "vault/vault-1:8200", "vault/vault-2:8200"]);
    });

    it("reports a change when a replica restarted sealed, and the update unseals it without a new init", async () => {
        const { update } = initRuntime();
        fake.restart(2);
        assert.equal((await diff(inputs)).changes, true);
        await update(created.id, created.outs, inputs);
        assert.equal(fake.replicaSealed(2), false);
        assert.equal(fake.requestsTo("PUT", "/v1/sys/init").length, 1);
        assert.equal((await diff(inputs)).changes, false);
    });

    it("reports a change when a replica does not answer or an input is not known yet (a preview)", async () => {
        await fake.stopReplica(1);
        assert.equal((await diff(inputs)).changes, true);
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        assert.equal((await diff({ ...inputs, kubeconfig: unknown })).changes, true);
        assert.equal((await diff({ ...inputs, caCertPem: unknown })).changes, true);
    });

    it("verifies the replicas with replicaCaCertPem when the API address has another trust anchor", async () => {
        const olds = { ...created.outs, caCertPem: undefined };
        assert.equal((await diff({ ...inputs, caCertPem: undefined, replicaCaCertPem: f.ca.certPem }, olds)).changes, false);
        assert.equal((await diff({ ...inputs, caCertPem: undefined }, olds)).changes, true, "the system roots cannot verify the replicas: cannot tell");
    });

    it("does not ask the replicas with an auto-unseal seal", async () => {
        const before = fake.requests.length;
        const olds = { ...created.outs, seal: "awskms" };
        assert.equal((await diff({ ...inputs, seal: "awskms" }, olds)).changes, false);
        assert.equal(fake.requests.length, before);
    });
});

describe("the serialized init provider, run as Pulumi's dynamic provider host runs it", function () {
    this.timeout(120_000);
    const f = useFakeServers();

    it("initializes Vault through a Kubernetes port-forward stream, then diffs and updates without re-init", async () => {
        const fake = await f.vault({ seal: "awskms" });
        const kube = await f.kube();
        routePods(kube, fake);

        // The program side: a cluster whose pods are reached through the fake API server; its CA verifies the fake Vault.
        const d = await deploy({ irsa: IRSA, tls: { ca: { certPem: f.ca.certPem, keyPem: "unused" } }, bootstrap: { kubeconfig: kube.kubeconfig(), custody: { type: "state" } } });
        const init = d.recorder.named(DYNAMIC, "-init");
        const inputs = unwrapSecrets(init.inputs);
        delete inputs.__provider;
        for (const k of ["rootToken", "admin", "sealType", "recoverySeal", "initializedAt", "custodyDescription", "clusterId", "sealedReplicas", "stateRecords"]) delete inputs[k];
        inputs.caCertPem = f.ca.certPem;

        const created = await runSerializedProvider(init.inputs.__provider, "create", [inputs]);
        assert.equal(fake.requestsTo("PUT", "/v1/sys/init").length, 1);
        assert.ok(kube.forwards.length >= 1 && kube.forwards.every((x) => x === "vault/vault-0:8200"), "reached the active pod through port-forward");
        assert.ok(kube.requests.some((r) => r.path === "/api/v1/namespaces/vault/pods"), "looked up the active pod");
        const outs = created.result.outs;
        assert.equal(outs.rootToken, fake.rootToken);
        assert.equal(outs.stateRecords.init.keys.length, 5);
        assert.equal(outs.clusterId, fake.clusterId);
        assert.equal(outs.stateRecords.init.clusterId, fake.clusterId, "the record is bound to its cluster");
        assert.ok(!created.output.includes(fake.rootToken!), "the provider process printed no token");

        const diff = await runSerializedProvider(init.inputs.__provider, "diff", [created.result.id, outs, { ...inputs, kubeContext: "other" }]);
        assert.equal(diff.result.changes, false, "another way of reaching the pods alone is no change");
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
