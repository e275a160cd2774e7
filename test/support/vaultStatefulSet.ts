import * as https from "https";
import { VaultClient } from "../../components/bootstrap/vaultApi";
import { unsealWith } from "../../components/rollout/vaultNode";
import type { TestCertificate } from "./certs";
import { Timers } from "./timers";
import { FakeExecResult, FakeKubernetes } from "./fakeKubernetes";
import { FakeVault, ReplicaStart } from "./fakeVault";

/**
 * The chart's Vault StatefulSet as the Kubernetes API stand-in serves it, one stand-in Vault replica per pod: the
 * `OnDelete` controller (an evicted pod is recreated after a delay from the update revision, or never comes back),
 * the PodDisruptionBudget the chart renders, service registration (`vault-active`, `vault-sealed` labels, lagging
 * Vault's state), the mounted TLS Secret (updated by the kubelet after a delay) and exec into the Vault container
 * (`cat`, `pidof`, `kill`: SIGHUP reloads the certificate; PID 1 is the chart's `sh -ec` wrapper, which ignores it).
 */
export interface FakeStatefulSetOptions {
    namespace?: string;
    /** The StatefulSet (the chart's fullname). Default "vault"; the Vault stand-in's node IDs must be its pod names. */
    name?: string;
    /** Revision of the initial pods. Default "vault-rev1". */
    revision?: string;
    /** From a pod's deletion to its replacement's creation. Default 30 ms. */
    recreateDelayMs?: number;
    /** From creation to Running (scheduling, image pull). Default 20 ms. */
    startDelayMs?: number;
    /** Service registration's lag behind Vault's state. Default 10 ms. */
    labelDelayMs?: number;
    /** The kubelet's lag copying a changed Secret into running pods. Default 0. */
    secretSyncDelayMs?: number;
    /** Where pods see the server certificate. */
    certificateFile?: string;
}

/** The pid `pidof vault` reports: Vault runs as a child of the chart's shell. */
const VAULT_PID = 7;

export class FakeVaultStatefulSet {
    readonly namespace: string;
    readonly name: string;
    readonly certificateFile: string;
    updateRevision: string;
    /** Pods whose replacement stays Pending forever (an image that cannot be pulled, a node that never fits). */
    readonly neverReturn = new Set<string>();
    /** Evictions to refuse (429) before the budget is even computed: a disruption elsewhere. */
    blockEvictions = 0;
    /** SIGHUPs Vault received, per pod. */
    readonly sighups = new Map<string, number>();
    /** The UIDs each pod had: more than one means it was replaced. */
    readonly incarnations = new Map<string, string[]>();
    /** The certificate in the TLS Secret; new pods mount it. */
    secretCertificate: TestCertificate;
    private readonly templates = new Map<string, ReplicaStart>();
    private readonly files = new Map<string, TestCertificate>();
    private readonly revisions = new Map<string, string>();
    private readonly timers = new Timers();
    private uids = 0;
    private replicas: number;

    constructor(readonly kube: FakeKubernetes, readonly vault: FakeVault, private readonly o: FakeStatefulSetOptions = {}) {
        this.namespace = o.namespace ?? "vault";
        this.name = o.name ?? "vault";
        this.updateRevision = o.revision ?? "vault-rev1";
        this.certificateFile = o.certificateFile ?? "/vault/userconfig/vault-server-tls/vault.crt";
        this.secretCertificate = vault.options.certificate;
        this.replicas = vault.addresses.length;
        this.templates.set(this.updateRevision, {});
    }

    pod(i: number): string {
        return `${this.name}-${i}`;
    }

    ordinal(pod: string): number {
        return Number(pod.slice(this.name.length + 1));
    }

    /** Registers the pods of the stand-in's replicas, all Running on the initial revision. */
    start(): this {
        for (let i = 0; i < this.replicas; i++) {
            this.createPod(i);
            this.running(i);
        }
        for (let i = 0; i < this.replicas; i++) this.register(i);
        this.kube.onEviction = (_, pod) => this.evict(pod);
        this.kube.onExec = (pod, container, command) => this.exec(pod, container, command);
        this.vault.on("change", (i: number) => {
            this.updateReadiness(i);
            this.timers.later(this.o.labelDelayMs ?? 10, () => this.register(i));
        });
        this.publish();
        return this;
    }

    stop(): void {
        this.timers.clear();
    }

    /** A new pod template (what `helm upgrade` does to the StatefulSet): new pods run `template`. */
    upgrade(revision: string, template: ReplicaStart = {}): void {
        this.templates.set(revision, template);
        this.updateRevision = revision;
        this.publish();
    }

    /** A renewed certificate in the TLS Secret: the kubelet updates running pods' files after its delay. */
    rotateSecret(certificate: TestCertificate): void {
        this.secretCertificate = certificate;
        this.timers.later(this.o.secretSyncDelayMs ?? 0, () => {
            for (const pod of this.kube.pods.keys()) this.files.set(pod, certificate);
        });
    }

    /** A larger StatefulSet (what `helm upgrade` with more replicas does): new pods start from the update revision. */
    async scaleUp(replicas: number): Promise<void> {
        for (let i = this.replicas; i < replicas; i++) {
            await this.vault.addReplica({ ...this.templates.get(this.updateRevision), certificate: this.secretCertificate });
            this.createPod(i);
            this.running(i);
            this.register(i);
        }
        this.replicas = replicas;
        this.publish();
    }

    /** Which revision each pod runs. */
    podRevisions(): Record<string, string> {
        return Object.fromEntries([...this.kube.pods.keys()].map((p) => [p, this.revisions.get(p)!]));
    }

    /** Pods that were replaced (more than one UID). */
    restarted(): string[] {
        return [...this.incarnations].filter(([, uids]) => uids.length > 1).map(([pod]) => pod);
    }

    /** The chart's PodDisruptionBudget: maxUnavailable = (replicas - 1) / 2, rounded down. */
    maxUnavailable(): number {
        return Math.floor((this.replicas * 5 - 1) / 10);
    }

    private publish(): void {
        const pods = [...this.kube.pods.keys()];
        this.kube.statefulSets.set(`${this.namespace}/${this.name}`, {
            apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: this.name, namespace: this.namespace },
            spec: {
                replicas: this.replicas, updateStrategy: { type: "OnDelete" },
                selector: { matchLabels: { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": this.name, component: "server" } },
            },
            status: {
                replicas: pods.length, readyReplicas: pods.filter((p) => this.kube.podStatus.get(p)?.ready).length, updateRevision: this.updateRevision,
                currentRevision: pods.every((p) => this.revisions.get(p) === this.updateRevision) ? this.updateRevision : this.revisions.get(pods[0]),
            },
        });
    }

    private createPod(i: number): void {
        const pod = this.pod(i);
        const uid = `uid-${pod}-${++this.uids}`;
        this.incarnations.set(pod, [...(this.incarnations.get(pod) ?? []), uid]);
        this.revisions.set(pod, this.updateRevision);
        this.files.set(pod, this.secretCertificate);
        this.kube.pods.set(pod, {
            "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": this.name, component: "server",
            "controller-revision-hash": this.updateRevision, "statefulset.kubernetes.io/pod-name": pod,
        });
        this.kube.podStatus.set(pod, { uid, phase: "Pending", ready: false });
        this.kube.targets.set(`${pod}:8200`, Number(new URL(this.vault.addresses[i] ?? "https://127.0.0.1:1").port));
    }

    private running(i: number): void {
        this.kube.podStatus.get(this.pod(i))!.phase = "Running";
        this.updateReadiness(i);
    }

    /** The readiness probe: Running and Vault unsealed (sys/health with standbyok). */
    private updateReadiness(i: number): void {
        const status = this.kube.podStatus.get(this.pod(i));
        const vault = this.vault.registration(i);
        if (status) status.ready = status.phase === "Running" && !status.deletionTimestamp && vault !== undefined && !vault.sealed;
        this.publish();
    }

    /** Service registration: Vault labels its own pod. */
    private register(i: number): void {
        const labels = this.kube.pods.get(this.pod(i));
        const state = this.vault.registration(i);
        if (!labels || !state) return;
        Object.assign(labels, {
            "vault-active": String(state.active), "vault-sealed": String(state.sealed), "vault-initialized": String(this.vault.initialized),
            "vault-perf-standby": "false", "vault-version": state.version,
        });
    }

    private evict(pod: string): number {
        if (!this.kube.pods.has(pod)) return 404;
        if (this.blockEvictions > 0) {
            this.blockEvictions--;
            return 429;
        }
        const healthy = [...this.kube.pods.keys()].filter((p) => this.kube.podStatus.get(p)?.ready).length;
        if (healthy - (this.replicas - this.maxUnavailable()) < 1) return 429;
        this.terminate(this.ordinal(pod));
        return 201;
    }

    /** The pod terminates (Vault stops), disappears, and the controller creates it again from the update revision. */
    private terminate(i: number): void {
        const pod = this.pod(i);
        this.kube.podStatus.get(pod)!.deletionTimestamp = new Date().toISOString();
        void this.vault.stopReplica(i);
        this.timers.later(5, () => {
            this.kube.pods.delete(pod);
            this.kube.podStatus.delete(pod);
            this.publish();
            this.timers.later(this.o.recreateDelayMs ?? 30, () => {
                this.createPod(i);
                this.publish();
                if (this.neverReturn.has(pod)) return;
                this.timers.later(this.o.startDelayMs ?? 20, () => {
                    void this.vault.startReplica(i, { ...this.templates.get(this.updateRevision), certificate: this.secretCertificate }).then(() => this.running(i));
                });
            });
        });
    }

    private exec(pod: string, container: string, command: string[]): FakeExecResult {
        if (container !== "vault") return { stderr: `container ${container} not found in pod ${pod}`, exitCode: 1 };
        if (command[0] === "/bin/sh" && command[1] === "-c" && command.length === 3) {
            const script = command[2].replace(/\$\(([^)]*)\)/g, (_, inner: string) => (this.run(pod, inner.trim().split(/\s+/)).stdout ?? "").trim());
            return this.run(pod, script.trim().split(/\s+/));
        }
        return this.run(pod, command);
    }

    private run(pod: string, argv: string[]): FakeExecResult {
        const i = this.ordinal(pod);
        const vaultRuns = this.vault.registration(i) !== undefined;
        switch (argv[0]) {
            case "cat": {
                const cert = argv[1] === this.certificateFile ? this.files.get(pod) : undefined;
                return cert ? { stdout: cert.certPem, exitCode: 0 } : { stderr: `cat: can't open '${argv[1]}': No such file or directory`, exitCode: 1 };
            }
            case "pidof":
                return argv[1] === "vault" && vaultRuns ? { stdout: `${VAULT_PID}\n`, exitCode: 0 } : { exitCode: 1 };
            case "kill": {
                const [signal, ...pids] = argv.slice(1);
                if (!/^-(HUP|SIGHUP|1)$/.test(signal ?? "") || pids.length === 0) return { stderr: "kill: usage: kill [-s SIGNAL | -SIGNAL] PID...", exitCode: 1 };
                for (const pid of pids) {
                    if (pid === String(VAULT_PID) && vaultRuns) {
                        this.vault.reloadCertificate(i, this.files.get(pod)!);
                        this.sighups.set(pod, (this.sighups.get(pod) ?? 0) + 1);
                    } else if (pid !== "1") {
                        return { stderr: `kill: can't kill pid ${pid}: No such process`, exitCode: 1 };
                    }
                }
                return { exitCode: 0 };
            }
            default:
                return { stderr: `sh: ${argv[0]}: not found`, exitCode: 127 };
        }
    }
}

/** One request of the probe: when it was sent and answered, to which pod, and how it went. */
export interface ProbeSample {
    at: number;
    answeredAt: number;
    pod?: string;
    ok: boolean;
    detail: string;
}

/** Whether a request was under way at some moment of [from, to]. */
export function within(s: ProbeSample, from: number, to: number): boolean {
    return s.answeredAt >= from && s.at <= to;
}

/**
 * A client of the active Service: every `intervalMs` it sends a read to whichever pod the Service routes to (the
 * one labelled `vault-active=true` and not terminating) and records the outcome.
 */
export class ActiveServiceProbe {
    readonly samples: ProbeSample[] = [];
    private timer?: NodeJS.Timeout;
    private readonly inflight = new Set<Promise<void>>();

    constructor(private readonly set: FakeVaultStatefulSet, private readonly token: string, private readonly caCertPem: string, private readonly intervalMs = 50) {}

    start(): this {
        this.timer = setInterval(() => {
            const p = this.send().finally(() => this.inflight.delete(p));
            this.inflight.add(p);
        }, this.intervalMs);
        return this;
    }

    async stop(): Promise<ProbeSample[]> {
        clearInterval(this.timer);
        await Promise.all(this.inflight);
        return this.samples.sort((a, b) => a.at - b.at);
    }

    failures(): ProbeSample[] {
        return this.samples.filter((s) => !s.ok);
    }

    private async send(): Promise<void> {
        const at = Date.now();
        const { kube, vault } = this.set;
        const pod = [...kube.pods].find(([name, labels]) => labels["vault-active"] === "true" && !kube.podStatus.get(name)?.deletionTimestamp)?.[0];
        if (!pod) {
            this.samples.push({ at, answeredAt: at, ok: false, detail: "no endpoint: no pod labelled vault-active=true" });
            return;
        }
        const url = new URL("/v1/secret/data/probe", vault.addresses[this.set.ordinal(pod)]);
        const detail = await new Promise<string>((resolve) => {
            const req = https.request(url, { ca: this.caCertPem, headers: { "X-Vault-Token": this.token }, agent: false, timeout: 1000 }, (res) => {
                res.resume();
                res.on("end", () => resolve(String(res.statusCode)));
            });
            req.on("timeout", () => req.destroy(new Error("timeout")));
            req.on("error", (e) => resolve(e.message));
            req.end();
        });
        this.samples.push({ at, answeredAt: Date.now(), pod, ok: detail === "200", detail });
    }
}

export interface StandInClusterOptions {
    replicas: number;
    seal: "awskms" | "shamir";
    storage?: "raft" | "dynamodb";
    certificate: TestCertificate;
    caCertPem: string;
    /** The cluster is initialized with this root token and these keys (threshold 3). */
    rootToken: string;
    keysBase64: string[];
    /** Shamir: the order replicas are unsealed in (the first one becomes active). Default 0, 1, ... */
    unsealOrder?: number[];
    /** Default 150 ms: long enough for a 50 ms probe to see the step-down. */
    electionDelayMs?: number;
    /** Default 40 ms. */
    promotionDelayMs?: number;
    sts?: FakeStatefulSetOptions;
}

/** A running cluster of stand-ins: one Vault per pod of the StatefulSet, behind the Kubernetes API stand-in. */
export interface StandInCluster {
    vault: FakeVault;
    kube: FakeKubernetes;
    sts: FakeVaultStatefulSet;
    /** A client of one pod's Vault (what a port-forward to the pod gives). */
    vaultFor(pod: string): VaultClient;
    stop(): Promise<void>;
}

/** Starts an initialized, healthy cluster of stand-ins: every replica unsealed, one active, pods Running and labelled. */
export async function startStandInCluster(o: StandInClusterOptions): Promise<StandInCluster> {
    const vault = await new FakeVault({
        seal: o.seal, replicas: o.replicas, certificate: o.certificate, storage: o.storage,
        initialized: { rootToken: o.rootToken, keysBase64: o.keysBase64, threshold: 3 },
        electionDelayMs: o.electionDelayMs ?? 150, promotionDelayMs: o.promotionDelayMs ?? 40,
    }).start();
    if (o.seal === "shamir") {
        for (const i of o.unsealOrder ?? vault.addresses.map((_, k) => k)) {
            await unsealWith(new VaultClient({ address: vault.addresses[i], caCertPem: o.caCertPem }), o.keysBase64, false);
        }
    }
    const kube = await new FakeKubernetes(o.certificate, o.caCertPem).start();
    const sts = new FakeVaultStatefulSet(kube, vault, o.sts).start();
    // Service registration labels the pods after its delay.
    await new Promise((r) => setTimeout(r, 30));
    return {
        vault, kube, sts,
        vaultFor: (pod) => new VaultClient({ address: vault.addresses[sts.ordinal(pod)], caCertPem: o.caCertPem, timeoutMs: 2000 }),
        stop: async () => {
            sts.stop();
            await vault.stop();
            await kube.stop();
        },
    };
}
