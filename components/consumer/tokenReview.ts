import type { SecretArgs } from "@pulumi/kubernetes/core/v1/secret";
import type { ServiceAccountArgs } from "@pulumi/kubernetes/core/v1/serviceAccount";
import type { ClusterRoleBindingArgs } from "@pulumi/kubernetes/rbac/v1/clusterRoleBinding";
import type { AuthSettings } from "./settings";

/**
 * The Kubernetes objects that let Vault review this cluster's service account tokens (TokenReview needs
 * `system:auth-delegator`), as plain manifests: the component creates them, the tests check them against strict
 * Kubernetes schemas.
 */

const AUTH_DELEGATOR = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" };

/** The reviewer service account, its auth-delegator binding and the long-lived token Secret the token controller fills. */
export function reviewerManifests(reviewer: { namespace: string; serviceAccountName: string }): {
    serviceAccount: ServiceAccountArgs; binding: ClusterRoleBindingArgs; tokenSecret: SecretArgs; tokenSecretName: string;
} {
    const { namespace, serviceAccountName: name } = reviewer;
    return {
        serviceAccount: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace }, automountServiceAccountToken: false },
        binding: {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: { name: `${namespace}-${name}-auth-delegator` },
            roleRef: AUTH_DELEGATOR,
            subjects: [{ kind: "ServiceAccount", name, namespace }],
        },
        // Since Kubernetes 1.24 no token Secret is generated for a service account; one of this type is filled in by
        // the token controller and does not expire (it is revoked by deleting the Secret or the service account).
        tokenSecret: {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: `${name}-token`, namespace, annotations: { "kubernetes.io/service-account.name": name } },
            type: "kubernetes.io/service-account-token",
        },
        tokenSecretName: `${name}-token`,
    };
}

/** A Kubernetes object name from a mount path (`team/EKS_apps` → `team-eks-apps`). */
export function nameFromPath(path: string): string {
    return path.toLowerCase().replace(/[^a-z0-9.-]+/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
}

/**
 * With client-token review, Vault calls TokenReview with each client's own token: every service account the roles
 * bind needs `system:auth-delegator`. One binding lists them all (roles with wildcards are refused for this mode).
 */
export function clientTokenReviewBinding(auth: AuthSettings): ClusterRoleBindingArgs | undefined {
    const subjects = new Map<string, { kind: string; name: string; namespace: string }>();
    for (const role of auth.roles) {
        for (const namespace of role.namespaces) {
            for (const name of role.serviceAccountNames) subjects.set(`${namespace}/${name}`, { kind: "ServiceAccount", name, namespace });
        }
    }
    if (subjects.size === 0) return undefined;
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: `vault-auth-${nameFromPath(auth.path)}-client-tokenreview` },
        roleRef: AUTH_DELEGATOR,
        subjects: [...subjects.keys()].sort().map((k) => subjects.get(k)!),
    };
}
