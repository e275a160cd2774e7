/**
 * Child process ("baseline"): registers the resources of a saved run directly against the SDKs, with the same mocks:
 * its program (baselineProgram.ts, loaded with `require` as plan() loads stacks/index.ts) does
 * one `new <SdkClass>(name, literalInputs, opts)` per recorded custom resource, in the recorded order, with the same
 * inputs (secrets unwrapped), provider, dependsOn (the recorded dependency URNs), protect, retainOnDelete,
 * deletedWith and additionalSecretOutputs. The dynamic resources (init step, rollout, Raft membership, seal guard)
 * stay dynamic resources with the package's own provider modules (see baselineProgram.ts), so their serialization
 * cost is the same. No components, no
 * validation, no rendering, no config, no invokes, no reads.
 *
 *   node -r ts-node/register/transpile-only test/bench/baseline.ts --fixture <file.json> [--plain-stack] [--profile <file>] [--warm]
 *
 * Timed: from requiring baselineProgram.ts (which requires the SDK classes) to after every registration settled, as
 * evalProgram.ts times the real program: from requiring stacks/index.ts to settle(). Afterwards it checks that what it registered matches the fixture.
 * `--warm` then registers everything a second time in the same process, with fresh mocks (as evalProgram.ts --warm).
 */
import * as fs from "fs";
import { performance } from "perf_hooks";
import { argValue, emit, ms, peakRssMiB, prewarmTypeScript, runChild, startProfile } from "./child";
import type { BaselineInput } from "./baselineProgram";
import type { Fixture, FixtureResource } from "./fixture";
import { DYNAMIC_TYPE, jsonEncodedInputs } from "./sdkClasses";

/** Same value as baselineProgram.ts INPUT_KEY (not imported: that module runs the program when loaded). */
const INPUT_KEY = "__vaultClusterBenchBaseline";

/** Key-order-independent JSON, for comparing inputs. */
function canonical(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
    if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
    return JSON.stringify(v) ?? "undefined";
}

/** The args to hand the SDK class so that it sends the recorded inputs. */
function literalArgs(r: FixtureResource): Record<string, any> {
    const args: Record<string, any> = { ...r.inputs };
    if (r.type === DYNAMIC_TYPE) delete args.__provider; // dynamic.Resource adds it (serializing the provider again)
    for (const key of jsonEncodedInputs(r.type)) {
        if (typeof args[key] === "string") args[key] = JSON.parse(args[key]);
    }
    return args;
}

runChild("baseline", async () => {
    const argv = process.argv.slice(2);
    const file = argValue(argv, "--fixture");
    if (!file || !fs.existsSync(file)) throw new Error(`--fixture <file.json> is required (written by evalProgram.ts or scaling.ts --fixture); got ${file}`);
    const warm = prewarmTypeScript();
    const fixture = JSON.parse(fs.readFileSync(file, "utf8")) as Fixture;
    const todo = fixture.resources.filter((r) => r.custom && !r.read);
    if (todo.length === 0) throw new Error(`fixture ${file} holds no custom resources`);
    // The SDK classes may add keys to the args they get (dynamic.Resource adds __provider): fresh args per evaluation.
    const prepare = () => todo.map((r) => ({ r, args: literalArgs(r) }));
    const prepared = prepare();

    const mocks = require("../../components/testing/mocks") as typeof import("../../components/testing/mocks");
    const recorder = await mocks.installMocks({ project: fixture.project, stack: fixture.stack });
    if (argv.includes("--plain-stack")) (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;

    const stopProfile = await startProfile(argValue(argv, "--profile"));
    const input: BaselineInput = { prepared, droppedDependencies: 0 };
    (globalThis as Record<string, unknown>)[INPUT_KEY] = input;
    const t0 = performance.now();
    require("./baselineProgram");
    await mocks.settle();
    const t1 = performance.now();
    await stopProfile();
    const rss = peakRssMiB();
    let warmEvalMs: number | undefined;
    if (argv.includes("--warm")) {
        const again = await mocks.installMocks({ project: fixture.project, stack: fixture.stack });
        Object.assign(input, { prepared: prepare(), droppedDependencies: 0 });
        delete require.cache[require.resolve("./baselineProgram")];
        const w0 = performance.now();
        require("./baselineProgram");
        await mocks.settle();
        warmEvalMs = ms(w0, performance.now());
        if (again.resources.length !== recorder.resources.length) {
            throw new Error(`the second registration pass registered ${again.resources.length} resources, the first ${recorder.resources.length}`);
        }
    }

    // Same count, same type/name, same inputs as the fixture?
    const registered = recorder.resources.filter((x) => x.custom && !x.read);
    const mine = new Map(registered.map((x) => [`${x.type}::${x.name}`, x]));
    const mismatches: string[] = [];
    for (const r of todo) {
        const x = mine.get(`${r.type}::${r.name}`);
        if (!x) mismatches.push(`${r.type} ${r.name}: not registered`);
        else if (canonical(mocks.unwrapSecrets(x.inputs)) !== canonical(r.inputs)) mismatches.push(`${r.type} ${r.name}: inputs differ`);
    }
    if (registered.length !== todo.length) mismatches.push(`registered ${registered.length} custom resources, fixture has ${todo.length}`);

    emit({
        evalMs: ms(t0, t1),
        warmEvalMs,
        peakRssMiB: rss,
        registrations: recorder.resources.length,
        customResources: registered.length,
        vaultResources: registered.filter((x) => x.type.startsWith("vault:")).length,
        droppedDependencies: input.droppedDependencies,
        mismatches,
        prewarm: warm,
    });
});
