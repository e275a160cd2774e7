import { randomBytes, randomUUID } from "crypto";
import { EventEmitter } from "events";
import { gunzipSync, gzipSync } from "zlib";
import * as https from "https";
import * as net from "net";
import type { TestCertificate } from "./certs";
import { Timers } from "./timers";

/**
 * A stand-in for a Vault cluster on 127.0.0.1, speaking the request and response fields of the real API for
 * sys/init, sys/seal-status, sys/health, sys/unseal and the endpoints the admin identity uses, Kubernetes auth login,
 * token renewal and Raft snapshots (save and restore). Each replica is its own HTTPS server; storage (initialization,
 * tokens, policies, auth mounts, the Raft data) is shared, the seal is per replica.
 *
 * For day-2 operations it also runs HA: one active replica (the first one unsealed; another unsealed one takes over
 * when it steps down or goes away, after `electionDelayMs`), sys/leader, sys/step-down, replicas that stop and start
 * again (with another version, seal or certificate), a certificate reloaded on demand (what SIGHUP does), seal
 * migration (`unseal` with `migrate`), and with Raft storage the peer set, remove-peer and autopilot. It emits
 * `change` with the replica index whenever what service registration reports (active, sealed, version) changes.
 */
export interface RecordedRequest {
    replica: number;
    method: string;
    path: string;
    /** The JSON body, parsed; undefined for other bodies (see `raw`). */
    body: any;
    raw: Buffer;
    token?: string;
}

/** A Kubernetes auth role of the stand-in: the service account token it accepts and the policies it grants. */
export interface FakeKubernetesRole {
    jwt: string;
    policies: string[];
    ttl?: number;
}

/** ACL rules of a policy, as the stand-in enforces them on the endpoints that check them. */
export type FakeAcl = { path: string; capabilities: string[] }[];

/** Whether rules grant `capability` on `path`: exact paths and trailing `*` globs, as Vault matches them. */
export function aclGrants(rules: FakeAcl, path: string, capability: string): boolean {
    return rules.some((rule) => (rule.path === path || (rule.path.endsWith("*") && path.startsWith(rule.path.slice(0, -1)))) && rule.capabilities.includes(capability));
}

interface ReplicaState {
    sealed: boolean;
    progress: number;
    provided: Set<string>;
    /** False between {@link FakeVault.stopReplica} and the next start: its listener is closed. */
    up: boolean;
    version: string;
    /** The seal in this process's configuration; differs from the stored one while a migration is pending. */
    seal: FakeSeal;
    /** Unsealed with `migrate`: becoming active, it migrates the storage to its seal. */
    migrated?: boolean;
}

type FakeSeal = "awskms" | "shamir";

/** What a replica process starts with, as a new pod would (its image version, config and certificate). */
export interface ReplicaStart {
    version?: string;
    seal?: FakeSeal;
    certificate?: TestCertificate;
}

export interface FakeVaultOptions {
    seal: FakeSeal;
    replicas?: number;
    certificate: TestCertificate;
    /** A different certificate for some replicas (e.g. one reached through an ingress with its own CA). */
    replicaCertificates?: Record<number, TestCertificate>;
    /** Already initialized (with this root token and these base64 keys). */
    initialized?: { rootToken: string; keysBase64: string[]; threshold: number };
    /** Start listening only after this many milliseconds (the port is reserved up front). */
    startAfterMs?: number;
    /** Cluster ID of an already initialized Vault (a fresh UUID by default). */
    clusterId?: string;
    /** Raft adds the peer set, remove-peer and autopilot endpoints. Default "dynamodb". */
    storage?: "dynamodb" | "raft";
    /** Node names (the pods'): sys/leader and Raft report them. Default `vault-<i>`. */
    nodeIds?: string[];
    /** Version every replica runs until restarted with another. Default "2.0.4". */
    version?: string;
    /** How long the cluster has no active node after the active one steps down or goes away. Default 0. */
    electionDelayMs?: number;
    /** Raft: how long a joining server stays a non-voter before autopilot promotes it. Default 0. */
    promotionDelayMs?: number;
}

/** Autopilot's settings as Vault reports them by default. */
const AUTOPILOT_DEFAULTS = {
    cleanup_dead_servers: false, dead_server_last_contact_threshold: "24h0m0s", last_contact_threshold: "10s",
    max_trailing_logs: 1000, min_quorum: 0, server_stabilization_time: "10s",
};

export class FakeVault extends EventEmitter {
    readonly requests: RecordedRequest[] = [];
    readonly addresses: string[] = [];
    initialized = false;
    rootToken?: string;
    keysBase64: string[] = [];
    threshold = 0;
    readonly tokens = new Map<string, string[]>();
    readonly policies = new Map<string, string>();
    readonly authMounts = new Map<string, string>([["token/", "token"]]);
    readonly roles = new Map<string, any>();
    /** Kubernetes auth roles by `<mount>/<role>`. */
    readonly kubernetesRoles = new Map<string, FakeKubernetesRole>();
    /** Rules by policy name, enforced on the snapshot, metrics and restore endpoints (root passes everything). */
    readonly acl = new Map<string, FakeAcl>();
    /** Token periods (seconds) of periodic tokens, for renew-self. */
    readonly periods = new Map<string, number>();
    /** The Raft data a snapshot saves and a restore replaces. */
    raftData: Record<string, string> = { "core/cluster-id": randomBytes(8).toString("hex") };
    private readonly drops: { method: string; path: string }[] = [];
    /** Vault's `cluster_id`, from init on (sys/health and sys/seal-status show it while unsealed). */
    clusterId?: string;
    /** Milliseconds to wait before answering `<METHOD> <path>`, e.g. `PUT /v1/sys/init` (processed on arrival). */
    readonly delays = new Map<string, number>();
    /** Process `PUT /v1/sys/init`, then break the connection instead of answering. */
    dropInitResponse = false;
    /** Connections to break on arrival, before any TLS handshake (per replica: count). */
    readonly dropConnections = new Map<number, number>();
    /** Replicas that accept connections and never answer. */
    readonly silent = new Set<number>();
    /** The seal the storage is sealed with (changes when a migration completes). */
    storedSeal: FakeSeal;
    /** Index of the active replica. */
    active?: number;
    /** Every change of the active node, in order. */
    readonly leaderChanges: { at: number; from?: string; to: string }[] = [];
    /** Raft peers by node ID. */
    readonly peers = new Map<string, { voter: boolean }>();
    autopilot: Record<string, unknown> = { ...AUTOPILOT_DEFAULTS };
    /** Certificate each replica serves right now. */
    readonly served: TestCertificate[] = [];
    private readonly replicas: ReplicaState[] = [];
    private readonly servers: https.Server[] = [];
    private readonly ports: number[] = [];
    private readonly timers = new Timers();
    private readonly failures: { method: string; path: string; status: number; errors: string[]; times: number }[] = [];

    constructor(readonly options: FakeVaultOptions) {
        super();
        this.storedSeal = options.seal;
        if (options.initialized) {
            this.initialized = true;
            this.rootToken = options.initialized.rootToken;
            this.keysBase64 = options.initialized.keysBase64;
            this.threshold = options.initialized.threshold;
            this.tokens.set(this.rootToken, ["root"]);
            this.clusterId = options.clusterId ?? randomUUID();
        }
    }

    /** Answers the next `times` requests `method path` with `status` and Vault's error body. */
    failOnce(method: string, path: string, status: number, errors: string[], times = 1): void {
        this.failures.push({ method, path, status, errors, times });
    }

    /** What wiping the storage and restarting the pods leaves: an uninitialized, sealed Vault with no tokens. */
    wipeStorage(): void {
        Object.assign(this, { initialized: false, rootToken: undefined, keysBase64: [], threshold: 0, clusterId: undefined, active: undefined });
        this.tokens.clear();
        this.peers.clear();
        this.replicas.forEach((r) => (r.sealed = true));
    }

    /** Closes the connection of the next `method path` without an answer. */
    dropOnce(method: string, path: string): void {
        this.drops.push({ method, path });
    }

    /** A token with these policies, as if Vault had issued it (periodic when `period` is given). */
    issueToken(policies: string[], period?: number): string {
        const token = `hvs.${randomBytes(12).toString("hex")}`;
        this.tokens.set(token, policies);
        if (period !== undefined) this.periods.set(token, period);
        return token;
    }

    replicaSealed(i: number): boolean {
        return this.replicas[i].sealed;
    }

    /** Simulates a restart: a Shamir replica comes back sealed. */
    restart(i: number): void {
        this.boot(i, {});
        if (this.active === i) this.loseLeadership(i);
    }

    nodeId(i: number): string {
        return this.options.nodeIds?.[i] ?? `vault-${i}`;
    }

    /** What service registration reports for a replica (`undefined` while it is down). */
    registration(i: number): { active: boolean; sealed: boolean; version: string } | undefined {
        const r = this.replicas[i];
        return r.up ? { active: this.active === i, sealed: r.sealed, version: r.version } : undefined;
    }

    /** The process stops (the pod goes away): connections are refused until {@link startReplica}. */
    async stopReplica(i: number): Promise<void> {
        this.replicas[i].up = false;
        this.servers[i].closeAllConnections();
        await new Promise<void>((r) => (this.servers[i].listening ? this.servers[i].close(() => r()) : r()));
        if (this.active === i) this.loseLeadership(i);
        this.emit("change", i);
    }

    /** A new process for replica `i` (a new pod): sealed unless an auto-unseal seal matches the stored one. */
    async startReplica(i: number, start: ReplicaStart = {}): Promise<void> {
        this.boot(i, start);
        await new Promise<void>((r) => this.servers[i].listen(this.ports[i], "127.0.0.1", r));
        this.afterUnseal(i);
        this.emit("change", i);
    }

    /** One more replica (a scaled-up StatefulSet), started as a new pod would be. Returns its index. */
    async addReplica(start: ReplicaStart = {}): Promise<number> {
        const i = this.replicas.length;
        await this.listenReplica(i, start.certificate ?? this.options.certificate);
        this.boot(i, start);
        this.afterUnseal(i);
        this.emit("change", i);
        return i;
    }

    /** What SIGHUP makes Vault do: serve the certificate now on disk. */
    reloadCertificate(i: number, certificate: TestCertificate): void {
        this.servers[i].setSecureContext({ key: certificate.keyPem, cert: certificate.certPem });
        this.served[i] = certificate;
    }

    requestsTo(method: string, path: string): RecordedRequest[] {
        return this.requests.filter((r) => r.method === method && r.path === path);
    }

    async start(): Promise<this> {
        const count = this.options.replicas ?? 1;
        for (let i = 0; i < count; i++) {
            await this.listenReplica(i, this.options.replicaCertificates?.[i] ?? this.options.certificate);
            this.boot(i, {});
            if (this.options.storage === "raft" && this.initialized) this.peers.set(this.nodeId(i), { voter: true });
        }
        this.elect();
        return this;
    }

    async stop(): Promise<void> {
        this.timers.clear();
        this.servers.forEach((s) => s.closeAllConnections());
        await Promise.all(this.servers.map((s) => new Promise<void>((r) => (s.listening ? s.close(() => r()) : r()))));
    }

    private async listenReplica(i: number, cert: TestCertificate): Promise<void> {
        const port = await freePort();
        this.ports[i] = port;
        this.addresses[i] = `https://127.0.0.1:${port}`;
        const server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => this.handle(i, req, res));
        server.on("connection", (socket: net.Socket) => {
            const drop = this.dropConnections.get(i) ?? 0;
            if (drop > 0) {
                this.dropConnections.set(i, drop - 1);
                socket.destroy();
            }
        });
        this.servers[i] = server;
        this.served[i] = cert;
        const listen = () => server.listen(port, "127.0.0.1");
        if (this.options.startAfterMs) this.timers.later(this.options.startAfterMs, listen);
        else await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    }

    private boot(i: number, start: ReplicaStart): void {
        const seal = start.seal ?? this.replicas[i]?.seal ?? this.options.seal;
        const autoUnsealed = this.initialized && seal !== "shamir" && seal === this.storedSeal;
        this.replicas[i] = {
            sealed: !autoUnsealed, progress: 0, provided: new Set(), up: true, seal,
            version: start.version ?? this.replicas[i]?.version ?? this.options.version ?? "2.0.4",
        };
        if (start.certificate) this.reloadCertificate(i, start.certificate);
    }

    private setActive(i: number | undefined): void {
        const from = this.active;
        this.active = i;
        if (i !== undefined && this.replicas[i].migrated) {
            this.storedSeal = this.replicas[i].seal;
            this.replicas.forEach((r) => (r.migrated = false));
        }
        if (i !== undefined) this.leaderChanges.push({ at: Date.now(), from: from === undefined ? undefined : this.nodeId(from), to: this.nodeId(i) });
        for (const r of [from, i]) if (r !== undefined) this.emit("change", r);
    }

    private eligible(i: number): boolean {
        const r = this.replicas[i];
        return r.up && !r.sealed && (this.options.storage !== "raft" || this.peers.get(this.nodeId(i))?.voter === true);
    }

    /** Another node takes the lock (or raft election), preferring one that did not just give it up. */
    private elect(exclude?: number): void {
        if (this.active !== undefined) return;
        const candidates = this.replicas.map((_, i) => i).filter((i) => this.eligible(i));
        const pick = candidates.find((i) => i !== exclude) ?? candidates[0];
        if (pick !== undefined) this.setActive(pick);
    }

    private loseLeadership(from: number): void {
        this.setActive(undefined);
        const delay = this.options.electionDelayMs ?? 0;
        if (delay > 0) this.timers.later(delay, () => this.elect(from));
        else this.elect(from);
    }

    /** A replica that is (now) unsealed joins Raft as a non-voter when new, and the cluster gets an active node. */
    private afterUnseal(i: number): void {
        const r = this.replicas[i];
        if (r.sealed || !r.up) return;
        const id = this.nodeId(i);
        if (this.options.storage === "raft" && !this.peers.has(id)) {
            this.peers.set(id, { voter: false });
            this.timers.later(this.options.promotionDelayMs ?? 0, () => {
                const peer = this.peers.get(id);
                if (peer && this.replicas[i].up && !this.replicas[i].sealed) {
                    peer.voter = true;
                    this.elect();
                }
            });
        }
        this.elect();
    }

    private handle(replica: number, req: import("http").IncomingMessage, res: import("http").ServerResponse): void {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const raw = Buffer.concat(chunks);
            const body = parseJson(raw);
            const path = (req.url ?? "").split("?")[0];
            const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
            const token = (req.headers["x-vault-token"] as string | undefined) ?? bearer;
            this.requests.push({ replica, method: req.method!, path, body, raw, token });
            if (this.silent.has(replica)) return;
            const send = (status: number, payload?: unknown) => {
                const binary = Buffer.isBuffer(payload);
                res.writeHead(status, { "Content-Type": binary ? "application/octet-stream" : "application/json" });
                res.end(payload === undefined ? "" : binary ? payload : JSON.stringify(payload));
            };
            const drop = this.drops.findIndex((d) => d.method === req.method && d.path === path);
            if (drop >= 0) {
                this.drops.splice(drop, 1);
                req.socket.destroy();
                return;
            }
            const failure = this.failures.find((f) => f.method === req.method && f.path === path);
            if (failure) {
                if (--failure.times === 0) this.failures.splice(this.failures.indexOf(failure), 1);
                return send(failure.status, { errors: failure.errors });
            }
            let answer: [number, unknown?];
            try {
                answer = this.route(replica, req.method!, path, body, token, raw);
            } catch (e) {
                answer = [500, { errors: [String(e)] }];
            }
            if (req.method === "PUT" && path === "/v1/sys/init" && this.dropInitResponse) return req.socket.destroy();
            setTimeout(() => send(answer[0], answer[1]), this.delays.get(`${req.method} ${path}`) ?? 0);
        });
    }

    private sealStatus(replica: number): Record<string, unknown> {
        const r = this.replicas[replica];
        const recovery = this.storedSeal !== "shamir";
        return {
            type: r.seal, initialized: this.initialized, sealed: r.sealed, t: recovery ? 0 : this.threshold,
            n: recovery ? 0 : this.keysBase64.length, progress: r.progress, nonce: "", version: r.version, build_date: "2026-01-01T00:00:00Z",
            migration: r.sealed && this.migrationPending(replica), recovery_seal: recovery, storage_type: this.options.storage ?? "dynamodb",
            ...(this.initialized && !r.sealed ? { cluster_name: "vault-cluster-fake", cluster_id: this.clusterId } : {}),
        };
    }

    /** The process was configured with another seal than the storage is sealed with. */
    private migrationPending(replica: number): boolean {
        return this.initialized && this.replicas[replica].seal !== this.storedSeal;
    }

    private unseal(replica: number, body: any): [number, unknown] {
        const r = this.replicas[replica];
        if (!this.initialized) return [400, { errors: ["Vault is not initialized"] }];
        if (!r.sealed) return [200, this.sealStatus(replica)];
        const migrating = this.migrationPending(replica);
        if (migrating && body?.migrate !== true) return [400, { errors: ["migrate option not provided and seal migration is pending"] }];
        if (!migrating && body?.migrate === true) return [400, { errors: ["migrate option provided but seal migration is not in progress"] }];
        if (!this.keysBase64.includes(body?.key)) return [400, { errors: ["'key' must be a valid hex or base64 string"] }];
        r.provided.add(body.key);
        r.progress = r.provided.size;
        if (r.progress >= this.threshold) {
            Object.assign(r, { sealed: false, progress: 0, provided: new Set(), migrated: migrating });
            this.emit("change", replica);
            this.afterUnseal(replica);
        }
        return [200, this.sealStatus(replica)];
    }

    /** sys/leader, sys/step-down, Raft and the probe's read: the HA side of the API (unsealed replicas only). */
    private routeHa(replica: number, method: string, path: string, body: any, token: string | undefined): [number, unknown?] | undefined {
        const leader = this.active === undefined ? undefined : this.nodeId(this.active);
        const internal = (id: string) => `${id}.${id.replace(/-\d+$/, "")}-internal`;
        if (method === "GET" && path === "/v1/sys/leader") {
            return [200, {
                ha_enabled: true, is_self: this.active === replica, performance_standby: false,
                leader_address: leader ? `https://${internal(leader)}:8200` : "", leader_cluster_address: leader ? `https://${internal(leader)}:8201` : "",
            }];
        }
        if (token === undefined || !this.tokens.has(token)) return undefined;
        const raft = this.options.storage === "raft";
        if (method === "PUT" && path === "/v1/sys/step-down") {
            if (this.active === undefined) return [500, { errors: ["local node not active but active cluster node not found"] }];
            this.loseLeadership(this.active);
            return [204];
        }
        if (method === "POST" && path === "/v1/sys/capabilities-self") {
            // Only the root policy is evaluated: every other token is denied the paths asked.
            const capabilities = this.tokens.get(token!)?.includes("root") ? ["root"] : ["deny"];
            return [200, { capabilities, ...Object.fromEntries((body?.paths ?? []).map((p: string) => [p, capabilities])) }];
        }
        if (method === "GET" && path === "/v1/secret/data/probe") {
            if (this.active === undefined) return [500, { errors: ["local node not active but active cluster node not found"] }];
            return [200, { data: { data: { probe: "ok" }, metadata: { version: 1 } } }];
        }
        if (raft && method === "GET" && path === "/v1/sys/storage/raft/configuration") {
            const servers = [...this.peers].map(([id, p]) => ({ node_id: id, address: `${internal(id)}:8201`, leader: id === leader, protocol_version: "3", voter: p.voter }));
            return [200, { data: { config: { index: 1, servers } } }];
        }
        if (raft && method === "POST" && path === "/v1/sys/storage/raft/remove-peer") {
            const id = body?.server_id;
            if (!this.peers.delete(id)) return [400, { errors: [`no server with ID ${id}`] }];
            const i = this.replicas.findIndex((_, k) => this.nodeId(k) === id);
            if (i >= 0 && this.active === i) this.loseLeadership(i);
            return [204];
        }
        if (raft && method === "GET" && path === "/v1/sys/storage/raft/autopilot/state") {
            const servers = Object.fromEntries([...this.peers].map(([id, p]) => {
                const i = this.replicas.findIndex((_, k) => this.nodeId(k) === id);
                const r = this.replicas[i];
                const healthy = r !== undefined && r.up && !r.sealed;
                return [id, { id, name: id, address: `${internal(id)}:8201`, node_status: r?.up ? "alive" : "left", healthy, last_contact: "0s",
                    status: id === leader ? "leader" : p.voter ? "voter" : "non-voter", version: r?.version ?? "" }];
            }));
            const voters = [...this.peers].filter(([, p]) => p.voter).map(([id]) => id);
            const healthyVoters = voters.filter((id) => servers[id].healthy).length;
            return [200, { data: { healthy: healthyVoters === voters.length, failure_tolerance: Math.max(0, healthyVoters - (Math.floor(voters.length / 2) + 1)),
                leader: leader ?? "", voters, servers } }];
        }
        if (raft && path === "/v1/sys/storage/raft/autopilot/configuration") {
            if (method === "GET") return [200, { data: this.autopilot }];
            const next = { ...this.autopilot, ...body };
            if (next.cleanup_dead_servers && !(Number(next.min_quorum) >= 3)) {
                return [400, { errors: ["min_quorum must be set when cleanup_dead_servers is set and it should at least be 3"] }];
            }
            this.autopilot = next;
            return [204];
        }
        return undefined;
    }

    private route(replica: number, method: string, path: string, body: any, token: string | undefined, raw: Buffer): [number, unknown?] {
        const r = this.replicas[replica];
        let m: RegExpExecArray | null;
        if (method === "GET" && path === "/v1/sys/init") return [200, { initialized: this.initialized }];
        if (method === "GET" && path === "/v1/sys/seal-status") return [200, this.sealStatus(replica)];
        if (method === "GET" && path === "/v1/sys/health") {
            const standby = this.active !== replica;
            const status = !this.initialized ? 501 : r.sealed ? 503 : standby ? 429 : 200;
            return [status, { initialized: this.initialized, sealed: r.sealed, standby, version: r.version,
                ...(this.initialized && !r.sealed ? { cluster_name: "vault-cluster-fake", cluster_id: this.clusterId } : {}) }];
        }
        if (method === "PUT" && path === "/v1/sys/init") return this.init(body);
        if (method === "PUT" && path === "/v1/sys/unseal") return this.unseal(replica, body);
        if (method === "POST" && (m = /^\/v1\/auth\/([^/]+)\/login$/.exec(path)) && body?.jwt !== undefined) return this.kubernetesLogin(m[1], body);
        if (method === "POST" && /^\/v1\/auth\/[^/]+\/login$/.test(path)) {
            const role = [...this.roles.entries()].find(([, v]) => v.role_id === body?.role_id && v.secret_ids.includes(body?.secret_id));
            if (!role) return [400, { errors: ["invalid role or secret ID"] }];
            const client = `hvs.${randomBytes(12).toString("hex")}`;
            this.tokens.set(client, role[1].token_policies);
            return [200, { auth: { client_token: client, policies: role[1].token_policies } }];
        }
        if (r.sealed) return [503, { errors: ["Vault is sealed"] }];
        const ha = this.routeHa(replica, method, path, body, token);
        if (ha) return ha;
        if (!token || !this.tokens.has(token)) return [403, { errors: ["permission denied"] }];
        // As in Vault, the token's own paths are granted by policy (the default policy, or one that lists them).
        if (method === "POST" && path === "/v1/auth/token/renew-self") {
            if (!this.allowed(token, "auth/token/renew-self", "update")) return [403, { errors: ["1 error occurred:\n\t* permission denied\n\n"] }];
            const period = this.periods.get(token);
            return [200, { auth: { client_token: token, policies: this.tokens.get(token), lease_duration: period ?? 0, renewable: period !== undefined } }];
        }
        if (method === "GET" && path === "/v1/sys/storage/raft/snapshot") {
            if (!this.allowed(token, "sys/storage/raft/snapshot", "read")) return [403, { errors: ["1 error occurred:\n\t* permission denied\n\n"] }];
            return [200, gzipSync(Buffer.from(JSON.stringify(this.raftData)))];
        }
        if (method === "POST" && (path === "/v1/sys/storage/raft/snapshot" || path === "/v1/sys/storage/raft/snapshot-force")) {
            if (!this.allowed(token, path.slice(4), "update")) return [403, { errors: ["permission denied"] }];
            try {
                this.raftData = JSON.parse(gunzipSync(raw).toString());
            } catch {
                return [500, { errors: ["failed to read snapshot file: gzip: invalid header"] }];
            }
            return [204];
        }
        if (method === "GET" && path === "/v1/auth/token/lookup-self") return [200, { data: { policies: this.tokens.get(token) } }];
        if (method === "POST" && path === "/v1/auth/token/revoke-self") { this.tokens.delete(token); return [204]; }
        if (method === "PUT" && (m = /^\/v1\/sys\/policies\/acl\/(.+)$/.exec(path))) { this.policies.set(m[1], body.policy); return [204]; }
        if (method === "GET" && path === "/v1/sys/auth") {
            const data = Object.fromEntries([...this.authMounts].map(([p, type]) => [p, { type }]));
            return [200, { ...data, data }];
        }
        if (method === "POST" && (m = /^\/v1\/sys\/auth\/(.+)$/.exec(path))) {
            if (this.authMounts.has(`${m[1]}/`)) return [400, { errors: [`path is already in use at ${m[1]}/`] }];
            this.authMounts.set(`${m[1]}/`, body.type);
            return [204];
        }
        if ((m = /^\/v1\/auth\/([^/]+)\/role\/([^/]+)(\/role-id|\/secret-id)?$/.exec(path))) {
            const key = `${m[1]}/${m[2]}`;
            if (method === "POST" && !m[3]) {
                const existing = this.roles.get(key);
                this.roles.set(key, { ...body, role_id: existing?.role_id ?? `role-${randomBytes(4).toString("hex")}`, secret_ids: existing?.secret_ids ?? [] });
                return [204];
            }
            const role = this.roles.get(key);
            if (!role) return [404, { errors: [] }];
            if (method === "GET" && m[3] === "/role-id") return [200, { data: { role_id: role.role_id } }];
            if (method === "POST" && m[3] === "/secret-id") {
                const secret = `sid-${randomBytes(8).toString("hex")}`;
                role.secret_ids.push(secret);
                return [200, { data: { secret_id: secret, secret_id_accessor: "acc" } }];
            }
        }
        return [404, { errors: [] }];
    }

    /** Whether a token's policies grant `capability` on `path` (exact paths and trailing `*` globs). */
    allowed(token: string, path: string, capability: string): boolean {
        const policies = this.tokens.get(token) ?? [];
        if (policies.includes("root")) return true;
        return policies.some((name) => aclGrants(this.acl.get(name) ?? [], path, capability));
    }

    private kubernetesLogin(mount: string, body: any): [number, unknown] {
        const role = this.kubernetesRoles.get(`${mount}/${body.role}`);
        if (!role) return [400, { errors: [`invalid role name "${body.role}"`] }];
        if (role.jwt !== body.jwt) return [403, { errors: ["permission denied"] }];
        const client = this.issueToken(role.policies);
        return [200, { auth: { client_token: client, accessor: "acc", policies: role.policies, token_policies: role.policies, lease_duration: role.ttl ?? 900, renewable: true } }];
    }

    private init(body: any): [number, unknown] {
        if (this.initialized) return [400, { errors: ["Vault is already initialized"] }];
        const recovery = this.storedSeal !== "shamir";
        const [shares, threshold, wrong] = recovery
            ? [body?.recovery_shares, body?.recovery_threshold, ["secret_shares", "secret_threshold"]]
            : [body?.secret_shares, body?.secret_threshold, ["recovery_shares", "recovery_threshold"]];
        const misplaced = wrong.filter((k) => body?.[k] !== undefined);
        if (misplaced.length > 0) return [400, { errors: [`parameters ${misplaced.join(",")} not applicable to seal type ${this.storedSeal}`] }];
        if (!shares || !threshold || threshold > shares) return [400, { errors: ["invalid share count or threshold"] }];
        const raw = Array.from({ length: shares }, () => randomBytes(33));
        this.initialized = true;
        this.clusterId = randomUUID();
        this.threshold = threshold;
        this.rootToken = `hvs.${randomBytes(12).toString("hex")}`;
        this.tokens.set(this.rootToken, ["root"]);
        this.keysBase64 = raw.map((k) => k.toString("base64"));
        const pgp = (recovery ? body.recovery_pgp_keys : body.pgp_keys) as string[] | undefined;
        const keys = pgp ? raw.map((k, i) => `pgp(${pgp[i].slice(0, 4)}):${k.toString("hex")}`) : raw.map((k) => k.toString("hex"));
        const keysB64 = pgp ? keys.map((k) => Buffer.from(k).toString("base64")) : this.keysBase64;
        if (this.options.storage === "raft") this.replicas.forEach((_, i) => this.peers.set(this.nodeId(i), { voter: true }));
        if (recovery) {
            this.replicas.forEach((r) => (r.sealed = false));
            this.elect();
            return [200, { keys: [], keys_base64: [], recovery_keys: keys, recovery_keys_base64: keysB64, root_token: this.rootToken }];
        }
        return [200, { keys, keys_base64: keysB64, root_token: this.rootToken }];
    }
}

function parseJson(raw: Buffer): any {
    if (raw.length === 0) return undefined;
    try {
        return JSON.parse(raw.toString());
    } catch {
        return undefined;
    }
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.unref();
        s.on("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}
