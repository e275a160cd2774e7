import * as pulumi from "@pulumi/pulumi";
// One file per class: a service index (e.g. @pulumi/aws/ec2) loads every module of the service.
import { Table } from "@pulumi/aws/dynamodb/table";
import { Key } from "@pulumi/aws/kms/key";
import { Alias } from "@pulumi/aws/kms/alias";
import { Role } from "@pulumi/aws/iam/role";
import { RolePolicy } from "@pulumi/aws/iam/rolePolicy";
import { VpcEndpoint } from "@pulumi/aws/ec2/vpcEndpoint";
import { Secret } from "@pulumi/aws/secretsmanager/secret";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import type { ClusterSettings } from "../cluster/settings";
import { DynamicCredentials, irsaTrustPolicy, kmsKeyPolicy, tableArn, vaultServerPolicy } from "./policies";
import { TYPE_PREFIX } from "../typeTokens";

/** What AWS secrets engines configured without access keys issue with the pods' own role. */
export function dynamicCredentials(settings: ClusterSettings, partition: string, accountId: string): DynamicCredentials | undefined {
    const roles = settings.config.aws.filter((e) => e.accessKey === undefined).flatMap((e) => Object.values(e.roles));
    if (roles.length === 0) return undefined;
    const ofType = (t: string) => roles.filter((r) => r.credentialType === t);
    return {
        partition, accountId,
        iamUsers: ofType("iam_user").length > 0,
        userPolicyArns: [...new Set(ofType("iam_user").flatMap((r) => r.policyArns ?? []))],
        federationTokens: ofType("federation_token").length > 0,
        assumeRoleArns: [...new Set(ofType("assumed_role").flatMap((r) => r.roleArns ?? []))],
    };
}

/**
 * The AWS side of a Vault cluster: DynamoDB table, KMS key, the IRSA role with its least-privilege policy,
 * optional VPC endpoints and the init custody secret. Everything that holds data is protected by default.
 */
export class AwsBackend extends pulumi.ComponentResource {
    readonly region: pulumi.Output<string>;
    readonly tableName?: pulumi.Output<string>;
    readonly kmsKeyArn: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;
    /** The created role's permissions: the server pods need them before they can reach storage and seal. */
    readonly serverPermissions?: RolePolicy;
    /** VPC endpoints: in private subnets the server pods reach KMS and DynamoDB through them. */
    readonly endpoints: VpcEndpoint[] = [];
    /** Custody secrets per slot (init response; admin identity when the root token is revoked). */
    readonly custodySecretArns?: { init: pulumi.Output<string>; admin: pulumi.Output<string> };

    constructor(name: string, settings: ClusterSettings, opts?: pulumi.ComponentResourceOptions) {
        super(`${TYPE_PREFIX}:index:AwsBackend`, name, {}, opts);
        const aws = settings.aws!;
        const parent = { parent: this };
        const region = aws.region ? pulumi.output(aws.region) : getRegionOutput({}, parent).region;
        const caller = getCallerIdentityOutput({}, parent);
        const accountId = caller.accountId;
        // arn:<partition>:iam::<account>:...; one lookup instead of two.
        const partition = caller.arn.apply((arn) => arn.split(":")[1]);
        const common = { region: aws.region, tags: aws.tags };
        let kmsKeyArn: pulumi.Output<string>;
        if ("create" in aws.key) {
            const lifecycle = aws.key.create;
            const key = new Key(`${name}-vault`, {
                ...common,
                description: `Vault ${settings.releaseName} (${settings.namespace}): auto-unseal, storage and init custody encryption`,
                enableKeyRotation: true,
                deletionWindowInDays: lifecycle.deletionWindowInDays,
                policy: pulumi.all([partition, accountId]).apply(([p, a]) => JSON.stringify(kmsKeyPolicy(p, a))),
            }, { ...parent, protect: lifecycle.protect, retainOnDelete: lifecycle.retainOnDelete });
            new Alias(`${name}-vault-unseal`, { region: aws.region, name: `alias/${name}-vault-unseal`, targetKeyId: key.keyId }, parent);
            kmsKeyArn = key.arn;
        } else {
            kmsKeyArn = pulumi.output(aws.key.existingArn);
        }

        const storage = settings.storage;
        if (storage.type === "dynamodb" && storage.create) {
            const c = storage.create;
            const table = new Table(`${name}-vault`, {
                ...common,
                name: c.tableName,
                hashKey: "Path",
                rangeKey: "Key",
                attributes: [{ name: "Path", type: "S" }, { name: "Key", type: "S" }],
                billingMode: c.billingMode,
                readCapacity: c.readCapacity,
                writeCapacity: c.writeCapacity,
                pointInTimeRecovery: { enabled: c.pointInTimeRecovery },
                deletionProtectionEnabled: c.deletionProtection,
                serverSideEncryption: { enabled: true, kmsKeyArn },
            }, { ...parent, protect: c.protect, retainOnDelete: c.retainOnDelete });
            this.tableName = table.name;
        } else if (storage.type === "dynamodb" && storage.existingTable) {
            this.tableName = pulumi.output(storage.existingTable.replace(/^arn:.*:table\//, ""));
        }
        // The role's permissions name the table by its known ARN, so the role need not wait for the table.
        const permittedTableArn = storage.type === "dynamodb"
            ? pulumi.all([partition, region, accountId]).apply(([p, r, a]) => tableArn(storage.existingTable ?? storage.create!.tableName, p, r, a))
            : undefined;

        if ("existingArn" in aws.role) {
            this.roleArn = pulumi.output(aws.role.existingArn);
        } else {
            const r = aws.role.create;
            const role = new Role(`${name}-vault-server`, {
                name: r.name,
                description: `Vault server pods of ${settings.namespace}/${settings.releaseName} (IRSA)`,
                assumeRolePolicy: pulumi.all([r.oidcProviderArn, r.oidcProviderUrl]).apply(([arn, url]) =>
                    JSON.stringify(irsaTrustPolicy(arn, url, settings.namespace, settings.names.serviceAccount))),
                permissionsBoundary: r.permissionsBoundary,
                tags: aws.tags,
            }, parent);
            const tableKeyIsOurs = storage.type === "dynamodb" && storage.create !== undefined;
            this.serverPermissions = new RolePolicy(`${name}-vault-server`, {
                role: role.name,
                policy: pulumi.all([permittedTableArn, kmsKeyArn, region, partition, accountId]).apply(([t, k, reg, p, a]) => JSON.stringify(vaultServerPolicy({
                    tableArn: t,
                    tableKeyArn: tableKeyIsOurs ? k : undefined,
                    region: reg,
                    kmsKeyArn: settings.seal.type === "awskms" ? k : undefined,
                    dynamic: dynamicCredentials(settings, p, a),
                }))),
            }, parent);
            this.roleArn = role.arn;
        }

        const endpoints = aws.vpcEndpoints;
        if (endpoints) {
            if (storage.type === "dynamodb") {
                this.endpoints.push(new VpcEndpoint(`${name}-dynamodb`, {
                    ...common,
                    vpcId: endpoints.vpcId,
                    serviceName: pulumi.interpolate`com.amazonaws.${region}.dynamodb`,
                    vpcEndpointType: "Gateway",
                    routeTableIds: endpoints.routeTableIds,
                }, parent));
            }
            // Only the seal calls KMS from the pods (DynamoDB uses the table key on its own side).
            if (settings.seal.type === "awskms") {
                this.endpoints.push(new VpcEndpoint(`${name}-kms`, {
                    ...common,
                    vpcId: endpoints.vpcId,
                    serviceName: pulumi.interpolate`com.amazonaws.${region}.kms`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: endpoints.subnetIds,
                    securityGroupIds: endpoints.securityGroupIds,
                }, parent));
            }
        }

        const custody = settings.bootstrap.custody;
        if (custody.type === "aws-secrets-manager") {
            // One secret per custody slot, each written once by the init step and protected from deletion.
            const custodySecret = (suffix: string, secretName: string, what: string) => new Secret(`${name}-vault-${suffix}`, {
                ...common,
                name: secretName,
                description: `${what} of Vault ${settings.namespace}/${settings.releaseName}. Written once by the Pulumi init step.`,
                kmsKeyId: kmsKeyArn,
                recoveryWindowInDays: custody.recoveryWindowInDays,
            }, { ...parent, protect: true }).arn;
            this.custodySecretArns = {
                init: custodySecret("init", custody.secretName, "Init response (root token, recovery keys)"),
                // Created up front even without revokeRootToken: retiring the root token later needs it, and a protected
                // secret that disappeared from the program when the option was turned off again would block updates.
                admin: custodySecret("admin", `${custody.secretName}-admin`, "Pulumi admin AppRole credentials (once the root token is retired)"),
            };
        }

        this.region = region;
        this.kmsKeyArn = kmsKeyArn;
        this.registerOutputs({
            region: this.region, tableName: this.tableName, kmsKeyArn: this.kmsKeyArn, roleArn: this.roleArn, custodySecretArns: this.custodySecretArns,
        });
    }
}
