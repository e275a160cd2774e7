/**
 * Deployment critical path of a registered resource graph (a fixture saved from a mocked run).
 *
 * Edges, as the Pulumi engine orders creations:
 * - every URN in a resource's `dependencies` (the SDK sends input-derived and `dependsOn` dependencies there, with
 *   component resources already expanded to their custom children);
 * - a dependency on a component resource means waiting for all of its descendants (expanded again here, in case a
 *   component URN appears);
 * - a resource waits for its explicit provider resource (the provider needs its own inputs first);
 * - a custom parent is waited for (never the case in this package).
 * A component's own `dependsOn` is NOT inherited by its children (Pulumi sends it for the component only); such
 * cases are reported separately, since the children may then race what the component meant to wait for.
 */
import type { Fixture, FixtureResource } from "./fixture";
import { providerUrn } from "./fixture";
import { Latency, latencyOf } from "./latencies";

/** `dependency`: a recorded dependency whose origin (input or dependsOn) the fixture does not say. */
export type EdgeKind = "input" | "dependsOn" | "dependency" | "provider" | "component" | "parent";

export interface Edge {
    from: string;
    to: string;
    kind: EdgeKind;
    /** For input edges: the input properties that carry the dependency. */
    properties?: string[];
}

export interface Node {
    r: FixtureResource;
    latency: Latency;
    unlisted: boolean;
    label: string;
    preds: Edge[];
    start: number;
    finish: number;
    slack: number;
    /** The predecessor edge that determines `start` (undefined for a root). */
    critical?: Edge;
}

export interface CriticalPathResult {
    nodes: Map<string, Node>;
    chain: Node[];
    total: number;
    sequential: number;
    /** Children that do not (transitively) wait for what their parent component depends on. */
    uninherited: { component: FixtureResource; dependency: FixtureResource; child: FixtureResource }[];
    edges: Edge[];
}

export function shortName(r: FixtureResource): string {
    return `${r.type.replace(/^.*:/, "")} ${r.name}`;
}

export function analyze(fixture: Fixture): CriticalPathResult {
    const all = new Map(fixture.resources.map((r) => [r.urn, r]));
    const children = new Map<string, FixtureResource[]>();
    for (const r of fixture.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const customDescendants = (urn: string): string[] => (children.get(urn) ?? []).flatMap((c) => (c.custom ? [c.urn] : customDescendants(c.urn)));
    const customs = fixture.resources.filter((r) => r.custom);

    const nodes = new Map<string, Node>();
    for (const r of customs) {
        const { latency, rule } = latencyOf(r.type, r.inputs);
        nodes.set(r.urn, { r, latency, unlisted: !rule, label: rule?.label ?? "", preds: [], start: 0, finish: 0, slack: 0 });
    }

    const edges: Edge[] = [];
    for (const node of nodes.values()) {
        const r = node.r;
        const seen = new Set<string>();
        const add = (from: string, kind: EdgeKind, properties?: string[]) => {
            if (from === r.urn || seen.has(from) || !nodes.has(from)) return;
            seen.add(from);
            const edge = { from, to: r.urn, kind, properties };
            node.preds.push(edge);
            edges.push(edge);
        };
        const propsOf = (dep: string) => Object.entries(r.propertyDependencies ?? {}).filter(([, urns]) => urns.includes(dep)).map(([p]) => p);
        for (const dep of r.dependencies) {
            const target = all.get(dep);
            if (target && !target.custom) {
                for (const d of customDescendants(dep)) add(d, "component");
                continue;
            }
            const props = propsOf(dep);
            add(dep, props.length > 0 ? "input" : r.propertyDependencies ? "dependsOn" : "dependency", props.length > 0 ? props : undefined);
        }
        if (r.provider) add(providerUrn(r.provider), "provider");
        if (r.parent && all.get(r.parent)?.custom) add(r.parent, "parent");
    }

    // Earliest start/finish in topological order (depth-first; the graph of a Pulumi program is acyclic).
    const order: Node[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (n: Node) => {
        const s = state.get(n.r.urn);
        if (s === "done") return;
        if (s === "visiting") throw new Error(`dependency cycle through ${shortName(n.r)}`);
        state.set(n.r.urn, "visiting");
        for (const e of n.preds) visit(nodes.get(e.from)!);
        state.set(n.r.urn, "done");
        order.push(n);
    };
    for (const n of nodes.values()) visit(n);
    for (const n of order) {
        for (const e of n.preds) {
            const p = nodes.get(e.from)!;
            if (!n.critical || p.finish > n.start) {
                n.start = p.finish;
                n.critical = e;
            }
        }
        n.finish = n.start + n.latency.seconds;
    }
    const total = Math.max(0, ...order.map((n) => n.finish));
    // Latest finish without delaying the end, for slack.
    const latestFinish = new Map<string, number>();
    for (const n of [...order].reverse()) {
        const succ = order.filter((s) => s.preds.some((e) => e.from === n.r.urn));
        const lf = succ.length === 0 ? total : Math.min(...succ.map((s) => (latestFinish.get(s.r.urn) ?? total) - s.latency.seconds));
        latestFinish.set(n.r.urn, lf);
        n.slack = lf - n.finish;
    }

    const chain: Node[] = [];
    let cur: Node | undefined = order.filter((n) => n.finish === total).sort((a, b) => b.start - a.start)[0];
    while (cur) {
        chain.unshift(cur);
        cur = cur.critical ? nodes.get(cur.critical.from) : undefined;
    }

    // Component-level dependsOn that children do not inherit.
    const ancestors = (urn: string, acc = new Set<string>()): Set<string> => {
        for (const e of nodes.get(urn)?.preds ?? []) {
            if (!acc.has(e.from)) {
                acc.add(e.from);
                ancestors(e.from, acc);
            }
        }
        return acc;
    };
    const uninherited: CriticalPathResult["uninherited"] = [];
    for (const c of fixture.resources.filter((r) => !r.custom)) {
        const deps = c.dependencies.flatMap((d) => (all.get(d)?.custom ? [d] : customDescendants(d)));
        for (const child of customDescendants(c.urn)) {
            const before = ancestors(child);
            for (const d of deps) if (!before.has(d)) uninherited.push({ component: c, dependency: all.get(d)!, child: all.get(child)! });
        }
    }

    return { nodes, chain, total, sequential: customs.reduce((s, r) => s + nodes.get(r.urn)!.latency.seconds, 0), uninherited, edges };
}
