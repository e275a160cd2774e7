import * as pulumi from "@pulumi/pulumi";
import { Plan } from "@pulumi/aws/backup/plan";
import { Selection } from "@pulumi/aws/backup/selection";
import { Vault as BackupVault } from "@pulumi/aws/backup/vault";
import { Role } from "@pulumi/aws/iam/role";
import { RolePolicyAttachment } from "@pulumi/aws/iam/rolePolicyAttachment";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { backupServicePolicyArn, backupServiceTrustPolicy } from "./awsPolicies";
import type { AwsBackupSettings, CustodyReplicaSettings } from "./backupSettings";

export interface AwsBackupDeps {
    /** ARN of the Vault table. */
    tableArn: pulumi.Input<string>;
    /** The cluster key: it encrypts the recovery points too. */
    kmsKeyArn: pulumi.Input<string>;
    region?: pulumi.Input<string>;
    tags?: Record<string, pulumi.Input<string>>;
}

/**
 * An AWS Backup plan for the DynamoDB table, on top of point-in-time recovery (35 days, always on): a backup vault
 * encrypted with the cluster key, a daily rule keeping recovery points `deleteAfterDays`, and the selection of the
 * table with a role AWS Backup assumes.
 */
export function createDynamoDbBackup(name: string, b: AwsBackupSettings, deps: AwsBackupDeps, opts: pulumi.CustomResourceOptions): { planId: pulumi.Output<string> } {
    const common = { region: deps.region, tags: deps.tags };
    const partition = getCallerIdentityOutput({}, opts).arn.apply((arn) => arn.split(":")[1]);
    const role = new Role(`${name}-vault-backup`, {
        name: b.roleName, description: "AWS Backup of the Vault table", assumeRolePolicy: JSON.stringify(backupServiceTrustPolicy()), tags: deps.tags,
    }, opts);
    new RolePolicyAttachment(`${name}-vault-backup`, { role: role.name, policyArn: partition.apply(backupServicePolicyArn) }, opts);
    const vault = new BackupVault(`${name}-vault-backup`, { ...common, name: b.vaultName, kmsKeyArn: deps.kmsKeyArn, forceDestroy: false }, opts);
    const plan = new Plan(`${name}-vault-backup`, {
        ...common,
        name: b.planName,
        rules: [{ ruleName: "vault-table", targetVaultName: vault.name, schedule: b.schedule, lifecycle: { deleteAfter: b.deleteAfterDays } }],
    }, opts);
    new Selection(`${name}-vault-backup`, { region: deps.region, name: "vault-table", planId: plan.id, iamRoleArn: role.arn, resources: [deps.tableArn] }, opts);
    return { planId: plan.id };
}

/**
 * The `replicas` argument of the custody secrets (aws.secretsmanager.Secret): a copy in each listed region, encrypted
 * with the given key there (or that region's aws/secretsmanager key). Undefined without replicas, so the argument
 * stays unset.
 */
export function custodyReplicas(replicas: CustodyReplicaSettings[]): { region: string; kmsKeyId?: pulumi.Input<string> }[] | undefined {
    return replicas.length === 0 ? undefined : replicas.map((r) => (r.kmsKeyArn === undefined ? { region: r.region } : { region: r.region, kmsKeyId: r.kmsKeyArn }));
}
