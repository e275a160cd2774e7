import { Writable } from "stream";
import { clientNode, KubeConfig, loadKubeConfig } from "../bootstrap/kube";
import { ordinalOf } from "./plans";

/*
 * The parts of @kubernetes/client-node the rollout uses, typed here like bootstrap/kube.ts does (its own types would
 * make every program compiling these sources type-check its declaration files). Only object-parameter API calls and
 * the Exec class: both are the same in client-node 1.x and 2.x.
 */
interface PodObject {
    metadata?: { name?: string; uid?: string; labels?: Record<string, string>; deletionTimestamp?: unknown };
    status?: { phase?: string; conditions?: { type?: string; status?: string }[] };
}

interface StatefulSetObject {
    spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
    status?: { updateRevision?: string; currentRevision?: string };
}

interface AppsV1Api {
    readNamespacedStatefulSet(p: { name: string; namespace: string }): Promise<StatefulSetObject>;
}

interface PodsApi {
    listNamespacedPod(p: { namespace: string; labelSelector?: string }): Promise<{ items?: PodObject[] }>;
    createNamespacedPodEviction(p: { name: string; namespace: string; body: Record<string, unknown> }): Promise<unknown>;
}

/** The exit status the exec protocol ends with (a v1 Status). */
interface ExecStatus {
    status?: string;
    message?: string;
    details?: { causes?: { reason?: string; message?: string }[] };
}

interface ExecSocket {
    on(event: "close", listener: () => void): void;
    close(): void;
}

interface Exec {
    exec(namespace: string, pod: string, container: string, command: string[], stdout: Writable | null, stderr: Writable | null,
        stdin: null, tty: boolean, statusCallback?: (status: ExecStatus) => void): Promise<ExecSocket>;
}

interface RolloutClientNode {
    AppsV1Api: new (...args: any[]) => AppsV1Api;
    CoreV1Api: new (...args: any[]) => PodsApi;
    Exec: new (config: KubeConfig) => Exec;
}

/** One Vault server pod as the rollout sees it. */
export interface ServerPod {
    name: string;
    uid: string;
    /** `controller-revision-hash`: the StatefulSet revision the pod was created from. */
    revision: string;
    phase: string;
    ready: boolean;
    /** Being deleted (a deletion timestamp is set). */
    terminating: boolean;
    labels: Record<string, string>;
}

export interface StatefulSetState {
    /** Desired replicas. */
    replicas: number;
    /** The revision new pods are created from; pods of any other revision run an old template. */
    updateRevision: string;
}

export interface ExecResult {
    exitCode: number;
    stdout: string;
    stderr: string;
}

/** An eviction's outcome: done, refused for now by a PodDisruptionBudget (HTTP 429), or the pod no longer exists. */
export type EvictionOutcome = "evicted" | "blocked" | "gone";

export interface KubernetesAccess {
    namespace: string;
    /** The StatefulSet of the Vault servers (the chart's fullname). */
    statefulSet: string;
    /** Kubeconfig text (YAML or JSON). Default: KUBECONFIG or ~/.kube/config. */
    kubeconfig?: string;
    context?: string;
    /** The Vault container. Default "vault" (the chart's). */
    container?: string;
}

function statusCode(e: unknown): number | undefined {
    const code = (e as { code?: unknown })?.code;
    return typeof code === "number" ? code : undefined;
}

function apiMessage(e: unknown): string {
    let body = (e as { body?: unknown })?.body;
    if (typeof body === "string") {
        try { body = JSON.parse(body); } catch { body = undefined; }
    }
    const reason = body && typeof body === "object" ? (body as { message?: string }).message : undefined;
    const code = statusCode(e);
    return `${code ? `HTTP ${code}` : (e as Error)?.message ?? String(e)}${reason ? ` (${reason})` : ""}`;
}

function collector(): { stream: Writable; text: () => string } {
    const chunks: Buffer[] = [];
    const stream = new Writable({ write(chunk: Buffer, _enc, done) { chunks.push(Buffer.from(chunk)); done(); } });
    return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

function exitCodeOf(status: ExecStatus | undefined): number {
    if (!status) return -1;
    if (status.status === "Success") return 0;
    const code = Number(status.details?.causes?.find((c) => c.reason === "ExitCode")?.message);
    return Number.isInteger(code) ? code : 1;
}

/**
 * The Vault StatefulSet and its pods through the Kubernetes API: revisions, phases and labels, evictions (which
 * honour PodDisruptionBudgets, unlike deletions) and exec into the Vault container.
 */
export class StatefulSetPods {
    /** The StatefulSet's pod selector, read with it. */
    private selector?: string;

    private constructor(private readonly access: KubernetesAccess, private readonly apps: AppsV1Api, private readonly core: PodsApi,
        private readonly execApi: Exec) {}

    static async open(access: KubernetesAccess): Promise<StatefulSetPods> {
        const k8s = (await clientNode()) as unknown as RolloutClientNode;
        const kc = await loadKubeConfig(access.kubeconfig, access.context);
        return new StatefulSetPods(access, kc.makeApiClient(k8s.AppsV1Api), kc.makeApiClient(k8s.CoreV1Api), new k8s.Exec(kc));
    }

    get description(): string {
        return `StatefulSet ${this.access.namespace}/${this.access.statefulSet}`;
    }

    /** The StatefulSet's desired replicas and update revision; undefined when it does not exist (yet). */
    async statefulSet(): Promise<StatefulSetState | undefined> {
        let sts: StatefulSetObject;
        try {
            sts = await this.apps.readNamespacedStatefulSet({ name: this.access.statefulSet, namespace: this.access.namespace });
        } catch (e) {
            if (statusCode(e) === 404) return undefined;
            throw new Error(`Kubernetes API failed reading ${this.description}: ${apiMessage(e)}`);
        }
        const updateRevision = sts.status?.updateRevision;
        if (!updateRevision) throw new Error(`${this.description} reports no update revision yet; run again once its controller has observed it`);
        this.selector = Object.entries(sts.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
        return { replicas: sts.spec?.replicas ?? 1, updateRevision };
    }

    /** The StatefulSet's pods (by its own selector), ordered by ordinal. */
    async pods(): Promise<ServerPod[]> {
        if (this.selector === undefined) await this.statefulSet();
        const ordinal = (name: string) => ordinalOf(this.access.statefulSet, name);
        let list: { items?: PodObject[] };
        try {
            list = await this.core.listNamespacedPod({ namespace: this.access.namespace, labelSelector: this.selector });
        } catch (e) {
            throw new Error(`Kubernetes API failed listing the pods of ${this.description}: ${apiMessage(e)}`);
        }
        return (list.items ?? [])
            .filter((p) => ordinal(p.metadata?.name ?? "") !== undefined)
            .map((p) => ({
                name: p.metadata!.name!,
                uid: p.metadata?.uid ?? "",
                revision: p.metadata?.labels?.["controller-revision-hash"] ?? "",
                phase: p.status?.phase ?? "Unknown",
                ready: p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
                terminating: p.metadata?.deletionTimestamp !== undefined && p.metadata?.deletionTimestamp !== null,
                labels: p.metadata?.labels ?? {},
            }))
            .sort((a, b) => ordinal(a.name)! - ordinal(b.name)!);
    }

    /** Asks the API to evict a pod: a PodDisruptionBudget that allows no disruption now answers 429. */
    async evict(pod: string): Promise<EvictionOutcome> {
        const { namespace } = this.access;
        try {
            await this.core.createNamespacedPodEviction({
                name: pod, namespace, body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: pod, namespace } },
            });
            return "evicted";
        } catch (e) {
            if (statusCode(e) === 429) return "blocked";
            if (statusCode(e) === 404) return "gone";
            throw new Error(`Kubernetes API refused evicting pod ${namespace}/${pod}: ${apiMessage(e)}`);
        }
    }

    /** Runs a command in the Vault container (what `kubectl exec` does) and waits for its exit status. */
    exec(pod: string, command: string[], timeoutMs: number): Promise<ExecResult> {
        const stdout = collector();
        const stderr = collector();
        const where = `pod ${this.access.namespace}/${pod}`;
        return new Promise<ExecResult>((resolve, reject) => {
            let status: ExecStatus | undefined;
            let socket: ExecSocket | undefined;
            const timer = setTimeout(() => {
                socket?.close();
                reject(new Error(`${command.join(" ")} in ${where} did not finish within ${timeoutMs} ms`));
            }, timeoutMs);
            this.execApi.exec(this.access.namespace, pod, this.access.container ?? "vault", command, stdout.stream, stderr.stream, null, false, (s) => (status = s))
                .then((ws) => {
                    socket = ws;
                    ws.on("close", () => {
                        clearTimeout(timer);
                        resolve({ exitCode: exitCodeOf(status), stdout: stdout.text(), stderr: stderr.text() || (status?.status === "Success" ? "" : status?.message ?? "") });
                    });
                }, (e) => {
                    clearTimeout(timer);
                    reject(new Error(`Kubernetes API refused exec in ${where}: ${apiMessage(e)}`));
                });
        });
    }
}
