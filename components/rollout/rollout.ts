import { describeError, VaultClient } from "../bootstrap/vaultApi";
import { KubernetesAccess, ServerPod, StatefulSetPods } from "./kubernetes";
import { autopilotConfiguration, planSealChange, replacementOrder, stalePods } from "./plans";
import { Check, DONE, PollTiming, sleep, until, waiting } from "./poll";
import { certificateFingerprint, sameFingerprint } from "./fingerprints";
import { canStepDown, ensureAutopilot, leaderPod, nodeHealth, NodeHealth, raftPeers, sealStatus, servedFingerprint, unsealWith } from "./vaultNode";

export interface RolloutOptions extends KubernetesAccess {
    /** Reaches one pod's Vault API (a port-forward to that pod). Called again after the pod was replaced. */
    vaultFor(pod: string): VaultClient;
    /** The SHA-256 fingerprint of the certificate a pod serves. Default: a TLS handshake with `vaultFor(pod)`'s endpoint. */
    servedCertificate?(pod: string): Promise<string>;
    /**
     * `client` with a token allowed `sys/step-down` (sudo) and, with Raft, `sys/storage/raft/*` (a root token, or an
     * AppRole login through `client`). Asked only when needed.
     */
    authenticate?(client: VaultClient): Promise<VaultClient>;
    /** Base64 unseal keys (custody): Shamir pods after their replacement, and a migration from Shamir. Asked only when needed. */
    unsealKeys?(): Promise<string[]>;
    storage: "raft" | "dynamodb";
    /** The seal in the pods' new configuration (`shamir`, `awskms`, ...). */
    seal: string;
    /** SHA-256 fingerprint of the server certificate every pod must serve; pods serving another one get SIGHUP. */
    certificateFingerprint?: string;
    /** Where pods see that certificate (the mounted TLS Secret); SIGHUP waits until the kubelet has updated it. */
    certificateFile?: string;
    /** UIDs of pods to replace even on the current revision (a new IAM role or CA only reaches new pods). */
    restartPodUids?: string[];
    /** Autopilot's dead-server threshold with Raft (Go duration). Default "1h". */
    deadServerLastContactThreshold?: string;
    /** Longest wait of any single step (a pod coming back, an eviction the PDB refuses, a new active node). Default 600 000 ms. */
    timeoutMs?: number;
    /** Delay between two polls. Default 2000 ms. */
    pollIntervalMs?: number;
    /** TLS handshakes after a SIGHUP before the pod is declared failed (one per poll interval). Default 10. */
    certificateAttempts?: number;
    /** Progress messages; never a key or token. */
    log?(message: string): void;
}

export interface PodRevision {
    name: string;
    revision: string;
    upToDate: boolean;
}

export interface RolloutReport {
    updateRevision: string;
    /** Pods replaced, in order. */
    replaced: string[];
    /** Pods whose Vault reloaded its certificate on SIGHUP. */
    reloaded: string[];
    /** New Raft servers waited for until they were voters. */
    joined: string[];
    /** The one leadership change, when the active node had to be replaced (epoch milliseconds). */
    stepDown?: StepDown;
    sealMigration: boolean;
    /** Autopilot's settings were written. */
    autopilotConfigured: boolean;
    active?: string;
    /** Every pod and its revision at the end (or when the rollout stopped). */
    pods: PodRevision[];
    /** UIDs of `restartPodUids` still running: to replace on the next run. */
    restartPending: string[];
}

/** The rollout stopped; nothing else was touched after the failing step. `report` tells which pods run which revision. */
export class RolloutError extends Error {
    constructor(message: string, readonly report: RolloutReport) {
        super(message);
        this.name = "RolloutError";
    }
}

/** The chart runs Vault under `/bin/sh -ec` (PID 1, which ignores signals it has no handler for): signal Vault itself, as the chart's preStop hook does. */
const SIGHUP_VAULT = ["/bin/sh", "-c", "kill -HUP $(pidof vault)"];

export interface StepDown {
    from: string;
    to: string;
    /** Epoch milliseconds of the step-down request and of the moment the new active node was settled. */
    requestedAt: number;
    settledAt: number;
}

/** Health of each pod's Vault, by pod. */
export function healthOf(vaultFor: (pod: string) => VaultClient, pods: string[]): Promise<Map<string, NodeHealth>> {
    return Promise.all(pods.map(async (p) => [p, await nodeHealth(vaultFor(p))] as const)).then((e) => new Map(e));
}

export interface HandOverOptions {
    kube: StatefulSetPods;
    vaultFor(pod: string): VaultClient;
    /** The active node's client, with a token allowed sudo on sys/step-down. */
    active: VaultClient;
    /** The active node's pod. */
    from: string;
    /** Pods one of which must take over. */
    successors: string[];
    timing: PollTiming;
    log(message: string): void;
}

/**
 * Steps the active node down (`PUT /v1/sys/step-down` through `active`, a client with a sudo token) and waits for a
 * new active node among `successors`, as Vault and the `vault-active` label (what the active Service routes by)
 * both tell.
 */
export async function handOver(o: HandOverOptions): Promise<StepDown> {
    const requestedAt = Date.now();
    o.log(`Stepping down the active node ${o.from}`);
    await o.active.request("PUT", "/v1/sys/step-down");
    let to = "";
    await until(`a new active node among ${o.successors.join(", ")}`, async () => {
        const health = await healthOf(o.vaultFor, o.successors);
        const next = o.successors.find((p) => health.get(p)!.role === "active");
        if (!next) return waiting("no active node yet");
        const pods = await o.kube.pods();
        const labelled = pods.filter((p) => p.labels["vault-active"] === "true").map((p) => p.name);
        const registers = pods.some((p) => "vault-active" in p.labels);
        if (registers && (labelled.length !== 1 || labelled[0] !== next)) return waiting(`${next} is active; pods labelled vault-active=true: ${labelled.join(", ") || "none"}`);
        to = next;
        return DONE;
    }, o.timing);
    const settledAt = Date.now();
    o.log(`${to} is the active node (${settledAt - requestedAt} ms after the step-down)`);
    return { from: o.from, to, requestedAt, settledAt };
}

/**
 * Replaces the Vault pods that run an old StatefulSet revision, in the order that keeps the cluster available:
 * standbys one at a time (evicted, so the PodDisruptionBudget is honoured; each waited for until Running, unsealed,
 * healthy and, with Raft, a healthy voter), then the active node steps down, a replaced node takes over, and the
 * old active pod is replaced last. Pods serving an old certificate reload it on SIGHUP; with Raft, new servers are
 * waited for until they vote and autopilot's dead-server cleanup is configured. It refuses to start on an unhealthy
 * cluster and stops at the first failure, reporting which pods run which revision. Usable outside Pulumi.
 */
export async function rolloutVault(options: RolloutOptions): Promise<RolloutReport> {
    return new Rollout(options, await StatefulSetPods.open(options)).run();
}

class Rollout {
    private readonly log: (m: string) => void;
    private readonly timing: PollTiming;
    private updateRevision = "";
    private replicas = 0;
    private readonly restart: Set<string>;
    private readonly replaced: string[] = [];
    private readonly reloaded: string[] = [];
    private readonly joined: string[] = [];
    private stepDown?: RolloutReport["stepDown"];
    private sealMigration = false;
    private autopilotConfigured = false;
    private readonly authenticated = new Map<string, VaultClient>();
    /** The active node last found, asked first next time (it rarely changes). */
    private lastActive?: string;
    private keys?: string[];

    constructor(private readonly o: RolloutOptions, private readonly kube: StatefulSetPods) {
        this.log = o.log ?? (() => undefined);
        this.timing = { timeoutMs: o.timeoutMs ?? 600_000, intervalMs: o.pollIntervalMs ?? 2000 };
        this.restart = new Set(o.restartPodUids ?? []);
    }

    async run(): Promise<RolloutReport> {
        const sts = await this.kube.statefulSet();
        if (!sts) {
            this.log(`${this.kube.description} does not exist: nothing to roll out`);
            return this.report([], undefined);
        }
        this.updateRevision = sts.updateRevision;
        this.replicas = sts.replicas;
        const pods = await this.kube.pods();
        const stale = stalePods(pods, this.updateRevision, this.restart);
        const reload = this.o.certificateFingerprint ? await this.podsServingOtherCertificates(pods.filter((p) => !stale.includes(p))) : [];
        if (stale.length === 0 && reload.length === 0 && this.o.storage !== "raft") {
            this.log(`Every pod of ${this.kube.description} runs revision ${this.updateRevision}${this.o.certificateFingerprint ? " and serves the current certificate" : ""}`);
            return this.report(pods, undefined);
        }
        const { active, joining } = await this.preflight(pods, stale);
        try {
            for (const pod of joining) await this.join(pod);
            if (stale.length > 0) {
                const order = replacementOrder(stale, active);
                this.log(`Replacing ${stale.length} of ${pods.length} pods (revision ${this.updateRevision}): ` +
                    `${[...order.standbys, ...(order.active ? [order.active] : [])].map((p) => p.name).join(", ")}, one at a time`);
            }
            for (let remaining = stale; remaining.length > 0;) {
                // Asked again before each step: should leadership move meanwhile (a crash), the order follows it, so
                // that a step-down never hands leadership to a pod on the old revision.
                const order = replacementOrder(remaining, await this.currentActive(pods.map((p) => p.name)));
                const pod = order.standbys[0] ?? order.active!;
                if (pod === order.active) await this.handOverFrom(pod.name, pods.map((p) => p.name));
                await this.replace(pod);
                remaining = remaining.filter((p) => p !== pod);
            }
            if (this.o.certificateFingerprint) for (const pod of await this.podsServingOtherCertificates(await this.kube.pods())) await this.reload(pod);
            if (this.o.storage === "raft") await this.configureAutopilot();
        } catch (e) {
            const report = await this.report(undefined, undefined).catch(() => this.report([], undefined));
            const where = report.pods.map((p) => `${p.name}: ${p.revision || "?"}${p.upToDate ? "" : " (to replace)"}`).join(", ");
            throw new RolloutError(`The rollout of ${this.kube.description} stopped: ${describeError(e)}. No other pod was touched. ` +
                `Revisions now (update revision ${this.updateRevision}): ${where || "no pods"}. Fix the cause and run again: ` +
                `pods already on the update revision are not replaced again.`, report);
        }
        const report = await this.report(undefined, undefined);
        this.log(`Rollout done: ${report.replaced.length} replaced, ${report.reloaded.length} reloaded their certificate; active node ${report.active ?? "unknown"}`);
        return report;
    }

    private async report(pods: ServerPod[] | undefined, active: string | undefined): Promise<RolloutReport> {
        const now = pods ?? await this.kube.pods();
        const activePod = active ?? now.find((p) => p.labels["vault-active"] === "true")?.name ?? this.lastActive;
        return {
            updateRevision: this.updateRevision, replaced: [...this.replaced], reloaded: [...this.reloaded], joined: [...this.joined],
            stepDown: this.stepDown, sealMigration: this.sealMigration, autopilotConfigured: this.autopilotConfigured, active: activePod,
            pods: now.map((p) => ({ name: p.name, revision: p.revision, upToDate: p.revision === this.updateRevision && !this.restart.has(p.uid) })),
            restartPending: now.filter((p) => this.restart.has(p.uid)).map((p) => p.uid),
        };
    }

    private until(what: string, check: () => Promise<Check>): Promise<void> {
        return until(what, check, this.timing);
    }

    /** The active node among `pods`, waited for while there is none (an election under way). */
    private async currentActive(pods: string[]): Promise<string> {
        let active = "";
        await this.until("an active node", async () => {
            const health = await this.health(pods);
            active = pods.find((p) => health.get(p)!.role === "active") ?? "";
            return active ? DONE : waiting(pods.map((p) => `${p}: ${health.get(p)!.role}`).join(", "));
        });
        this.lastActive = active;
        return active;
    }

    /** Steps `from` down for one of the other pods (all on the update revision by now); a single server has none. */
    private async handOverFrom(from: string, pods: string[]): Promise<void> {
        const successors = pods.filter((p) => p !== from);
        if (successors.length === 0) {
            this.log(`${from} is the only server: it is replaced without a standby to take over (Vault is unavailable meanwhile)`);
            return;
        }
        this.stepDown = await handOver({
            kube: this.kube, vaultFor: (p) => this.o.vaultFor(p), active: await this.tokenFor(this.o.vaultFor(from)), from, successors, timing: this.timing, log: this.log,
        });
        this.lastActive = this.stepDown.to;
    }

    /** Polls `ask` until it answers. */
    private async answer<T>(what: string, ask: () => Promise<T>): Promise<T> {
        let value: T | undefined;
        await this.until(what, async () => {
            value = await ask();
            return DONE;
        });
        return value as T;
    }

    private async tokenFor(client: VaultClient): Promise<VaultClient> {
        if (!this.o.authenticate) throw new Error("a Vault token is needed (sys/step-down, Raft) and none was given");
        if (!this.authenticated.has(client.address)) this.authenticated.set(client.address, await this.o.authenticate(client));
        return this.authenticated.get(client.address)!;
    }

    private async unsealKeys(pod: string): Promise<string[]> {
        if (!this.o.unsealKeys) throw new Error(`${pod} is sealed and no unseal keys were given`);
        this.keys ??= await this.o.unsealKeys();
        return this.keys;
    }

    private health(pods: string[]): Promise<Map<string, NodeHealth>> {
        return healthOf((p) => this.o.vaultFor(p), pods);
    }

    /**
     * Refuses to start on an unhealthy cluster: every replica present and Running, unsealed, one active node that
     * every server agrees on, with Raft every member a healthy voter (new servers still joining are admitted), and a
     * seal change that can be migrated.
     */
    private async preflight(pods: ServerPod[], stale: ServerPod[]): Promise<{ active: string; joining: string[] }> {
        const problems: string[] = [];
        const present = new Set(pods.map((p) => p.name));
        for (let i = 0; i < this.replicas; i++) if (!present.has(`${this.o.statefulSet}-${i}`)) problems.push(`${this.o.statefulSet}-${i}: missing`);
        for (const p of pods) {
            if (p.terminating) problems.push(`${p.name}: being deleted`);
            else if (p.phase !== "Running") problems.push(`${p.name}: ${p.phase}`);
        }
        const running = pods.filter((p) => !p.terminating && p.phase === "Running").map((p) => p.name);
        const health = await this.health(running);
        const actives = running.filter((p) => health.get(p)!.role === "active");
        if (actives.length === 0) problems.push("no active node");
        if (actives.length > 1) problems.push(`more than one active node (${actives.join(", ")})`);
        let joining: string[] = [];
        if (actives.length === 1) {
            const active = this.o.vaultFor(actives[0]);
            const leaders = await Promise.all(running.filter((p) => health.get(p)!.role === "standby").map(async (p) => [p, await leaderPod(this.o.vaultFor(p)).catch(() => undefined)] as const));
            for (const [p, leader] of leaders) if (leader !== actives[0]) problems.push(`${p}: its leader is ${leader ?? "unknown"}, not ${actives[0]}`);
            if (this.o.storage === "raft") {
                const peers = await raftPeers(await this.tokenFor(active));
                const members = new Map(peers.map((p) => [p.nodeId, p]));
                joining = running.filter((p) => !members.get(p)?.voter);
                for (const peer of peers) if (peer.voter && !peer.healthy) problems.push(`${peer.nodeId}: unhealthy Raft voter`);
            }
            if (stale.some((p) => p.name === actives[0]) && !(await canStepDown(await this.tokenFor(active)))) {
                problems.push("the token from custody may not step the active node down (it needs sudo on sys/step-down)");
            }
            const seal = await sealStatus(active);
            const plan = planSealChange({ type: seal.type }, { type: this.o.seal });
            if (plan.action === "refuse") problems.push(plan.message);
            if (plan.action === "migrate") {
                this.sealMigration = true;
                this.log(plan.message);
            }
        }
        for (const p of running) {
            const role = health.get(p)!;
            // A new Raft server is sealed until it joins (with Shamir, its unseal completes the join): admitted below.
            if (role.role === "standby" || role.role === "active" || (role.role === "sealed" && joining.includes(p))) continue;
            problems.push(`${p}: ${role.role === "unreachable" ? `Vault unreachable (${role.detail})` : role.role}`);
        }
        if (problems.length > 0) {
            throw new RolloutError(`Refusing to roll out ${this.kube.description}, nothing was changed: ${problems.join("; ")}. ` +
                "Fix this first (the init step unseals Shamir pods on every run), then run again.", await this.report(pods, actives[0]));
        }
        return { active: actives[0], joining };
    }

    /** Evicts a pod, waiting while its PodDisruptionBudget allows no disruption (HTTP 429). */
    private async evict(pod: string): Promise<void> {
        let told = false;
        await this.until(`the eviction of ${pod} (its PodDisruptionBudget refused it; see \`kubectl -n ${this.o.namespace} get pdb\`: ` +
            "with fewer than 3 replicas the chart's budget allows no disruption at all)", async () => {
            const outcome = await this.kube.evict(pod);
            if (outcome !== "blocked") return DONE;
            if (!told) this.log(`The PodDisruptionBudget allows no disruption now; waiting to evict ${pod}`);
            told = true;
            return waiting("HTTP 429 from the eviction API");
        });
    }

    private async replace(pod: ServerPod): Promise<void> {
        this.log(`Replacing ${pod.name} (revision ${pod.revision || "?"} → ${this.updateRevision})`);
        await this.evict(pod.name);
        await this.until(`${pod.name} to come back Running`, async () => {
            const now = (await this.kube.pods()).find((p) => p.name === pod.name);
            if (!now) return waiting("not recreated yet");
            if (now.uid === pod.uid) return waiting("the old pod is still terminating");
            if (now.phase !== "Running" || now.terminating) return waiting(`phase ${now.phase}`);
            return DONE;
        });
        await this.bringUp(pod.name);
        this.restart.delete(pod.uid);
        this.replaced.push(pod.name);
        this.log(`${pod.name} is back: revision ${this.updateRevision}, unsealed and healthy`);
    }

    /** A new or replaced server: unsealed (from custody with Shamir, with `migrate` during a seal migration), healthy, and with Raft a healthy voter. */
    private async bringUp(pod: string): Promise<void> {
        const client = this.o.vaultFor(pod);
        const status = await this.answer(`Vault in ${pod} to answer`, () => sealStatus(client));
        if (status.sealed && status.migration) {
            if (!this.sealMigration) throw new Error(`${pod} asks for a seal migration that was not planned (seal ${status.type})`);
            this.log(`Unsealing ${pod} with migrate=true (seal migration)`);
            await unsealWith(client, await this.unsealKeys(pod), true);
        } else if (status.sealed && status.type === "shamir") {
            this.log(`Unsealing ${pod} with the keys from custody`);
            await unsealWith(client, await this.unsealKeys(pod), false);
        }
        await this.until(`${pod} to be unsealed and healthy`, async () => {
            const h = await nodeHealth(client);
            return h.role === "standby" || h.role === "active" ? DONE : waiting(h.role === "unreachable" ? h.detail : h.role);
        });
        if (this.o.storage === "raft") await this.untilVoter(pod);
    }

    private async untilVoter(pod: string): Promise<void> {
        await this.until(`${pod} to be a healthy Raft voter`, async () => {
            const active = await this.activeClient();
            const peer = (await raftPeers(active)).find((p) => p.nodeId === pod);
            return peer?.voter && peer.healthy ? DONE : waiting(peer ? `${peer.voter ? "voter" : "non-voter"}, ${peer.healthy ? "healthy" : "unhealthy"}` : "not a peer");
        });
    }

    /** A client with a token on the current active node (found by asking any server for the leader). */
    private async activeClient(): Promise<VaultClient> {
        if (this.lastActive && (await nodeHealth(this.o.vaultFor(this.lastActive))).role === "active") return this.tokenFor(this.o.vaultFor(this.lastActive));
        const pods = (await this.kube.pods()).filter((p) => p.phase === "Running" && !p.terminating);
        const health = await this.health(pods.map((p) => p.name));
        this.lastActive = pods.find((p) => health.get(p.name)!.role === "active")?.name;
        if (!this.lastActive) throw new Error("no active node");
        return this.tokenFor(this.o.vaultFor(this.lastActive));
    }

    /** A server new to Raft (a scale-up): unsealed when sealed (this completes its join with Shamir), then a voter. */
    private async join(pod: string): Promise<void> {
        this.log(`${pod} is joining Raft; waiting until it votes`);
        await this.bringUp(pod);
        this.joined.push(pod);
    }

    private served(pod: string): Promise<string> {
        return this.o.servedCertificate ? this.o.servedCertificate(pod) : servedFingerprint(this.o.vaultFor(pod).endpoint);
    }

    /** Running pods whose Vault serves another certificate than the expected one. Unreachable ones are left to the preflight. */
    private async podsServingOtherCertificates(pods: ServerPod[]): Promise<ServerPod[]> {
        const expected = this.o.certificateFingerprint!;
        const running = pods.filter((p) => p.phase === "Running" && !p.terminating);
        const served = await Promise.all(running.map((p) => this.served(p.name).catch(() => expected)));
        return running.filter((_, i) => !sameFingerprint(served[i], expected));
    }

    /** SIGHUP to the Vault process (not PID 1: the chart runs Vault under `sh -c`), once the kubelet has updated the file. */
    private async reload(pod: ServerPod): Promise<void> {
        const expected = this.o.certificateFingerprint!;
        const file = this.o.certificateFile;
        if (file) {
            await this.until(`the new certificate to reach ${pod.name}:${file}`, async () => {
                const cat = await this.kube.exec(pod.name, ["cat", file], 30_000);
                if (cat.exitCode !== 0) return waiting(`cat exited ${cat.exitCode}: ${cat.stderr.trim()}`);
                return sameFingerprint(certificateFingerprint(cat.stdout), expected) ? DONE : waiting("the old certificate is still mounted");
            });
        }
        this.log(`Sending SIGHUP to Vault in ${pod.name} to reload its certificate`);
        const hup = await this.kube.exec(pod.name, SIGHUP_VAULT, 30_000);
        if (hup.exitCode !== 0) throw new Error(`SIGHUP to Vault in ${pod.name} failed (exit code ${hup.exitCode}: ${hup.stderr.trim()})`);
        let seen = "";
        for (let attempt = 1; attempt <= (this.o.certificateAttempts ?? 10); attempt++) {
            seen = await this.served(pod.name).catch((e) => describeError(e));
            if (sameFingerprint(seen, expected)) {
                this.reloaded.push(pod.name);
                return;
            }
            await sleep(this.timing.intervalMs);
        }
        throw new Error(`${pod.name} still serves another certificate after SIGHUP (${seen}; expected ${expected})`);
    }

    private async configureAutopilot(): Promise<void> {
        const wanted = autopilotConfiguration(this.replicas, this.o.deadServerLastContactThreshold);
        if (!wanted) return;
        this.autopilotConfigured = await ensureAutopilot(await this.activeClient(), wanted);
        if (this.autopilotConfigured) this.log(`Autopilot: dead servers cleaned up after ${wanted.dead_server_last_contact_threshold}, never below ${wanted.min_quorum} servers`);
    }
}
