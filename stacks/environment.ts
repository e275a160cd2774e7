import type { VaultClusterArgs } from "../components";
import { Problems, REDACTED, isPlainObject } from "../components/validation";

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

export interface Environment {
    kubernetes: KubernetesTarget;
    cluster: VaultClusterArgs;
}

/** The keys of the environment object and of its `kubernetes` part (the cluster part is VaultCluster's to check). */
const ENVIRONMENT_KEYS = ["kubernetes", "cluster"];
const KUBERNETES_KEYS = ["eksClusterName", "awsProfile", "roleArn", "kubeconfigContext", "kubeconfigPath"];

function refuseUnknownKeys(p: Problems, value: Record<string, unknown>, known: string[], field: string): void {
    for (const key of Object.keys(value).filter((k) => !known.includes(k))) {
        p.add(`${field}.${key}`, REDACTED, "is not a known argument", `use one of: ${known.join(", ")}`);
    }
}

/**
 * Validates the stack's `vault-cluster:environment` object: exactly one way to reach Kubernetes, and a cluster
 * object (checked in depth by VaultCluster itself). Errors name the field (`environment.kubernetes...`).
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
    if (isPlainObject(env.kubernetes)) refuseUnknownKeys(p, env.kubernetes, KUBERNETES_KEYS, field("kubernetes"));
    const k: Record<string, any> = isPlainObject(env.kubernetes) ? env.kubernetes : {};
    let kubernetes: KubernetesTarget = { kind: "kubeconfig" };
    if (!isPlainObject(env.kubernetes)) {
        p.add(field("kubernetes"), env.kubernetes === undefined ? undefined : REDACTED, "must say how to reach the cluster",
            "set kubernetes.eksClusterName (EKS) or kubernetes.kubeconfigContext (any cluster)");
    } else if (k.eksClusterName !== undefined) {
        p.check(typeof k.eksClusterName === "string" && /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(k.eksClusterName), field("kubernetes.eksClusterName"),
            k.eksClusterName, "is not an EKS cluster name", "use the name shown by `aws eks list-clusters`");
        p.check(k.kubeconfigContext === undefined && k.kubeconfigPath === undefined, field("kubernetes.kubeconfigContext"), k.kubeconfigContext ?? k.kubeconfigPath,
            "cannot be combined with eksClusterName", "use either eksClusterName or a kubeconfig context");
        for (const f of ["awsProfile", "roleArn"] as const) {
            if (k[f] !== undefined) p.check(typeof k[f] === "string", field(`kubernetes.${f}`), k[f], "must be a string", "e.g. \"platform-admin\"");
        }
        kubernetes = { kind: "eks", clusterName: k.eksClusterName, awsProfile: k.awsProfile, roleArn: k.roleArn };
    } else if (k.kubeconfigContext !== undefined || k.kubeconfigPath !== undefined) {
        for (const f of ["kubeconfigContext", "kubeconfigPath"] as const) {
            if (k[f] !== undefined) p.check(typeof k[f] === "string" && k[f].length > 0, field(`kubernetes.${f}`), k[f], "must be a non-empty string", "e.g. \"kind-vault\"");
        }
        p.check(k.awsProfile === undefined && k.roleArn === undefined, field("kubernetes.awsProfile"), k.awsProfile ?? k.roleArn,
            "only applies with eksClusterName", "remove it");
        kubernetes = { kind: "kubeconfig", context: k.kubeconfigContext, path: k.kubeconfigPath };
    } else {
        p.add(field("kubernetes"), REDACTED, "names no cluster", "set kubernetes.eksClusterName (EKS) or kubernetes.kubeconfigContext (any cluster)");
    }
    p.check(isPlainObject(env.cluster), field("cluster"), env.cluster === undefined ? undefined : REDACTED,
        "must be an object of VaultCluster arguments", "add a cluster object, e.g. cluster: { replicas: 3 }");
    p.throwIfAny("stack configuration");
    return { kubernetes, cluster: env.cluster as VaultClusterArgs };
}
