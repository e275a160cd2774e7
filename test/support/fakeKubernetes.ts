import * as http from "http";
import * as https from "https";
import * as net from "net";
import type { AddressInfo } from "net";
import { WebSocket, WebSocketServer } from "ws";
import type { TestCertificate } from "./certs";

/** A pod's state beyond its labels. */
export interface FakePodStatus {
    uid: string;
    phase: "Pending" | "Running" | "Succeeded" | "Failed";
    ready: boolean;
    /** Set once the pod is being deleted. */
    deletionTimestamp?: string;
}

/** What a command exec'd in a container printed, and its exit code. */
export interface FakeExecResult {
    stdout?: string;
    stderr?: string;
    exitCode: number;
}

/**
 * A stand-in for the Kubernetes API on 127.0.0.1: Secrets (read, create with 409 on conflict), pods (list by
 * label, read, evict), StatefulSets and Services (read), and pod port-forward and exec over the `v4.channel.k8s.io` websocket
 * protocol: port-forward reaches local TCP targets, exec runs {@link FakeKubernetes.onExec}.
 */
export class FakeKubernetes {
    readonly secrets = new Map<string, any>();
    readonly requests: { method: string; path: string }[] = [];
    /** Pod name → labels. */
    readonly pods = new Map<string, Record<string, string>>();
    /** `pod:port` → local TCP port the forward reaches. */
    readonly targets = new Map<string, number>();
    readonly forwards: string[] = [];
    /** RBAC stand-in: false answers 403 to every Secret create (dry runs included). */
    canCreateSecrets = true;
    /** Custody down: Secret reads and creates answer this status (e.g. 500, 503) while set. */
    secretsFailWith?: number;
    /** Custody down: Secret creates that are not dry runs get no answer while set. */
    hangSecretCreates = false;
    /** Pod name → phase, readiness, UID (a pod without an entry is Running and Ready). */
    readonly podStatus = new Map<string, FakePodStatus>();
    /** `namespace/name` → StatefulSet object. */
    readonly statefulSets = new Map<string, any>();
    /** `namespace/name` → Service object. */
    readonly services = new Map<string, any>();
    /** Service reads answer this status (e.g. 500) while set. */
    servicesFailWith?: number;
    /** Every eviction asked for, with the status answered. */
    readonly evictions: { pod: string; at: number; code: number }[] = [];
    /** Decides an eviction: 201 (accepted), 429 (a disruption budget forbids it now), 404. Default: the pod is deleted. */
    onEviction: (namespace: string, pod: string) => number = (_, pod) => (this.pods.delete(pod) ? (this.podStatus.delete(pod), 201) : 404);
    /** Every command exec'd, in order. */
    readonly execs: { pod: string; container: string; command: string[] }[] = [];
    /** Runs an exec'd command. Default: no command exists in any container. */
    onExec: (pod: string, container: string, command: string[]) => FakeExecResult = (_, __, command) => ({ stderr: `${command[0]}: not found`, exitCode: 127 });
    private server?: https.Server;
    url = "";

    /** Serves TLS with `certificate` (client-node refuses plain HTTP); `caCertPem` goes into the kubeconfig. */
    constructor(private readonly certificate: TestCertificate, private readonly caCertPem: string) {}

    async start(): Promise<this> {
        this.server = https.createServer({ key: this.certificate.keyPem, cert: this.certificate.certPem }, (req, res) => this.handle(req, res));
        const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has("v4.channel.k8s.io") ? "v4.channel.k8s.io" : false) });
        this.server.on("upgrade", (req, socket, head) => {
            const exec = /^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)\/exec\?(.*)$/.exec(req.url ?? "");
            if (exec && this.pods.has(exec[1])) {
                wss.handleUpgrade(req, socket, head, (ws) => this.exec(ws, exec[1], new URLSearchParams(exec[2])));
                return;
            }
            const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward\?ports=(\d+)$/.exec(req.url ?? "");
            const target = m && this.targets.get(`${m[2]}:${m[3]}`);
            if (!m || !target) {
                socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
                return;
            }
            this.forwards.push(`${m[1]}/${m[2]}:${m[3]}`);
            wss.handleUpgrade(req, socket, head, (ws) => {
                const port = Buffer.alloc(2);
                port.writeUInt16LE(Number(m[3]));
                ws.send(Buffer.concat([Buffer.from([0]), port]));
                ws.send(Buffer.concat([Buffer.from([1]), port]));
                const tcp = net.connect(target, "127.0.0.1");
                tcp.on("data", (d) => ws.send(Buffer.concat([Buffer.from([0]), d])));
                tcp.on("close", () => ws.close());
                // As the kubelet does: the reason goes on the error channel, then the stream closes.
                tcp.on("error", (e) => {
                    ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`error forwarding port ${m[3]} to pod ${m[2]}: ${e.message}`)]));
                    ws.close();
                });
                ws.on("message", (data: Buffer) => {
                    if (data[0] === 0) tcp.write(data.subarray(1));
                });
                ws.on("close", () => tcp.end());
            });
        });
        await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
        this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    /** A kubeconfig that points at this server. */
    kubeconfig(context = "fake"): string {
        return JSON.stringify({
            apiVersion: "v1", kind: "Config", "current-context": context,
            clusters: [{ name: "fake", cluster: { server: this.url, "certificate-authority-data": Buffer.from(this.caCertPem).toString("base64") } }],
            users: [{ name: "fake", user: { token: "fake-token" } }],
            contexts: [{ name: context, context: { cluster: "fake", user: "fake" } }],
        });
    }

    async stop(): Promise<void> {
        this.server?.closeAllConnections();
        await new Promise<void>((r) => this.server?.close(() => r()));
    }

    /** A pod as the API returns it: labels, UID, phase and the Ready condition. */
    podObject(name: string, namespace: string): Record<string, unknown> {
        const s = this.podStatus.get(name) ?? { uid: `uid-${name}`, phase: "Running", ready: true };
        return {
            metadata: { name, namespace, uid: s.uid, labels: this.pods.get(name), ...(s.deletionTimestamp ? { deletionTimestamp: s.deletionTimestamp } : {}) },
            status: { phase: s.phase, conditions: [{ type: "Ready", status: s.ready ? "True" : "False" }] },
        };
    }

    /** The exec subprotocol: stdout on channel 1, stderr on 2, then the exit status (a v1 Status) on 3. */
    private exec(ws: WebSocket, pod: string, query: URLSearchParams): void {
        const command = query.getAll("command");
        const container = query.get("container") ?? "";
        this.execs.push({ pod, container, command });
        const result = this.onExec(pod, container, command);
        const send = (channel: number, data: string) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
        if (result.stdout) send(1, result.stdout);
        if (result.stderr) send(2, result.stderr);
        send(3, JSON.stringify(result.exitCode === 0 ? { metadata: {}, status: "Success" } : {
            metadata: {}, status: "Failure", reason: "NonZeroExitCode",
            message: `command terminated with non-zero exit code: exit code ${result.exitCode}`,
            details: { causes: [{ reason: "ExitCode", message: String(result.exitCode) }] },
        }));
        ws.close();
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", this.url);
            this.requests.push({ method: req.method!, path: url.pathname });
            const reply = (status: number, body: unknown) => {
                res.writeHead(status, { "Content-Type": "application/json" });
                res.end(JSON.stringify(body));
            };
            const status = (code: number, reason: string, message: string) => reply(code, { kind: "Status", apiVersion: "v1", status: "Failure", reason, message, code });
            let m: RegExpExecArray | null;
            if (/\/secrets(\/|$)/.test(url.pathname)) {
                if (this.secretsFailWith) return status(this.secretsFailWith, "InternalError", "etcdserver: request timed out");
                if (this.hangSecretCreates && req.method === "POST" && url.searchParams.get("dryRun") !== "All") return;
            }
            if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(url.pathname)) && req.method === "GET") {
                const s = this.secrets.get(`${m[1]}/${m[2]}`);
                return s ? reply(200, s) : status(404, "NotFound", `secrets "${m[2]}" not found`);
            }
            if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets$/.exec(url.pathname)) && req.method === "POST") {
                const body = JSON.parse(Buffer.concat(chunks).toString());
                const key = `${m[1]}/${body.metadata.name}`;
                if (!this.canCreateSecrets) return status(403, "Forbidden", `secrets is forbidden: cannot create resource "secrets" in namespace "${m[1]}"`);
                if (this.secrets.has(key)) return status(409, "AlreadyExists", `secrets "${body.metadata.name}" already exists`);
                if (url.searchParams.get("dryRun") === "All") return reply(201, body);
                const stored = { ...body, metadata: { ...body.metadata, namespace: m[1] } };
                this.secrets.set(key, stored);
                return reply(201, stored);
            }
            if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname)) && req.method === "GET") {
                const selector = Object.fromEntries((url.searchParams.get("labelSelector") ?? "").split(",").filter(Boolean).map((kv) => kv.split("=")));
                const items = [...this.pods].filter(([, labels]) => Object.entries(selector).every(([k, v]) => labels[k] === v))
                    .map(([name]) => this.podObject(name, m![1]));
                return reply(200, { kind: "PodList", apiVersion: "v1", metadata: {}, items });
            }
            if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/eviction$/.exec(url.pathname)) && req.method === "POST") {
                const code = this.onEviction(m[1], m[2]);
                this.evictions.push({ pod: m[2], at: Date.now(), code });
                if (code === 429) return status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.");
                if (code === 404) return status(404, "NotFound", `pods "${m[2]}" not found`);
                return reply(code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code });
            }
            if ((m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/statefulsets\/([^/]+)$/.exec(url.pathname)) && req.method === "GET") {
                const sts = this.statefulSets.get(`${m[1]}/${m[2]}`);
                return sts ? reply(200, sts) : status(404, "NotFound", `statefulsets.apps "${m[2]}" not found`);
            }
            if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)$/.exec(url.pathname)) && req.method === "GET") {
                if (this.servicesFailWith) return status(this.servicesFailWith, "InternalError", "etcdserver: request timed out");
                const svc = this.services.get(`${m[1]}/${m[2]}`);
                return svc ? reply(200, svc) : status(404, "NotFound", `services "${m[2]}" not found`);
            }
            status(404, "NotFound", `no fake for ${req.method} ${url.pathname}`);
        });
    }
}
