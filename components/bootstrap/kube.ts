import type { KubeConfig } from "@kubernetes/client-node";

/**
 * A kubeconfig as kubectl would use it: the given text (YAML or JSON), or KUBECONFIG / ~/.kube/config, with an
 * optional context. `@kubernetes/client-node` is an ES module, loaded on first use only.
 */
export async function loadKubeConfig(kubeconfig?: string, context?: string): Promise<KubeConfig> {
    const k8s = await import("@kubernetes/client-node");
    const kc = new k8s.KubeConfig();
    if (kubeconfig) kc.loadFromString(kubeconfig);
    else kc.loadFromDefault();
    if (context) kc.setCurrentContext(context);
    return kc;
}
