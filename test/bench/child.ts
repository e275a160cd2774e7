/**
 * Support for the benchmark's child processes (each measurement runs in a fresh `node -r
 * ts-node/register/transpile-only <script>` process started by test/bench/run.ts).
 *
 * Fairness of the TypeScript cost: every child, ours and baseline alike, first transpiles the same set of files
 * (components/**, stacks/**, test/bench/*) through ts-node's own compiler and caches the output
 * ({@link prewarmTypeScript}). Inside the timed region a `require` of any of those files then costs a cache lookup
 * instead of a transpilation, so the timed region holds module evaluation and Pulumi work only, and the untimed
 * TypeScript cost is identical in every process (it shows up in the total process wall time, equally for both).
 */
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";

export const ROOT = path.resolve(__dirname, "..", "..");

/** Marks the one stdout line carrying a child's result (anything else on stdout is ignored). */
export const RESULT_MARKER = "@@BENCH-RESULT@@";

/** Directories whose .ts files every child pre-transpiles (the same set in every process). */
export const PREWARM_DIRS = ["components", "stacks", "test/bench"];

interface TsNodeService {
    compile(code: string, fileName: string, lineOffset?: number): string;
}

function tsFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        if (e.name.startsWith(".") || e.name === "node_modules") return [];
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return tsFiles(full);
        return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [full] : [];
    });
}

export interface PrewarmStats {
    files: number;
    ms: number;
}

/**
 * Transpiles every .ts file under {@link PREWARM_DIRS} now and makes ts-node reuse the output when the file is
 * required later (as long as its text is unchanged). Throws when the process does not run under ts-node.
 */
export function prewarmTypeScript(): PrewarmStats {
    const service = (process as unknown as Record<symbol, TsNodeService | undefined>)[Symbol.for("ts-node.register.instance")];
    if (!service) throw new Error("bench children must run under ts-node: node -r ts-node/register/transpile-only <script>");
    const start = performance.now();
    const original = service.compile.bind(service);
    const cache = new Map<string, { code: string; output: string }>();
    const files = PREWARM_DIRS.flatMap((d) => tsFiles(path.join(ROOT, d)));
    for (const file of files) {
        const code = fs.readFileSync(file, "utf8");
        try {
            cache.set(file, { code, output: original(code, file) });
        } catch {
            // A file another engineer is editing may not parse right now; it is compiled on require, if ever required.
        }
    }
    service.compile = (code: string, fileName: string, lineOffset?: number) => {
        const hit = cache.get(fileName);
        return hit && hit.code === code && !lineOffset ? hit.output : original(code, fileName, lineOffset);
    };
    return { files: cache.size, ms: performance.now() - start };
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
    return process.resourceUsage().maxRSS / 1024;
}

/** Prints the result line the parent parses, then exits (open tunnels or handles must not keep the child alive). */
export function emit(result: Record<string, unknown>): never {
    fs.writeSync(1, `${RESULT_MARKER}${JSON.stringify(result)}\n`);
    process.exit(0);
}

/** Runs a child's main function; any error becomes a clear message on stderr and exit code 1. */
export function runChild(name: string, main: () => Promise<void>): void {
    main().catch((e: unknown) => {
        process.stderr.write(`[bench child ${name}] ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
        process.exit(1);
    });
}

interface InspectorSession {
    connect(): void;
    post(method: string, params?: object, callback?: (err: Error | null, result?: any) => void): void;
}

/**
 * Starts a CPU profile of this process (inspector session, 200 µs sampling) when `file` is given; the returned
 * function stops it and writes the .cpuprofile. Used to profile only a timed region.
 */
export async function startProfile(file: string | undefined): Promise<() => Promise<void>> {
    if (!file) return async () => undefined;
    const inspector = require("inspector") as { Session: new () => InspectorSession };
    const session = new inspector.Session();
    session.connect();
    const post = (method: string, params?: object) => new Promise<any>((resolve, reject) =>
        session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
    await post("Profiler.enable");
    await post("Profiler.setSamplingInterval", { interval: 200 });
    await post("Profiler.start");
    return async () => {
        const { profile } = await post("Profiler.stop");
        fs.writeFileSync(file, JSON.stringify(profile));
    };
}

/** `--flag value` from argv. */
export function argValue(argv: string[], flag: string): string | undefined {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
}

/** Monotonic clock in microseconds: the clock of V8 CPU profiles' sample timestamps (for profile windows). */
export const clockUs = () => Number(process.hrtime.bigint() / 1000n);

/** Milliseconds between two performance.now() marks, rounded to 0.01 ms. */
export const ms = (from: number, to: number) => Math.round((to - from) * 100) / 100;
