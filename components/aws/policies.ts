/** IAM policy documents of the AWS backend, as pure functions of plain strings. */

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]>;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/**
 * Actions Vault's DynamoDB storage backend calls (physical/dynamodb). CreateTable is left out on purpose: the
 * table is managed here, and a Vault that cannot find it must fail instead of creating an empty 5/5 table.
 */
export const DYNAMODB_ACTIONS = [
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
];

/** What the awskms seal needs, for as long as Vault runs. */
export const KMS_SEAL_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"];

/** `https://oidc.eks.../id/X` → `oidc.eks.../id/X`: IAM condition keys use the issuer without scheme. */
export function issuerHostPath(oidcProviderUrl: string): string {
    return oidcProviderUrl.replace(/^https:\/\//, "").replace(/\/+$/, "");
}

/**
 * Trust policy that lets exactly one Kubernetes service account assume the role through the cluster's OIDC
 * provider, for the STS audience only.
 */
export function irsaTrustPolicy(oidcProviderArn: string, oidcProviderUrl: string, namespace: string, serviceAccount: string): PolicyDocument {
    const issuer = issuerHostPath(oidcProviderUrl);
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "VaultServiceAccount",
            Effect: "Allow",
            Principal: { Federated: oidcProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: {
                    [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                    [`${issuer}:aud`]: "sts.amazonaws.com",
                },
            },
        }],
    };
}

/**
 * The Vault server role's only permissions: the storage actions on its table and the seal actions on its key.
 * Each part is present only when the cluster uses it.
 */
export function vaultServerPolicy(resources: { tableArn?: string; kmsKeyArn?: string }): PolicyDocument {
    const statements: PolicyStatement[] = [];
    if (resources.tableArn) {
        statements.push({ Sid: "VaultStorage", Effect: "Allow", Action: DYNAMODB_ACTIONS, Resource: resources.tableArn });
    }
    if (resources.kmsKeyArn) {
        statements.push({ Sid: "VaultSeal", Effect: "Allow", Action: KMS_SEAL_ACTIONS, Resource: resources.kmsKeyArn });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * Key policy of the cluster key. The account root keeps full administration (AWS's default statement; without it a
 * key can become unmanageable and only AWS support can recover it), which also lets IAM policies such as the Vault
 * role's grant use of the key. In a key policy `Resource: "*"` means "this key".
 */
export function kmsKeyPolicy(partition: string, accountId: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "AccountRootAdministers",
            Effect: "Allow",
            Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
            Action: "kms:*",
            Resource: "*",
        }],
    };
}

/** DynamoDB table ARN from a table name, or the ARN itself when one is given. */
export function tableArn(nameOrArn: string, partition: string, region: string, accountId: string): string {
    return nameOrArn.startsWith("arn:") ? nameOrArn : `arn:${partition}:dynamodb:${region}:${accountId}:table/${nameOrArn}`;
}
