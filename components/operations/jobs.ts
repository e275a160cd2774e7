import type * as pulumi from "@pulumi/pulumi";
import { TLS_FILES } from "../cluster/names";
import type { RaftSnapshotSettings } from "./backupSettings";
import { JOB_CA_DIR, JOB_CA_FILE } from "./context";
import type { MetricsTokenSettings, MonitoringSettings } from "./monitoringSettings";
import { SNAPSHOT_SCRIPT, TOKEN_RENEW_SCRIPT } from "./scripts";

/** The chart's server pod identity (user 100 "vault", group 1000): files on shared volumes stay readable both ways. */
export const POD_SECURITY = { runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } };
export const CONTAINER_SECURITY = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };

const JWT_DIR = "/var/run/secrets/vault";
const METRICS_TOKEN_DIR = "/var/run/secrets/vault-metrics";
const SNAPSHOT_DIR = "/snapshots";

type Env = { name: string; value: string }[];
const env = (vars: Record<string, string | undefined>): Env =>
    Object.entries(vars).filter((e): e is [string, string] => e[1] !== undefined).map(([name, value]) => ({ name, value }));

interface JobSpec {
    name: string;
    namespace: string;
    releaseName: string;
    component: string;
    schedule: string;
    timeoutSeconds: number;
    serviceAccountName?: string;
    image: string;
    script: string;
    env: Env;
    tlsSecretName?: string;
    /** Volumes (and where they are mounted) besides the CA file and /tmp. */
    volumes: { volume: Record<string, any>; mountPath: string }[];
    memoryLimit: string;
}

/**
 * A CronJob running one script in one locked-down container: no privilege escalation, read-only root file system
 * (a memory-backed /tmp for work files), no service account token unless the job mounts a projected one, one run at
 * a time, kept history for the logs.
 */
function renderCronJob(j: JobSpec): Record<string, any> {
    const labels = { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": j.releaseName, "app.kubernetes.io/component": j.component };
    const volumes = [
        ...(j.tlsSecretName ? [{ volume: { name: "vault-ca", secret: { secretName: j.tlsSecretName, items: [{ key: TLS_FILES.ca, path: TLS_FILES.ca }] } }, mountPath: JOB_CA_DIR }] : []),
        { volume: { name: "tmp", emptyDir: {} }, mountPath: "/tmp" },
        ...j.volumes,
    ];
    return {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: j.name, namespace: j.namespace, labels },
        spec: {
            schedule: j.schedule,
            concurrencyPolicy: "Forbid",
            startingDeadlineSeconds: 3600,
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
            jobTemplate: {
                metadata: { labels },
                spec: {
                    backoffLimit: 2,
                    activeDeadlineSeconds: j.timeoutSeconds,
                    template: {
                        metadata: { labels },
                        spec: {
                            ...(j.serviceAccountName ? { serviceAccountName: j.serviceAccountName } : {}),
                            automountServiceAccountToken: false,
                            restartPolicy: "Never",
                            securityContext: POD_SECURITY,
                            containers: [{
                                name: j.component,
                                image: j.image,
                                command: ["/bin/sh", "-c", j.script],
                                env: j.env,
                                securityContext: CONTAINER_SECURITY,
                                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: j.memoryLimit } },
                                volumeMounts: volumes.map((v) => ({ name: v.volume.name, mountPath: v.mountPath, readOnly: v.mountPath !== "/tmp" && v.mountPath !== SNAPSHOT_DIR })),
                            }],
                            volumes: volumes.map((v) => v.volume),
                        },
                    },
                },
            },
        },
    };
}

/** Where the snapshot job writes, once the bucket (created or given) and its region are known. */
export interface SnapshotDestination {
    bucket: string;
    region: string;
}

/**
 * The snapshot CronJob. It logs in through Kubernetes auth with a projected token for the `vault` audience (valid 10
 * minutes), saves a snapshot from the active node and stores it. For S3 the snapshot is held in memory for the signed
 * upload: the memory limit (1Gi) bounds the snapshot size.
 */
export function renderSnapshotCronJob(s: RaftSnapshotSettings, destination?: SnapshotDestination): Record<string, any> {
    const s3 = s.s3 && destination;
    const volumes = [{
        volume: { name: "vault-token", projected: { sources: [{ serviceAccountToken: { audience: s.identity.audience, expirationSeconds: 600, path: "token" } }] } },
        mountPath: JWT_DIR,
    }];
    if (s.volume) volumes.push({ volume: { name: "snapshots", persistentVolumeClaim: { claimName: s.volume.claimName } } as any, mountPath: SNAPSHOT_DIR });
    return renderCronJob({
        name: s.cronJobName, namespace: s.namespace, releaseName: s.releaseName, component: "snapshot",
        schedule: s.schedule, timeoutSeconds: s.timeoutSeconds, serviceAccountName: s.serviceAccountName, image: s.image,
        script: SNAPSHOT_SCRIPT,
        env: env({
            VAULT_ADDR: s.address,
            VAULT_CACERT: s.tlsSecretName ? JOB_CA_FILE : undefined,
            VAULT_AUTH_PATH: s.identity.authMount,
            VAULT_ROLE: s.identity.roleName,
            VAULT_JWT_PATH: `${JWT_DIR}/token`,
            SNAPSHOT_TARGET: s.target,
            SNAPSHOT_DIR: s.volume ? SNAPSHOT_DIR : undefined,
            SNAPSHOT_KEEP: s.volume ? String(s.volume.keep) : undefined,
            S3_BUCKET: s3 ? destination.bucket : undefined,
            S3_PREFIX: s.s3?.prefix,
            AWS_REGION: s3 ? destination.region : undefined,
        }),
        tlsSecretName: s.tlsSecretName,
        volumes,
        memoryLimit: s.s3 ? "1Gi" : "128Mi",
    });
}

/** The daily renewal of the scraper's periodic token, with the token from its Secret. */
export function renderTokenRenewCronJob(m: MonitoringSettings, token: MetricsTokenSettings, address: string): Record<string, any> {
    return renderCronJob({
        name: token.renewal.cronJobName, namespace: m.target.namespace, releaseName: m.target.releaseName, component: "metrics-token-renew",
        schedule: token.renewal.schedule, timeoutSeconds: 300, image: token.renewal.image,
        script: TOKEN_RENEW_SCRIPT,
        env: env({ VAULT_ADDR: address, VAULT_CACERT: m.target.tlsSecretName ? JOB_CA_FILE : undefined, VAULT_TOKEN_FILE: `${METRICS_TOKEN_DIR}/token` }),
        tlsSecretName: m.target.tlsSecretName,
        volumes: [{ volume: { name: "metrics-token", secret: { secretName: token.secretName, items: [{ key: "token", path: "token" }] } }, mountPath: METRICS_TOKEN_DIR }],
        memoryLimit: "64Mi",
    });
}

/** The snapshot job's service account; with S3 it carries the IRSA role. */
export function renderSnapshotServiceAccount(s: RaftSnapshotSettings, roleArn?: pulumi.Input<string>): Record<string, any> {
    return {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: {
            name: s.serviceAccountName, namespace: s.namespace,
            labels: { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": s.releaseName, "app.kubernetes.io/component": "snapshot" },
            ...(roleArn ? { annotations: { "eks.amazonaws.com/role-arn": roleArn } } : {}),
        },
        automountServiceAccountToken: false,
    };
}

/** The snapshot volume (ReadWriteOnce: one job at a time). */
export function renderSnapshotClaim(s: RaftSnapshotSettings): Record<string, any> | undefined {
    const v = s.volume;
    if (!v) return undefined;
    return {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: v.claimName, namespace: s.namespace, labels: { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": s.releaseName, "app.kubernetes.io/component": "snapshot" } },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: v.size } }, ...(v.storageClass ? { storageClassName: v.storageClass } : {}) },
    };
}
