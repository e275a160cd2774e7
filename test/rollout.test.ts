import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { VaultClient } from "../components/bootstrap/vaultApi";
import { rolloutVault, RolloutError, RolloutOptions, RolloutReport } from "../components/rollout/rollout";
import { certificateFingerprint } from "../components/rollout/fingerprints";
import { unsealWith } from "../components/rollout/vaultNode";
import { makeCa, makeServerCertificate, TestCa, TestCertificate } from "./support/certs";
import { FakeKubernetes } from "./support/fakeKubernetes";
import { FakeVault } from "./support/fakeVault";
import { ActiveServiceProbe, FakeStatefulSetOptions, FakeVaultStatefulSet } from "./support/vaultStatefulSet";

const ROOT = "hvs.rollout-root";
const KEYS = Array.from({ length: 5 }, () => randomBytes(33).toString("base64"));

interface Cluster {
    vault: FakeVault;
    kube: FakeKubernetes;
    sts: FakeVaultStatefulSet;
    logs: string[];
    options(extra?: Partial<RolloutOptions>): RolloutOptions;
}

let ca: TestCa;
let certificate: TestCertificate;
const running: Cluster[] = [];

/** A healthy, initialized cluster of stand-ins: one Vault per pod behind the Kubernetes API stand-in. */
async function cluster(o: { replicas: number; seal: "awskms" | "shamir"; storage?: "raft" | "dynamodb"; sts?: FakeStatefulSetOptions }): Promise<Cluster> {
    const vault = await new FakeVault({
        seal: o.seal, replicas: o.replicas, certificate, storage: o.storage, initialized: { rootToken: ROOT, keysBase64: KEYS, threshold: 3 },
        electionDelayMs: 150, promotionDelayMs: 40, version: "2.0.4",
    }).start();
    if (o.seal === "shamir") {
        for (const address of vault.addresses) await unsealWith(new VaultClient({ address, caCertPem: ca.certPem }), KEYS, false);
    }
    const kube = await new FakeKubernetes(certificate, ca.certPem).start();
    const sts = new FakeVaultStatefulSet(kube, vault, o.sts).start();
    await new Promise((r) => setTimeout(r, 30));
    const logs: string[] = [];
    const c: Cluster = {
        vault, kube, sts, logs,
        options: (extra = {}) => ({
            namespace: "vault", statefulSet: "vault", kubeconfig: kube.kubeconfig(),
            vaultFor: (pod) => new VaultClient({ address: vault.addresses[sts.ordinal(pod)], caCertPem: ca.certPem, timeoutMs: 2000 }),
            authenticate: async (client) => client.withToken(ROOT),
            unsealKeys: async () => KEYS,
            storage: o.storage ?? "dynamodb", seal: o.seal, timeoutMs: 3000, pollIntervalMs: 10, certificateAttempts: 5,
            log: (m) => { logs.push(m); if (process.env.ROLLOUT_LOG) console.log(Date.now() % 100000, m); },
            ...extra,
        }),
    };
    running.push(c);
    return c;
}

/** Runs a rollout while the probe reads through the active Service every 50 ms. */
async function probed(c: Cluster, run: () => Promise<RolloutReport>): Promise<{ report: RolloutReport; failures: { at: number; detail: string }[]; samples: number }> {
    const probe = new ActiveServiceProbe(c.sts, ROOT, ca.certPem).start();
    try {
        const report = await run();
        await new Promise((r) => setTimeout(r, 120));
        const samples = await probe.stop();
        return { report, failures: probe.failures(), samples: samples.length };
    } finally {
        await probe.stop();
    }
}

/** The figures the README reports. */
const figures: string[] = [];

describe("rolloutVault against stand-ins (one Vault per pod, Kubernetes API with PDB, controller and exec)", function () {
    this.timeout(30_000);
    before(() => {
        ca = makeCa();
        certificate = makeServerCertificate(ca, { ips: ["127.0.0.1"] });
    });
    afterEach(async () => {
        for (const c of running.splice(0)) {
            c.sts.stop();
            await c.vault.stop();
            await c.kube.stop();
        }
    });
    after(() => {
        if (figures.length) console.log(`\n      rollout figures:\n${figures.map((f) => `        ${f}`).join("\n")}`);
    });

    it("upgrades 5 replicas: standbys first, one leadership change, probe failures only inside the step-down window", async () => {
        const c = await cluster({ replicas: 5, seal: "awskms" });
        const activeBefore = c.vault.nodeId(c.vault.active!);
        const changesBefore = c.vault.leaderChanges.length;
        c.sts.upgrade("vault-rev2", { version: "2.1.0" });
        const started = Date.now();
        const { report, failures, samples } = await probed(c, () => rolloutVault(c.options()));
        const took = Date.now() - started;

        assert.deepEqual(Object.values(c.sts.podRevisions()), Array(5).fill("vault-rev2"));
        assert.deepEqual(c.sts.restarted().sort(), ["vault-0", "vault-1", "vault-2", "vault-3", "vault-4"]);
        const evicted = c.kube.evictions.filter((e) => e.code === 201).map((e) => e.pod);
        assert.equal(evicted.length, 5);
        assert.equal(evicted[4], activeBefore, "the old active pod is replaced last");
        assert.deepEqual(report.replaced, evicted);
        assert.equal(c.vault.leaderChanges.length - changesBefore, 1, "exactly one leadership change");
        assert.equal(report.stepDown!.from, activeBefore);
        assert.notEqual(report.stepDown!.to, activeBefore);
        assert.equal(c.vault.nodeId(c.vault.active!), report.stepDown!.to);
        for (let i = 0; i < 5; i++) assert.equal(c.vault.registration(i)!.version, "2.1.0");
        const { requestedAt, settledAt } = report.stepDown!;
        for (const f of failures) assert.ok(f.at >= requestedAt && f.at <= settledAt, `probe failure at ${f.at - requestedAt} ms from the step-down: ${f.detail}`);
        assert.ok(failures.length > 0, "the stand-in's election delay is visible to the probe");
        assert.ok(samples > 20);
        figures.push(`5-replica upgrade (DynamoDB, awskms): ${took} ms, 1 leadership change, ${failures.length}/${samples} probe requests failed, ` +
            `all within the step-down window of ${settledAt - requestedAt} ms`);
    });

    it("renews the certificate without restarts: SIGHUP to Vault, every pod verified to serve the new certificate", async () => {
        const c = await cluster({ replicas: 3, seal: "awskms", sts: { secretSyncDelayMs: 150 } });
        const renewed = makeServerCertificate(ca, { ips: ["127.0.0.1"] });
        c.sts.rotateSecret(renewed);
        const fingerprint = certificateFingerprint(renewed.certPem);
        const { report, failures } = await probed(c, () => rolloutVault(c.options({ certificateFingerprint: fingerprint, certificateFile: c.sts.certificateFile })));
        assert.deepEqual(c.sts.restarted(), [], "0 pod restarts");
        assert.deepEqual(c.kube.evictions, []);
        assert.deepEqual(report.reloaded, ["vault-0", "vault-1", "vault-2"]);
        assert.deepEqual([...c.sts.sighups.values()], [1, 1, 1], "one SIGHUP each, sent once the kubelet had updated the file");
        assert.ok(c.vault.served.every((s) => s.certPem === renewed.certPem));
        assert.deepEqual(failures, []);
        assert.ok(c.logs.some((l) => /SIGHUP to Vault in vault-0/.test(l)));
        figures.push("certificate renewal, 3 replicas: 0 restarts, 3 SIGHUPs, 3/3 pods verified by TLS handshake, 0 failed probe requests");
    });
});
