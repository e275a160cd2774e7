import * as net from "net";
import { clientNode, loadKubeConfig, PortForward } from "./kube";

interface Closable {
    on(event: "close", listener: () => void): void;
    close(): void;
}

/** A local TCP listener whose connections are forwarded to a pod port through the Kubernetes API. */
export interface Tunnel {
    /** `127.0.0.1:<port>` */
    hostPort: string;
    port: number;
    close(): Promise<void>;
}

export interface TunnelOptions {
    namespace: string;
    /** The pod to reach, or a function choosing one per connection (e.g. the active Vault server). */
    pod: string | (() => Promise<string>);
    remotePort: number;
    kubeconfig?: string;
    context?: string;
    /** Preferred local port; an ephemeral one when it is taken (or not given). */
    localPort?: number;
}

/**
 * A stable local port for a tunnel (20000-39999, from a hash of its key): the Vault provider's address then stays
 * the same from run to run, so previews show no provider change and `kubectl port-forward` can stand in for it.
 */
export function preferredPort(key: string): number {
    let h = 0;
    for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    return 20000 + (h % 20000);
}

function listen(server: net.Server, port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        server.once("error", onError);
        server.listen(port, "127.0.0.1", () => {
            server.off("error", onError);
            resolve();
        });
    });
}

/**
 * What `kubectl port-forward` does, in process: listens on 127.0.0.1 and forwards every connection over a
 * port-forward websocket. Nothing is dialled until a connection arrives, and the listener does not keep the
 * process alive: it lives exactly as long as the program that opened it.
 */
export async function openTunnel(o: TunnelOptions): Promise<Tunnel> {
    let forwarder: Promise<PortForward> | undefined;
    const portForward = () => (forwarder ??= (async () => new (await clientNode()).PortForward(await loadKubeConfig(o.kubeconfig, o.context)))());

    const server = net.createServer((socket) => {
        (async () => {
            const pod = typeof o.pod === "string" ? o.pod : await o.pod();
            const ws = (await (await portForward()).portForward(o.namespace, pod, [o.remotePort], socket, null, socket)) as unknown as Closable;
            ws.on("close", () => socket.end());
            socket.on("close", () => ws.close());
            socket.on("error", () => ws.close());
        })().catch((e) => socket.destroy(e instanceof Error ? e : new Error(String(e))));
    });
    server.unref();
    try {
        await listen(server, o.localPort ?? 0);
    } catch (e) {
        if ((e as { code?: string }).code !== "EADDRINUSE" || !o.localPort) throw e;
        await listen(server, 0);
    }
    const port = (server.address() as net.AddressInfo).port;
    return {
        hostPort: `127.0.0.1:${port}`,
        port,
        close: () => new Promise<void>((r) => server.close(() => r())),
    };
}

/**
 * Chooses the pod the API tunnel should reach: the active Vault server (service registration labels it
 * `vault-active=true`), else the first server pod.
 */
export function activeServerPod(o: { namespace: string; releaseName: string; fallback: string; kubeconfig?: string; context?: string }): () => Promise<string> {
    return async () => {
        try {
            const api = (await loadKubeConfig(o.kubeconfig, o.context)).makeApiClient((await clientNode()).CoreV1Api);
            const pods = await api.listNamespacedPod({
                namespace: o.namespace,
                labelSelector: `app.kubernetes.io/name=vault,app.kubernetes.io/instance=${o.releaseName},component=server,vault-active=true`,
            });
            return pods.items?.[0]?.metadata?.name ?? o.fallback;
        } catch {
            return o.fallback;
        }
    };
}
