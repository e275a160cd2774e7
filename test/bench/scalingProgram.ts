/**
 * The scaling benchmark's "program": loaded with `require` by scaling.ts (as plan() loads stacks/index.ts and
 * baseline.ts loads baselineProgram.ts), so the cluster is constructed at a module's top level like in a real
 * Pulumi program. Input and timings travel on globalThis.
 */
import { performance } from "perf_hooks";

export interface ScalingInput {
    config: Record<string, unknown>;
    /** Filled in: performance.now() marks around loading the package and constructing the cluster. */
    marks: { loaded?: number; constructed?: number };
}

export const SCALING_INPUT_KEY = "__vaultClusterBenchScaling";

const input = (globalThis as Record<string, unknown>)[SCALING_INPUT_KEY] as ScalingInput | undefined;
if (!input) throw new Error(`scalingProgram.ts expects its input on globalThis.${SCALING_INPUT_KEY} (it is loaded by scaling.ts)`);

const { VaultCluster } = require("../../components") as typeof import("../../components");
input.marks.loaded = performance.now();
new VaultCluster("bench", {
    storage: { type: "raft" },
    seal: { type: "shamir" },
    bootstrap: { custody: { type: "kubernetes-secret" } },
    config: input.config as any,
});
input.marks.constructed = performance.now();
