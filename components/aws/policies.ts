import { IAM_USER_PATH } from "../reserved";

/** IAM policy documents of the AWS backend, as pure functions of plain strings. */

export { IAM_USER_PATH };

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

/** What the AWS secrets engine does with the pods' own identity (engines configured without access keys). */
export interface DynamicCredentials {
    partition: string;
    accountId: string;
    /** Permissions boundaries of the `iam_user` roles: every user Vault creates must carry one of them. Empty: no such roles. */
    iamUserBoundaries: string[];
    /** Managed policies iam_user roles attach to the users they create. */
    userPolicyArns: string[];
    /** Roles of credential type federation_token exist. */
    federationTokens: boolean;
    /** Roles Vault may assume for assumed_role. */
    assumeRoleArns: string[];
}


/** IAM actions that grant a new user permissions: allowed only for users that carry one of the boundaries. */
export const IAM_USER_GRANT_ACTIONS = ["iam:CreateUser", "iam:PutUserPolicy"];

/** IAM actions the AWS secrets engine calls to look after and clean up the users it created (Vault's documented set). */
export const IAM_USER_MANAGE_ACTIONS = [
    "iam:DeleteUser", "iam:GetUser", "iam:TagUser",
    "iam:DeleteUserPolicy", "iam:ListUserPolicies",
    "iam:DetachUserPolicy", "iam:ListAttachedUserPolicies", "iam:ListGroupsForUser", "iam:RemoveUserFromGroup",
    "iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys",
];

/**
 * The Vault server role's only permissions: the storage actions on its table (and the table's key, through
 * DynamoDB only), the seal actions on its key, and, when the AWS secrets engine runs on the pods' identity, the
 * credentials it issues: users under {@link IAM_USER_PATH} that carry a permissions boundary (so no user can hold more
 * than the boundary, whoever writes the engine's roles), the listed roles, federation tokens for `vault-*`.
 */
export function vaultServerPolicy(r: { tableArn?: string; tableKeyArn?: string; region?: string; kmsKeyArn?: string; dynamic?: DynamicCredentials }): PolicyDocument {
    const statements: PolicyStatement[] = [];
    if (r.tableArn) {
        statements.push({ Sid: "VaultStorage", Effect: "Allow", Action: DYNAMODB_ACTIONS, Resource: r.tableArn });
    }
    if (r.tableKeyArn && r.region) {
        statements.push({
            Sid: "VaultStorageEncryption", Effect: "Allow",
            Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"], Resource: r.tableKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `dynamodb.${r.region}.amazonaws.com` } },
        });
    }
    if (r.kmsKeyArn) {
        statements.push({ Sid: "VaultSeal", Effect: "Allow", Action: KMS_SEAL_ACTIONS, Resource: r.kmsKeyArn });
    }
    const d = r.dynamic;
    if (d && d.iamUserBoundaries.length > 0) {
        const users = `arn:${d.partition}:iam::${d.accountId}:user${IAM_USER_PATH}*`;
        const bounded = { StringEquals: { "iam:PermissionsBoundary": d.iamUserBoundaries } };
        statements.push({ Sid: "SecretsEngineBoundedUsers", Effect: "Allow", Action: IAM_USER_GRANT_ACTIONS, Resource: users, Condition: bounded });
        if (d.userPolicyArns.length > 0) {
            statements.push({
                Sid: "SecretsEngineBoundedUserPolicies", Effect: "Allow", Action: "iam:AttachUserPolicy", Resource: users,
                Condition: { ...bounded, ArnEquals: { "iam:PolicyARN": d.userPolicyArns } },
            });
        }
        statements.push({ Sid: "SecretsEngineUsers", Effect: "Allow", Action: IAM_USER_MANAGE_ACTIONS, Resource: users });
        statements.push({
            Sid: "SecretsEngineKeepsBoundaries", Effect: "Deny",
            Action: ["iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary"], Resource: users,
        });
    }
    if (d?.federationTokens) {
        statements.push({ Sid: "SecretsEngineFederationTokens", Effect: "Allow", Action: "sts:GetFederationToken", Resource: `arn:${d.partition}:sts::${d.accountId}:federated-user/vault-*` });
    }
    if (d && d.assumeRoleArns.length > 0) {
        statements.push({ Sid: "SecretsEngineAssumedRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: d.assumeRoleArns });
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
