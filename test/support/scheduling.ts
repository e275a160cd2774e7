/**
 * Whether the pods of a hashicorp/vault release fit a local cluster: the node count a cluster-creating command makes
 * (kind, minikube), and the pods the chart's values ask for, with the affinity the chart applies (its values.yaml
 * default unless the values set one). Resources and storage are left out: a local cluster's limits are the laptop's.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { parse as parseYaml } from "yaml";

/** The chart's values.yaml. */
export const CHART_DEFAULTS = parseYaml(readFileSync(join(__dirname, "..", "fixtures", "vault-helm-0.34.1", "values.yaml"), "utf8"));

/** A local cluster as a command creates it. */
export interface LocalCluster {
    command: string;
    /** The kubeconfig context the command writes. */
    context: string;
    /** Nodes that take ordinary pods. */
    nodes: number;
}

/**
 * The cluster `kind create cluster --name <n>` (one control-plane node, untainted when it is the only node: kind
 * removes the taint when there are no workers) or `minikube start [-p <profile>] [--nodes <n>]` (every node takes
 * pods) creates. Any other flag is refused: the check would not know the cluster it makes.
 */
export function localCluster(command: string): LocalCluster {
    const words = command.trim().split(/\s+/);
    const flags = (from: number): Record<string, string> => {
        const out: Record<string, string> = {};
        for (let i = from; i < words.length; i += 2) {
            if (!words[i].startsWith("-") || words[i + 1] === undefined) throw new Error(`${command}: cannot read "${words[i]}"`);
            out[words[i]] = words[i + 1];
        }
        return out;
    };
    const only = (f: Record<string, string>, known: string[]) => {
        const unknown = Object.keys(f).filter((k) => !known.includes(k));
        if (unknown.length > 0) throw new Error(`${command}: the check does not know what ${unknown.join(", ")} makes`);
    };
    if (words.slice(0, 3).join(" ") === "kind create cluster") {
        const f = flags(3);
        only(f, ["--name", "-n"]);
        return { command, context: `kind-${f["--name"] ?? f["-n"] ?? "kind"}`, nodes: 1 };
    }
    if (words.slice(0, 2).join(" ") === "minikube start") {
        const f = flags(2);
        only(f, ["-p", "--profile", "--nodes", "-n"]);
        const nodes = Number(f["--nodes"] ?? f["-n"] ?? 1);
        if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`${command}: not a node count`);
        return { command, context: f["-p"] ?? f["--profile"] ?? "minikube", nodes };
    }
    throw new Error(`${command}: not a kind or minikube command`);
}

/** One kind of pod of the release: how many, and whether at most one may run per node. */
export interface PodGroup {
    pods: string;
    replicas: number;
    onePerNode: boolean;
    nodeSelector: Record<string, string>;
}

type Labels = Record<string, string>;

/**
 * The affinity the chart renders: a string goes through `tpl` (only the two expressions the chart's own terms use are
 * known here; any other fails the check), an object is used as it is, an empty value drops it.
 */
export function effectiveAffinity(value: unknown, name: string, release: string): any {
    if (typeof value !== "string") return value ?? {};
    const text = value.replace(/\{\{ template "vault\.name" \. \}\}/g, name).replace(/\{\{ \.Release\.Name \}\}/g, release);
    if (text.includes("{{")) throw new Error(`affinity has a template this check cannot evaluate: ${value}`);
    return parseYaml(text) ?? {};
}

/** A required anti-affinity term on the node's host name that selects the pod's own labels: one such pod per node. */
function onePerNode(affinity: any, own: Labels): boolean {
    const terms: any[] = affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    return terms.some((t) => t.topologyKey === "kubernetes.io/hostname"
        && Object.entries(t.labelSelector?.matchLabels ?? {}).every(([k, v]) => own[k] === String(v)));
}

/**
 * The server and injector pods of a hashicorp/vault release, from its values over the chart's defaults. Their labels
 * are those of the chart's templates (server-statefulset.yaml, injector-deployment.yaml).
 */
export function vaultPodGroups(values: Record<string, any>, release: string): PodGroup[] {
    const name = values.nameOverride ?? "vault";
    const part = (key: "server" | "injector") => ({ ...CHART_DEFAULTS[key], ...values[key] });
    const enabled = (v: unknown) => (v === "-" || v === undefined ? values.global?.enabled ?? true : v === true || v === "true");
    const groups: PodGroup[] = [];
    const server = part("server");
    if (enabled(server.enabled) && !values.global?.externalVaultAddr) {
        const replicas = server.ha?.enabled ? server.ha.replicas ?? CHART_DEFAULTS.server.ha.replicas : 1;
        const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": release, component: "server" };
        groups.push({ pods: "server", replicas, onePerNode: onePerNode(effectiveAffinity(server.affinity, name, release), labels), nodeSelector: server.nodeSelector ?? {} });
    }
    const injector = part("injector");
    if (enabled(injector.enabled)) {
        const labels = { "app.kubernetes.io/name": `${name}-agent-injector`, "app.kubernetes.io/instance": release, component: "webhook" };
        groups.push({ pods: "injector", replicas: injector.replicas, onePerNode: onePerNode(effectiveAffinity(injector.affinity, name, release), labels), nodeSelector: injector.nodeSelector ?? {} });
    }
    return groups;
}

/** Labels every node of a kind or minikube cluster carries that a selector could name. */
const NODE_LABELS: Labels = { "kubernetes.io/os": "linux" };

/** Pods that stay Pending on `nodes` nodes, as "<group>: <n> of <replicas> ..." lines; [] when everything fits. */
export function pendingPods(groups: PodGroup[], nodes: number): string[] {
    return groups.flatMap((g) => {
        const selectable = Object.entries(g.nodeSelector ?? {}).every(([k, v]) => NODE_LABELS[k] === v);
        if (!selectable) return [`${g.pods}: all ${g.replicas} (nodeSelector ${JSON.stringify(g.nodeSelector)} matches no node)`];
        const fit = g.onePerNode ? Math.min(g.replicas, nodes) : g.replicas;
        return fit < g.replicas ? [`${g.pods}: ${g.replicas - fit} of ${g.replicas} (required anti-affinity, ${nodes} node${nodes === 1 ? "" : "s"})`] : [];
    });
}
