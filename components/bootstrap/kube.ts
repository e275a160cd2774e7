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

/**
 * A kubeconfig as kubectl would use it: the given text (YAML or JSON), or KUBECONFIG / ~/.kube/config, with an
 * optional context.
 */
export async function loadKubeConfig(kubeconfig?: string, context?: string): Promise<KubeConfig> {
    const kc = new (await clientNode()).KubeConfig();
    if (kubeconfig) kc.loadFromString(kubeconfig);
    else kc.loadFromDefault();
    if (context) kc.setCurrentContext(context);
    return kc;
}
