/**
 * The day-2 resources' provider logic (VaultRollout, VaultRaftMembership). It runs in Pulumi's dynamic provider
 * process, loaded by absolute path (see runtimeProvider.ts), so it depends only on this package's modules and
 * Node built-ins. Pods are reached through port-forward streams; the token and unseal keys are read from custody
 * when needed and never kept in these resources' state.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import type { CustodyRecords, CustodySpec } from "../bootstrap/custody";
import { Credentials, custodyCredentials, PodTransport, streamTransport } from "./access";
import { KubernetesAccess, ServerPod, StatefulSetPods } from "./kubernetes";
import { stalePods } from "./plans";
import { removeRaftPeers } from "./raftMembership";
import { RolloutError, RolloutReport, rolloutVault } from "./rollout";

/** Where the cluster is and how it is reached; common to both resources. */
export interface ClusterAccessInputs {
    namespace: string;
    statefulSet: string;
    /** Desired server replicas. */
    replicas: number;
    /** Kubeconfig text. Secret. */
    kubeconfig?: string;
    context?: string;
    /** Trust anchor of the pods' listener (during a CA change, old and new CA); without it the streams speak HTTP. */
    caCertPem?: string;
    /** The init step's custody: the token (admin AppRole or root) and the unseal keys are read from it. Secret. */
    custody: CustodySpec;
    /** The init resource's records with `state` custody. Secret. */
    stateRecords?: Partial<CustodyRecords>;
    timeoutSeconds: number;
    /** Delay between two polls of the cluster. Default 2000 ms. */
    pollIntervalMs?: number;
}

export interface VaultRolloutInputs extends ClusterAccessInputs {
    image: string;
    serverConfigDigest: string;
    chartVersion: string;
    environment: Record<string, string>;
    roleArn?: string;
    startupSecretsDigest?: string;
    certificateFingerprint?: string;
    caFingerprint?: string;
    certificateFile?: string;
    storage: "raft" | "dynamodb";
    seal: string;
    deadServerLastContactThreshold?: string;
}

export interface VaultRolloutOutputs extends VaultRolloutInputs {
    /** The StatefulSet revision every pod runs after the last successful run. */
    updateRevision: string;
    podRevisions: Record<string, string>;
    activePod: string;
    /** Restarts owed by a failed run (a new role or CA reaches only new pods): UIDs of the pods still to replace. */
    pendingRestart?: { key: string; uids: string[] };
}

export type VaultRaftMembershipInputs = ClusterAccessInputs;

export interface VaultRaftMembershipOutputs extends VaultRaftMembershipInputs {
    /** Raft peers after the last run. */
    peers: string[];
}

/** How Pulumi hands a provider an input that is not known yet. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Inputs that change what the pods run: their change is a pending rollout in the preview. */
const POD_INPUTS: (keyof VaultRolloutInputs)[] = [
    "image", "serverConfigDigest", "chartVersion", "environment", "roleArn", "startupSecretsDigest", "certificateFingerprint", "caFingerprint", "seal", "storage", "replicas",
];

function log(message: string): void {
    process.stderr.write(`vault-cluster: ${message}\n`);
}

function access(i: ClusterAccessInputs): KubernetesAccess {
    return { namespace: i.namespace, statefulSet: i.statefulSet, kubeconfig: i.kubeconfig, context: i.context };
}

function differs(a: unknown, b: unknown): boolean {
    return JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
}

/** Pulumi's wire format has no `undefined`. */
function plain<T>(value: T): T {
    return JSON.parse(JSON.stringify(value));
}

/** The pods that exist now; nothing when the StatefulSet does not (yet). */
async function currentPods(i: ClusterAccessInputs): Promise<{ kube: StatefulSetPods; pods: ServerPod[]; updateRevision?: string }> {
    const kube = await StatefulSetPods.open(access(i));
    const sts = await kube.statefulSet();
    return { kube, pods: sts ? await kube.pods() : [], updateRevision: sts?.updateRevision };
}

/** Streams to the pods and custody credentials, for the time of `fn`. */
async function withAccess<T>(i: ClusterAccessInputs, fn: (t: PodTransport, c: Credentials) => Promise<T>): Promise<T> {
    const transport = streamTransport({ namespace: i.namespace, statefulSet: i.statefulSet, kubeconfig: i.kubeconfig, context: i.context, caCertPem: i.caCertPem });
    return fn(transport, custodyCredentials(i.custody, i.stateRecords));
}

/**
 * A new IAM role, CA or Secret read at start (the transit seal's token and CA) reaches only pods created after it: when
 * one changes, every pod existing then restarts.
 */
function restartKey(i: VaultRolloutInputs): string {
    return createHash("sha256").update(JSON.stringify([i.roleArn ?? "", i.caFingerprint ?? "", i.startupSecretsDigest ?? ""])).digest("hex").slice(0, 16);
}

function rolloutOutputs(inputs: VaultRolloutInputs, report: RolloutReport, pendingRestart?: VaultRolloutOutputs["pendingRestart"]): VaultRolloutOutputs {
    return plain({
        ...inputs,
        updateRevision: report.updateRevision,
        podRevisions: Object.fromEntries(report.pods.map((p) => [p.name, p.revision])),
        activePod: report.active ?? "",
        pendingRestart,
    });
}

async function runRollout(inputs: VaultRolloutInputs, previous?: VaultRolloutOutputs, id?: string): Promise<{ id: string; outs: VaultRolloutOutputs }> {
    const key = restartKey(inputs);
    const { pods } = await currentPods(inputs);
    const restart = previous?.pendingRestart?.key === key ? previous.pendingRestart.uids
        : previous && restartKey(previous) !== key ? pods.map((p) => p.uid) : [];
    const resourceId = id ?? `${inputs.namespace}/${inputs.statefulSet}`;
    return withAccess(inputs, async (transport, credentials) => {
        try {
            const report = await rolloutVault({
                ...access(inputs), vaultFor: transport.vaultFor, authenticate: credentials.authenticate, unsealKeys: credentials.unsealKeys,
                storage: inputs.storage, seal: inputs.seal, certificateFingerprint: inputs.certificateFingerprint, certificateFile: inputs.certificateFile,
                restartPodUids: restart, deadServerLastContactThreshold: inputs.deadServerLastContactThreshold, timeoutMs: inputs.timeoutSeconds * 1000, pollIntervalMs: inputs.pollIntervalMs, log,
            });
            return { id: resourceId, outs: rolloutOutputs(inputs, report) };
        } catch (e) {
            if (!(e instanceof RolloutError) || !previous) throw e;
            // Recorded with the previous inputs, so that the next preview still shows the change, and with the restarts still owed.
            const pending = e.report.restartPending.length > 0 ? { key, uids: e.report.restartPending } : undefined;
            const properties = { ...rolloutOutputs(previous, e.report, pending), updateRevision: previous.updateRevision };
            throw Object.assign(new Error(e.message), { id: resourceId, properties, reasons: [e.message] });
        }
    });
}

/** VaultRollout: replaces pods on an old revision, reloads renewed certificates, admits new Raft voters. */
export const rollout = {
    async create(inputs: VaultRolloutInputs): Promise<pulumi.dynamic.CreateResult> {
        return runRollout(inputs);
    },

    /** A change when what the pods run changed, when restarts are owed, or when a pod runs an old revision (asked in previews too). */
    async diff(_id: string, olds: VaultRolloutOutputs, news: VaultRolloutInputs): Promise<pulumi.dynamic.DiffResult> {
        const changed = POD_INPUTS.some((k) => differs(olds[k], news[k])) || olds.pendingRestart !== undefined;
        return { changes: changed || await hasOldPods(news), replaces: [], deleteBeforeReplace: false };
    },

    async update(id: string, olds: VaultRolloutOutputs, news: VaultRolloutInputs): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: (await runRollout(news, olds, id)).outs };
    },
};

/** Whether a pod runs an old revision; when the cluster cannot be asked (or is not known yet), assume so. */
async function hasOldPods(news: VaultRolloutInputs): Promise<boolean> {
    if (JSON.stringify(access(news)).includes(UNKNOWN)) return true;
    try {
        const { pods, updateRevision } = await currentPods(news);
        return updateRevision !== undefined && stalePods(pods, updateRevision).length > 0;
    } catch {
        return true;
    }
}

async function runRaftMembership(inputs: VaultRaftMembershipInputs, id?: string): Promise<{ id: string; outs: VaultRaftMembershipOutputs }> {
    const resourceId = id ?? `${inputs.namespace}/${inputs.statefulSet}/raft`;
    const { pods } = await currentPods(inputs);
    if (pods.length === 0) return { id: resourceId, outs: plain({ ...inputs, peers: [] }) };
    const report = await withAccess(inputs, (transport, credentials) => removeRaftPeers({
        ...access(inputs), replicas: inputs.replicas, vaultFor: transport.vaultFor, authenticate: credentials.authenticate,
        timeoutMs: inputs.timeoutSeconds * 1000, pollIntervalMs: inputs.pollIntervalMs, log,
    }));
    return { id: resourceId, outs: plain({ ...inputs, peers: report.peers }) };
}

/** VaultRaftMembership: removes the peers of the pods a shrink deletes, before the release shrinks the StatefulSet. */
export const raftMembership = {
    async create(inputs: VaultRaftMembershipInputs): Promise<pulumi.dynamic.CreateResult> {
        return runRaftMembership(inputs);
    },

    async diff(_id: string, olds: VaultRaftMembershipOutputs, news: VaultRaftMembershipInputs): Promise<pulumi.dynamic.DiffResult> {
        return { changes: olds.replicas !== news.replicas, replaces: [], deleteBeforeReplace: false };
    },

    async update(id: string, _olds: VaultRaftMembershipOutputs, news: VaultRaftMembershipInputs): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: (await runRaftMembership(news, id)).outs };
    },
};
