import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import type { InitRecord } from "../components/bootstrap/custody";
import { certificateFingerprint, contentDigest } from "../components/rollout/fingerprints";
import { raftMembership, rollout, VaultRolloutInputs, VaultRolloutOutputs } from "../components/rollout/runtime";
import { VaultRaftMembership } from "../components/rollout/vaultRaftMembership";
import { VaultRollout } from "../components/rollout/vaultRollout";
import { installMocks, isSecretValue, settle, unwrapSecrets } from "../components/testing/mocks";
import { makeCa, makeServerCertificate, TestCa, TestCertificate } from "./support/certs";
import { runSerializedProvider } from "./support/dynamicProvider";
import { StandInCluster, startStandInCluster } from "./support/vaultStatefulSet";

const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const ROOT = "hvs.resource-root";
const KEYS = Array.from({ length: 5 }, () => randomBytes(33).toString("base64"));
const KUBECONFIG_WITH_TOKEN = "apiVersion: v1\nusers: [{name: u, user: {token: kube-secret-token}}]";
const CUSTODY_NAMES = { init: "vault-init", admin: "vault-init-admin" };

describe("VaultRollout and VaultRaftMembership under mocks", () => {
    it("registers the rollout with its inputs and defaults, credentials as secrets, a provider that captures only the runtime's path", async () => {
        const recorder = await installMocks();
        new VaultRollout("prod-rollout", {
            namespace: "vault", statefulSet: "vault", replicas: 3, kubeconfig: KUBECONFIG_WITH_TOKEN, image: "hashicorp/vault:2.0.4",
            serverConfigDigest: contentDigest("ui = true\n"), chartVersion: "0.34.1", roleArn: "arn:aws:iam::123456789012:role/prod-vault",
            certificateFingerprint: "AB:CD", caFingerprint: "01:02", storage: "raft", seal: "awskms",
            custody: { type: "kubernetes-secret", namespace: "vault", names: CUSTODY_NAMES, kubeconfig: KUBECONFIG_WITH_TOKEN },
        });
        await settle();
        const r = recorder.one(DYNAMIC);
        assert.ok(isSecretValue(r.inputs.kubeconfig) && isSecretValue(r.inputs.custody), "the kubeconfig and custody spec travel as secrets");
        assert.deepEqual([...r.additionalSecretOutputs].sort(), ["custody", "kubeconfig", "startupSecretsDigest", "stateRecords"]);
        const inputs = unwrapSecrets(r.inputs);
        assert.deepEqual(inputs.environment, {});
        assert.equal(inputs.timeoutSeconds, 600);
        assert.equal(inputs.roleArn, "arn:aws:iam::123456789012:role/prod-vault");
        const text = r.inputs.__provider as string;
        assert.match(text, /rollout\/runtime\.ts/);
        assert.match(text, /"rollout"/);
        assert.ok(!text.includes("kube-secret-token"), "the provider captures no credential");
        assert.ok(text.length < 10_000, `serialized provider is small (${text.length})`);
    });

    it("registers the Raft membership step with the same access inputs and its own runtime export", async () => {
        const recorder = await installMocks();
        new VaultRaftMembership("prod-raft", { namespace: "vault", statefulSet: "vault", replicas: 5, custody: { type: "state" }, stateRecords: {}, timeoutSeconds: 120 });
        await settle();
        const r = recorder.one(DYNAMIC);
        assert.ok(isSecretValue(r.inputs.stateRecords));
        assert.equal(r.inputs.timeoutSeconds, 120);
        assert.match(r.inputs.__provider, /"raftMembership"/);
    });
});

describe("the day-2 resources' providers against stand-ins, through port-forward streams, with credentials from custody", function () {
    this.timeout(60_000);
    let ca: TestCa;
    let certificate: TestCertificate;
    let c: StandInCluster;
    /** What the providers report on stderr (Pulumi shows a provider's stderr with --debug). */
    let progress: string[];
    const write = process.stderr.write;
    before(() => {
        ca = makeCa();
        // The day-2 steps verify each pod by its name on the internal service, as the server certificate carries it.
        certificate = makeServerCertificate(ca, { ips: ["127.0.0.1"], dns: ["*.vault-internal.vault.svc"] });
    });
    beforeEach(() => {
        progress = [];
        process.stderr.write = ((chunk: string | Uint8Array) => progress.push(String(chunk)) > 0) as typeof process.stderr.write;
    });
    afterEach(async () => {
        process.stderr.write = write;
        await c?.stop();
    });

    async function cluster(replicas: number, storage: "raft" | "dynamodb" = "dynamodb"): Promise<StandInCluster> {
        c = await startStandInCluster({ replicas, seal: "shamir", storage, certificate, caCertPem: ca.certPem, rootToken: ROOT, keysBase64: KEYS, sts: { recreateDelayMs: 20 } });
        const record: InitRecord = {
            version: 1, initializedAt: "2026-01-01T00:00:00.000Z", sealType: "shamir", recoverySeal: false, keyShares: 5, keyThreshold: 3,
            keys: KEYS.map((k) => Buffer.from(k, "base64").toString("hex")), keysBase64: KEYS, rootToken: ROOT,
        };
        c.kube.secrets.set("vault/vault-init", { metadata: { name: "vault-init", namespace: "vault" }, data: { "record.json": Buffer.from(JSON.stringify(record)).toString("base64") } });
        return c;
    }

    const inputs = (overrides: Partial<VaultRolloutInputs> = {}): VaultRolloutInputs => ({
        namespace: "vault", statefulSet: "vault", replicas: 3, kubeconfig: c.kube.kubeconfig(), caCertPem: ca.certPem,
        custody: { type: "kubernetes-secret", namespace: "vault", names: CUSTODY_NAMES, kubeconfig: c.kube.kubeconfig() }, timeoutSeconds: 5, pollIntervalMs: 20,
        image: "hashicorp/vault:2.0.4", serverConfigDigest: contentDigest("ui = true\n"), chartVersion: "0.34.1", environment: {},
        roleArn: "arn:aws:iam::123456789012:role/vault-a", certificateFingerprint: certificateFingerprint(certificate.certPem),
        caFingerprint: certificateFingerprint(ca.certPem), storage: "dynamodb", seal: "shamir", ...overrides,
    });

    it("creates as a no-op on a current cluster; previews input changes and pods on an old revision as updates; the update rolls them", async () => {
        await cluster(3);
        const created = await rollout.create(inputs());
        const outs = created.outs as VaultRolloutOutputs;
        assert.equal(created.id, "vault/vault");
        assert.deepEqual([outs.updateRevision, outs.podRevisions, outs.activePod], ["vault-rev1", { "vault-0": "vault-rev1", "vault-1": "vault-rev1", "vault-2": "vault-rev1" }, "vault-0"]);
        assert.deepEqual(c.kube.evictions, []);
        assert.ok(c.kube.forwards.length > 0 && c.kube.forwards.every((f) => /^vault\/vault-\d:8200$/.test(f)), "Vault reached through port-forwards to the pods");

        assert.equal((await rollout.diff(created.id, outs, inputs())).changes, false, "nothing changed, no pod on an old revision");
        assert.equal((await rollout.diff(created.id, outs, inputs({ image: "hashicorp/vault:2.1.0" }))).changes, true);
        c.sts.upgrade("vault-rev2", { version: "2.1.0" });
        const pending = await rollout.diff(created.id, outs, inputs());
        assert.deepEqual(pending, { changes: true, replaces: [], deleteBeforeReplace: false }, "pods on an old revision are a pending change, never a replacement");

        const before = c.vault.requestsTo("PUT", "/v1/sys/unseal").length;
        const { outs: updated } = await rollout.update(created.id, outs, inputs({ image: "hashicorp/vault:2.1.0" }));
        assert.equal(updated.updateRevision, "vault-rev2");
        assert.deepEqual(Object.values(updated.podRevisions), ["vault-rev2", "vault-rev2", "vault-rev2"]);
        assert.notEqual(updated.activePod, "vault-0");
        const unseals = c.vault.requestsTo("PUT", "/v1/sys/unseal").slice(before);
        assert.deepEqual(unseals.map((u) => u.body.key), [0, 1, 2].flatMap(() => KEYS.slice(0, 3)), "the unseal keys came from custody");
        assert.deepEqual(c.vault.requestsTo("PUT", "/v1/sys/step-down").map((r) => r.token), [ROOT], "the token came from custody");
        assert.equal((await rollout.diff(created.id, updated, inputs({ image: "hashicorp/vault:2.1.0" }))).changes, false);
        assert.deepEqual(progress.filter((l) => /^vault-cluster: (Replacing vault|Stepping|Unsealing vault-2)/.test(l)), [
            "vault-cluster: Replacing vault-2 (revision vault-rev1 → vault-rev2)\n", "vault-cluster: Unsealing vault-2 with the keys from custody\n",
            "vault-cluster: Replacing vault-1 (revision vault-rev1 → vault-rev2)\n", "vault-cluster: Stepping down the active node vault-0\n",
            "vault-cluster: Replacing vault-0 (revision vault-rev1 → vault-rev2)\n",
        ], "progress on the provider's stderr");
        assert.ok(progress.every((l) => !l.includes(ROOT) && !KEYS.some((k) => l.includes(k))), "never a token or key");
    });

    it("replaces every pod for a new IAM role; a failed run records the restarts it still owes, and the next run finishes only those", async () => {
        await cluster(3);
        const { id, outs } = await rollout.create(inputs());
        const decide = c.kube.onEviction;
        let allowed = 1;
        c.kube.onEviction = (ns, pod) => (allowed-- > 0 ? decide(ns, pod) : 429);
        const newRole = inputs({ roleArn: "arn:aws:iam::123456789012:role/vault-b", timeoutSeconds: 1 });
        const failure: any = await rollout.update(id, outs, newRole).then(() => assert.fail("expected the PDB to stop it"), (e) => e);
        assert.equal(failure.id, id);
        assert.match(failure.message, /stopped: the eviction of vault-1 \(its PodDisruptionBudget refused it; .*\) did not happen within 1 s .* Revisions now \(update revision vault-rev1\): vault-0: vault-rev1 \(to replace\), vault-1: vault-rev1 \(to replace\), vault-2: vault-rev1\./);
        assert.equal(failure.properties.roleArn, "arn:aws:iam::123456789012:role/vault-a", "recorded with the old role: the next preview still shows the change");
        assert.deepEqual(c.sts.restarted(), ["vault-2"]);
        const owed = ["vault-0", "vault-1"].map((p) => c.kube.podStatus.get(p)!.uid);
        assert.deepEqual(failure.properties.pendingRestart.uids, owed);
        assert.equal((await rollout.diff(id, failure.properties, newRole)).changes, true);

        c.kube.onEviction = decide;
        const { outs: finished } = await rollout.update(id, failure.properties, newRole);
        assert.deepEqual(c.sts.restarted().sort(), ["vault-0", "vault-1", "vault-2"]);
        assert.deepEqual([...c.sts.incarnations.values()].map((uids) => uids.length), [2, 2, 2], "each pod replaced exactly once");
        assert.equal(finished.pendingRestart, undefined);
        assert.equal(finished.roleArn, "arn:aws:iam::123456789012:role/vault-b");
        assert.equal((await rollout.diff(id, finished, newRole)).changes, false);
    });

    it("replaces every pod once for a new Secret-held environment (the transit seal's token), which reaches only new pods", async () => {
        await cluster(3);
        const { id, outs } = await rollout.create(inputs({ startupSecretsDigest: "digest-a" }));
        assert.equal((await rollout.diff(id, outs, inputs({ startupSecretsDigest: "digest-a" }))).changes, false);
        const rotated = inputs({ startupSecretsDigest: "digest-b" });
        assert.equal((await rollout.diff(id, outs, rotated)).changes, true, "the preview shows the restart");
        const { outs: finished } = await rollout.update(id, outs, rotated);
        assert.deepEqual(c.sts.restarted().sort(), ["vault-0", "vault-1", "vault-2"]);
        assert.deepEqual([...c.sts.incarnations.values()].map((uids) => uids.length), [2, 2, 2], "each pod replaced exactly once");
        assert.equal((await rollout.diff(id, finished, rotated)).changes, false);
    });

    it("runs as Pulumi's provider host runs it: the serialized provider loads the runtime by absolute path", async () => {
        await cluster(3);
        const recorder = await installMocks();
        new VaultRollout("r", { ...inputs(), custody: inputs().custody });
        await settle();
        const provider = recorder.one(DYNAMIC).inputs.__provider;
        const created = await rollout.create(inputs());
        c.sts.upgrade("vault-rev2");
        const diff = await runSerializedProvider(provider, "diff", [created.id, created.outs, inputs()]);
        assert.equal(diff.result.changes, true, "pods on an old revision, seen from the provider process");
        assert.ok(!diff.output.includes(ROOT));
    });

    it("the Raft membership step removes the peers of a shrink's pods, through tunnels and custody; a first run before the StatefulSet is a no-op", async () => {
        await cluster(5, "raft");
        const access = { ...inputs(), replicas: 5 };
        const created = await raftMembership.create(access);
        assert.deepEqual(created.outs.peers, ["vault-0", "vault-1", "vault-2", "vault-3", "vault-4"]);
        assert.equal((await raftMembership.diff(created.id, created.outs, access)).changes, false);
        const shrink = { ...access, replicas: 3 };
        assert.equal((await raftMembership.diff(created.id, created.outs, shrink)).changes, true);
        const { outs } = await raftMembership.update(created.id, created.outs, shrink);
        assert.deepEqual(outs.peers, ["vault-0", "vault-1", "vault-2"]);
        assert.deepEqual(c.vault.requestsTo("POST", "/v1/sys/storage/raft/remove-peer").map((r) => [r.body.server_id, r.token]), [["vault-4", ROOT], ["vault-3", ROOT]]);
        c.kube.statefulSets.clear();
        assert.deepEqual((await raftMembership.create(access)).outs.peers, []);
    });
});
