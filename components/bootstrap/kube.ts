import type { Readable, Writable } from "stream";

/*
 * The parts of @kubernetes/client-node this package uses, typed here: importing the module's own types would make
 * every program that compiles this package's sources type-check its 800 declaration files.
 */
export interface KubeConfig {
    loadFromString(text: string): void;
    loadFromDefault(): void;
    setCurrentContext(context: string): void;
    makeApiClient<T>(api: new (...args: any[]) => T): T;
}

export interface CoreV1Api {
    readNamespacedSecret(p: { name: string; namespace: string }): Promise<{ data?: Record<string, string> }>;
    createNamespacedSecret(p: { namespace: string; body: Record<string, unknown>; dryRun?: string }): Promise<unknown>;
    listNamespacedPod(p: { namespace: string; labelSelector?: string }): Promise<{ items?: { metadata?: { name?: string } }[] }>;
    readNamespacedService(p: { name: string; namespace: string }): Promise<{ status?: { loadBalancer?: { ingress?: { hostname?: string; ip?: string }[] } } }>;
}

export interface PortForward {
    portForward(namespace: string, pod: string, ports: number[], output: Writable, error: Writable | null, input: Readable): Promise<unknown>;
}

export interface ClientNode {
    KubeConfig: new () => KubeConfig;
    CoreV1Api: new (...args: any[]) => CoreV1Api;
    PortForward: new (config: KubeConfig) => PortForward;
}

const CLIENT_NODE = "@kubernetes/client-node";

/** `@kubernetes/client-node` is an ES module, imported on first use only. */
export function clientNode(): Promise<ClientNode> {
    return import(CLIENT_NODE) as Promise<ClientNode>;
}

/** The code of an error in the kubeconfig itself: retrying cannot fix it. */
export const KUBECONFIG_ERROR = "EKUBECONFIG";

/**
 * A kubeconfig as kubectl would use it: the given text (YAML or JSON), or KUBECONFIG / ~/.kube/config, with an
 * optional context.
 */
export async function loadKubeConfig(kubeconfig?: string, context?: string): Promise<KubeConfig> {
    const kc = new (await clientNode()).KubeConfig();
    try {
        if (kubeconfig) kc.loadFromString(kubeconfig);
        else kc.loadFromDefault();
    } catch (e) {
        // The YAML parser quotes the lines around a syntax error: credentials must not travel on in the message.
        const { reason, mark } = e as { reason?: string; mark?: { line: number; column: number } };
        if (!reason) throw e;
        throw Object.assign(new Error(`the kubeconfig is not valid YAML or JSON: ${reason}${mark ? ` (line ${mark.line + 1}, column ${mark.column + 1})` : ""}`),
            { code: KUBECONFIG_ERROR });
    }
    if (context) kc.setCurrentContext(context);
    return kc;
}
