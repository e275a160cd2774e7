/**
 * Child process ("ours"): runs the repository's real program for a stack under mocks through `plan(stack)`.
 *
 *   node -r ts-node/register/transpile-only test/bench/evalProgram.ts --stack prod [--fixture <file.json>] [--profile <file>] [--warm]
 *
 * Timed ("evaluation"): from the moment plan() requires stacks/index.ts to the moment its `settle()` returns (every
 * registration and invoke finished). plan()'s own set-up before that (reading the stack file, installing mocks) and
 * its rendering of review artifacts after it are outside the timed region; they are in the process wall time.
 *
 * `--fixture` also saves every registered resource (inputs with secrets unwrapped) for the baseline and the
 * critical-path analysis. `--warm` evaluates the program a second time in the same process, with fresh mocks, and
 * reports that as `warmEvalMs`: the same work once the code is loaded, compiled and its source maps read, which
 * separates the first-execution cost of a fresh process from the steady cost.
 */
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { argValue, clockUs, emit, ms, peakRssMiB, prewarmTypeScript, ROOT, runChild, startProfile } from "./child";
import { toFixture, writeFixture } from "./fixture";

runChild("evalProgram", async () => {
    const argv = process.argv.slice(2);
    const stack = argValue(argv, "--stack") ?? "prod";
    const fixtureFile = argValue(argv, "--fixture");
    const prewarm = prewarmTypeScript();

    const program = path.join(ROOT, "stacks", "index.ts");
    if (!fs.existsSync(program)) throw new Error(`no program at ${program}`);
    const { unwrapSecrets } = require("../../components/testing/mocks") as typeof import("../../components/testing/mocks");

    const first = await timedPlan(stack, program, { fixture: fixtureFile !== undefined, profile: argValue(argv, "--profile") });
    const { result, start, end, startUs, endUs, t0, t1 } = first;
    const rss = peakRssMiB();
    const warm = argv.includes("--warm") ? await timedPlan(stack, program, { fixture: false }) : undefined;
    if (warm && warm.result.resources.length !== result.resources.length) {
        throw new Error(`the second evaluation registered ${warm.result.resources.length} resources, the first ${result.resources.length}`);
    }

    const resources = result.resources;
    if (fixtureFile) {
        const fixture = toFixture(stack, resources, unwrapSecrets);
        for (const r of fixture.resources) r.propertyDependencies = first.propertyDependencies.get(r.urn);
        writeFixture(fixtureFile, fixture);
    }

    emit({
        stack,
        evalMs: ms(start, end),
        planMs: ms(t0, t1),
        warmEvalMs: warm ? ms(warm.start, warm.end) : undefined,
        peakRssMiB: rss,
        registrations: resources.length,
        customResources: resources.filter((r) => r.custom && !r.read).length,
        reads: resources.filter((r) => r.read).length,
        components: resources.filter((r) => !r.custom).length,
        prewarm,
        windowUs: [startUs, endUs],
    });
});

/**
 * One evaluation of the program through plan(stack). Start: plan() requiring the program. End: plan()'s settle()
 * (settings.waitForRPCs) resolving. With `fixture`, also keeps which input property each dependency came from.
 */
async function timedPlan(stack: string, program: string, o: { fixture: boolean; profile?: string }) {
    const { plan } = require("../../stacks/plan") as typeof import("../../stacks/plan");
    const Module = require("module") as { _load: (request: string, ...rest: unknown[]) => unknown };
    const originalLoad = Module._load;
    let start: number | undefined;
    let startUs = 0;
    Module._load = function (request: string, ...rest: unknown[]) {
        if (start === undefined && request === program) {
            start = performance.now();
            startUs = clockUs();
            Module._load = originalLoad;
        }
        return originalLoad.call(this, request, ...rest);
    };
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };
    const originalWait = settings.waitForRPCs;
    let end: number | undefined;
    let endUs = 0;
    settings.waitForRPCs = async () => {
        await originalWait();
        end = performance.now();
        endUs = clockUs();
    };

    // The engine's propertyDependencies: dependencies in no property's list are dependsOn-only.
    const propertyDependencies = new Map<string, Record<string, string[]>>();
    const MockMonitor = (require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: { registerResource: (req: any, cb: any) => unknown } } }).MockMonitor;
    const originalRegister = MockMonitor.prototype.registerResource;
    if (o.fixture) {
        MockMonitor.prototype.registerResource = function (req: any, callback: (err: unknown, response: any) => void) {
            const deps: Record<string, string[]> = {};
            req.getPropertydependenciesMap().forEach((v: { getUrnsList(): string[] }, k: string) => { deps[k] = v.getUrnsList(); });
            return originalRegister.call(this, req, (err: unknown, response: any) => {
                if (!err && response) propertyDependencies.set(response.getUrn(), deps);
                callback(err, response);
            });
        };
    }

    // A profile records plan() as a whole; `windowUs` (the evaluation) lets the analysis keep only its samples.
    const stopProfile = await startProfile(o.profile);
    const t0 = performance.now();
    let result;
    try {
        result = await plan(stack);
    } finally {
        Module._load = originalLoad;
        settings.waitForRPCs = originalWait;
        MockMonitor.prototype.registerResource = originalRegister;
    }
    const t1 = performance.now();
    await stopProfile();
    if (start === undefined) throw new Error(`plan("${stack}") never required ${program}: the timing hook missed it (did plan.ts change how it loads the program?)`);
    if (end === undefined) throw new Error(`plan("${stack}") never called settle(): the timing hook missed it`);

    return { result, start, end, startUs, endUs, t0, t1, propertyDependencies };
}
