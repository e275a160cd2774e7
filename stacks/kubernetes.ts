import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "fs";
import { getClusterOutput } from "@pulumi/aws/eks/getCluster";
import { getOpenIdConnectProviderOutput } from "@pulumi/aws/iam/getOpenIdConnectProvider";
import { Provider } from "@pulumi/kubernetes/provider";
import type { Irsa } from "../components";
import type { KubernetesTarget } from "./environment";

/** How the program reaches the cluster: a Kubernetes provider, the same kubeconfig for the init tunnel, and IRSA. */
export interface ClusterAccess {
    provider: Provider;
    /** Kubeconfig text for the init step's tunnel (undefined: the default kubeconfig, as the provider uses). */
    kubeconfig?: pulumi.Input<string>;
    kubeContext?: string;
    /** The cluster's OIDC provider, when it is an EKS cluster. */
    irsa?: Irsa;
}

/**
 * A kubeconfig for an EKS cluster that authenticates with `aws eks get-token` (short-lived tokens, no static
 * credentials), as `aws eks update-kubeconfig` writes it.
 */
export function eksKubeconfig(o: { clusterName: string; endpoint: string; caData: string; region: string; awsProfile?: string; roleArn?: string }): string {
    const args = ["eks", "get-token", "--cluster-name", o.clusterName, "--region", o.region, ...(o.roleArn ? ["--role-arn", o.roleArn] : []), "--output", "json"];
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        "current-context": o.clusterName,
        clusters: [{ name: o.clusterName, cluster: { server: o.endpoint, "certificate-authority-data": o.caData } }],
        contexts: [{ name: o.clusterName, context: { cluster: o.clusterName, user: o.clusterName } }],
        users: [{
            name: o.clusterName,
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args, interactiveMode: "Never",
                    ...(o.awsProfile ? { env: [{ name: "AWS_PROFILE", value: o.awsProfile }] } : {}),
                },
            },
        }],
    });
}

/**
 * Looks up the EKS cluster and its OIDC provider (unless `irsa: false`: a consuming cluster needs none, and may have
 * none) and builds a provider that authenticates like the AWS CLI.
 */
export function eksAccess(t: Extract<KubernetesTarget, { kind: "eks" }>, options: { irsa?: boolean } = {}): ClusterAccess {
    const cluster = getClusterOutput({ name: t.clusterName });
    // arn:aws:eks:<region>:<account>:cluster/<name>: the region without another lookup.
    const region = cluster.arn.apply((arn) => arn.split(":")[3]);
    const kubeconfig = pulumi.all([cluster.endpoint, cluster.certificateAuthorities, region]).apply(([endpoint, cas, r]) =>
        eksKubeconfig({ clusterName: t.clusterName, endpoint, caData: cas[0].data, region: r, awsProfile: t.awsProfile, roleArn: t.roleArn }));
    return {
        provider: new Provider(t.clusterName, { kubeconfig }),
        kubeconfig,
        irsa: options.irsa === false ? undefined : oidcProvider(cluster.identities.apply((ids) => ids[0].oidcs[0].issuer)),
    };
}

function oidcProvider(issuer: pulumi.Output<string>): Irsa {
    return { oidcProviderArn: getOpenIdConnectProviderOutput({ url: issuer }).arn, oidcProviderUrl: issuer };
}

/** Any cluster in a kubeconfig: kind, minikube, k3d, on-prem. */
export function kubeconfigAccess(t: Extract<KubernetesTarget, { kind: "kubeconfig" }>): ClusterAccess {
    // A kubeconfig file may hold client keys and tokens: a secret wherever it travels (provider config, init inputs).
    const kubeconfig = t.path ? pulumi.secret(readFileSync(t.path.replace(/^~(?=\/)/, process.env.HOME ?? "~"), "utf8")) : undefined;
    return {
        provider: new Provider(t.context ?? "kubeconfig", { kubeconfig, context: t.context }),
        kubeconfig,
        kubeContext: t.context,
    };
}
