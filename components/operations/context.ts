import * as pulumi from "@pulumi/pulumi";
import type { ClusterSettings } from "../cluster/settings";
import { AUDIT_MOUNT_PATH, TLS_FILES, VAULT_PORT } from "../cluster/names";
import { IN_CLUSTER_KUBERNETES_HOST } from "../config/settings";

/**
 * What the operations settings need to know about the cluster they belong to: plain values, settled before anything
 * is registered. Build it from the cluster's settings with {@link operationsContext}.
 */
export interface OperationsContext {
    /** The component's name (prefix of resource names). */
    name: string;
    namespace: string;
    releaseName: string;
    /** The chart's fullname: pods `<fullname>-N`, services `<fullname>-active`, `<fullname>-internal`. */
    fullname: string;
    storage: "dynamodb" | "raft";
    replicas: number;
    /** `https://<fullname>-active.<namespace>.svc:8200`: the active node, which answers snapshot requests itself. */
    activeAddress: string;
    /** The TLS secret mounted by the jobs for its CA file (`vault.ca`); none when TLS is off. */
    tlsSecretName?: string;
    /** The cluster uses AWS (DynamoDB storage or the awskms seal). */
    usesAws: boolean;
    /** The cluster's IAM OIDC provider, when roles for service accounts can be created (not with an existing role). */
    oidc?: { providerArn: pulumi.Input<string>; providerUrl: pulumi.Input<string> };
    /** Region of the table and key, when pinned. */
    region?: string;
    /** Tags of every AWS resource. */
    tags: Record<string, string>;
    /** Audit volume per pod and the files that file audit devices write on it. */
    audit: { enabled: boolean; size: string; filePaths: string[] };
    /** Kubernetes auth mounts of the configuration: whether each reviews tokens of this cluster, and its roles. */
    kubernetesAuthMounts: { path: string; inCluster: boolean; roleNames: string[] }[];
    /** Policies the configuration writes (the features' own policy names must not collide with them). */
    vaultPolicyNames: string[];
    /** Custody of the init response is in Secrets Manager (replicas apply). */
    custodyInSecretsManager: boolean;
}

/** Directory the jobs mount the CA file in, and the file: `VAULT_CACERT`. */
export const JOB_CA_DIR = "/vault/tls";
export const JOB_CA_FILE = `${JOB_CA_DIR}/${TLS_FILES.ca}`;

/** The context of a cluster, from its validated settings (the audit device default is already applied there). */
export function operationsContext(s: ClusterSettings): OperationsContext {
    const create = s.aws && "create" in s.aws.role ? s.aws.role.create : undefined;
    const devices = s.config.auditDevices ?? [];
    return {
        name: s.name,
        namespace: s.namespace,
        releaseName: s.releaseName,
        fullname: s.names.fullname,
        storage: s.storage.type,
        replicas: s.replicas,
        activeAddress: `${s.names.scheme}://${s.names.activeService}.${s.namespace}.svc:${VAULT_PORT}`,
        tlsSecretName: s.tls.enabled ? s.tls.secretName : undefined,
        usesAws: s.aws !== undefined,
        oidc: create ? { providerArn: create.oidcProviderArn, providerUrl: create.oidcProviderUrl } : undefined,
        region: s.aws?.region,
        tags: s.aws?.tags ?? {},
        audit: {
            enabled: s.auditStorage.enabled,
            size: s.auditStorage.size,
            filePaths: devices
                .filter((d) => d.type === "file" && typeof d.options?.file_path === "string" && d.options.file_path.startsWith(`${AUDIT_MOUNT_PATH}/`))
                .map((d) => d.options!.file_path as string),
        },
        kubernetesAuthMounts: s.config.kubernetesAuth.map((k) => ({
            path: k.path, inCluster: k.host === IN_CLUSTER_KUBERNETES_HOST, roleNames: k.roles.map((r) => r.name),
        })),
        vaultPolicyNames: s.config.policies.map((x) => x.name),
        custodyInSecretsManager: s.bootstrap.custody.type === "aws-secrets-manager",
    };
}
