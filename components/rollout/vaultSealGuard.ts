import * as pulumi from "@pulumi/pulumi";
import { runtimeProvider } from "../dynamicProvider";

export interface VaultSealGuardArgs {
    /** The seal in the server configuration (`awskms`, `shamir`, ...). */
    seal: pulumi.Input<string>;
    /** The awskms key's ARN: a new key is a seal change too. */
    keyId?: pulumi.Input<string>;
}

/**
 * Placed before the Helm release (which depends on it): refuses a seal change the rollout cannot migrate, with the
 * manual procedure in the message, before the release writes the new seal into the server configuration. Shamir to
 * auto-unseal passes (the rollout migrates it). Deleting it does nothing.
 */
export class VaultSealGuard extends pulumi.dynamic.Resource {
    constructor(name: string, args: VaultSealGuardArgs, opts?: pulumi.CustomResourceOptions) {
        super(runtimeProvider(require.resolve("./sealGuardRuntime"), "sealGuard"), name, { ...args }, opts);
    }
}
