import * as pulumi from "@pulumi/pulumi";
import type { BootstrapArgs } from "../bootstrap/args";
import type { VaultConfigArgs } from "../config/args";

/**
 * Arguments of {@link VaultCluster}. With nothing but `irsa` given it deploys a production-shaped HA Vault:
 * DynamoDB storage, KMS auto-unseal, TLS, audit storage, the agent injector, automated init and custody.
 */
export interface VaultClusterArgs {
    /** Kubernetes namespace of the release. Default `"vault"`. Must be a DNS-1123 label. */
    namespace?: string;
    /** Create the namespace. Default `true`; set `false` when it already exists. */
    createNamespace?: boolean;
    /**
     * Helm release name, also the chart's fullname (services, pods, service account, TLS names derive from it).
     * Default `"vault"`. A DNS-1123 label of at most 53 characters. Changing it re-creates the release.
     */
    releaseName?: string;
    /**
     * Number of Vault server pods. Default `3`; at least 1. With Raft storage an odd number is required
     * (2 or 4 voters tolerate no more failures than 1 or 3 and risk split votes).
     */
    replicas?: number;
    /** Storage backend. Default `{ type: "dynamodb" }`. */
    storage?: DynamoDbStorageArgs | RaftStorageArgs;
    /** Seal. Default `{ type: "awskms" }` (auto-unseal); `{ type: "shamir" }` needs unseal keys after every restart. */
    seal?: AwsKmsSealArgs | ShamirSealArgs;
    /** EKS IAM Roles for Service Accounts. Required whenever storage or seal is an AWS one. */
    irsa?: IrsaArgs;
    /** AWS region of the table and key. Default: the AWS provider's region. */
    region?: string;
    /** Private access to DynamoDB (gateway endpoint) and KMS (interface endpoint, private DNS) from the VPC. */
    vpcEndpoints?: VpcEndpointsArgs;
    /** Tags added to every AWS resource. */
    tags?: Record<string, string>;
    /** TLS for the Vault listener. On by default with a generated CA. */
    tls?: TlsArgs;
    /** Ingress to the active Vault pod. Off unless given. */
    ingress?: IngressArgs;
    /** The UI service. */
    ui?: UiArgs;
    /** Vault Agent injector. On by default. */
    injector?: InjectorArgs;
    /** Vault CSI provider. Off by default (needs the secrets-store CSI driver in the cluster). */
    csi?: CsiArgs;
    /** Audit log volume per pod. On by default, 10Gi. */
    auditStorage?: AuditStorageArgs;
    /** Server pod placement, resources and image. */
    server?: ServerArgs;
    /** Chart source, version and raw values. */
    chart?: ChartArgs;
    /** Automated init, key custody and the chained Vault provider. */
    bootstrap?: BootstrapArgs;
    /** Post-init configuration applied through {@link VaultCluster.provider}: audit, mounts, auth, policies. */
    config?: VaultConfigArgs;
}

/** Vault's DynamoDB storage backend (HA through a lock item). */
export interface DynamoDbStorageArgs {
    type: "dynamodb";
    /** Name of the table to create. Default `"<component name>-vault"`. Ignored with `existingTable`. */
    tableName?: string;
    /** Use this existing table (name or ARN) instead of creating one. */
    existingTable?: string;
    /** Default `"PAY_PER_REQUEST"` (no throttling of the HA lock); `"PROVISIONED"` needs capacities. */
    billingMode?: "PAY_PER_REQUEST" | "PROVISIONED";
    /** Read capacity units with `PROVISIONED`. Default 10. */
    readCapacity?: number;
    /** Write capacity units with `PROVISIONED`. Default 10. */
    writeCapacity?: number;
    /** Point-in-time recovery. Default `true`. */
    pointInTimeRecovery?: boolean;
    /** DynamoDB deletion protection. Default `true`. */
    deletionProtection?: boolean;
    /** Pulumi `protect` on the table. Default `true`: `pulumi destroy` refuses until it is lifted. */
    protect?: boolean;
    /** Leave the table in AWS when it is removed from the program. Default `false`. */
    retainOnDelete?: boolean;
    /** Vault's `max_parallel`. Default Vault's own (128). */
    maxParallel?: number;
}

/** Vault's integrated storage: a data volume per pod, HA with no external dependency. */
export interface RaftStorageArgs {
    type: "raft";
    /** Data volume size. Default `"10Gi"`. */
    size?: string;
    /** Storage class of the data volumes. Default: the cluster's default class. */
    storageClass?: string;
}

/** AWS KMS auto-unseal. */
export interface AwsKmsSealArgs {
    type: "awskms";
    /** Use this existing key (ARN) instead of creating one. It must allow the Vault role Encrypt/Decrypt/DescribeKey. */
    kmsKeyArn?: pulumi.Input<string>;
    /** Pulumi `protect` on the created key. Default `true`. */
    protect?: boolean;
    /** Leave the key in AWS when it is removed from the program. Default `false`. */
    retainOnDelete?: boolean;
    /** Waiting period before AWS deletes a scheduled key, 7 to 30 days. Default 30. */
    deletionWindowInDays?: number;
}

/** Shamir seal: unseal keys are needed after every restart; the init step unseals each replica. */
export interface ShamirSealArgs {
    type: "shamir";
}

export interface IrsaArgs {
    /** ARN of the cluster's IAM OIDC provider, `arn:aws:iam::<account>:oidc-provider/<issuer>`. */
    oidcProviderArn?: pulumi.Input<string>;
    /** The cluster's OIDC issuer URL, with or without `https://`. */
    oidcProviderUrl?: pulumi.Input<string>;
    /** Name of the role to create. Default `"<component name>-vault-server"`. */
    roleName?: string;
    /** Permissions boundary for the created role. */
    permissionsBoundary?: pulumi.Input<string>;
    /**
     * Use this existing role instead of creating one (then no OIDC provider is needed here). It must trust the
     * server service account and allow what `plan-out/<stack>/iam/permissions.json` lists.
     */
    existingRoleArn?: pulumi.Input<string>;
}

export interface VpcEndpointsArgs {
    vpcId: pulumi.Input<string>;
    /** Subnets of the KMS interface endpoint (one per availability zone of the nodes). */
    subnetIds: pulumi.Input<string>[];
    /** Route tables of the DynamoDB gateway endpoint. */
    routeTableIds: pulumi.Input<string>[];
    /** Security groups of the KMS interface endpoint; they must allow 443 from the nodes. */
    securityGroupIds?: pulumi.Input<string>[];
}

export interface TlsArgs {
    /** TLS on the Vault listener. Default `true`. Turning it off is refused unless set explicitly to `false`. */
    enabled?: boolean;
    /** Key algorithm of the generated CA and server key. Default `"ECDSA"` (P-256). */
    algorithm?: "ECDSA" | "RSA";
    /** RSA key size when `algorithm` is `"RSA"`. Default 2048; at least 2048. */
    rsaBits?: number;
    /** Validity of the server certificate. Default 8760 (1 year). */
    validityHours?: number;
    /**
     * Re-issue the server certificate on a `pulumi up` run this many hours before it expires.
     * Default 720 (30 days). Must be smaller than `validityHours`.
     */
    earlyRenewalHours?: number;
    /** Validity of the generated CA. Default 87600 (10 years). */
    caValidityHours?: number;
    /** More DNS names for the server certificate (e.g. a load balancer's DNS name). */
    extraDnsNames?: string[];
    /** More IP addresses for the server certificate. */
    extraIpAddresses?: string[];
    /** Sign the server certificate with this CA instead of a generated one. */
    ca?: { keyPem: pulumi.Input<string>; certPem: pulumi.Input<string> };
    /**
     * Use this existing Secret (keys `vault.crt`, `vault.key`, `vault.ca`) instead of generating TLS material.
     * `caCertPem` is then required: the init step and the Vault provider verify Vault with it.
     */
    existingSecretName?: string;
    /** The CA certificate that signed the existing secret's certificate. Required with `existingSecretName`. */
    caCertPem?: pulumi.Input<string>;
}

export interface IngressArgs {
    /** Host name Vault is reached by, e.g. `vault.example.com`. Added to the server certificate. */
    host: string;
    /** `ingressClassName`, e.g. `"nginx"`. */
    className?: string;
    /** Ingress annotations, e.g. `cert-manager.io/cluster-issuer`. */
    annotations?: Record<string, string>;
    /** Secret holding the ingress certificate (cert-manager writes it). No TLS section when omitted. */
    tlsSecretName?: string;
    /** Route to the `-active` service only. Default `true`. */
    activeService?: boolean;
}

export interface UiArgs {
    /** Serve the web UI. Default `true`. */
    enabled?: boolean;
    /** Default `"ClusterIP"`. A `"LoadBalancer"` needs `loadBalancerSourceRanges`. */
    serviceType?: "ClusterIP" | "LoadBalancer";
    /** CIDR blocks allowed to reach the load balancer. Required with `"LoadBalancer"`. */
    loadBalancerSourceRanges?: string[];
    /** Service annotations, e.g. for the AWS load balancer controller. */
    annotations?: Record<string, string>;
}

/** Image coordinates; the chart's defaults when omitted. */
export interface ImageArgs {
    repository?: string;
    tag?: string;
}

/** Pod placement shared by the server, injector and CSI pods. */
export interface PlacementArgs {
    nodeSelector?: Record<string, string>;
    tolerations?: Record<string, unknown>[];
    /** Container resources (`requests`, `limits`). */
    resources?: Record<string, unknown>;
}

export interface InjectorArgs extends PlacementArgs {
    /** Default `true`. */
    enabled?: boolean;
    /** Injector replicas. Default 2 with leader election (1 when the cluster has a single server replica). */
    replicas?: number;
    image?: ImageArgs;
    /** Image of the injected Vault Agent. */
    agentImage?: ImageArgs;
    /** Default resources of injected agents. Default requests 250m/64Mi, limits 500m/128Mi. */
    agentDefaults?: { cpuRequest?: string; cpuLimit?: string; memRequest?: string; memLimit?: string };
}

export interface CsiArgs extends PlacementArgs {
    /** Default `false`. */
    enabled?: boolean;
    image?: ImageArgs;
}

export interface AuditStorageArgs {
    /** Default `true`: a PVC per pod mounted at `/vault/audit`, and a file audit device writing there. */
    enabled?: boolean;
    /** Default `"10Gi"`. */
    size?: string;
    /** Default: the cluster's default storage class. */
    storageClass?: string;
}

export interface ServerArgs extends PlacementArgs {
    image?: ImageArgs;
    /** Extra environment variables of the server pods (not for secrets: they land in the StatefulSet). */
    extraEnv?: Record<string, string>;
    /** Vault log level. Default the chart's (`info`). */
    logLevel?: "trace" | "debug" | "info" | "warn" | "error";
}

export interface ChartArgs {
    /** Chart version. Default `"0.34.1"`. */
    version?: string;
    /** Chart repository. Default `"https://helm.releases.hashicorp.com"`. */
    repository?: string;
    /**
     * Raw chart values, deep-merged last over the rendered ones: the escape hatch for anything not typed here.
     * A value that contradicts one this component sets (e.g. `global.tlsDisable: true` while TLS is on) is refused
     * unless its dotted path is listed in `allowOverrides`.
     */
    values?: Record<string, unknown>;
    /** Dotted value paths (`"global.tlsDisable"`) that `values` may override although this component sets them. */
    allowOverrides?: string[];
    /** Seconds Helm waits for the release to become ready. Default 600. */
    timeoutSeconds?: number;
}
