import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { clientNode } from "../components/bootstrap/kube";
import { certificateFingerprint } from "../components/rollout/fingerprints";
import { rolloutVault, RolloutError, RolloutOptions, RolloutReport } from "../components/rollout/rollout";
import { makeCa, makeServerCertificate, TestCa, TestCertificate } from "./support/certs";
import { ActiveServiceProbe, FakeStatefulSetOptions, ProbeSample, StandInCluster, startStandInCluster, within } from "./support/vaultStatefulSet";

const ROOT = "hvs.rollout-root";
const KEYS = Array.from({ length: 5 }, () => randomBytes(33).toString("base64"));

interface Cluster extends StandInCluster {
    logs: string[];
    options(extra?: Partial<RolloutOptions>): RolloutOptions;
}

let ca: TestCa;
let certificate: TestCertificate;
/** Renewed server certificates (RSA key generation is slow: made once). */
let renewed: TestCertificate;
const running: Cluster[] = [];

/** A healthy, initialized cluster of stand-ins: one Vault per pod behind the Kubernetes API stand-in. */
async function cluster(o: { replicas: number; seal: "awskms" | "shamir"; storage?: "raft" | "dynamodb"; sts?: FakeStatefulSetOptions; promotionDelayMs?: number }): Promise<Cluster> {
    const standIns = await startStandInCluster({ ...o, certificate, caCertPem: ca.certPem, rootToken: ROOT, keysBase64: KEYS });
    const logs: string[] = [];
    const c: Cluster = {
        ...standIns, logs,
        options: (extra = {}) => ({
            namespace: "vault", statefulSet: "vault", kubeconfig: standIns.kube.kubeconfig(), vaultFor: standIns.vaultFor,
            authenticate: async (client) => client.withToken(ROOT),
            unsealKeys: async () => KEYS,
            storage: o.storage ?? "dynamodb", seal: o.seal, timeoutMs: 3000, pollIntervalMs: 10, certificateAttempts: 5,
            log: (m) => logs.push(m),
            ...extra,
        }),
    };
    running.push(c);
    return c;
}

/** Runs a rollout while the probe reads through the active Service every 50 ms. */
async function probed(c: Cluster, run: () => Promise<RolloutReport>): Promise<{ report: RolloutReport; failures: ProbeSample[]; samples: number }> {
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
    before(async () => {
        ca = makeCa();
        certificate = makeServerCertificate(ca, { ips: ["127.0.0.1"] });
        renewed = makeServerCertificate(ca, { ips: ["127.0.0.1"] });
        // Loaded once per process (an ES module): not part of any rollout's figures.
        await clientNode();
    });
    afterEach(async () => {
        for (const c of running.splice(0)) await c.stop();
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
        for (const f of failures) assert.ok(within(f, requestedAt, settledAt), `probe failure sent ${f.at - requestedAt} ms from the step-down: ${f.detail}`);
        assert.ok(failures.length > 0, "the stand-in's election delay is visible to the probe");
        // The probe kept sampling (every 50 ms) through the whole rollout, however fast this machine runs it.
        assert.ok(samples > 5 && samples >= Math.floor(took / 100), `${samples} probe requests in ${took} ms`);
        figures.push(`5-replica upgrade (DynamoDB, awskms): ${took} ms, 1 leadership change, ${failures.length}/${samples} probe requests failed, ` +
            `all within the step-down window of ${settledAt - requestedAt} ms`);
    });

    it("renews the certificate without restarts: SIGHUP to Vault, every pod verified to serve the new certificate", async () => {
        const c = await cluster({ replicas: 3, seal: "awskms", sts: { secretSyncDelayMs: 150 } });
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

    /** Every eviction is checked against the cluster's state at that moment. */
    function recordEvictions(c: Cluster): { pod: string; active?: string; unhealthyVoters: string[] }[] {
        const seen: { pod: string; active?: string; unhealthyVoters: string[] }[] = [];
        const decide = c.kube.onEviction;
        c.kube.onEviction = (ns, pod) => {
            const unhealthyVoters = [...c.vault.peers].filter(([id, p]) => {
                const i = c.sts.ordinal(id);
                return p.voter && id !== pod && !(c.vault.registration(i) && !c.vault.registration(i)!.sealed);
            }).map(([id]) => id);
            const code = decide(ns, pod);
            if (code === 201) seen.push({ pod, active: c.vault.active === undefined ? undefined : c.vault.nodeId(c.vault.active), unhealthyVoters });
            return code;
        };
        return seen;
    }

    for (const v of [
        { name: "Raft", storage: "raft" as const, seal: "awskms" as const },
        { name: "Shamir", storage: "dynamodb" as const, seal: "shamir" as const },
        { name: "Raft and Shamir", storage: "raft" as const, seal: "shamir" as const },
    ]) {
        it(`upgrades 3 replicas with ${v.name}: standbys first, one leadership change${v.seal === "shamir" ? ", each new pod unsealed from custody" : ""}${v.storage === "raft" ? ", each a healthy voter before the next goes" : ""}`, async () => {
            const c = await cluster({ replicas: 3, seal: v.seal, storage: v.storage });
            const activeBefore = c.vault.nodeId(c.vault.active!);
            const evictions = recordEvictions(c);
            const unsealsBefore = c.vault.requestsTo("PUT", "/v1/sys/unseal").length;
            c.sts.upgrade("vault-rev2", { version: "2.1.0" });
            const { report, failures, samples } = await probed(c, () => rolloutVault(c.options()));

            assert.deepEqual(Object.values(c.sts.podRevisions()), ["vault-rev2", "vault-rev2", "vault-rev2"]);
            assert.equal(evictions.length, 3);
            assert.equal(evictions[2].pod, activeBefore, "the old active pod is replaced last");
            assert.ok(evictions.slice(0, 2).every((e) => e.active === activeBefore), "standbys are replaced while the old active node serves");
            assert.equal(c.vault.leaderChanges.filter((l) => l.at >= report.stepDown!.requestedAt).length, 1, "exactly one leadership change");
            const unseals = c.vault.requestsTo("PUT", "/v1/sys/unseal").slice(unsealsBefore);
            if (v.seal === "shamir") {
                assert.equal(unseals.length, 9, "3 keys for each replaced pod");
                assert.deepEqual(unseals.map((u) => u.body.key), [...KEYS.slice(0, 3), ...KEYS.slice(0, 3), ...KEYS.slice(0, 3)]);
                assert.ok(unseals.every((u) => u.body.migrate === undefined));
            } else {
                assert.deepEqual(unseals, []);
            }
            if (v.storage === "raft") {
                assert.deepEqual(evictions.map((e) => e.unhealthyVoters), [[], [], []], "no eviction while another voter was down or sealed");
                assert.deepEqual([...c.vault.peers.values()].map((p) => p.voter), [true, true, true]);
            }
            for (const f of failures) assert.ok(within(f, report.stepDown!.requestedAt, report.stepDown!.settledAt), `probe failure outside the step-down window: ${f.detail}`);
            figures.push(`3-replica upgrade (${v.name}): 1 leadership change, ${failures.length}/${samples} probe requests failed, ` +
                `all within the step-down window of ${report.stepDown!.settledAt - report.stepDown!.requestedAt} ms${v.seal === "shamir" ? ", 9 unseal calls (3 per pod)" : ""}`);
        });

        it(`renews the certificate of 3 replicas with ${v.name} without a restart`, async () => {
            const c = await cluster({ replicas: 3, seal: v.seal, storage: v.storage, sts: { secretSyncDelayMs: 60 } });
                c.sts.rotateSecret(renewed);
            const { report, failures } = await probed(c, () => rolloutVault(c.options({ certificateFingerprint: certificateFingerprint(renewed.certPem), certificateFile: c.sts.certificateFile })));
            assert.deepEqual(c.sts.restarted(), []);
            assert.deepEqual(report.reloaded, ["vault-0", "vault-1", "vault-2"]);
            assert.ok(c.vault.served.every((s) => s.certPem === renewed.certPem));
            assert.deepEqual(failures, []);
            figures.push(`certificate renewal, 3 replicas (${v.name}): 0 restarts, 3/3 pods serving the new certificate, 0 failed probe requests`);
        });
    }

    it("stops when a replaced pod never comes back: no other pod touched, the active node keeps serving", async () => {
        const c = await cluster({ replicas: 3, seal: "awskms" });
        const active = c.vault.nodeId(c.vault.active!);
        const first = ["vault-2", "vault-1", "vault-0"].find((p) => p !== active)!;
        c.sts.neverReturn.add(first);
        c.sts.upgrade("vault-rev2");
        const probe = new ActiveServiceProbe(c.sts, ROOT, ca.certPem).start();
        const error = await rolloutVault(c.options({ timeoutMs: 600 })).then(() => assert.fail("expected the rollout to stop"), (e) => e);
        await new Promise((r) => setTimeout(r, 150));
        await probe.stop();
        assert.ok(error instanceof RolloutError);
        assert.match(error.message, new RegExp(`stopped: ${first} to come back Running did not happen within 1 s \\(last seen: phase Pending\\)\\. No other pod was touched`));
        assert.deepEqual(c.kube.evictions.map((e) => e.pod), [first], "nothing else was evicted");
        assert.deepEqual(error.report.pods.map((p: any) => [p.name, p.revision, p.upToDate]),
            [["vault-0", "vault-rev1", false], ["vault-1", "vault-rev1", false], ["vault-2", "vault-rev1", false]].map(([n, r, u]) => n === first ? [n, "vault-rev2", true] : [n, r, u]));
        assert.equal(c.vault.nodeId(c.vault.active!), active, "the active node never changed");
        assert.equal(error.report.active, active);
        assert.deepEqual(probe.failures(), [], "clients of the active Service saw no failure");
        figures.push(`a pod that never comes back: rollout stopped after 1 eviction, ${probe.samples.length} probe requests, 0 failed`);
    });

    it("refuses to start on an unhealthy cluster, naming the pods (sealed, missing, no active node)", async () => {
        const c = await cluster({ replicas: 3, seal: "shamir" });
        const unsealsBefore = c.vault.requestsTo("PUT", "/v1/sys/unseal").length;
        c.sts.upgrade("vault-rev2");
        c.vault.restart(1);
        c.kube.pods.delete("vault-2");
        const error = await rolloutVault(c.options()).then(() => assert.fail("expected a refusal"), (e) => e);
        assert.ok(error instanceof RolloutError);
        assert.match(error.message, /^Refusing to roll out StatefulSet vault\/vault, nothing was changed: vault-2: missing; vault-1: sealed\. Fix this first/);
        for (const i of [0, 1]) c.vault.restart(i);
        const again = await rolloutVault(c.options()).then(() => assert.fail("expected a refusal"), (e) => e);
        assert.match(again.message, /nothing was changed: vault-2: missing; no active node; vault-0: sealed; vault-1: sealed\./);
        assert.deepEqual(c.kube.evictions, []);
        assert.equal(c.vault.requestsTo("PUT", "/v1/sys/unseal").length, unsealsBefore, "the rollout unsealed nothing: it replaced nothing");
    });

    it("waits while the PodDisruptionBudget refuses an eviction (429), and gives up naming the budget", async () => {
        const c = await cluster({ replicas: 3, seal: "awskms" });
        c.sts.upgrade("vault-rev2");
        c.sts.blockEvictions = 3;
        const report = await rolloutVault(c.options());
        assert.equal(report.replaced.length, 3);
        assert.deepEqual(c.kube.evictions.slice(0, 4).map((e) => e.code), [429, 429, 429, 201]);
        assert.ok(c.logs.includes(`The PodDisruptionBudget allows no disruption now; waiting to evict ${report.replaced[0]}`));

        c.sts.upgrade("vault-rev3");
        c.sts.blockEvictions = 10_000;
        const error = await rolloutVault(c.options({ timeoutMs: 300 })).then(() => assert.fail("expected a timeout"), (e) => e);
        assert.match(error.message, /the eviction of vault-\d \(its PodDisruptionBudget refused it; see `kubectl -n vault get pdb`: with fewer than 3 replicas the chart's budget allows no disruption at all\) did not happen within 0 s \(last seen: HTTP 429 from the eviction API\)/);
        assert.deepEqual(Object.values(c.sts.podRevisions()), ["vault-rev2", "vault-rev2", "vault-rev2"], "no pod went");
    });

    it("fails naming the pod when the renewed certificate does not reach it, or Vault still serves the old one after SIGHUP", async () => {
        const c = await cluster({ replicas: 3, seal: "awskms", sts: { secretSyncDelayMs: 60_000 } });
        c.sts.rotateSecret(renewed);
        const fingerprint = certificateFingerprint(renewed.certPem);
        const notMounted = await rolloutVault(c.options({ certificateFingerprint: fingerprint, certificateFile: c.sts.certificateFile, timeoutMs: 200 })).then(() => assert.fail(), (e) => e);
        assert.match(notMounted.message, /the new certificate to reach vault-0:\/vault\/userconfig\/vault-server-tls\/vault\.crt did not happen within 0 s \(last seen: the old certificate is still mounted\)/);
        assert.equal(c.sts.sighups.size, 0, "no SIGHUP before the file is there");
        const stale = await rolloutVault(c.options({ certificateFingerprint: fingerprint })).then(() => assert.fail(), (e) => e);
        assert.match(stale.message, new RegExp(`vault-0 still serves another certificate after SIGHUP \\(${certificateFingerprint(certificate.certPem)}; expected ${fingerprint}\\)`));
        assert.deepEqual([...c.sts.sighups], [["vault-0", 1]], "stopped at the first pod");
        assert.deepEqual(c.sts.restarted(), []);
    });

    it("migrates a Shamir seal to awskms: each new pod unsealed once with migrate, the new active node completes the migration", async () => {
        const c = await cluster({ replicas: 3, seal: "shamir" });
        const before = c.vault.requestsTo("PUT", "/v1/sys/unseal").length;
        c.sts.upgrade("vault-rev2", { seal: "awskms" });
        const { report, failures } = await probed(c, () => rolloutVault(c.options({ seal: "awskms" })));
        assert.equal(report.sealMigration, true);
        assert.equal(c.vault.storedSeal, "awskms");
        // The two standbys are unsealed with migrate; the old active pod, replaced once the migration is done, unseals itself.
        const unseals = c.vault.requestsTo("PUT", "/v1/sys/unseal").slice(before);
        assert.equal(unseals.length, 6);
        assert.ok(unseals.every((u) => u.body.migrate === true));
        assert.deepEqual([...new Set(unseals.map((u) => c.vault.nodeId(u.replica)))], report.replaced.slice(0, 2));
        assert.ok(c.logs.some((l) => /The seal changes from shamir to awskms on an initialized cluster: the rollout migrates it/.test(l)));
        for (const f of failures) assert.ok(within(f, report.stepDown!.requestedAt, report.stepDown!.settledAt));
        await c.vault.stopReplica(1);
        await c.vault.startReplica(1);
        assert.equal(c.vault.registration(1)!.sealed, false, "after the migration a restarted pod unseals itself");
    });

    it("refuses a seal change it cannot migrate (awskms to shamir) before anything changes, with the manual procedure", async () => {
        const c = await cluster({ replicas: 3, seal: "awskms" });
        c.sts.upgrade("vault-rev2", { seal: "shamir" });
        const error = await rolloutVault(c.options({ seal: "shamir" })).then(() => assert.fail(), (e) => e);
        assert.match(error.message, /seal: changing an initialized cluster's seal from awskms to shamir is not automated/);
        assert.match(error.message, /vault operator unseal -migrate/);
        assert.deepEqual(c.kube.evictions, []);
    });

    it("replaces every pod on the current revision when asked by UID (a new IAM role or CA reaches only new pods)", async () => {
        const c = await cluster({ replicas: 3, seal: "awskms" });
        const uids = [...c.kube.podStatus.values()].map((s) => s.uid);
        const report = await rolloutVault(c.options({ restartPodUids: uids }));
        assert.deepEqual(c.sts.restarted().sort(), ["vault-0", "vault-1", "vault-2"]);
        assert.deepEqual(report.restartPending, []);
        assert.ok(report.pods.every((p) => p.upToDate && p.revision === "vault-rev1"));
        assert.equal(report.stepDown?.from, "vault-0");
    });

    for (const seal of ["awskms", "shamir"] as const) {
        it(`waits for new Raft servers to vote after a scale-up (${seal}) and configures autopilot's dead-server cleanup`, async () => {
            // Autopilot promotes a new server only 300 ms after the rollout starts waiting for it: it must wait.
            const c = await cluster({ replicas: 3, seal, storage: "raft", promotionDelayMs: 60_000 });
            await c.sts.scaleUp(5);
            const promotions: Promise<void>[] = [];
            const promote = (id: string) => new Promise<void>((resolve) => {
                const timer = setInterval(() => {
                    const peer = c.vault.peers.get(id);
                    if (!peer) return;
                    clearInterval(timer);
                    setTimeout(() => resolve(void (peer.voter = true)), 300);
                }, 10);
            });
            const options = c.options();
            const report = await rolloutVault({ ...options, log: (m) => {
                options.log!(m);
                const joining = /^(vault-\d) is joining Raft/.exec(m);
                if (joining) promotions.push(promote(joining[1]));
            } });
            assert.equal(promotions.length, 2);
            assert.deepEqual(report.joined, ["vault-3", "vault-4"]);
            assert.deepEqual([...c.vault.peers].map(([id, p]) => [id, p.voter]), ["vault-0", "vault-1", "vault-2", "vault-3", "vault-4"].map((id) => [id, true]));
            assert.deepEqual(report.replaced, []);
            assert.equal(report.autopilotConfigured, true);
            assert.deepEqual(c.vault.autopilot, { ...c.vault.autopilot, cleanup_dead_servers: true, dead_server_last_contact_threshold: "1h", min_quorum: 3 });
            const again = await rolloutVault(c.options());
            assert.equal(again.autopilotConfigured, false, "written once");
        });
    }

    it("follows leadership that moves during the rollout: the step-down is always from the active node, to a replaced one", async () => {
        const c = await cluster({ replicas: 3, seal: "awskms" });
        c.sts.upgrade("vault-rev2");
        const options = c.options();
        // vault-0, the active node, restarts in place (a crash) once the first standby is back: vault-1, still on the old revision, takes over.
        const report = await rolloutVault({ ...options, log: (m) => { options.log!(m); if (m.startsWith("vault-2 is back")) c.vault.restart(0); } });
        assert.deepEqual(c.kube.evictions.map((e) => e.pod), ["vault-2", "vault-0", "vault-1"]);
        assert.equal(report.stepDown!.from, "vault-1");
        assert.ok(["vault-0", "vault-2"].includes(report.stepDown!.to));
        const after = c.vault.leaderChanges.filter((l) => l.at >= report.stepDown!.requestedAt);
        assert.deepEqual(after.map((l) => l.to), [report.stepDown!.to], "one leadership change from the step-down, to a replaced pod");
    });

    it("refuses before anything changes when the token may not step the active node down", async () => {
        const c = await cluster({ replicas: 3, seal: "awskms" });
        c.vault.tokens.set("hvs.admin-approle", ["pulumi-admin"]);
        c.sts.upgrade("vault-rev2");
        const error = await rolloutVault(c.options({ authenticate: async (client) => client.withToken("hvs.admin-approle") })).then(() => assert.fail(), (e) => e);
        assert.match(error.message, /nothing was changed: the token from custody may not step the active node down \(it needs sudo on sys\/step-down\)\./);
        assert.deepEqual(c.kube.evictions, []);
    });
});
