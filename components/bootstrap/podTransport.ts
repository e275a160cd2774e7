import { createHash } from "crypto";
import { Duplex, PassThrough, Writable } from "stream";
import { VAULT_PORT } from "../cluster/names";
import { clientNode, KUBECONFIG_ERROR, loadKubeConfig, PortForward } from "./kube";
import { VaultClient } from "./vaultApi";

/** One pod port, reached through the Kubernetes API. */
export interface PodStreamOptions {
    /** Kubeconfig text (YAML or JSON). Default: KUBECONFIG or ~/.kube/config, as kubectl. */
    kubeconfig?: string;
    /** Kubeconfig context. Default: the kubeconfig's current context. */
    context?: string;
    namespace: string;
    pod: string;
    /** Default 8200. */
    port?: number;
}

/** Talking to one pod's Vault over port-forward streams. */
export interface PodVaultOptions extends PodStreamOptions {
    /**
     * Name the server certificate is verified against (and the request's Host). Default `127.0.0.1`, which every
     * server certificate of this package carries; `<pod>.<fullname>-internal` is stricter.
     */
    host?: string;
    /** Default `https`. */
    scheme?: "https" | "http";
    /** Trust anchor of the pod's certificate (the cluster CA). */
    caCertPem?: string;
    /** Idle timeout of one request. Default 15 s. */
    timeoutMs?: number;
}

interface ForwardSocket {
    close(): void;
    on(event: "close", listener: () => void): void;
}

/** One port-forwarder per kubeconfig and context in a process: loading a kubeconfig is not free. */
const forwarders = new Map<string, Promise<PortForward>>();

function portForwarder(kubeconfig: string | undefined, context: string | undefined): Promise<PortForward> {
    const key = createHash("sha256").update(`${context ?? ""}\n${kubeconfig ?? ""}`).digest("hex");
    let forwarder = forwarders.get(key);
    if (!forwarder) {
        forwarder = (async () => new (await clientNode()).PortForward(await loadKubeConfig(kubeconfig, context)))();
        forwarders.set(key, forwarder);
        forwarder.catch(() => forwarders.delete(key));
    }
    return forwarder;
}

function forwardError(where: string, reason: string): Error {
    return Object.assign(new Error(`port-forward to ${where} failed: ${reason.trim() || "the API server closed the stream"}`), { code: "EPORTFORWARD" });
}

/**
 * One connection to a pod's port as a byte stream: the Kubernetes port-forward websocket (`v4.channel.k8s.io`), with
 * no local listener, so nothing else on this machine can use it. Writes made before the websocket is open are
 * buffered; the stream emits `connect` once it is open, and fails with code `EPORTFORWARD` when the API server or the
 * kubelet refuses (pod missing or not running, port closed).
 */
export function podStream(o: PodStreamOptions): Duplex {
    const port = o.port ?? VAULT_PORT;
    const where = `pod ${o.namespace}/${o.pod} port ${port}`;
    const toPod = new PassThrough();
    let socket: ForwardSocket | undefined;
    const stream = new Duplex({
        read() { /* data is pushed as the websocket delivers it */ },
        write(chunk, encoding, callback) { toPod.write(chunk, encoding, callback); },
        final(callback) { toPod.end(); callback(); },
        destroy(error, callback) {
            socket?.close();
            toPod.destroy();
            callback(error);
        },
    });
    const fromPod = new Writable({ write(chunk, _encoding, callback) { stream.push(chunk); callback(); } });
    // The error channel carries the kubelet's reason, e.g. "connection refused" when nothing listens on the port.
    // (Its first frame holds only the port number, which arrives here empty.)
    const errors = new Writable({
        write(chunk: Buffer, _encoding, callback) {
            if (chunk.length > 0) stream.destroy(forwardError(where, chunk.toString("utf8")));
            callback();
        },
    });
    (async () => {
        const forwarder = await portForwarder(o.kubeconfig, o.context);
        socket = (await forwarder.portForward(o.namespace, o.pod, [port], fromPod, errors, toPod)) as ForwardSocket;
        if (stream.destroyed) return socket.close();
        socket.on("close", () => stream.push(null));
        stream.emit("connect");
    })().catch((e: { message?: string; code?: string }) => stream.destroy(e?.code === KUBECONFIG_ERROR ? e as Error : forwardError(where, e?.message ?? String(e))));
    return stream;
}

/**
 * A Vault client for one pod: every request travels on its own port-forward stream (TLS inside it, verified with
 * `caCertPem` against `host`). Nothing listens on this machine while it is used.
 */
export function vaultClientForPod(o: PodVaultOptions): VaultClient {
    return new VaultClient({
        address: `${o.scheme ?? "https"}://${o.host ?? "127.0.0.1"}:${o.port ?? VAULT_PORT}`,
        caCertPem: o.caCertPem,
        timeoutMs: o.timeoutMs,
        connect: () => podStream(o),
        label: `pod ${o.namespace}/${o.pod}`,
    });
}
