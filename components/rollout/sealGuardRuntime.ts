/**
 * The seal guard's provider logic, run in Pulumi's dynamic provider process (loaded by absolute path).
 */
import type * as pulumi from "@pulumi/pulumi";
import { planSealChange } from "./plans";

export interface SealGuardInputs {
    /** The seal in the server configuration. */
    seal: string;
    /** The awskms key (ARN), when the seal is awskms. */
    keyId?: string;
}

function plain<T>(value: T): T {
    return JSON.parse(JSON.stringify(value));
}

/**
 * Remembers the seal the cluster was deployed with. A change the rollout cannot migrate is refused in the diff, which
 * runs in `pulumi preview` and before the release (which depends on this resource) is touched.
 */
export const sealGuard = {
    async create(inputs: SealGuardInputs): Promise<pulumi.dynamic.CreateResult> {
        return { id: "seal", outs: plain(inputs) };
    },

    async diff(_id: string, olds: SealGuardInputs, news: SealGuardInputs): Promise<pulumi.dynamic.DiffResult> {
        const plan = planSealChange({ type: olds.seal, keyId: olds.keyId }, { type: news.seal, keyId: news.keyId });
        if (plan.action === "refuse") throw new Error(plan.message);
        return { changes: plan.action !== "none", replaces: [], deleteBeforeReplace: false };
    },

    async update(_id: string, _olds: SealGuardInputs, news: SealGuardInputs): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: plain(news) };
    },
};
