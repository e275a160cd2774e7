import * as pulumi from "@pulumi/pulumi";
import { runtimeProvider } from "../dynamicProvider";
import { accessInputs, ClusterAccessArgs, ROLLOUT_SECRET_OUTPUTS } from "./vaultRollout";

/**
 * Raft membership before the Helm release: when `replicas` shrinks, removes the Raft peers of the pods the release
 * will delete (highest ordinal first, the leader stepped down first), refusing a shrink that would endanger quorum
 * (to an even count, below a majority at once, or without a healthy majority left). The release must depend on it.
 * A new peer joins by itself (retry_join); `VaultRollout` waits until it votes. Deleting it does nothing.
 */
export class VaultRaftMembership extends pulumi.dynamic.Resource {
    /** Raft peers after the last run. */
    declare readonly peers: pulumi.Output<string[]>;

    constructor(name: string, args: ClusterAccessArgs, opts?: pulumi.CustomResourceOptions) {
        super(runtimeProvider(require.resolve("./runtime"), "raftMembership"), name, { ...accessInputs(args), peers: undefined },
            { ...opts, additionalSecretOutputs: ROLLOUT_SECRET_OUTPUTS });
    }
}
