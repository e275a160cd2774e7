/**
 * The load balancer name step's provider logic, run in Pulumi's dynamic provider process (loaded by absolute path).
 */
import type * as pulumi from "@pulumi/pulumi";
import { clientNode, loadKubeConfig } from "../bootstrap/kube";

export interface LoadBalancerNameInputs {
    namespace: string;
    /** The chart's UI Service, `<fullname>-ui`. */
    loadBalancerService: string;
    kubeconfig?: string;
    context?: string;
}

export interface LoadBalancerNameOutputs extends LoadBalancerNameInputs {
    /** The DNS name (or address) the cloud gave the load balancer; empty while it has none. */
    hostname: string;
}

function plain<T>(value: T): T {
    return JSON.parse(JSON.stringify(value));
}

/**
 * The load balancer's name as the Service's status reports it; empty when the Service does not exist yet (the first
 * run) or has no address yet. A failed read keeps `previous`: this step must never stop a deployment, it only adds a
 * name to the certificate when one is known.
 */
async function liveHostname(i: LoadBalancerNameInputs, previous: string): Promise<string> {
    try {
        const kc = await loadKubeConfig(i.kubeconfig, i.context);
        const core = kc.makeApiClient((await clientNode()).CoreV1Api);
        const service = await core.readNamespacedService({ name: i.loadBalancerService, namespace: i.namespace });
        const ingress = service.status?.loadBalancer?.ingress?.[0];
        return ingress?.hostname ?? ingress?.ip ?? "";
    } catch (e) {
        if ((e as { code?: unknown }).code === 404) return "";
        process.stderr.write(`vault-cluster: could not read Service ${i.namespace}/${i.loadBalancerService} for its load balancer's name ` +
            `(${(e as Error).message ?? e}); the server certificate keeps ${previous ? `"${previous}"` : "no load balancer name"}\n`);
        return previous;
    }
}

function inputsOf(i: LoadBalancerNameInputs): LoadBalancerNameInputs {
    return { namespace: i.namespace, loadBalancerService: i.loadBalancerService, kubeconfig: i.kubeconfig, context: i.context };
}

/**
 * Reads the UI load balancer's name on every run, in the diff: the certificate is issued before the release that
 * creates the Service, so on the first run there is no name, and the next run that finds one reports a change, which
 * puts the name into the server certificate (reloaded by the rollout without a restart).
 */
export const loadBalancerName = {
    async create(inputs: LoadBalancerNameInputs): Promise<pulumi.dynamic.CreateResult> {
        const outs: LoadBalancerNameOutputs = { ...inputsOf(inputs), hostname: await liveHostname(inputs, "") };
        return { id: `${inputs.namespace}/${inputs.loadBalancerService}`, outs: plain(outs) };
    },

    async diff(_id: string, olds: LoadBalancerNameOutputs, news: LoadBalancerNameInputs): Promise<pulumi.dynamic.DiffResult> {
        const moved = olds.namespace !== news.namespace || olds.loadBalancerService !== news.loadBalancerService;
        const changes = moved || (await liveHostname(news, olds.hostname ?? "")) !== (olds.hostname ?? "");
        return { changes, replaces: [], deleteBeforeReplace: false };
    },

    async update(_id: string, olds: LoadBalancerNameOutputs, news: LoadBalancerNameInputs): Promise<pulumi.dynamic.UpdateResult> {
        const outs: LoadBalancerNameOutputs = { ...inputsOf(news), hostname: await liveHostname(news, olds.hostname ?? "") };
        return { outs: plain(outs) };
    },
};
