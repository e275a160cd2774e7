import type { PolicyDocument } from "../aws/policies";

/** The snapshot job's only permission: put objects under its prefix of one bucket (no read, list or delete). */
export function snapshotWriterPolicy(bucketArn: string, prefix: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: "WriteSnapshots", Effect: "Allow", Action: "s3:PutObject", Resource: `${bucketArn}/${prefix}*` }],
    };
}

/** Refuses every request to the bucket that does not use TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "DenyInsecureTransport", Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*", Resource: [bucketArn, `${bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        }],
    };
}

/** AWS Backup assumes the plan's role. */
export function backupServiceTrustPolicy(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
    };
}

/** AWS's managed policy for taking backups (DynamoDB included). */
export const backupServicePolicyArn = (partition: string): string => `arn:${partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup`;

/** S3 bucket name prefix from a component name: lower case, letters, digits and '-', at most 37 characters (S3's limit). */
export function bucketPrefix(componentName: string): string {
    const base = componentName.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+/, "");
    return `${base.slice(0, 37 - "-vault-snapshots-".length)}-vault-snapshots-`.replace(/^-/, "v-");
}
