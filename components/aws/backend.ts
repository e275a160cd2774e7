import * as pulumi from "@pulumi/pulumi";
// One file per class: a service index (e.g. @pulumi/aws/ec2) loads every module of the service.
import { Table } from "@pulumi/aws/dynamodb/table";
import { Key } from "@pulumi/aws/kms/key";
import { Alias } from "@pulumi/aws/kms/alias";
import { Role } from "@pulumi/aws/iam/role";
import { RolePolicy } from "@pulumi/aws/iam/rolePolicy";
import { VpcEndpoint } from "@pulumi/aws/ec2/vpcEndpoint";
import { getVpcEndpointOutput } from "@pulumi/aws/ec2/getVpcEndpoint";
import { Secret } from "@pulumi/aws/secretsmanager/secret";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import type { SecretsManagerCustodySettings } from "../bootstrap/settings";
import type { AwsEngineRole } from "../config/args";
import type { AwsSettings, InterfaceService } from "./settings";
import { DynamicCredentials, irsaTrustPolicy, kmsKeyPolicy, tableArn, vaultServerPolicy } from "./policies";
import { TYPE_PREFIX } from "../typeTokens";

/** What the AWS stage needs: its settings, whom the role is for, the custody secrets, the engines run on its identity. */
export interface AwsBackendInput {
    aws: AwsSettings;
    releaseName: string;
    namespace: pulumi.Input<string>;
    serviceAccount: string;
    /** Set with Secrets Manager custody. */
    custody?: SecretsManagerCustodySettings;
    /** Roles of the AWS secrets engines configured without access keys: they run on the server role. */
    engineRoles: AwsEngineRole[];
    /** Copies of the custody secrets in other regions (for the loss of this one). */
    custodyReplicas?: { region: string; kmsKeyId?: pulumi.Input<string> }[];
}

/** What AWS secrets engine roles issue with the pods' own role. */
export function dynamicCredentials(roles: { credentialType: string; policyArns?: string[]; roleArns?: string[]; permissionsBoundaryArn?: string }[],
    partition: string, accountId: string): DynamicCredentials | undefined {
    if (roles.length === 0) return undefined;
    const ofType = (t: string) => roles.filter((r) => r.credentialType === t);
    const unique = (list: (string | undefined)[]) => [...new Set(list.filter((x): x is string => x !== undefined))];
    return {
        partition, accountId,
        iamUserBoundaries: unique(ofType("iam_user").map((r) => r.permissionsBoundaryArn)),
        userPolicyArns: unique(ofType("iam_user").flatMap((r) => r.policyArns ?? [])),
        federationTokens: ofType("federation_token").length > 0,
        assumeRoleArns: unique(ofType("assumed_role").flatMap((r) => r.roleArns ?? [])),
    };
}

/**
 * An existing endpoint serves the pods only when it is the region's interface endpoint of the service, in the nodes'
 * VPC, with private DNS (the pods call the service's regular name), and available; otherwise the deployment stops here
 * with what differs, instead of pods that cannot reach the service.
 */
function checkExistingEndpoint(found: { id: string; serviceName: string; vpcId: string; privateDnsEnabled: boolean; state: string },
    service: InterfaceService, vpcId: string, region: string): string {
    const expected = { serviceName: `com.amazonaws.${region}.${service}`, vpcId, privateDnsEnabled: true, state: "available" };
    const wrong = (Object.keys(expected) as (keyof typeof expected)[]).filter((k) => found[k] !== expected[k])
        .map((k) => `${k} is ${JSON.stringify(found[k])}, not ${JSON.stringify(expected[k])}`);
    if (wrong.length > 0) {
        throw new Error(`vpcEndpoints.${service}.existingEndpointId = "${found.id}" cannot serve the pods: ${wrong.join("; ")}. `
            + `Fix: give the ID of the ${service.toUpperCase()} interface endpoint of VPC ${vpcId} in ${region}, with private DNS enabled, or remove it to create one`);
    }
    return found.id;
}

/**
 * The AWS side of a Vault cluster: DynamoDB table, KMS key, the IRSA role with its least-privilege policy,
 * optional VPC endpoints and the init custody secret. Everything that holds data is protected by default.
 */
export class AwsBackend extends pulumi.ComponentResource {
    readonly region: pulumi.Output<string>;
    readonly tableName?: pulumi.Output<string>;
    /** The table's ARN (DynamoDB storage). */
    readonly tableArn?: pulumi.Output<string>;
    readonly kmsKeyArn: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;
    /** The created role's permissions: the server pods need them before they can reach storage and seal. */
    readonly serverPermissions?: RolePolicy;
    /** VPC endpoints: in private subnets the server pods reach DynamoDB, KMS and STS through them. */
    readonly endpoints: VpcEndpoint[] = [];
    /** Existing interface endpoints the pods use, each resolving to its ID once checked. */
    readonly existingEndpoints: pulumi.Output<string>[] = [];
    /** Custody secrets per slot (init response; admin identity when the root token is revoked). */
    readonly custodySecretArns?: { init: pulumi.Output<string>; admin: pulumi.Output<string> };

    constructor(name: string, input: AwsBackendInput, opts?: pulumi.ComponentResourceOptions) {
        super(`${TYPE_PREFIX}:index:AwsBackend`, name, {}, opts);
        const aws = input.aws;
        const parent = { parent: this };
        const region = aws.region ? pulumi.output(aws.region) : getRegionOutput({}, parent).region;
        const caller = getCallerIdentityOutput({}, parent);
        const accountId = caller.accountId;
        // arn:<partition>:iam::<account>:...; one lookup instead of two.
        const partition = caller.arn.apply((arn) => arn.split(":")[1]);
        const common = { region: aws.region, tags: aws.tags };
        let kmsKeyArn: pulumi.Output<string>;
        if (aws.key.create) {
            const lifecycle = aws.key.create;
            const key = new Key(`${name}-vault`, {
                ...common,
                description: pulumi.interpolate`Vault ${input.releaseName} (${input.namespace}): auto-unseal, storage and init custody encryption`,
                enableKeyRotation: true,
                deletionWindowInDays: lifecycle.deletionWindowInDays,
                policy: pulumi.all([partition, accountId]).apply(([p, a]) => JSON.stringify(kmsKeyPolicy(p, a))),
            }, { ...parent, protect: lifecycle.protect, retainOnDelete: lifecycle.retainOnDelete });
            new Alias(`${name}-vault-unseal`, { region: aws.region, name: aws.keyAlias, targetKeyId: key.keyId }, parent);
            kmsKeyArn = key.arn;
        } else {
            kmsKeyArn = pulumi.output(aws.key.existingArn!);
        }

        const table = aws.table;
        if (table?.create) {
            const c = table.create;
            const created = new Table(`${name}-vault`, {
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
            this.tableName = created.name;
        } else if (table?.existing !== undefined) {
            this.tableName = pulumi.output(table.existing).apply((t) => t.replace(/^arn:.*:table\//, ""));
        }
        // The role's permissions name the table by its known ARN, so the role need not wait for the table.
        const permittedTableArn = table
            ? pulumi.all([table.existing ?? table.create!.tableName, partition, region, accountId]).apply(([t, p, r, a]) => tableArn(t, p, r, a))
            : undefined;

        this.tableArn = permittedTableArn;

        if (aws.role.existingArn !== undefined) {
            this.roleArn = pulumi.output(aws.role.existingArn);
        } else {
            const r = aws.role.create!;
            const role = new Role(`${name}-vault-server`, {
                name: r.name,
                description: pulumi.interpolate`Vault server pods of ${input.namespace}/${input.releaseName} (IRSA)`,
                assumeRolePolicy: pulumi.all([r.oidcProviderArn, r.oidcProviderUrl, input.namespace]).apply(([arn, url, ns]) =>
                    JSON.stringify(irsaTrustPolicy(arn, url, ns, input.serviceAccount))),
                permissionsBoundary: r.permissionsBoundary,
                tags: aws.tags,
            }, parent);
            this.serverPermissions = new RolePolicy(`${name}-vault-server`, {
                role: role.name,
                policy: pulumi.all([permittedTableArn, kmsKeyArn, region, partition, accountId, input.engineRoles]).apply(([t, k, reg, p, a, roles]) =>
                    JSON.stringify(vaultServerPolicy({
                        tableArn: t,
                        // A created table is encrypted with the cluster key, and so is a table restored from it.
                        tableKeyArn: table ? k : undefined,
                        region: reg,
                        kmsKeyArn: aws.kmsSeal ? k : undefined,
                        dynamic: dynamicCredentials(roles, p, a),
                    }))),
            }, parent);
            this.roleArn = role.arn;
        }

        const endpoints = aws.vpcEndpoints;
        if (endpoints) {
            if (table) {
                this.endpoints.push(new VpcEndpoint(`${name}-dynamodb`, {
                    ...common,
                    vpcId: endpoints.vpcId,
                    serviceName: pulumi.interpolate`com.amazonaws.${region}.dynamodb`,
                    vpcEndpointType: "Gateway",
                    routeTableIds: endpoints.routeTableIds,
                }, parent));
            }
            for (const e of endpoints.create) {
                this.endpoints.push(new VpcEndpoint(`${name}-${e.service}`, {
                    ...common,
                    vpcId: endpoints.vpcId,
                    serviceName: pulumi.interpolate`com.amazonaws.${region}.${e.service}`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: e.subnetIds,
                    securityGroupIds: e.securityGroupIds,
                }, parent));
            }
            this.existingEndpoints = endpoints.existing.map((e) =>
                pulumi.all([getVpcEndpointOutput({ id: e.endpointId, region: aws.region }, parent), endpoints.vpcId, region])
                    .apply(([found, vpcId, r]) => checkExistingEndpoint(found, e.service, vpcId, r)));
        }

        const custody = input.custody;
        if (custody) {
            // One secret per custody slot, each written once by the init step and protected from deletion.
            const custodySecret = (suffix: string, secretName: string, what: string) => new Secret(`${name}-vault-${suffix}`, {
                ...common,
                name: secretName,
                description: pulumi.interpolate`${what} of Vault ${input.namespace}/${input.releaseName}. Written once by the Pulumi init step.`,
                kmsKeyId: kmsKeyArn,
                recoveryWindowInDays: custody.recoveryWindowInDays,
                replicas: input.custodyReplicas,
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
