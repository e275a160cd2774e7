import type * as pulumi from "@pulumi/pulumi";
import type { BillingMode, InterfaceEndpoint, Irsa, Seal, Storage, VpcEndpoints } from "../cluster/args";
import { Problems, REDACTED, checkAwsName, checkWhenKnown, refuseOtherVariantFields } from "../validation";

/** The table the cluster stores its data in: created (and protected) here, or an existing one. */
export interface TableSettings {
    /** Set when the component creates the table. */
    create?: {
        tableName: string; billingMode: BillingMode; readCapacity?: number; writeCapacity?: number;
        pointInTimeRecovery: boolean; deletionProtection: boolean; protect: boolean; retainOnDelete: boolean;
    };
    /** Name or ARN of an existing table (checked: no wildcard). */
    existing?: pulumi.Input<string>;
    /** The table `existing` was restored from (a name). */
    restoredFrom?: string;
    maxParallel?: number;
}

/** Lifecycle of a key this component creates. */
export interface KeyLifecycle {
    protect: boolean;
    retainOnDelete: boolean;
    deletionWindowInDays: number;
}

/** Everything the AWS backend creates or uses, validated, with defaults applied. */
export interface AwsSettings {
    region?: pulumi.Input<string>;
    /** The server role: created for the cluster's OIDC provider, or an existing one. */
    role: { create?: { name: string; oidcProviderArn: pulumi.Input<string>; oidcProviderUrl: pulumi.Input<string>; permissionsBoundary?: pulumi.Input<string> };
            existingArn?: pulumi.Input<string> };
    vpcEndpoints?: EndpointSettings;
    tags: Record<string, pulumi.Input<string>>;
    /**
     * The cluster key: created whenever the cluster uses AWS and no key ARN is given (it encrypts the table, the seal
     * and custody), with the seal's lifecycle settings or, with Shamir, the same safe defaults.
     */
    key: { create?: KeyLifecycle; existingArn?: pulumi.Input<string> };
    /** DynamoDB storage; undefined with Raft. */
    table?: TableSettings;
    /** The awskms seal uses the key from the pods. */
    kmsSeal: boolean;
    /** The KMS alias of a created key. */
    keyAlias: string;
}

/** The services the pods reach through interface endpoints. */
export type InterfaceService = "kms" | "sts";

/** The VPC endpoints the pods use: the DynamoDB gateway and the interface endpoints, created or existing. */
export interface EndpointSettings {
    vpcId: pulumi.Input<string>;
    routeTableIds: pulumi.Input<string>[];
    /** Interface endpoints to create, with their placement. */
    create: { service: InterfaceService; subnetIds: pulumi.Input<string>[]; securityGroupIds?: pulumi.Input<string>[] }[];
    /** Existing interface endpoints the pods use. */
    existing: { service: InterfaceService; endpointId: pulumi.Input<string> }[];
    /** The pods reach STS through an endpoint (created or existing): they must call its regional name. */
    sts: boolean;
}

/** What the AWS stage reads of the cluster's arguments. */
export interface AwsSettingsInput {
    componentName: string;
    subject: string;
    storage: Storage;
    seal: Seal;
    irsa?: Irsa;
    region?: pulumi.Input<string>;
    vpcEndpoints?: VpcEndpoints;
    tags?: Record<string, pulumi.Input<string>>;
}

export const DYNAMODB_FIELDS = ["type", "tableName", "existingTable", "restoredFrom", "billingMode", "readCapacity", "writeCapacity", "pointInTimeRecovery",
    "deletionProtection", "protect", "retainOnDelete", "maxParallel"];

/** A DynamoDB table name. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

const SAFE_KEY_LIFECYCLE: KeyLifecycle = { protect: true, retainOnDelete: false, deletionWindowInDays: 30 };

/** Validates the AWS side of a cluster (table, key, role, endpoints, tags) and applies its defaults. */
export function resolveAwsSettings(p: Problems, a: AwsSettingsInput): AwsSettings | undefined {
    const irsa: Irsa = a.irsa ?? {};
    const existingRole = irsa.existingRoleArn !== undefined;
    if (!existingRole && (irsa.oidcProviderArn === undefined || irsa.oidcProviderUrl === undefined)) {
        p.add("irsa", a.irsa === undefined ? undefined : REDACTED,
            "is required with DynamoDB storage or the awskms seal: Vault's pods need an IAM role to reach them",
            "pass irsa: { oidcProviderArn, oidcProviderUrl } from your EKS cluster (or irsa: { existingRoleArn }), or use storage { type: \"raft\" } and seal { type: \"shamir\" }");
        return undefined;
    }
    if (existingRole) {
        for (const field of ["oidcProviderArn", "oidcProviderUrl", "roleName", "permissionsBoundary"] as const) {
            p.check(irsa[field] === undefined, `irsa.${field}`, REDACTED, "only applies to a role this component creates",
                "remove it, or remove irsa.existingRoleArn to let the component create the role");
        }
    }
    const region = checkAwsName(p, a.subject, "region", a.region, ["region"], "an AWS region name",
        "a region such as \"eu-west-1\", or omit it to use the AWS provider's region");
    const keyAlias = `alias/${a.componentName}-vault-unseal`;
    p.check(/^alias\/[A-Za-z0-9/_-]{1,250}$/.test(keyAlias), "(component name)", a.componentName, "cannot name the KMS alias alias/<name>-vault-unseal",
        "name the VaultCluster with letters, digits, '/', '_' and '-' only");
    const roleName = irsa.roleName ?? `${a.componentName}-vault-server`;
    p.check(/^[\w+=,.@-]{1,64}$/.test(roleName), "irsa.roleName", roleName, "is not a valid IAM role name (at most 64 characters)",
        irsa.roleName === undefined ? "set irsa.roleName: the default \"<component name>-vault-server\" is too long or has other characters" : "use at most 64 letters, digits and +=,.@_-");
    const tags = Object.fromEntries(Object.entries(a.tags ?? {}).map(([key, value]) => {
        p.check(key.length <= 128 && !key.startsWith("aws:"), `tags.${key}`, key, "is not a valid AWS tag key", "use at most 128 characters, not starting with aws:");
        return [key, checkWhenKnown(p, a.subject, value, (q, v) => q.check(v.length <= 256, `tags.${key}`, v, "is longer than 256 characters", "shorten the tag value"))];
    }));
    const seal = a.seal.type === "awskms" ? resolveKmsSeal(p, a) : undefined;
    return {
        region,
        role: existingRole
            ? { existingArn: checkAwsName(p, a.subject, "irsa.existingRoleArn", irsa.existingRoleArn, ["roleArn"], "an IAM role ARN", "arn:aws:iam::<account>:role/<name>") }
            : { create: {
                name: roleName,
                oidcProviderArn: checkAwsName(p, a.subject, "irsa.oidcProviderArn", irsa.oidcProviderArn, ["oidcProviderArn"], "an IAM OIDC provider ARN",
                    "arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>")!,
                oidcProviderUrl: irsa.oidcProviderUrl!,
                permissionsBoundary: checkAwsName(p, a.subject, "irsa.permissionsBoundary", irsa.permissionsBoundary, ["policyArn"], "an IAM policy ARN",
                    "arn:aws:iam::<account>:policy/<name>"),
            } },
        vpcEndpoints: a.vpcEndpoints && resolveEndpoints(p, a.subject, a.vpcEndpoints, seal !== undefined),
        tags: { "managed-by": "pulumi", "vault-cluster": a.componentName, ...tags },
        key: seal?.kmsKeyArn !== undefined ? { existingArn: seal.kmsKeyArn } : { create: seal?.lifecycle ?? SAFE_KEY_LIFECYCLE },
        table: a.storage.type === "dynamodb" ? resolveTable(p, a) : undefined,
        kmsSeal: seal !== undefined,
        keyAlias,
    };
}

/** An interface endpoint ID, `vpce-` and 17 (or, for old ones, 8) hexadecimal digits. */
const ENDPOINT_ID = /^vpce-([0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * The endpoints the pods use: KMS with the awskms seal, STS always (IRSA), each created or an existing one. Subnets and
 * security groups place the created ones, so they are required when one is created and refused when none is.
 */
function resolveEndpoints(p: Problems, subject: string, v: VpcEndpoints, kmsSeal: boolean): EndpointSettings {
    if (!kmsSeal) {
        p.check(v.kms === undefined, "vpcEndpoints.kms", REDACTED, "only applies to the awskms seal: with another seal the pods never call KMS",
            "remove vpcEndpoints.kms, or use seal { type: \"awskms\" }");
    }
    const settings: EndpointSettings = { vpcId: v.vpcId, routeTableIds: v.routeTableIds, create: [], existing: [], sts: false };
    const uses: [InterfaceService, InterfaceEndpoint | undefined][] = kmsSeal ? [["kms", v.kms], ["sts", v.sts]] : [["sts", v.sts]];
    for (const [service, e] of uses) {
        const field = `vpcEndpoints.${service}`;
        if (e?.existingEndpointId !== undefined) {
            p.check(e.create !== true, `${field}.create`, true, "cannot be combined with existingEndpointId: the VPC takes one endpoint with private DNS per service",
                `remove ${field}.create to use the existing endpoint, or remove ${field}.existingEndpointId to create one`);
            const endpointId = checkWhenKnown(p, subject, e.existingEndpointId, (q, id) =>
                q.check(ENDPOINT_ID.test(id), `${field}.existingEndpointId`, id, "is not a VPC endpoint ID", "use the endpoint's ID, e.g. \"vpce-0a1b2c3d4e5f60718\""));
            settings.existing.push({ service, endpointId });
        } else if (e?.create !== false) {
            settings.create.push({ service, subnetIds: v.subnetIds ?? [], securityGroupIds: v.securityGroupIds });
        }
    }
    settings.sts = [...settings.create, ...settings.existing].some((e) => e.service === "sts");
    const creating = settings.create.map((e) => e.service).join(" and ");
    if (creating) {
        p.check((v.subnetIds ?? []).length > 0, "vpcEndpoints.subnetIds", v.subnetIds, `is required to create the ${creating} interface endpoint${creating.includes(" and ") ? "s" : ""}`,
            "list one private subnet per availability zone of the nodes, or give the endpoints' existingEndpointId");
    } else {
        for (const f of ["subnetIds", "securityGroupIds"] as const) {
            p.check(v[f] === undefined, `vpcEndpoints.${f}`, v[f], "only places interface endpoints this component creates, and it creates none",
                `remove vpcEndpoints.${f}`);
        }
    }
    return settings;
}

/** The awskms seal's fields. */
const KMS_SEAL_FIELDS = ["type", "kmsKeyArn", "protect", "retainOnDelete", "deletionWindowInDays"];

function resolveKmsSeal(p: Problems, a: AwsSettingsInput): { kmsKeyArn?: pulumi.Input<string>; lifecycle: KeyLifecycle } {
    const s = a.seal;
    refuseOtherVariantFields(p, s, KMS_SEAL_FIELDS, "seal", "the awskms seal");
    return {
        kmsKeyArn: checkAwsName(p, a.subject, "seal.kmsKeyArn", s.kmsKeyArn, ["kmsKeyArn"], "a KMS key ARN",
            "the key's ARN (arn:aws:kms:<region>:<account>:key/<id>): IAM policies and encryption settings need the ARN, not an ID or alias"),
        lifecycle: { protect: s.protect ?? true, retainOnDelete: s.retainOnDelete ?? false, deletionWindowInDays: s.deletionWindowInDays ?? 30 },
    };
}

function resolveTable(p: Problems, a: AwsSettingsInput): TableSettings {
    const s = a.storage;
    refuseOtherVariantFields(p, s, DYNAMODB_FIELDS, "storage", "storage type \"dynamodb\"");
    const billingMode = s.billingMode ?? "PAY_PER_REQUEST";
    const provisioned = billingMode === "PROVISIONED";
    for (const field of ["readCapacity", "writeCapacity"] as const) {
        if (s[field] !== undefined) {
            p.check(provisioned, `storage.${field}`, s[field], "only applies to PROVISIONED billing", "remove it, or set storage.billingMode to \"PROVISIONED\"");
        }
    }
    if (s.existingTable !== undefined) {
        p.check(s.tableName === undefined, "storage.tableName", s.tableName, "cannot be combined with storage.existingTable",
            "set only one: tableName to create a table, existingTable to use one");
        return {
            existing: checkAwsName(p, a.subject, "storage.existingTable", s.existingTable, ["tableName", "tableArn"], "a DynamoDB table name or ARN",
                "the table's name (3-255 letters, digits, '_', '-', '.') or ARN"),
            restoredFrom: s.restoredFrom === undefined ? undefined
                : p.check(TABLE_NAME.test(s.restoredFrom), "storage.restoredFrom", s.restoredFrom, "is not a DynamoDB table name", "give the source table's name, e.g. \"prod-vault\"")
                    ? s.restoredFrom : undefined,
            maxParallel: s.maxParallel,
        };
    }
    p.check(s.restoredFrom === undefined, "storage.restoredFrom", s.restoredFrom, "only applies with storage.existingTable (the restored table)",
        "set existingTable to the restored table's name, or remove restoredFrom");
    const tableName = s.tableName ?? `${a.componentName}-vault`;
    p.check(TABLE_NAME.test(tableName), "storage.tableName", tableName, "is not a valid DynamoDB table name",
        "use 3-255 characters of letters, digits, '_', '-' and '.'");
    return {
        maxParallel: s.maxParallel,
        create: {
            tableName, billingMode,
            readCapacity: provisioned ? s.readCapacity ?? 10 : undefined,
            writeCapacity: provisioned ? s.writeCapacity ?? 10 : undefined,
            pointInTimeRecovery: s.pointInTimeRecovery ?? true,
            deletionProtection: s.deletionProtection ?? true,
            protect: s.protect ?? true,
            retainOnDelete: s.retainOnDelete ?? false,
        },
    };
}
