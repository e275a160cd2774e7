import type { VaultClusterArgs, VaultConsumerClusterArgs } from "../components";
import { Problems, REDACTED, isDnsLabel, isPlainObject } from "../components/validation";

/** The stack config key holding the whole environment. */
export const ENVIRONMENT_KEY = "environment";

/** Where the Kubernetes cluster comes from. */
export type KubernetesTarget =
    | {
          kind: "eks";
          /** EKS cluster name; its endpoint, CA and OIDC provider are looked up. */
          clusterName: string;
          /** AWS CLI profile for `aws eks get-token`. */
          awsProfile?: string;
          /** Role `aws eks get-token` assumes. */
          roleArn?: string;
      }
    | {
          kind: "kubeconfig";
          /** Context name; default the kubeconfig's current context. */
          context?: string;
          /** Kubeconfig file; default KUBECONFIG or ~/.kube/config. */
          path?: string;
      };

/** A cluster that consumes this Vault (VaultConsumerCluster). */
export interface ConsumerEnvironment {
    /** Component name. */
    name: string;
    /** The consuming cluster; undefined: the cluster Vault runs in. */
    kubernetes?: KubernetesTarget;
    /**
     * VaultConsumerClusterArgs, checked in depth by the component. The program fills in what it knows: `vaultAddress`
     * and `vaultCaCertPem` (from the cluster), and, for another cluster, its API server and CA (from its lookup).
     */
    args: Partial<VaultConsumerClusterArgs>;
}

export interface Environment {
    kubernetes: KubernetesTarget;
    cluster: VaultClusterArgs;
    consumers: ConsumerEnvironment[];
}

/** The keys of the environment object and of its parts (the cluster's and consumers' args are their components' to check). */
const ENVIRONMENT_KEYS = ["kubernetes", "cluster", "consumers"];
const TARGET_KEYS = ["eksClusterName", "awsProfile", "roleArn", "kubeconfigContext", "kubeconfigPath"];
const CONSUMER_KEYS = ["name", "kubernetes", "args"];

function refuseUnknownKeys(p: Problems, value: unknown, known: string[], field: string): void {
    if (!isPlainObject(value)) return;
    for (const key of Object.keys(value).filter((k) => !known.includes(k))) {
        p.add(`${field}.${key}`, REDACTED, "is not a known argument", `use one of: ${known.join(", ")}`);
    }
}

/**
 * Validates the stack's `vault-cluster:environment` object: exactly one way to reach Kubernetes, a cluster object
 * (checked in depth by VaultCluster itself) and the consuming clusters (their args checked by VaultConsumerCluster).
 * Errors name the field (`environment.kubernetes...`).
 */
export function parseEnvironment(raw: unknown): Environment {
    const p = new Problems();
    const field = (f: string) => `${ENVIRONMENT_KEY}.${f}`;
    if (!isPlainObject(raw)) {
        p.add(ENVIRONMENT_KEY, raw === undefined ? undefined : REDACTED, "must be an object with kubernetes and cluster",
            "add vault-cluster:environment to stacks/Pulumi.<stack>.yaml (see stacks/Pulumi.local.yaml)");
        p.throwIfAny("stack configuration");
    }
    const env = raw as Record<string, any>;
    refuseUnknownKeys(p, env, ENVIRONMENT_KEYS, ENVIRONMENT_KEY);
    const kubernetes = parseTarget(p, env.kubernetes, field("kubernetes"));
    p.check(isPlainObject(env.cluster), field("cluster"), env.cluster === undefined ? undefined : REDACTED,
        "must be an object of VaultCluster arguments", "add a cluster object, e.g. cluster: { replicas: 3 }");
    const consumers = parseConsumers(p, env.consumers, field("consumers"));
    p.throwIfAny("stack configuration");
    return { kubernetes, cluster: env.cluster as VaultClusterArgs, consumers };
}

/** Exactly one way to reach a cluster: an EKS cluster name, or a kubeconfig context and/or file. */
function parseTarget(p: Problems, raw: unknown, field: string): KubernetesTarget {
    refuseUnknownKeys(p, raw, TARGET_KEYS, field);
    const k: Record<string, any> = isPlainObject(raw) ? raw : {};
    if (!isPlainObject(raw)) {
        p.add(field, raw === undefined ? undefined : REDACTED, "must say how to reach the cluster",
            "set kubernetes.eksClusterName (EKS) or kubernetes.kubeconfigContext (any cluster)");
    } else if (k.eksClusterName !== undefined) {
        p.check(typeof k.eksClusterName === "string" && /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(k.eksClusterName), `${field}.eksClusterName`,
            k.eksClusterName, "is not an EKS cluster name", "use the name shown by `aws eks list-clusters`");
        p.check(k.kubeconfigContext === undefined && k.kubeconfigPath === undefined, `${field}.kubeconfigContext`, k.kubeconfigContext ?? k.kubeconfigPath,
            "cannot be combined with eksClusterName", "use either eksClusterName or a kubeconfig context");
        for (const f of ["awsProfile", "roleArn"] as const) {
            if (k[f] !== undefined) p.check(typeof k[f] === "string", `${field}.${f}`, k[f], "must be a string", "e.g. \"platform-admin\"");
        }
        return { kind: "eks", clusterName: k.eksClusterName, awsProfile: k.awsProfile, roleArn: k.roleArn };
    } else if (k.kubeconfigContext !== undefined || k.kubeconfigPath !== undefined) {
        for (const f of ["kubeconfigContext", "kubeconfigPath"] as const) {
            if (k[f] !== undefined) p.check(typeof k[f] === "string" && k[f].length > 0, `${field}.${f}`, k[f], "must be a non-empty string", "e.g. \"kind-vault\"");
        }
        p.check(k.awsProfile === undefined && k.roleArn === undefined, `${field}.awsProfile`, k.awsProfile ?? k.roleArn,
            "only applies with eksClusterName", "remove it");
        return { kind: "kubeconfig", context: k.kubeconfigContext, path: k.kubeconfigPath };
    } else {
        p.add(field, REDACTED, "names no cluster", "set kubernetes.eksClusterName (EKS) or kubernetes.kubeconfigContext (any cluster)");
    }
    return { kind: "kubeconfig" };
}

/** The consuming clusters: unique names, their cluster (none: Vault's own), and an args object. */
function parseConsumers(p: Problems, raw: unknown, field: string): ConsumerEnvironment[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) {
        p.add(field, REDACTED, "must be a list", "e.g. consumers: [{ name: apps, kubernetes: { eksClusterName: apps-eks }, args: { ... } }]");
        return [];
    }
    const names = new Set<string>();
    return raw.flatMap((c: any, i: number): ConsumerEnvironment[] => {
        const f = `${field}[${i}]`;
        if (!isPlainObject(c)) {
            p.add(f, REDACTED, "must be an object with name, kubernetes and args", "see stacks/Pulumi.prod.yaml");
            return [];
        }
        refuseUnknownKeys(p, c, CONSUMER_KEYS, f);
        const name = c.name;
        if (!isDnsLabel(name)) p.add(`${f}.name`, name, "is not a name for the consumer", "a short DNS label, e.g. \"apps\"");
        else if (names.has(name)) p.add(`${f}.name`, name, "names another consumer too", "give each consumer its own name");
        names.add(String(name));
        const kubernetes = c.kubernetes === undefined ? undefined : parseTarget(p, c.kubernetes, `${f}.kubernetes`);
        // Another cluster's API server and CA are read from its kubeconfig: the program needs that file's text.
        if (kubernetes?.kind === "kubeconfig") {
            p.check(kubernetes.path !== undefined, `${f}.kubernetes.kubeconfigPath`, undefined, "is required for a consuming cluster reached through a kubeconfig",
                "name the kubeconfig file; its server and certificate-authority-data configure the cluster's Kubernetes auth in Vault");
        }
        p.check(isPlainObject(c.args), `${f}.args`, c.args === undefined ? undefined : REDACTED, "must be an object of VaultConsumerCluster arguments",
            "e.g. args: { kubernetesAuth: { path: eks-apps, roles: { ... } } }");
        return [{ name: String(name), kubernetes, args: (isPlainObject(c.args) ? c.args : {}) as Partial<VaultConsumerClusterArgs> }];
    });
}
