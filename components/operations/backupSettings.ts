import * as pulumi from "@pulumi/pulumi";
import { Problems, REDACTED, isPlainObject, isPositiveInteger } from "../validation";
import { SnapshotTarget, type AwsBackup, type Backup, type RaftSnapshots } from "./args";
import { IMAGES, checkCount, checkPinnedImage, checkQuantity, cronMaxGapSeconds, isCronSchedule } from "./checks";
import type { OperationsContext } from "./context";
import { checkReservedPolicy, type WatchedCronJob } from "./monitoringSettings";

/** Vault policy and Kubernetes auth role of the snapshot job: `read` on `sys/storage/raft/snapshot`, nothing else. */
export const SNAPSHOT_IDENTITY = "raft-snapshot";
/** Audience of the job's projected service account token, bound by the auth role: the token is good for Vault only. */
export const SNAPSHOT_TOKEN_AUDIENCE = "vault";
/** The Kubernetes auth mount the job logs in with, unless told otherwise. */
export const SNAPSHOT_AUTH_MOUNT = "kubernetes";

/** The snapshot job's Vault identity. */
export interface SnapshotIdentitySettings {
    policyName: string;
    authMount: string;
    roleName: string;
    audience: string;
    /** Vault durations of the job's token. */
    tokenTtl: string;
    tokenMaxTtl: string;
}

export interface RaftSnapshotSettings {
    cronJobName: string;
    serviceAccountName: string;
    schedule: string;
    /** Longest time between two scheduled runs. */
    maxGapSeconds: number;
    target: SnapshotTarget;
    /** With the S3 target. */
    s3?: {
        /** An existing bucket (name); none: one is created. */
        existingBucket?: pulumi.Input<string>;
        /** Lifecycle of the created bucket. */
        retentionDays?: number;
        prefix: string;
        /** The job's IRSA role. */
        roleName: string;
        region?: string;
    };
    /** With the volume target. */
    volume?: { claimName: string; size: string; storageClass?: string; keep: number };
    image: string;
    timeoutSeconds: number;
    identity: SnapshotIdentitySettings;
    /** The active node's address and the TLS secret with the CA file. */
    address: string;
    tlsSecretName?: string;
    namespace: string;
    releaseName: string;
}

export interface AwsBackupSettings {
    vaultName: string;
    planName: string;
    roleName: string;
    schedule: string;
    deleteAfterDays: number;
}

export interface CustodyReplicaSettings {
    region: string;
    kmsKeyArn?: pulumi.Input<string>;
}

export interface BackupSettings {
    raftSnapshots?: RaftSnapshotSettings;
    awsBackup?: AwsBackupSettings;
    custodyReplicas: CustodyReplicaSettings[];
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const PREFIX = /^([A-Za-z0-9!_.*'()-]+\/)*$/;

/**
 * Validates the backup arguments and settles their defaults: Raft snapshots on with Raft storage (to S3 through IRSA
 * when the cluster uses AWS with an OIDC provider, to a volume otherwise), the AWS Backup plan off, no custody replicas.
 */
export function resolveBackupSettings(p: Problems, args: Backup | undefined, ctx: OperationsContext): BackupSettings {
    if (args !== undefined) p.check(isPlainObject(args), "backup", args, "must be an object", "e.g. { raftSnapshots: { schedule: \"0 * * * *\" } }");
    const a = args ?? {};
    return {
        raftSnapshots: resolveSnapshots(p, a.raftSnapshots, ctx),
        awsBackup: resolveAwsBackup(p, a.awsBackup, ctx),
        custodyReplicas: resolveReplicas(p, a, ctx),
    };
}

/** The snapshot job as a CronJob that alerts watch, when snapshots are on. */
export function watchedSnapshots(b: BackupSettings): WatchedCronJob[] {
    const s = b.raftSnapshots;
    return s ? [{ name: s.cronJobName, maxAgeSeconds: 2 * s.maxGapSeconds, what: "no new Raft snapshot is taken, and a restore would lose everything since the last one" }] : [];
}

function onlyWith(p: Problems, a: object, fields: string[], prefix: string, why: string, fix: string): void {
    for (const f of fields) {
        const value = (a as Record<string, unknown>)[f];
        p.check(value === undefined, `${prefix}.${f}`, pulumi.Output.isInstance(value) ? REDACTED : value, why, fix);
    }
}

function resolveSnapshots(p: Problems, a: RaftSnapshots | undefined, ctx: OperationsContext): RaftSnapshotSettings | undefined {
    const f = "backup.raftSnapshots";
    const s = a ?? {};
    if (ctx.storage !== "raft") {
        p.check(s.enabled !== true, `${f}.enabled`, true, "needs Raft storage (DynamoDB keeps point-in-time recovery instead)",
            "remove it; for DynamoDB see backup.awsBackup");
        return undefined;
    }
    if (s.enabled === false) return undefined;
    const schedule = s.schedule ?? "0 0,6,12,18 * * *";
    const scheduleOk = p.check(isCronSchedule(schedule), `${f}.schedule`, schedule, "is not a cron schedule", "use five fields, e.g. \"0 * * * *\" (hourly)");
    const canUseS3 = ctx.usesAws && ctx.oidc !== undefined;
    const target = s.target ?? (canUseS3 ? SnapshotTarget.S3 : SnapshotTarget.Volume);
    p.check(Object.values(SnapshotTarget).includes(target), `${f}.target`, target, "is not a snapshot target", "use \"s3\" or \"volume\"");
    if (target === SnapshotTarget.S3) {
        p.check(canUseS3, `${f}.target`, target, "needs the cluster's OIDC provider (irsa.oidcProviderArn and oidcProviderUrl) for the job's own IAM role",
            "give irsa the OIDC provider, or use target \"volume\"");
    }
    const image = s.image ?? IMAGES.curl;
    checkPinnedImage(p, `${f}.image`, image);
    const timeoutSeconds = s.timeoutSeconds ?? 900;
    checkCount(p, `${f}.timeoutSeconds`, timeoutSeconds, 900);
    const identity = resolveIdentity(p, s, ctx);
    const base = {
        cronJobName: `${ctx.fullname}-snapshot`,
        serviceAccountName: `${ctx.fullname}-snapshot`,
        schedule,
        maxGapSeconds: scheduleOk ? cronMaxGapSeconds(schedule) : 0,
        target, image, timeoutSeconds, identity,
        address: ctx.activeAddress, tlsSecretName: ctx.tlsSecretName, namespace: ctx.namespace, releaseName: ctx.releaseName,
    };
    if (target === SnapshotTarget.S3) {
        onlyWith(p, s, ["keep", "volumeSize", "storageClass"], f, "only applies to the volume target", "remove it, or set target: \"volume\"");
        const prefix = s.prefix ?? `${ctx.namespace}/${ctx.releaseName}/`;
        p.check(PREFIX.test(prefix), `${f}.prefix`, prefix, "is not a key prefix", "use path segments ending in '/', e.g. \"vault/prod/\" (no leading '/')");
        const existing = s.bucketName;
        if (existing !== undefined) {
            p.check(s.retentionDays === undefined, `${f}.retentionDays`, s.retentionDays, "does not apply to an existing bucket (its lifecycle rules are yours)",
                `remove it and add a lifecycle rule expiring "${prefix}" to the bucket, or let the component create the bucket`);
        }
        const retentionDays = existing === undefined ? s.retentionDays ?? 30 : undefined;
        if (retentionDays !== undefined) checkCount(p, `${f}.retentionDays`, retentionDays, 30);
        const roleName = `${ctx.name}-vault-snapshot`;
        p.check(/^[\w+=,.@-]{1,64}$/.test(roleName), "(component name)", ctx.name, "makes the snapshot role name too long or invalid", "use a shorter component name");
        return { ...base, s3: { existingBucket: existing, retentionDays, prefix, roleName, region: ctx.region } };
    }
    onlyWith(p, s, ["bucketName", "prefix", "retentionDays"], f, "only applies to the s3 target", "remove it, or set target: \"s3\"");
    const keep = s.keep ?? 28;
    checkCount(p, `${f}.keep`, keep, 28);
    const size = s.volumeSize ?? "10Gi";
    checkQuantity(p, `${f}.volumeSize`, size);
    return { ...base, volume: { claimName: `${ctx.fullname}-snapshots`, size, storageClass: s.storageClass, keep } };
}

function resolveIdentity(p: Problems, s: RaftSnapshots, ctx: OperationsContext): SnapshotIdentitySettings {
    const authMount = s.authMountPath ?? SNAPSHOT_AUTH_MOUNT;
    const mount = ctx.kubernetesAuthMounts.find((k) => k.path === authMount);
    if (mount) {
        p.check(mount.inCluster, "backup.raftSnapshots.authMountPath", authMount, "is a Kubernetes auth mount for another cluster",
            "use a mount of this cluster (the default \"kubernetes\" is created when absent)");
        p.check(!mount.roleNames.includes(SNAPSHOT_IDENTITY), `config.kubernetesAuth (${authMount}).roles.${SNAPSHOT_IDENTITY}`, SNAPSHOT_IDENTITY,
            "is the role of the snapshot job", "choose another role name");
    }
    checkReservedPolicy(p, ctx, SNAPSHOT_IDENTITY, "backup.raftSnapshots");
    return {
        policyName: SNAPSHOT_IDENTITY, authMount, roleName: SNAPSHOT_IDENTITY,
        audience: SNAPSHOT_TOKEN_AUDIENCE, tokenTtl: "15m", tokenMaxTtl: "30m",
    };
}

function resolveAwsBackup(p: Problems, a: AwsBackup | undefined, ctx: OperationsContext): AwsBackupSettings | undefined {
    const f = "backup.awsBackup";
    if (!a?.enabled) {
        onlyWith(p, a ?? {}, ["schedule", "deleteAfterDays"], f, "only applies with awsBackup.enabled: true", "set enabled: true, or remove it");
        return undefined;
    }
    p.check(ctx.storage === "dynamodb" && ctx.usesAws, `${f}.enabled`, true, "needs DynamoDB storage", "remove it; Raft storage is backed up by backup.raftSnapshots");
    const schedule = a.schedule ?? "cron(0 3 * * ? *)";
    p.check(/^cron\(\S+( \S+){5}\)$/.test(schedule), `${f}.schedule`, schedule, "is not an AWS cron expression", "e.g. \"cron(0 3 * * ? *)\" (daily at 03:00 UTC)");
    const deleteAfterDays = a.deleteAfterDays ?? 35;
    p.check(isPositiveInteger(deleteAfterDays), `${f}.deleteAfterDays`, deleteAfterDays, "must be a whole number of days", "e.g. 35");
    return { vaultName: `${ctx.name}-vault`, planName: `${ctx.name}-vault`, roleName: `${ctx.name}-vault-backup`, schedule, deleteAfterDays };
}

function resolveReplicas(p: Problems, a: Backup, ctx: OperationsContext): CustodyReplicaSettings[] {
    const replicas = a.custodyReplicas ?? [];
    if (replicas.length > 0) {
        p.check(ctx.custodyInSecretsManager, "backup.custodyReplicas", replicas.map((r) => r.region), "only applies to aws-secrets-manager custody",
            "remove it, or use bootstrap.custody { type: \"aws-secrets-manager\" }");
    }
    const seen = new Set<string>();
    replicas.forEach((r, i) => {
        const f = `backup.custodyReplicas[${i}].region`;
        if (p.check(REGION.test(r.region), f, r.region, "is not an AWS region name", "e.g. \"eu-central-1\"")) {
            p.check(r.region !== ctx.region, f, r.region, "is the cluster's own region", "name another region: the replica is there for the loss of this one");
            p.check(!seen.has(r.region), f, r.region, "is listed twice", "list each region once");
            seen.add(r.region);
        }
    });
    return replicas.map((r) => ({ region: r.region, kmsKeyArn: r.kmsKeyArn }));
}
