import * as pulumi from "@pulumi/pulumi";
import { runtimeProvider } from "../dynamicProvider";

export interface VaultLoadBalancerNameArgs {
    namespace: pulumi.Input<string>;
    /** The chart's UI Service, `<fullname>-ui`. */
    loadBalancerService: pulumi.Input<string>;
    kubeconfig?: pulumi.Input<string>;
    context?: pulumi.Input<string>;
}

/**
 * The UI load balancer's DNS name, read from its Service on every run, for the server certificate. It depends on
 * nothing the release creates (that would be a cycle: the release waits for the certificate), so the first run finds no
 * name and a later run adds it. Deleting it does nothing.
 */
export class VaultLoadBalancerName extends pulumi.dynamic.Resource {
    /** The load balancer's DNS name or address; empty until the cloud has given it one. */
    declare readonly hostname: pulumi.Output<string>;

    constructor(name: string, args: VaultLoadBalancerNameArgs, opts?: pulumi.CustomResourceOptions) {
        super(runtimeProvider(require.resolve("./loadBalancerNameRuntime"), "loadBalancerName"), name, {
            ...args,
            kubeconfig: args.kubeconfig === undefined ? undefined : pulumi.secret(args.kubeconfig),
            hostname: undefined,
        }, { ...opts, additionalSecretOutputs: ["kubeconfig"] });
    }
}
