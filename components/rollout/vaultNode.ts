/*
 * What the day-2 steps ask one Vault server: its role (sys/health), seal (sys/seal-status, sys/unseal), the leader
 * (sys/leader), Raft membership and autopilot, and the certificate its listener serves (a TLS handshake).
 */
import * as net from "net";
import * as tls from "tls";
import { describeError, VaultClient, VaultEndpoint } from "../bootstrap/vaultApi";
import type { RaftPeer } from "./plans";

export type NodeRole = "active" | "standby" | "sealed" | "uninitialized" | "unreachable";

export interface NodeHealth {
    role: NodeRole;
    /** Vault's version, when it answered. */
    version?: string;
    /** The answer or the error, for messages. */
    detail: string;
}

/**
 * `GET /v1/sys/health`: 200 active, 429 standby (472/473: DR or performance standby), 501 uninitialized, 503 sealed.
 * Never throws: an error is an unreachable node.
 */
export async function nodeHealth(client: VaultClient): Promise<NodeHealth> {
    try {
        const res = await client.get("/v1/sys/health", [429, 472, 473, 501, 503]);
        const version = typeof res.body?.version === "string" ? res.body.version : undefined;
        const role: NodeRole = res.status === 200 ? "active" : res.status === 501 ? "uninitialized" : res.status === 503 ? "sealed" : "standby";
        return { role, version, detail: `sys/health ${res.status}` };
    } catch (e) {
        return { role: "unreachable", detail: describeError(e) };
    }
}

export interface SealStatus {
    type: string;
    sealed: boolean;
    t: number;
    progress: number;
    /** A seal migration is pending: unseal with `migrate: true`. */
    migration?: boolean;
}

export async function sealStatus(client: VaultClient): Promise<SealStatus> {
    return (await client.get("/v1/sys/seal-status")).body as SealStatus;
}

/** Submits keys until the node is unsealed; `migrate` for a seal migration. Errors never carry a key. */
export async function unsealWith(client: VaultClient, keys: string[], migrate: boolean): Promise<void> {
    let status: SealStatus | undefined;
    for (const key of keys) {
        status = (await client.request("PUT", "/v1/sys/unseal", migrate ? { key, migrate: true } : { key })).body as SealStatus;
        if (!status.sealed) return;
    }
    throw new Error(`Vault at ${client.address} is still sealed after ${keys.length} keys (progress ${status?.progress ?? 0}/${status?.t ?? "?"})`);
}

/**
 * The active node's pod from `GET /v1/sys/leader`: its cluster address is `https://<pod>.<fullname>-internal:8201`
 * (the chart sets VAULT_CLUSTER_ADDR so). Undefined when there is no leader.
 */
export async function leaderPod(client: VaultClient): Promise<string | undefined> {
    const address = (await client.get("/v1/sys/leader")).body?.leader_cluster_address;
    if (typeof address !== "string" || address === "") return undefined;
    return new URL(address).hostname.split(".")[0];
}

/** Raft peers with their autopilot health (`sys/storage/raft/configuration` and `.../autopilot/state`). */
export async function raftPeers(client: VaultClient): Promise<RaftPeer[]> {
    const [config, state] = await Promise.all([
        client.get("/v1/sys/storage/raft/configuration"),
        client.get("/v1/sys/storage/raft/autopilot/state"),
    ]);
    const servers: { node_id: string; leader: boolean; voter: boolean }[] = config.body?.data?.config?.servers ?? [];
    const health: Record<string, { healthy?: boolean }> = state.body?.data?.servers ?? {};
    return servers.map((s) => ({ nodeId: s.node_id, voter: s.voter === true, leader: s.leader === true, healthy: health[s.node_id]?.healthy === true }));
}

/** Whether the client's token may `PUT /v1/sys/step-down` (a sudo path), by `sys/capabilities-self`. */
export async function canStepDown(client: VaultClient): Promise<boolean> {
    const body = (await client.request("POST", "/v1/sys/capabilities-self", { paths: ["sys/step-down"] })).body ?? {};
    const capabilities: string[] = body["sys/step-down"] ?? body.capabilities ?? body.data?.capabilities ?? [];
    return capabilities.includes("root") || (capabilities.includes("sudo") && capabilities.includes("update"));
}

/** Go duration text (`1h0m0s`, `90s`, `1.5h`) in seconds. */
export function durationSeconds(text: string): number {
    const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
    let total = 0;
    for (const m of String(text).matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(m[1]) * units[m[2]];
    return total;
}

/** Writes autopilot's settings when they differ from `wanted`. Returns whether it wrote them. */
export async function ensureAutopilot(client: VaultClient, wanted: Record<string, unknown>): Promise<boolean> {
    const current: Record<string, unknown> = (await client.get("/v1/sys/storage/raft/autopilot/configuration")).body?.data ?? {};
    const same = Object.entries(wanted).every(([k, v]) => (k.endsWith("_threshold") || k.endsWith("_time")
        ? durationSeconds(String(current[k])) === durationSeconds(String(v))
        : current[k] === v));
    if (same) return false;
    await client.request("POST", "/v1/sys/storage/raft/autopilot/configuration", wanted);
    return true;
}

/**
 * The SHA-256 fingerprint of the certificate a Vault listener serves, by a TLS handshake that verifies it against
 * the endpoint's CA (during a CA change, the bundle of old and new).
 */
export function servedFingerprint(endpoint: VaultEndpoint, timeoutMs = 10_000): Promise<string> {
    const url = new URL(endpoint.address);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    return new Promise((resolve, reject) => {
        const socket = tls.connect({
            // Over the endpoint's own stream (a port-forward to the pod) when it has one; the host then names the server.
            ...(endpoint.connect ? { socket: endpoint.connect(), servername: endpoint.tlsServerName ?? (net.isIP(host) ? undefined : host), host }
                : { host, port: Number(url.port || 443), servername: endpoint.tlsServerName }),
            ca: endpoint.caCertPem ? [endpoint.caCertPem] : undefined, rejectUnauthorized: true, timeout: timeoutMs,
        }, () => {
            const fingerprint = socket.getPeerCertificate().fingerprint256;
            socket.end();
            resolve(fingerprint);
        });
        socket.on("timeout", () => socket.destroy(Object.assign(new Error(`no TLS handshake within ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
        socket.on("error", reject);
    });
}
