import * as pulumi from "@pulumi/pulumi";
import type { CustodyRecords } from "./custody";
import { vaultInitProvider } from "./initProvider";
import type { VaultInitInputs } from "./initRuntime";

export type VaultInitArgs = { [K in keyof VaultInitInputs]: pulumi.Input<VaultInitInputs[K]> };

/** The type token Pulumi gives every Node.js dynamic resource. */
export const VAULT_INIT_TYPE = "pulumi-nodejs:dynamic:Resource";

/** Outputs holding secrets (custody and access may carry a kubeconfig): never shown in plain text in state or previews. */
export const INIT_SECRET_OUTPUTS = ["rootToken", "admin", "stateRecords", "custody", "kubeconfig"];

/**
 * `vault operator init`, automated and idempotent: creation initializes Vault (or adopts an initialized one from
 * custody), updates unseal sealed Shamir replicas, carry custody records over when custody moves and retire the root
 * token when asked; deletion is a no-op that never touches Vault or custody.
 */
export class VaultInit extends pulumi.dynamic.Resource {
    declare readonly rootToken: pulumi.Output<string>;
    declare readonly admin: pulumi.Output<{ mount: string; roleId: string; secretId: string } | undefined>;
    declare readonly sealType: pulumi.Output<string>;
    declare readonly initializedAt: pulumi.Output<string>;
    declare readonly custodyDescription: pulumi.Output<string>;
    /** The records themselves with `state` custody (secret): the day-2 steps read the token and keys from them. */
    declare readonly stateRecords: pulumi.Output<Partial<CustodyRecords> | undefined>;
    /** Vault's `cluster_id`: custody records of another cluster are refused. */
    declare readonly clusterId: pulumi.Output<string | undefined>;
    /** Shamir replicas the last run left sealed (they did not answer in time). */
    declare readonly sealedReplicas: pulumi.Output<string[]>;

    constructor(name: string, args: VaultInitArgs, opts?: pulumi.CustomResourceOptions) {
        const outputs = {
            rootToken: undefined, admin: undefined, sealType: undefined, recoverySeal: undefined, initializedAt: undefined, custodyDescription: undefined,
            clusterId: undefined, sealedReplicas: undefined, stateRecords: undefined,
        };
        super(vaultInitProvider, name, { ...args, ...outputs }, { ...opts, additionalSecretOutputs: INIT_SECRET_OUTPUTS });
    }
}
