import type { VaultClient } from "../bootstrap/vaultApi";
import { KubernetesAccess, StatefulSetPods } from "./kubernetes";
import { planRaftShrink } from "./plans";
import { DONE, until, waiting } from "./poll";
import { handOver, healthOf, StepDown } from "./rollout";
import { raftPeers } from "./vaultNode";

export interface RaftMembershipOptions extends KubernetesAccess {
    /** The replica count the release is about to set. */
    replicas: number;
    /** Reaches one pod's Vault API. */
    vaultFor(pod: string): VaultClient;
    /** `client` with a token allowed `sys/storage/raft/*` and `sys/step-down`. */
    authenticate(client: VaultClient): Promise<VaultClient>;
    /** Longest wait of one step. Default 600 000 ms. */
    timeoutMs?: number;
    /** Default 2000 ms. */
    pollIntervalMs?: number;
    log?(message: string): void;
}

export interface RaftMembershipReport {
    /** Peers removed, in order. */
    removed: string[];
    /** Peers left. */
    peers: string[];
    stepDown?: StepDown;
}

/**
 * Removes the Raft peers of the pods a StatefulSet shrink to `replicas` will delete, before they go: one at a time,
 * highest ordinal first, each confirmed gone from the configuration; the leader steps down first when it is one of
 * them. Refused (before anything changes) when the shrink would endanger quorum. A StatefulSet that does not exist
 * yet, or no peer to remove, is nothing to do. Usable outside Pulumi.
 */
export async function removeRaftPeers(o: RaftMembershipOptions): Promise<RaftMembershipReport> {
    const log = o.log ?? (() => undefined);
    const timing = { timeoutMs: o.timeoutMs ?? 600_000, intervalMs: o.pollIntervalMs ?? 2000 };
    const kube = await StatefulSetPods.open(o);
    if (!(await kube.statefulSet())) return { removed: [], peers: [] };
    const pods = (await kube.pods()).filter((p) => p.phase === "Running" && !p.terminating).map((p) => p.name);
    const health = await healthOf(o.vaultFor, pods);
    let active = pods.find((p) => health.get(p)!.role === "active");
    if (!active) {
        throw new Error(`Refusing to change the Raft membership of ${kube.description}: no active node ` +
            `(${pods.map((p) => `${p}: ${health.get(p)!.role}`).join(", ") || "no running pod"}). Repair the cluster, then run again.`);
    }
    let client = await o.authenticate(o.vaultFor(active));
    const peers = await raftPeers(client);
    const plan = planRaftShrink(peers, o.replicas, o.statefulSet);
    if (plan.refusal) throw new Error(plan.refusal);
    let stepDown: StepDown | undefined;
    if (plan.stepDownFirst) {
        stepDown = await handOver({ kube, vaultFor: o.vaultFor, active: client, from: active, successors: pods.filter((p) => !plan.remove.includes(p)), timing, log });
        active = stepDown.to;
        client = await o.authenticate(o.vaultFor(active));
    }
    for (const id of plan.remove) {
        log(`Removing Raft peer ${id} before its pod goes`);
        await client.request("POST", "/v1/sys/storage/raft/remove-peer", { server_id: id });
        await until(`${id} to leave the Raft configuration`, async () => ((await raftPeers(client)).some((p) => p.nodeId === id) ? waiting("still a peer") : DONE), timing);
    }
    const left = (await raftPeers(client)).map((p) => p.nodeId);
    if (plan.remove.length > 0) log(`Raft peers now: ${left.join(", ")}`);
    return { removed: plan.remove, peers: left, stepDown };
}
