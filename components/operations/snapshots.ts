import * as pulumi from "@pulumi/pulumi";
import { Bucket } from "@pulumi/aws/s3/bucket";
import { BucketLifecycleConfiguration } from "@pulumi/aws/s3/bucketLifecycleConfiguration";
import { BucketPolicy } from "@pulumi/aws/s3/bucketPolicy";
import { BucketPublicAccessBlock } from "@pulumi/aws/s3/bucketPublicAccessBlock";
import { BucketServerSideEncryptionConfiguration } from "@pulumi/aws/s3/bucketServerSideEncryptionConfiguration";
import { BucketVersioning } from "@pulumi/aws/s3/bucketVersioning";
import { Role } from "@pulumi/aws/iam/role";
import { RolePolicy } from "@pulumi/aws/iam/rolePolicy";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import { CronJob } from "@pulumi/kubernetes/batch/v1/cronJob";
import { PersistentVolumeClaim } from "@pulumi/kubernetes/core/v1/persistentVolumeClaim";
import { ServiceAccount } from "@pulumi/kubernetes/core/v1/serviceAccount";
import { Policy } from "@pulumi/vault/policy";
import { AuthBackendRole as KubernetesAuthBackendRole } from "@pulumi/vault/kubernetes/authBackendRole";
import type { Provider as VaultProvider } from "@pulumi/vault/provider";
import { irsaTrustPolicy } from "../aws/policies";
import { renderPolicy } from "../config/policy";
import { durationSeconds } from "../validation";
import { bucketPrefix, snapshotWriterPolicy, tlsOnlyBucketPolicy } from "./awsPolicies";
import type { RaftSnapshotSettings } from "./backupSettings";
import type { OperationsContext } from "./context";
import { renderSnapshotClaim, renderSnapshotCronJob, renderSnapshotServiceAccount } from "./jobs";
import { SNAPSHOT_POLICY_RULES } from "./vaultPolicies";

export interface SnapshotDeps {
    /** The cluster's namespace (its output carries the dependency on the namespace). */
    namespace: pulumi.Input<string>;
    vaultProvider: VaultProvider;
    /** The Helm release: Vault resources are deleted with it. */
    release: pulumi.Resource;
    /** Resources the job's auth role must wait for: the configuration that declares its mount. */
    authMountDependsOn?: pulumi.Resource[];
    /** The OIDC provider for the job's IRSA role (S3 target). */
    oidc?: OperationsContext["oidc"];
    tags?: Record<string, pulumi.Input<string>>;
}

export interface SnapshotResources {
    /** Where snapshots go: `s3://<bucket>/<prefix>` or the PVC name. */
    location: pulumi.Output<string>;
    /** The job's IAM role (S3 target). */
    roleArn?: pulumi.Output<string>;
}

/**
 * Registers the snapshot job and its identities: in Vault a policy with only `read` on sys/storage/raft/snapshot and a
 * Kubernetes auth role bound to the job's service account (and token audience); for S3 an IRSA role allowed only
 * PutObject under the prefix, and the bucket unless one is given (versioned, encrypted, private, TLS only, expiring
 * snapshots after the retention, protected); for the volume target its PVC; and the CronJob.
 */
export function createRaftSnapshots(name: string, s: RaftSnapshotSettings, deps: SnapshotDeps, opts: pulumi.CustomResourceOptions): SnapshotResources {
    const vault = { ...opts, provider: deps.vaultProvider, deletedWith: deps.release };
    const id = s.identity;
    const policy = new Policy(`${name}-policy-${id.policyName}`, { name: id.policyName, policy: renderPolicy(SNAPSHOT_POLICY_RULES) }, vault);
    // The mount is the configuration's (the cluster declares it there): the role waits for it.
    new KubernetesAuthBackendRole(`${name}-role-${id.authMount}/${id.roleName}`, {
        backend: id.authMount, roleName: id.roleName,
        boundServiceAccountNames: [s.serviceAccountName], boundServiceAccountNamespaces: [s.namespace], audience: id.audience,
        tokenPolicies: [policy.name], tokenTtl: durationSeconds(id.tokenTtl), tokenMaxTtl: durationSeconds(id.tokenMaxTtl),
    }, { ...vault, dependsOn: deps.authMountDependsOn ?? [] });

    const meta = (manifest: Record<string, any>) => ({ ...manifest.metadata, namespace: deps.namespace });
    if (s.volume) {
        const claim = renderSnapshotClaim(s)!;
        // The snapshots outlive the program: removing the feature leaves the volume for the operator to delete.
        new PersistentVolumeClaim(`${name}-snapshots`, { metadata: meta(claim), spec: claim.spec }, { ...opts, retainOnDelete: true });
        const account = renderSnapshotServiceAccount(s);
        new ServiceAccount(`${name}-snapshot`, { metadata: meta(account), automountServiceAccountToken: false }, opts);
        const job = renderSnapshotCronJob(s);
        new CronJob(`${name}-snapshot`, { metadata: meta(job), spec: job.spec }, opts);
        return { location: pulumi.output(`pvc/${s.volume.claimName}`) };
    }

    const s3 = s.s3!;
    if (!deps.oidc) throw new Error("createRaftSnapshots: the S3 target needs the cluster's OIDC provider");
    const caller = getCallerIdentityOutput({}, opts);
    const partition = caller.arn.apply((arn) => arn.split(":")[1]);
    const region = s3.region ? pulumi.output(s3.region) : getRegionOutput({}, opts).region;
    let bucketName: pulumi.Output<string>;
    if (s3.existingBucket !== undefined) {
        bucketName = pulumi.output(s3.existingBucket);
    } else {
        bucketName = createBucket(name, s, s3.retentionDays!, deps.tags ?? {}, opts);
    }
    const bucketArn = pulumi.interpolate`arn:${partition}:s3:::${bucketName}`;
    const oidc = deps.oidc;
    const role = new Role(`${name}-vault-snapshot`, {
        name: s3.roleName,
        description: `Raft snapshot job of Vault ${s.namespace}/${s.releaseName} (IRSA): writes snapshots only`,
        assumeRolePolicy: pulumi.all([oidc.providerArn, oidc.providerUrl]).apply(([arn, url]) =>
            JSON.stringify(irsaTrustPolicy(arn, url, s.namespace, s.serviceAccountName))),
        tags: deps.tags,
    }, opts);
    const permissions = new RolePolicy(`${name}-vault-snapshot`, {
        role: role.name,
        policy: bucketArn.apply((arn) => JSON.stringify(snapshotWriterPolicy(arn, s3.prefix))),
    }, opts);
    new ServiceAccount(`${name}-snapshot`, { metadata: meta(renderSnapshotServiceAccount(s, role.arn)), automountServiceAccountToken: false }, opts);
    const job = pulumi.all([bucketName, region]).apply(([bucket, r]) => renderSnapshotCronJob(s, { bucket, region: r }));
    new CronJob(`${name}-snapshot`, { metadata: meta(renderSnapshotCronJob(s)), spec: job.apply((j) => j.spec) }, { ...opts, dependsOn: [permissions] });
    return { location: pulumi.interpolate`s3://${bucketName}/${s3.prefix}`, roleArn: role.arn };
}

/** The snapshot bucket: private, TLS only, encrypted, versioned, snapshots expiring after the retention; protected. */
function createBucket(name: string, s: RaftSnapshotSettings, retentionDays: number, tags: Record<string, pulumi.Input<string>>, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    const region = s.s3!.region;
    const bucket = new Bucket(`${name}-vault-snapshots`, { region, bucketPrefix: bucketPrefix(name), forceDestroy: false, tags }, { ...opts, protect: true });
    new BucketPublicAccessBlock(`${name}-vault-snapshots`, {
        region, bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    }, opts);
    new BucketServerSideEncryptionConfiguration(`${name}-vault-snapshots`, {
        region, bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    }, opts);
    new BucketVersioning(`${name}-vault-snapshots`, { region, bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
    new BucketLifecycleConfiguration(`${name}-vault-snapshots`, {
        region, bucket: bucket.id,
        rules: [{
            id: "expire-snapshots", status: "Enabled", filter: { prefix: s.s3!.prefix },
            expiration: { days: retentionDays }, noncurrentVersionExpiration: { noncurrentDays: 1 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        }],
    }, opts);
    new BucketPolicy(`${name}-vault-snapshots`, { region, bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))) }, opts);
    return bucket.bucket;
}
