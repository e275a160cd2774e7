/**
 * Child process: one VaultCluster (a local-style cluster: Raft, Shamir, custody in a Kubernetes secret) whose
 * VaultConfig has N policies and N Kubernetes auth roles (one role per policy), built under the package's mocks.
 *
 *   node -r ts-node/register/transpile-only test/bench/scaling.ts --n 1000
 *       [--profile <file.cpuprofile>] [--fixture <file.json>] [--plain-stack]
 *
 * The cluster is built by scalingProgram.ts, loaded with `require` like a Pulumi program. Timed: from requiring
 * that program (which requires the package) to after every registration settled. `--profile` records a CPU profile
 * of that region only (inspector session), for the hot-spot analysis in run.ts. `--fixture` saves the registered
 * resources for the scaled baseline. `--plain-stack` resets Error.prepareStackTrace (ts-node's source-map-support
 * formatter) to V8's default before the timed region: what the same work costs without source-mapped stack traces.
 */
import { performance } from "perf_hooks";
import { argValue, emit, ms, peakRssMiB, prewarmTypeScript, runChild, startProfile } from "./child";
import { toFixture, writeFixture } from "./fixture";
import type { ScalingInput } from "./scalingProgram";

/** Same value as scalingProgram.ts SCALING_INPUT_KEY (not imported: that module runs the program when loaded). */
const SCALING_INPUT_KEY = "__vaultClusterBenchScaling";

/** N policies `app-<i>` reading `kv/data/app-<i>/*`, and N roles binding service account `app-<i>` to them. */
export function scalingConfig(n: number): Record<string, unknown> {
    const policies: Record<string, unknown> = {};
    const roles: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
        policies[`app-${i}`] = [{ path: `kv/data/app-${i}/*`, capabilities: ["read", "list"] }];
        roles[`app-${i}`] = { serviceAccountNames: [`app-${i}`], namespaces: [`team-${i % 10}`], policies: [`app-${i}`], ttl: "1h" };
    }
    return { kvMounts: [{ path: "kv" }], policies, kubernetesAuth: [{ roles }] };
}

runChild("scaling", async () => {
    const argv = process.argv.slice(2);
    const n = Number(argValue(argv, "--n"));
    if (!Number.isInteger(n) || n < 0) throw new Error(`--n must be a whole number, got ${argValue(argv, "--n")}`);
    const profileFile = argValue(argv, "--profile");
    const warm = prewarmTypeScript();

    const mocks = require("../../components/testing/mocks") as typeof import("../../components/testing/mocks");
    const recorder = await mocks.installMocks({ project: "vault-cluster", stack: "bench" });
    const config = scalingConfig(n);

    const stopProfile = await startProfile(profileFile);
    if (argv.includes("--plain-stack")) (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    const input: ScalingInput = { config, marks: {} };
    (globalThis as Record<string, unknown>)[SCALING_INPUT_KEY] = input;
    const t0 = performance.now();
    require("./scalingProgram");
    const t1 = input.marks.loaded!;
    const t2 = input.marks.constructed!;
    await mocks.settle();
    const t3 = performance.now();

    await stopProfile();

    const fixtureFile = argValue(argv, "--fixture");
    if (fixtureFile) writeFixture(fixtureFile, toFixture("bench", recorder.resources, mocks.unwrapSecrets));
    const custom = recorder.resources.filter((r) => r.custom && !r.read);
    emit({
        n,
        totalMs: ms(t0, t3),
        requireMs: ms(t0, t1),
        constructMs: ms(t1, t2),
        settleMs: ms(t2, t3),
        evalMs: ms(t1, t3),
        vaultResources: custom.filter((r) => r.type.startsWith("vault:")).length,
        customResources: custom.length,
        registrations: recorder.resources.length,
        peakRssMiB: peakRssMiB(),
        prewarm: warm,
    });
});
