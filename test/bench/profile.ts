/**
 * Summaries of V8 CPU profiles (.cpuprofile, written by the children's --profile): self time by function and by
 * code base, the time under each of this package's functions, time spent loading modules, and differences between
 * two sets of profiles (ours versus the baseline).
 */
import * as fs from "fs";
import * as path from "path";

interface CallFrame {
    functionName: string;
    url: string;
    lineNumber: number;
}

interface ProfileNode {
    id: number;
    callFrame: CallFrame;
    children?: number[];
}

interface CpuProfile {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
}

export interface Row {
    what: string;
    ms: number;
    pct: number;
}

/** Microseconds per key. */
type Totals = Map<string, number>;

export interface Aggregates {
    totalUs: number;
    /** Self time by function (`name file:line`). */
    self: Totals;
    /** Self time by code base. */
    buckets: Totals;
    /** Time by the innermost function of this package on the stack → the function it called. */
    ours: Totals;
    /** Time of samples inside a module load (nested at least `loadDepth` Module._load frames deep). */
    loadingUs: number;
    /** Whether the requested sample window was used (false: it did not overlap the profile; everything kept). */
    windowed: boolean;
}

export interface ProfileOptions {
    /** Keep samples in [from, to] (microseconds of the monotonic clock, see child.ts clockUs). */
    window?: [number, number];
    /** Module._load frames that count as loading (2 when the timed region itself runs inside a require). */
    loadDepth?: number;
}

function where(root: string, cf: CallFrame): string {
    const file = cf.url.replace(/^file:\/\//, "");
    const rel = file.startsWith(root) ? path.relative(root, file) : file;
    return `${cf.functionName || "(anonymous)"} ${rel || "(native)"}${rel ? `:${cf.lineNumber + 1}` : ""}`;
}

/** Which code base a frame belongs to. */
export function bucketOf(cf: CallFrame): string {
    const u = cf.url;
    if (cf.functionName === "(garbage collector)") return "garbage collector";
    if (cf.functionName === "(program)" || cf.functionName === "(idle)") return "V8 (program/idle)";
    if (/@cspotcode\/source-map-support|@jridgewell\/|source-map/.test(u)) return "source-map-support (stack-trace formatting)";
    if (/node_modules\/@pulumi\/pulumi\//.test(u)) return "@pulumi/pulumi runtime";
    if (/node_modules\/@pulumi\//.test(u)) return "@pulumi provider SDK modules";
    if (/node_modules\/(google-protobuf|@grpc)/.test(u)) return "protobuf / gRPC (mock monitor messages)";
    if (/components\/testing\//.test(u)) return "test harness (components/testing/mocks.ts)";
    if (/\/components\//.test(u)) return "this package (components/)";
    if (/\/stacks\//.test(u)) return "the program (stacks/)";
    if (/\/test\/bench\//.test(u)) return "bench driver (test/bench/)";
    if (/node_modules\/ts-node|node_modules\/typescript/.test(u)) return "ts-node / typescript";
    if (u === "" || u.startsWith("node:")) return "node internals / native";
    return "other node_modules";
}

const isOurs = (cf: CallFrame) => /\/(components|stacks)\//.test(cf.url) && !/components\/testing\//.test(cf.url);
const isLoad = (cf: CallFrame) => cf.functionName === "Module._load" && cf.url === "node:internal/modules/cjs/loader";

export function profileAggregates(file: string, root: string, options: ProfileOptions = {}): Aggregates {
    const p = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parentOf = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

    // Sample timestamps, to keep a window.
    let t = p.startTime;
    const times = p.timeDeltas.map((d) => (t += d));
    const w = options.window;
    const windowed = !!w && w[0] > 0 && w[1] > w[0] && times.some((x) => x >= w[0] && x <= w[1]);
    const selfUs = new Map<number, number>();
    p.samples.forEach((id, i) => {
        if (windowed && (times[i] < w![0] || times[i] > w![1])) return;
        selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
    });

    const add = (m: Totals, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
    const agg: Aggregates = { totalUs: 0, self: new Map(), buckets: new Map(), ours: new Map(), loadingUs: 0, windowed };
    for (const [id, us] of selfUs) {
        agg.totalUs += us;
        const cf = byId.get(id)!.callFrame;
        add(agg.self, where(root, cf), us);
        add(agg.buckets, bucketOf(cf), us);
        let callee: CallFrame | undefined;
        let key: string | undefined;
        let loads = 0;
        for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) {
            const f: CallFrame = byId.get(cur)!.callFrame;
            if (isLoad(f)) loads++;
            if (!key && isOurs(f)) key = callee ? `${where(root, f)} → ${where(root, callee)}` : `${where(root, f)} (own code)`;
            if (!key) callee = f;
        }
        add(agg.ours, key ?? "(not under code of components/ or stacks/)", us);
        if (loads >= (options.loadDepth ?? 1)) agg.loadingUs += us;
    }
    return agg;
}

/** Average of several profiles' aggregates (same options). */
export function averageAggregates(list: Aggregates[]): Aggregates {
    const avg = (pick: (a: Aggregates) => Totals): Totals => {
        const m: Totals = new Map();
        for (const a of list) for (const [k, v] of pick(a)) m.set(k, (m.get(k) ?? 0) + v / list.length);
        return m;
    };
    return {
        totalUs: list.reduce((s, a) => s + a.totalUs, 0) / list.length,
        self: avg((a) => a.self), buckets: avg((a) => a.buckets), ours: avg((a) => a.ours),
        loadingUs: list.reduce((s, a) => s + a.loadingUs, 0) / list.length,
        windowed: list.every((a) => a.windowed),
    };
}

export function rows(m: Totals, totalUs: number, limit: number): Row[] {
    return [...m].sort((a, b) => b[1] - a[1]).slice(0, limit)
        .map(([what, us]) => ({ what, ms: Math.round(us / 100) / 10, pct: Math.round((1000 * us) / totalUs) / 10 }));
}

/** Largest positive differences a − b per key, in ms, with both sides. */
export function differences(a: Totals, b: Totals, limit: number): { what: string; diffMs: number; aMs: number; bMs: number }[] {
    const keys = new Set([...a.keys(), ...b.keys()]);
    return [...keys].map((k) => ({ what: k, aMs: (a.get(k) ?? 0) / 1000, bMs: (b.get(k) ?? 0) / 1000 }))
        .map((r) => ({ ...r, diffMs: r.aMs - r.bMs }))
        .sort((x, y) => y.diffMs - x.diffMs).slice(0, limit);
}

export interface ProfileSummary {
    totalMs: number;
    selfTop: Row[];
    buckets: Row[];
    oursInclusive: Row[];
}

export function summarizeProfile(file: string, root: string, top = 12, options: ProfileOptions = {}): ProfileSummary {
    const a = profileAggregates(file, root, options);
    return { totalMs: Math.round(a.totalUs / 1000), selfTop: rows(a.self, a.totalUs, top), buckets: rows(a.buckets, a.totalUs, 20), oursInclusive: rows(a.ours, a.totalUs, top) };
}
