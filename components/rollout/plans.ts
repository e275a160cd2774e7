/*
 * Pure decisions of the day-2 steps: which pods to replace and in which order, whether a seal change can be
 * migrated, whether a Raft shrink keeps quorum, and autopilot's settings. No I/O: usable at validation time.
 */
import type { ServerPod } from "./kubernetes";

/** Votes a Raft cluster of `voters` needs to commit anything. */
export function quorum(voters: number): number {
    return Math.floor(voters / 2) + 1;
}

/** The ordinal of a StatefulSet pod (`<statefulSet>-<n>`), or undefined for another name. */
export function ordinalOf(statefulSet: string, name: string): number | undefined {
    const m = new RegExp(`^${statefulSet.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-(\\d+)$`).exec(name);
    return m ? Number(m[1]) : undefined;
}

/** Pods to replace: created from another revision than the StatefulSet's update revision, or listed for a restart. */
export function stalePods(pods: ServerPod[], updateRevision: string, restartUids: ReadonlySet<string> = new Set()): ServerPod[] {
    return pods.filter((p) => p.revision !== updateRevision || restartUids.has(p.uid));
}

/**
 * The order of replacement: standbys one at a time from the highest ordinal down (the StatefulSet controller's
 * own order), the active node last, after it has stepped down, so that leadership changes once and never moves
 * back to a node on the old revision.
 */
export function replacementOrder(stale: ServerPod[], activePod: string | undefined): { standbys: ServerPod[]; active?: ServerPod } {
    const standbys = stale.filter((p) => p.name !== activePod).reverse();
    return { standbys, active: stale.find((p) => p.name === activePod) };
}

/** A seal as recorded for a cluster: its type and, for a KMS seal, the key. */
export interface SealSpec {
    /** `shamir`, `awskms`, ... */
    type: string;
    /** KMS key (ID, ARN or alias) of an auto-unseal seal. */
    keyId?: string;
}

export const SealChangeAction = { None: "none", Migrate: "migrate", Refuse: "refuse" } as const;
export type SealChangeAction = typeof SealChangeAction[keyof typeof SealChangeAction];

export interface SealChangePlan {
    action: SealChangeAction;
    /** What happens (migrate) or the manual procedure (refuse); empty when nothing changes. */
    message: string;
}

const SEAL_MIGRATION_DOCS = "https://developer.hashicorp.com/vault/docs/concepts/seal#seal-migration";

function describeSeal(s: SealSpec): string {
    return s.keyId ? `${s.type} (key ${s.keyId})` : s.type;
}

/**
 * What changing the seal of an initialized cluster takes. Shamir to an auto-unseal seal is migrated by the rollout:
 * every pod restarts with the new seal and is unsealed once with `migrate: true` and the unseal keys from custody
 * (standbys first, the active node last), after which the unseal keys are recovery keys. Any other change needs
 * Vault to run with both seals configured, the old one marked `disabled`, which this package does not render: it is
 * refused with the manual procedure. `previous` is undefined for a cluster not initialized yet (nothing to migrate).
 */
export function planSealChange(previous: SealSpec | undefined, next: SealSpec): SealChangePlan {
    if (!previous || (previous.type === next.type && (previous.keyId ?? "") === (next.keyId ?? ""))) return { action: "none", message: "" };
    const from = describeSeal(previous);
    const to = describeSeal(next);
    if (previous.type === "shamir") {
        return {
            action: "migrate",
            message: `The seal changes from ${from} to ${to} on an initialized cluster: the rollout migrates it. Every server pod restarts with ` +
                `the new seal and is unsealed once with migrate=true and the unseal keys from custody, standbys first; the active node steps down ` +
                `and is replaced last, and the new active node completes the migration. From then on the same keys are recovery keys.`,
        };
    }
    const oldStanza = `seal "${previous.type}"`;
    const newSeal = next.type === "shamir" ? "" : ` together with the new seal "${next.type}" stanza`;
    const keys = next.type === "shamir" ? "recovery keys (which become the unseal keys)" : "recovery keys";
    return {
        action: "refuse",
        message: `seal: changing an initialized cluster's seal from ${from} to ${to} is not automated: Vault must run with the old seal marked ` +
            `disabled during the migration. Keep the seal at ${from} here and migrate by hand (${SEAL_MIGRATION_DOCS}): ` +
            `1. in the server configuration, add disabled = "true" to the ${oldStanza} stanza${newSeal}; ` +
            `2. delete the standby pods one at a time and run \`vault operator unseal -migrate\` on each new pod with the ${keys} from custody; ` +
            `3. \`vault operator step-down\`, delete the old active pod and unseal it the same way; ` +
            `4. then set the seal to ${to} here, which removes the disabled stanza.`,
    };
}

/** A Raft peer as the configuration and autopilot report it. */
export interface RaftPeer {
    nodeId: string;
    voter: boolean;
    leader: boolean;
    healthy: boolean;
}

export interface RaftShrinkPlan {
    /** Node IDs to remove, one at a time, in this order. */
    remove: string[];
    /** The leader is among them: step it down first. */
    stepDownFirst: boolean;
    /** Why the shrink is refused, with the safe way; undefined when it may go ahead. */
    refusal?: string;
}

/** Sizes to pass through when shrinking from `voters` to `target` while keeping a majority at every step. */
function shrinkSteps(voters: number, target: number): number[] {
    const steps = [voters];
    for (let current = voters; current > target;) {
        const majority = quorum(current);
        const next = Math.max(target, majority % 2 === 1 ? majority : majority + 1);
        if (next >= current) break;
        steps.push(next);
        current = next;
    }
    return steps;
}

/**
 * Which Raft peers a StatefulSet shrink to `target` replicas removes (the pods of ordinal `target` and up, highest
 * first), refused when the shrink would endanger quorum: to an even count, below a majority of the current voters
 * at once, or leaving fewer healthy voters than the new cluster's quorum.
 */
export function planRaftShrink(peers: RaftPeer[], target: number, statefulSet: string): RaftShrinkPlan {
    const doomed = peers
        .map((p) => ({ p, ordinal: ordinalOf(statefulSet, p.nodeId) }))
        .filter((x): x is { p: RaftPeer; ordinal: number } => x.ordinal !== undefined && x.ordinal >= target)
        .sort((a, b) => b.ordinal - a.ordinal)
        .map((x) => x.p);
    if (doomed.length === 0) return { remove: [], stepDownFirst: false };
    const voters = peers.filter((p) => p.voter).length;
    const problems: string[] = [];
    if (target < 1) problems.push("a Raft cluster needs at least one server");
    else if (target % 2 === 0) {
        problems.push(`${target} voters tolerate no more failures than ${target - 1}; choose ${target - 1} or ${target + 1} replicas`);
    }
    if (target >= 1 && target < quorum(voters)) {
        const steps = shrinkSteps(voters, target);
        problems.push(`shrinking from ${voters} to ${target} voters removes a majority at once; ` + (steps[steps.length - 1] === target
            ? `shrink in steps that keep a majority, one update each: ${steps.join(" → ")}`
            : `remove peers by hand (vault operator raft remove-peer) if losing the majority's redundancy is acceptable`));
    }
    const kept = peers.filter((p) => p.voter && !doomed.includes(p));
    const unhealthy = kept.filter((p) => !p.healthy);
    if (kept.length - unhealthy.length < quorum(kept.length)) {
        problems.push(`the remaining voters would not hold a healthy majority (unhealthy: ${unhealthy.map((p) => p.nodeId).join(", ")}); repair them first`);
    }
    return {
        remove: doomed.map((p) => p.nodeId),
        stepDownFirst: doomed.some((p) => p.leader),
        refusal: problems.length > 0 ? `Refusing to shrink Raft from ${voters} to ${target} voters (would remove ${doomed.map((p) => p.nodeId).join(", ")}): ${problems.join("; ")}.` : undefined,
    };
}

/** Default time a Raft server may be unreachable before autopilot removes it (longer than any pod replacement). */
export const DEAD_SERVER_THRESHOLD = "1h";

/**
 * Autopilot's dead-server cleanup for a cluster of `replicas`: never prune below the majority of the intended size
 * (and Vault requires at least 3). Undefined below 3 replicas, where pruning would only lose redundancy.
 */
export function autopilotConfiguration(replicas: number, deadServerThreshold = DEAD_SERVER_THRESHOLD): Record<string, unknown> | undefined {
    if (replicas < 3) return undefined;
    return { cleanup_dead_servers: true, dead_server_last_contact_threshold: deadServerThreshold, min_quorum: Math.max(3, quorum(replicas)) };
}
