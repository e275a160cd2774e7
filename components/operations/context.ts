import type { ServerStorage } from "../cluster/modes";
import * as pulumi from "@pulumi/pulumi";
import type { AwsSettings } from "../aws/settings";
import { AUDIT_MOUNT_PATH, releaseNames, TLS_FILES, VAULT_PORT } from "../cluster/names";
import { IN_CLUSTER_KUBERNETES_HOST } from "../config/settings";
import type { ConfigSettings } from "../config/settings";
import { knownNow } from "../validation";

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
    storage: ServerStorage;
    replicas: number;
    /**
     * The active node, which answers snapshot requests itself: `https://<fullname>-active.<namespace>.svc:8200` in HA
     * mode, the release's service (one server) otherwise.
     */
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
    tags: Record<string, pulumi.Input<string>>;
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

/** What the operations stage reads of the cluster, as the cluster's settings hold it. */
export interface OperationsContextInput {
    name: string;
    namespace: pulumi.Input<string>;
    releaseName: string;
    storage: ServerStorage;
    /** The chart's HA mode, which alone creates the `<fullname>-active` service. */
    ha: boolean;
    replicas: pulumi.Input<number>;
    tls: { enabled: boolean; secretName: pulumi.Input<string> };
    aws?: AwsSettings;
    auditStorage: { enabled: boolean; size: string };
    config: ConfigSettings;
    custodyInSecretsManager: boolean;
}

/**
 * The context of a cluster, from its validated settings (the audit device default is already applied there). The
 * operations name the namespace, the replica count, the TLS secret and the region in rules, prefixes and volumes: an
 * output there is a problem when a feature needs it (`needsKnownValues`).
 */
export function operationsContext(s: OperationsContextInput): OperationsContext & { unknown: string[] } {
    const create = s.aws?.role.create;
    const namespace = knownNow(s.namespace);
    const replicas = knownNow(s.replicas);
    const tlsSecretName = s.tls.enabled ? knownNow(s.tls.secretName) : undefined;
    const region = knownNow(s.aws?.region);
    const unknown = [
        ...(namespace === undefined ? ["namespace"] : []),
        ...(replicas === undefined ? ["replicas"] : []),
        ...(s.tls.enabled && tlsSecretName === undefined ? ["tls.existingSecretName"] : []),
        ...(s.aws?.region !== undefined && region === undefined ? ["region"] : []),
    ];
    const names = releaseNames(s.releaseName);
    const scheme = s.tls.enabled ? "https" : "http";
    return {
        name: s.name,
        namespace: namespace ?? "",
        releaseName: s.releaseName,
        fullname: names.fullname,
        storage: s.storage,
        replicas: replicas ?? 1,
        activeAddress: `${scheme}://${s.ha ? names.activeService : names.fullname}.${namespace ?? ""}.svc:${VAULT_PORT}`,
        tlsSecretName,
        usesAws: s.aws !== undefined,
        oidc: create ? { providerArn: create.oidcProviderArn, providerUrl: create.oidcProviderUrl } : undefined,
        region,
        tags: s.aws?.tags ?? {},
        audit: {
            enabled: s.auditStorage.enabled,
            size: s.auditStorage.size,
            filePaths: s.config.auditDevices
                .filter((d) => d.type === "file" && typeof d.options.file_path === "string" && d.options.file_path.startsWith(`${AUDIT_MOUNT_PATH}/`))
                .map((d) => d.options.file_path),
        },
        kubernetesAuthMounts: s.config.kubernetesAuth.map((k) => ({
            path: k.path, inCluster: k.host === IN_CLUSTER_KUBERNETES_HOST, roleNames: k.roles.map((r) => r.name),
        })),
        vaultPolicyNames: s.config.policies.map((x) => x.name),
        custodyInSecretsManager: s.custodyInSecretsManager,
        unknown,
    };
}
