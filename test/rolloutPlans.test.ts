import { strict as assert } from "assert";
import type { ServerPod } from "../components/rollout/kubernetes";
import { autopilotConfiguration, planRaftShrink, planSealChange, quorum, RaftPeer, replacementOrder, stalePods } from "../components/rollout/plans";
import { contentDigest, sameFingerprint } from "../components/rollout/fingerprints";
import { durationSeconds } from "../components/rollout/vaultNode";

const pod = (name: string, revision: string, uid = `uid-${name}`): ServerPod => ({ name, uid, revision, phase: "Running", ready: true, terminating: false, labels: {} });
const peer = (nodeId: string, o: Partial<RaftPeer> = {}): RaftPeer => ({ nodeId, voter: true, leader: false, healthy: true, ...o });

describe("rollout plans (pure)", () => {
    it("replaces pods of another revision or listed by UID, standbys from the highest ordinal down, the active last", () => {
        const pods = [pod("vault-0", "r1"), pod("vault-1", "r2"), pod("vault-2", "r1"), pod("vault-3", "r1"), pod("vault-4", "r2", "uid-role")];
        const stale = stalePods(pods, "r2", new Set(["uid-role"]));
        assert.deepEqual(stale.map((p) => p.name), ["vault-0", "vault-2", "vault-3", "vault-4"]);
        const order = replacementOrder(stale, "vault-2");
        assert.deepEqual(order.standbys.map((p) => p.name), ["vault-4", "vault-3", "vault-0"]);
        assert.equal(order.active?.name, "vault-2");
        assert.equal(replacementOrder(stale, "vault-1").active, undefined, "an up-to-date active node stays");
    });

    it("migrates Shamir to an auto-unseal seal, refuses every other change of an initialized cluster with the manual steps", () => {
        assert.deepEqual(planSealChange(undefined, { type: "awskms" }), { action: "none", message: "" }, "not initialized: nothing to migrate");
        assert.equal(planSealChange({ type: "awskms", keyId: "k1" }, { type: "awskms", keyId: "k1" }).action, "none");
        const migrate = planSealChange({ type: "shamir" }, { type: "awskms", keyId: "alias/prod-vault-unseal" });
        assert.equal(migrate.action, "migrate");
        assert.match(migrate.message, /from shamir to awskms \(key alias\/prod-vault-unseal\).*unsealed once with migrate=true and the unseal keys from custody, standbys first/);
        const back = planSealChange({ type: "awskms" }, { type: "shamir" });
        assert.equal(back.action, "refuse");
        assert.match(back.message, /^seal: changing an initialized cluster's seal from awskms to shamir is not automated/);
        assert.match(back.message, /add disabled = "true" to the seal "awskms" stanza; 2\. .*recovery keys \(which become the unseal keys\)/);
        const key = planSealChange({ type: "awskms", keyId: "k1" }, { type: "awskms", keyId: "k2" });
        assert.equal(key.action, "refuse");
        assert.match(key.message, /from awskms \(key k1\) to awskms \(key k2\).*together with the new seal "awskms" stanza/);
    });

    it("transit: Shamir to transit migrates like Shamir to awskms; another key holder, mount or key is refused with the procedure", () => {
        const holder = (key: string) => ({ type: "transit", keyId: `https://keys.example.com:8200/v1/transit/keys/${key}` });
        const migrate = planSealChange({ type: "shamir" }, holder("autounseal"));
        assert.equal(migrate.action, "migrate");
        assert.match(migrate.message, /from shamir to transit \(key https:\/\/keys\.example\.com:8200\/v1\/transit\/keys\/autounseal\).*unsealed once with migrate=true/);
        assert.equal(planSealChange(holder("autounseal"), holder("autounseal")).action, "none");
        const other = planSealChange(holder("autounseal"), holder("autounseal-2"));
        assert.equal(other.action, "refuse");
        assert.match(other.message, /add disabled = "true" to the seal "transit" stanza together with the new seal "transit" stanza/);
        assert.equal(planSealChange(holder("autounseal"), { type: "awskms", keyId: "k1" }).action, "refuse");
    });

    it("removes the shrunk pods' peers highest first, stepping the leader down first", () => {
        const peers = ["vault-0", "vault-1", "vault-2", "vault-3", "vault-4"].map((id) => peer(id, { leader: id === "vault-4" }));
        assert.deepEqual(planRaftShrink(peers, 3, "vault"), { remove: ["vault-4", "vault-3"], stepDownFirst: true, refusal: undefined });
        assert.deepEqual(planRaftShrink(peers, 5, "vault"), { remove: [], stepDownFirst: false }, "nothing to remove");
        assert.deepEqual(planRaftShrink([...peers, peer("other-node")], 3, "vault").remove, ["vault-4", "vault-3"], "a peer of another name is left alone");
    });

    it("refuses a shrink that endangers quorum: even counts, a majority at once, no healthy majority left", () => {
        const five = ["vault-0", "vault-1", "vault-2", "vault-3", "vault-4"].map((id) => peer(id));
        assert.match(planRaftShrink(five, 4, "vault").refusal!, /4 voters tolerate no more failures than 3; choose 3 or 5 replicas/);
        const seven = [...five, peer("vault-5"), peer("vault-6")];
        assert.match(planRaftShrink(seven, 3, "vault").refusal!, /shrinking from 7 to 3 voters removes a majority at once; shrink in steps that keep a majority, one update each: 7 → 5 → 3/);
        assert.equal(planRaftShrink(seven, 5, "vault").refusal, undefined);
        assert.match(planRaftShrink(five.slice(0, 3), 1, "vault").refusal!, /from 3 to 1 voters removes a majority at once; remove peers by hand/);
        const sick = five.map((p) => (p.nodeId === "vault-0" || p.nodeId === "vault-1" ? { ...p, healthy: false } : p));
        assert.match(planRaftShrink(sick, 3, "vault").refusal!, /^Refusing to shrink Raft from 5 to 3 voters \(would remove vault-4, vault-3\): the remaining voters would not hold a healthy majority \(unhealthy: vault-0, vault-1\)/);
        assert.equal(quorum(5), 3);
    });

    it("configures autopilot's cleanup never below a majority of the intended size, and not below 3 servers", () => {
        assert.equal(autopilotConfiguration(1), undefined);
        assert.deepEqual(autopilotConfiguration(3), { cleanup_dead_servers: true, dead_server_last_contact_threshold: "1h", min_quorum: 3 });
        assert.deepEqual(autopilotConfiguration(7, "30m"), { cleanup_dead_servers: true, dead_server_last_contact_threshold: "30m", min_quorum: 4 });
        assert.equal(durationSeconds("1h0m0s"), durationSeconds("1h"));
        assert.equal(durationSeconds("1m30s"), 90);
    });

    it("compares fingerprints regardless of case and separators; digests content", () => {
        assert.ok(sameFingerprint("AB:CD:01", "abcd01"));
        assert.ok(!sameFingerprint("AB:CD:01", "AB:CD:02"));
        assert.equal(contentDigest("ui = true\n"), contentDigest("ui = true\n"));
        assert.notEqual(contentDigest("ui = true\n"), contentDigest("ui = false\n"));
    });
});
