import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { removeRaftPeers, RaftMembershipOptions } from "../components/rollout/raftMembership";
import { makeCa, makeServerCertificate, TestCa, TestCertificate } from "./support/certs";
import { StandInCluster, startStandInCluster } from "./support/vaultStatefulSet";

const ROOT = "hvs.raft-root";
const KEYS = Array.from({ length: 3 }, () => randomBytes(33).toString("base64"));

describe("removeRaftPeers before a StatefulSet shrink, against stand-ins", function () {
    this.timeout(30_000);
    let ca: TestCa;
    let certificate: TestCertificate;
    const running: StandInCluster[] = [];
    before(() => {
        ca = makeCa();
        certificate = makeServerCertificate(ca, { ips: ["127.0.0.1"] });
    });
    afterEach(async () => {
        for (const c of running.splice(0)) await c.stop();
    });

    async function raft(replicas: number, unsealOrder?: number[]): Promise<StandInCluster> {
        const c = await startStandInCluster({ replicas, seal: "shamir", storage: "raft", certificate, caCertPem: ca.certPem, rootToken: ROOT, keysBase64: KEYS, unsealOrder });
        running.push(c);
        return c;
    }

    const options = (c: StandInCluster, replicas: number, logs: string[] = []): RaftMembershipOptions => ({
        namespace: "vault", statefulSet: "vault", kubeconfig: c.kube.kubeconfig(), replicas, vaultFor: c.vaultFor,
        authenticate: async (client) => client.withToken(ROOT), timeoutMs: 2000, pollIntervalMs: 10, log: (m) => logs.push(m),
    });

    it("removes the peers of the pods a shrink from 5 to 3 deletes, the leader stepped down first, while the pods still run", async () => {
        const c = await raft(5, [4, 0, 1, 2, 3]);
        assert.equal(c.vault.nodeId(c.vault.active!), "vault-4", "the leader is one of the pods that go");
        const logs: string[] = [];
        const report = await removeRaftPeers(options(c, 3, logs));
        assert.deepEqual(report.removed, ["vault-4", "vault-3"]);
        assert.deepEqual(report.peers, ["vault-0", "vault-1", "vault-2"]);
        assert.deepEqual([...c.vault.peers.keys()], ["vault-0", "vault-1", "vault-2"]);
        assert.equal(report.stepDown?.from, "vault-4");
        assert.ok(["vault-0", "vault-1", "vault-2"].includes(c.vault.nodeId(c.vault.active!)), "the new leader stays");
        const removals = c.vault.requestsTo("POST", "/v1/sys/storage/raft/remove-peer");
        assert.deepEqual(removals.map((r) => r.body), [{ server_id: "vault-4" }, { server_id: "vault-3" }]);
        assert.ok(removals.every((r) => r.token === ROOT));
        assert.deepEqual([...c.kube.pods.keys()].sort(), ["vault-0", "vault-1", "vault-2", "vault-3", "vault-4"], "the pods go later, with the release");
        assert.deepEqual(c.kube.evictions, []);
        assert.deepEqual(logs.filter((l) => l.startsWith("Removing")), ["Removing Raft peer vault-4 before its pod goes", "Removing Raft peer vault-3 before its pod goes"]);

        const again = await removeRaftPeers(options(c, 3));
        assert.deepEqual(again.removed, [], "idempotent");
    });

    it("refuses a shrink to an even count or without a healthy majority, before removing anything", async () => {
        const c = await raft(5);
        await assert.rejects(removeRaftPeers(options(c, 4)), /Refusing to shrink Raft from 5 to 4 voters \(would remove vault-4\): 4 voters tolerate no more failures than 3; choose 3 or 5 replicas\./);
        await c.vault.stopReplica(1);
        await c.vault.stopReplica(2);
        await assert.rejects(removeRaftPeers(options(c, 3)), /the remaining voters would not hold a healthy majority \(unhealthy: vault-1, vault-2\); repair them first/);
        assert.deepEqual(c.vault.requestsTo("POST", "/v1/sys/storage/raft/remove-peer"), []);
        assert.equal(c.vault.peers.size, 5);
    });

    it("refuses without an active node, and does nothing before the StatefulSet exists", async () => {
        const c = await raft(3);
        for (let i = 0; i < 3; i++) c.vault.restart(i);
        await assert.rejects(removeRaftPeers(options(c, 1)), /Refusing to change the Raft membership of StatefulSet vault\/vault: no active node \(vault-0: sealed, vault-1: sealed, vault-2: sealed\)/);
        c.kube.statefulSets.clear();
        assert.deepEqual(await removeRaftPeers(options(c, 1)), { removed: [], peers: [] });
    });
});
