import * as http from "http";
import * as https from "https";
import * as net from "net";
import type { AddressInfo } from "net";
import { WebSocketServer } from "ws";
import type { TestCertificate } from "./certs";

/**
 * A stand-in for the Kubernetes API on 127.0.0.1: Secrets (read, create with 409 on conflict), pod listing by
 * label, and pod port-forward over the `v4.channel.k8s.io` websocket protocol, forwarding to local TCP targets.
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
    private server?: https.Server;
    url = "";

    /** Serves TLS with `certificate` (client-node refuses plain HTTP); `caCertPem` goes into the kubeconfig. */
    constructor(private readonly certificate: TestCertificate, private readonly caCertPem: string) {}

    async start(): Promise<this> {
        this.server = https.createServer({ key: this.certificate.keyPem, cert: this.certificate.certPem }, (req, res) => this.handle(req, res));
        const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has("v4.channel.k8s.io") ? "v4.channel.k8s.io" : false) });
        this.server.on("upgrade", (req, socket, head) => {
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
                    .map(([name, labels]) => ({ metadata: { name, namespace: m![1], labels } }));
                return reply(200, { kind: "PodList", apiVersion: "v1", metadata: {}, items });
            }
            status(404, "NotFound", `no fake for ${req.method} ${url.pathname}`);
        });
    }
}
