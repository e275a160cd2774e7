import type * as pulumi from "@pulumi/pulumi";
import type { Bootstrap } from "../bootstrap/args";
import type { VaultConfiguration } from "../config/args";
import type { Alarms, AuditRotation, Backup, Monitoring } from "../operations/args";

/*
 * The arguments of VaultCluster: the one source of their names, types, bounds and defaults. Pulumi's schema
 * analyzer infers the multi-language schema from these interfaces (named interfaces, const-object enums, no
 * other unions); the run-time type check and the README reference are generated from them (`npm run generate`).
 * Tags read by the generator: @default (documentation; the resolvers apply it and a test checks they agree),
 * @integer, @minimum, @maximum, @minItems, @secret (the value is never echoed in an error).
 */

/** Vault's storage backend. */
export const StorageType = {
    /** Vault's DynamoDB backend: HA through a lock item, data in a table this component creates and protects. */
    Dynamodb: "dynamodb",
    /** Vault's integrated storage (Raft): a data volume per pod, no external dependency. */
    Raft: "raft",
} as const;
export type StorageType = typeof StorageType[keyof typeof StorageType];

/** DynamoDB billing mode. */
export const BillingMode = {
    /** On demand: no throttling of the HA lock item. */
    PayPerRequest: "PAY_PER_REQUEST",
    /** Provisioned read and write capacity units. */
    Provisioned: "PROVISIONED",
} as const;
export type BillingMode = typeof BillingMode[keyof typeof BillingMode];

/** How Vault's root key is protected. */
export const SealType = {
    /** AWS KMS auto-unseal: pods unseal themselves after every restart; the init step keeps recovery keys. */
    Awskms: "awskms",
    /** Shamir: unseal keys are needed after every restart; the init step unseals each replica from custody. */
    Shamir: "shamir",
    /**
     * Transit auto-unseal: another Vault (the key holder) encrypts the root key with a transit key; pods unseal
     * themselves while it answers; the init step keeps recovery keys.
     */
    Transit: "transit",
} as const;
export type SealType = typeof SealType[keyof typeof SealType];

/** Key algorithm of generated TLS keys. */
export const KeyAlgorithm = {
    /** ECDSA on the P-256 curve. */
    Ecdsa: "ECDSA",
    /** RSA with `rsaBits` bits. */
    Rsa: "RSA",
} as const;
export type KeyAlgorithm = typeof KeyAlgorithm[keyof typeof KeyAlgorithm];

/** Type of the UI service. */
export const UiServiceType = {
    /** Reachable inside the cluster only. */
    ClusterIP: "ClusterIP",
    /** A cloud load balancer, restricted to `loadBalancerSourceRanges`. */
    LoadBalancer: "LoadBalancer",
} as const;
export type UiServiceType = typeof UiServiceType[keyof typeof UiServiceType];

/** How the Vault servers run. */
export const ClusterMode = {
    /** Highly available: `replicas` servers, one active, the others standbys (the chart's HA mode). */
    Ha: "ha",
    /** One server (the chart's standalone mode) with the same storage, seal, TLS, init and custody: labs, small teams. */
    Standalone: "standalone",
    /**
     * Vault's dev server, for a laptop only: one pod, in-memory storage (lost on every restart), already initialized
     * and unsealed, plain HTTP, a generated root token (the `rootToken` output). No AWS resource, no init step, no
     * custody; the configuration is applied with the root token.
     */
    Dev: "dev",
} as const;
export type ClusterMode = typeof ClusterMode[keyof typeof ClusterMode];

/**
 * How pods of one kind (server or injector) are kept apart on nodes. The chart requires one pod per node, so a
 * cluster with fewer nodes than replicas leaves the rest Pending.
 */
export const PodAntiAffinity = {
    /** The chart's: at most one pod per node (`requiredDuringScheduling`), so that losing a node loses one pod only. */
    Required: "required",
    /** Spread over nodes when there are enough (`preferredDuringScheduling`), several per node when not: for one-node clusters. */
    Preferred: "preferred",
    /** No anti-affinity: the scheduler may put every pod on one node. */
    None: "none",
} as const;
export type PodAntiAffinity = typeof PodAntiAffinity[keyof typeof PodAntiAffinity];

/** Vault's log level. */
export const LogLevel = {
    Trace: "trace",
    Debug: "debug",
    Info: "info",
    Warn: "warn",
    Error: "error",
} as const;
export type LogLevel = typeof LogLevel[keyof typeof LogLevel];

/**
 * Arguments of VaultCluster. With nothing but `irsa` it deploys a production-shaped HA Vault: DynamoDB storage,
 * KMS auto-unseal, TLS, audit storage, the agent injector, automated init and custody.
 */
export interface VaultClusterArgs {
    /**
     * How the servers run: `ha`, `standalone` (one server) or `dev` (Vault's in-memory dev server, laptops only). Dev
     * refuses storage, seal, AWS, TLS, custody and key arguments, which it has no use for.
     * @default "ha"
     */
    mode?: ClusterMode;
    /**
     * Kubernetes namespace of the release: a DNS-1123 label. May come from another resource (a Namespace you create:
     * then set `createNamespace: false`).
     * @default "vault"
     */
    namespace?: pulumi.Input<string>;
    /**
     * Create the namespace (kept when the cluster is destroyed: it holds the audit and Raft volumes). Set `false` when
     * it already exists.
     * @default true
     */
    createNamespace?: boolean;
    /**
     * Helm release name, also the chart's fullname: services, pods, the service account and the TLS names derive from
     * it. A DNS-1123 label short enough for every name the chart derives from it. Changing it re-creates the release.
     * @default "vault"
     */
    releaseName?: string;
    /**
     * Number of Vault server pods. With Raft storage an odd number of at most 7 (2 or 4 voters tolerate no more
     * failures than 1 or 3; more than 7 slows every write). Always 1 in the `standalone` and `dev` modes.
     * @default 3 (1 in the standalone and dev modes)
     * @integer
     * @minimum 1
     */
    replicas?: pulumi.Input<number>;
    /**
     * Storage backend.
     * @default { type: "dynamodb" }
     */
    storage?: Storage;
    /**
     * Seal.
     * @default { type: "awskms" }
     */
    seal?: Seal;
    /**
     * EKS IAM Roles for Service Accounts: how the server pods reach DynamoDB and KMS. Required whenever storage or
     * seal is an AWS one.
     * @default none
     */
    irsa?: Irsa;
    /**
     * AWS region of the table and key.
     * @default the AWS provider's region
     */
    region?: pulumi.Input<string>;
    /**
     * Private access from the VPC to DynamoDB (gateway endpoint), KMS and STS (interface endpoints with private DNS).
     * @default none
     */
    vpcEndpoints?: VpcEndpoints;
    /**
     * Tags added to every AWS resource (besides `managed-by` and `vault-cluster`).
     * @default {}
     */
    tags?: Record<string, pulumi.Input<string>>;
    /**
     * TLS for the Vault listener.
     * @default on, with a generated CA
     */
    tls?: Tls;
    /**
     * Ingress to the active Vault pod.
     * @default none
     */
    ingress?: Ingress;
    /**
     * The web UI and its service.
     * @default { enabled: true, serviceType: "ClusterIP" }
     */
    ui?: Ui;
    /**
     * Vault Agent injector.
     * @default { enabled: true }
     */
    injector?: Injector;
    /**
     * Vault CSI provider (needs the Secrets Store CSI driver in the cluster).
     * @default { enabled: false }
     */
    csi?: Csi;
    /**
     * Audit log volume per pod.
     * @default { enabled: true, size: "10Gi" }
     */
    auditStorage?: AuditStorage;
    /**
     * Server pod placement, resources, image and environment.
     * @default the chart's
     */
    server?: Server;
    /**
     * Chart source, version and raw values.
     * @default version "0.34.1" from https://helm.releases.hashicorp.com
     */
    chart?: Chart;
    /**
     * Automated init, key custody and the chained Vault provider.
     * @default see Bootstrap
     */
    bootstrap?: Bootstrap;
    /**
     * Post-init configuration applied through the cluster's Vault provider: audit devices, mounts, auth, policies.
     * @default a file audit device on the audit volume, nothing else
     */
    config?: VaultConfiguration;
    /**
     * Metrics (the telemetry stanza, a scraper token or annotations), the ServiceMonitor, alert rules and the Grafana
     * dashboard.
     * @default telemetry on, read with a dedicated token, pods annotated for scraping
     */
    monitoring?: Monitoring;
    /**
     * CloudWatch alarms on the table and EventBridge rules on the KMS key, to an SNS topic.
     * @default on when the cluster uses AWS
     */
    alarms?: Alarms;
    /**
     * Raft snapshots, an AWS Backup plan for the table, custody replicas in other regions.
     * @default Raft snapshots every 6 hours with Raft storage
     */
    backup?: Backup;
    /**
     * Rotation of the file audit log on the audit volume, by size or age.
     * @default on whenever a file audit device writes to the audit volume
     */
    auditRotation?: AuditRotation;
}

/** Storage backend: DynamoDB (fields `tableName` ... `maxParallel`) or Raft (fields `size`, `storageClass`). */
export interface Storage {
    /** Which backend. Fields of the other backend are refused. */
    type: StorageType;
    /**
     * DynamoDB: name of the table to create.
     * @default "<component name>-vault"
     */
    tableName?: string;
    /**
     * DynamoDB: use this existing table (name or ARN) instead of creating one.
     * @default none
     */
    existingTable?: pulumi.Input<string>;
    /**
     * DynamoDB, with `existingTable`: the table it was restored from, when it is a point-in-time restore of the table
     * this cluster was initialized with. The init step then accepts the move to it and keeps custody (the restored table
     * holds the same Vault, sealed by the same key); any other table change is refused. Harmless once the move is done.
     * @default none
     */
    restoredFrom?: string;
    /**
     * DynamoDB: billing mode. `PROVISIONED` takes `readCapacity` and `writeCapacity`.
     * @default "PAY_PER_REQUEST"
     */
    billingMode?: BillingMode;
    /**
     * DynamoDB: read capacity units with `PROVISIONED` billing.
     * @default 10
     * @integer
     * @minimum 1
     */
    readCapacity?: number;
    /**
     * DynamoDB: write capacity units with `PROVISIONED` billing.
     * @default 10
     * @integer
     * @minimum 1
     */
    writeCapacity?: number;
    /**
     * DynamoDB: point-in-time recovery.
     * @default true
     */
    pointInTimeRecovery?: boolean;
    /**
     * DynamoDB: deletion protection in AWS.
     * @default true
     */
    deletionProtection?: boolean;
    /**
     * DynamoDB: Pulumi `protect` on the table, so that `pulumi destroy` refuses until it is lifted.
     * @default true
     */
    protect?: boolean;
    /**
     * DynamoDB: leave the table in AWS when it is removed from the program.
     * @default false
     */
    retainOnDelete?: boolean;
    /**
     * DynamoDB: Vault's `max_parallel`.
     * @default Vault's own (128)
     * @integer
     * @minimum 1
     */
    maxParallel?: number;
    /**
     * Raft: data volume size, a Kubernetes quantity.
     * @default "10Gi"
     */
    size?: string;
    /**
     * Raft: storage class of the data volumes.
     * @default the cluster's default class
     */
    storageClass?: string;
}

/**
 * Seal: AWS KMS auto-unseal (fields `kmsKeyArn` ... `deletionWindowInDays`), Shamir (no fields) or transit auto-unseal
 * by another Vault (fields `address` ... `tlsServerName`).
 */
export interface Seal {
    /** Which seal. Fields of another seal are refused. */
    type: SealType;
    /**
     * awskms: use this existing key (its ARN) instead of creating one. It must allow the Vault role Encrypt, Decrypt
     * and DescribeKey.
     * @default none (a key is created)
     */
    kmsKeyArn?: pulumi.Input<string>;
    /**
     * awskms: Pulumi `protect` on the created key.
     * @default true
     */
    protect?: boolean;
    /**
     * awskms: leave the key in AWS when it is removed from the program.
     * @default false
     */
    retainOnDelete?: boolean;
    /**
     * awskms: waiting period before AWS deletes a key scheduled for deletion.
     * @default 30
     * @integer
     * @minimum 7
     * @maximum 30
     */
    deletionWindowInDays?: number;
    /**
     * transit: the key holder Vault's address, `https://host[:port]` (required). Often another VaultCluster's
     * `externalAddress` or `address`.
     * @default none
     */
    address?: pulumi.Input<string>;
    /**
     * transit: the transit key that encrypts this cluster's root key (required): a key holder's
     * `config.transitSealKeys` entry creates it, with the policy and token.
     * @default none
     */
    keyName?: pulumi.Input<string>;
    /**
     * transit: mount path of the transit engine on the key holder.
     * @default "transit"
     */
    mountPath?: pulumi.Input<string>;
    /**
     * transit: the key holder's token allowed to encrypt and decrypt with the key (required; a periodic orphan token,
     * such as the key holder's `transitSealTokens` output). It reaches the pods only as the `VAULT_TOKEN` environment
     * variable from a Kubernetes Secret this component creates: never in the server configuration, the chart values or
     * plain state.
     * @default none
     * @secret
     */
    token?: pulumi.Input<string>;
    /**
     * transit: CA certificate (PEM) that verifies the key holder's listener, mounted into the pods. Required while TLS
     * is on: the pods' `VAULT_CACERT` names this cluster's own CA, which the seal would otherwise trust alone.
     * @default none: required with TLS on; the system roots with TLS off
     */
    caCertPem?: pulumi.Input<string>;
    /**
     * transit: server name to verify in the key holder's certificate, when it differs from the address's host.
     * @default the address's host
     */
    tlsServerName?: pulumi.Input<string>;
}

/** The server pods' IAM role: created for the cluster's OIDC provider, or an existing one. */
export interface Irsa {
    /**
     * ARN of the cluster's IAM OIDC provider, `arn:aws:iam::<account>:oidc-provider/<issuer>`.
     * @default none (required unless `existingRoleArn`)
     */
    oidcProviderArn?: pulumi.Input<string>;
    /**
     * The cluster's OIDC issuer URL, with or without `https://`.
     * @default none (required unless `existingRoleArn`)
     */
    oidcProviderUrl?: pulumi.Input<string>;
    /**
     * Name of the role to create.
     * @default "<component name>-vault-server"
     */
    roleName?: string;
    /**
     * ARN of a permissions boundary for the created role.
     * @default none
     */
    permissionsBoundary?: pulumi.Input<string>;
    /**
     * Use this existing role (its ARN) instead of creating one; no OIDC provider is needed then. It must trust the
     * server service account and allow what `plan-out/<stack>/iam/permissions.json` lists.
     * @default none
     */
    existingRoleArn?: pulumi.Input<string>;
}

/**
 * VPC endpoints for nodes in private subnets without a NAT gateway: the pods reach DynamoDB (gateway endpoint), KMS
 * and STS (interface endpoints with private DNS) without leaving the VPC.
 */
export interface VpcEndpoints {
    /** The VPC of the cluster's nodes. */
    vpcId: pulumi.Input<string>;
    /**
     * Subnets of the interface endpoints this component creates (KMS, STS): one per availability zone of the nodes.
     * Required unless no interface endpoint is created.
     * @default none
     */
    subnetIds?: pulumi.Input<string>[];
    /** Route tables of the DynamoDB gateway endpoint. */
    routeTableIds: pulumi.Input<string>[];
    /**
     * Security groups of the interface endpoints this component creates; they must allow 443 from the nodes.
     * @default the VPC's default security group
     */
    securityGroupIds?: pulumi.Input<string>[];
    /**
     * The KMS interface endpoint, which the awskms seal calls when a pod starts (the Shamir seal needs none: DynamoDB
     * uses the table key on its own side).
     * @default created with the awskms seal
     */
    kms?: InterfaceEndpoint;
    /**
     * The STS interface endpoint: IRSA's `sts:AssumeRoleWithWebIdentity` is the pods' first AWS call, before any
     * table or key access. The pods are told to use the regional STS endpoint, which this one serves. A VPC that already
     * has an STS endpoint with private DNS cannot get a second one (AWS refuses the conflicting DNS name): give its
     * `existingEndpointId`, or `create: false`.
     * @default created
     */
    sts?: InterfaceEndpoint;
}

/**
 * An interface endpoint with private DNS: created here (in `subnetIds`, with `securityGroupIds`), or an existing one
 * of the VPC. A VPC takes one endpoint with private DNS per service, so an endpoint another stack made must be reused.
 */
export interface InterfaceEndpoint {
    /**
     * Create the endpoint. `false` without `existingEndpointId`: the pods reach the service some other way (a NAT
     * gateway, an endpoint managed elsewhere).
     * @default true, unless existingEndpointId is set
     */
    create?: boolean;
    /**
     * Use this existing endpoint of the VPC (`vpce-...`) instead of creating one: the release waits for it, and it is
     * checked to be the region's endpoint of the service, in `vpcId`, with private DNS.
     * @default none
     */
    existingEndpointId?: pulumi.Input<string>;
}

/** TLS on the Vault listener. */
export interface Tls {
    /**
     * TLS on the listener. Only an explicit `false` turns it off.
     * @default true
     */
    enabled?: boolean;
    /**
     * Key algorithm of the generated CA and server key.
     * @default "ECDSA"
     */
    algorithm?: KeyAlgorithm;
    /**
     * RSA key size with `algorithm: "RSA"`.
     * @default 2048
     * @integer
     * @minimum 2048
     */
    rsaBits?: number;
    /**
     * Validity of the server certificate in hours.
     * @default 8760
     * @integer
     * @minimum 1
     */
    validityHours?: number;
    /**
     * Re-issue the server certificate on a `pulumi up` this many hours before it expires; below `validityHours`.
     * @default 720
     * @integer
     * @minimum 0
     */
    earlyRenewalHours?: number;
    /**
     * Validity of the generated CA in hours; at least `validityHours`.
     * @default 87600
     * @integer
     * @minimum 1
     */
    caValidityHours?: number;
    /**
     * More DNS names for the server certificate, e.g. a DNS name of yours that points at the UI load balancer.
     * @default []
     */
    extraDnsNames?: pulumi.Input<string>[];
    /**
     * More IP addresses for the server certificate.
     * @default []
     */
    extraIpAddresses?: pulumi.Input<string>[];
    /**
     * Sign the server certificate with this CA instead of a generated one.
     * @default none (a CA is generated)
     */
    ca?: CertificateAuthority;
    /**
     * Use this existing Secret (keys `vault.crt`, `vault.key`, `vault.ca`) instead of generating TLS material;
     * `caCertPem` is then required.
     * @default none
     */
    existingSecretName?: pulumi.Input<string>;
    /**
     * The CA certificate (PEM) that signed the existing secret's certificate; the init step and the Vault provider
     * verify Vault with it. Required with `existingSecretName`.
     * @default none
     */
    caCertPem?: pulumi.Input<string>;
    /**
     * During a CA change: the CA being replaced (PEM). It is trusted beside the new one — by the Vault provider, the init
     * and rollout steps, injected agents, the CSI provider and Raft joins — while the rollout replaces every pod with one
     * serving a certificate of the new CA. Remove it once that `pulumi up` has succeeded; the old CA is then dropped.
     * @default none
     */
    previousCaCertPem?: pulumi.Input<string>;
}

/** A CA given by its key and certificate. */
export interface CertificateAuthority {
    /**
     * The CA's private key (PEM).
     * @secret
     */
    keyPem: pulumi.Input<string>;
    /** The CA's certificate (PEM). */
    certPem: pulumi.Input<string>;
}

/** An ingress to Vault. */
export interface Ingress {
    /** Host name Vault is reached by, e.g. `vault.example.com`; added to the server certificate. */
    host: pulumi.Input<string>;
    /**
     * `ingressClassName`, e.g. `"nginx"`.
     * @default the cluster's default class
     */
    className?: string;
    /**
     * Ingress annotations, e.g. `cert-manager.io/cluster-issuer`.
     * @default {}
     */
    annotations?: Record<string, pulumi.Input<string>>;
    /**
     * Secret holding the ingress certificate (cert-manager writes it). Without it the ingress serves no TLS of its own
     * and the external address is `http://`.
     * @default none
     */
    tlsSecretName?: pulumi.Input<string>;
    /**
     * Route to the `-active` service only.
     * @default true
     */
    activeService?: boolean;
}

/** The web UI and its service. */
export interface Ui {
    /**
     * Serve the web UI.
     * @default true
     */
    enabled?: boolean;
    /**
     * Type of the UI service. A `"LoadBalancer"` needs `loadBalancerSourceRanges`. Its DNS name joins a generated server
     * certificate on the first `pulumi up` after the cloud has assigned it (it cannot on the run that creates it).
     * @default "ClusterIP"
     */
    serviceType?: UiServiceType;
    /**
     * CIDR blocks allowed to reach the load balancer. Required with `"LoadBalancer"`.
     * @default []
     */
    loadBalancerSourceRanges?: pulumi.Input<string>[];
    /**
     * Service annotations, e.g. for the AWS load balancer controller.
     * @default {}
     */
    annotations?: Record<string, pulumi.Input<string>>;
}

/** Image coordinates. */
export interface Image {
    /**
     * Image repository.
     * @default the chart's
     */
    repository?: string;
    /**
     * Image tag.
     * @default the chart's
     */
    tag?: string;
}

/** A Kubernetes toleration. */
export interface Toleration {
    /**
     * Taint key; empty with `operator: "Exists"` matches every taint.
     * @default none
     */
    key?: string;
    /**
     * `"Equal"` or `"Exists"`.
     * @default Kubernetes' ("Equal")
     */
    operator?: string;
    /**
     * Taint value with `operator: "Equal"`.
     * @default none
     */
    value?: string;
    /**
     * `"NoSchedule"`, `"PreferNoSchedule"` or `"NoExecute"`; empty matches all.
     * @default none
     */
    effect?: string;
    /**
     * With `NoExecute`: seconds the pod stays bound after the taint appears.
     * @default none (forever)
     * @integer
     * @minimum 0
     */
    tolerationSeconds?: number;
}

/** Container resource requests and limits, e.g. `{ cpu: "250m", memory: "256Mi" }`. */
export interface ContainerResources {
    /**
     * Requested resources.
     * @default none
     */
    requests?: Record<string, string>;
    /**
     * Resource limits.
     * @default none
     */
    limits?: Record<string, string>;
}

/** Vault Agent injector. */
export interface Injector {
    /**
     * Deploy the injector.
     * @default true
     */
    enabled?: boolean;
    /**
     * Injector replicas (with leader election).
     * @default 2, or 1 when the cluster has a single server replica
     * @integer
     * @minimum 1
     */
    replicas?: pulumi.Input<number>;
    /**
     * Injector image.
     * @default the chart's
     */
    image?: Image;
    /**
     * Image of the injected Vault Agent.
     * @default the chart's
     */
    agentImage?: Image;
    /**
     * Default resources of injected agents.
     * @default requests 250m/64Mi, limits 500m/128Mi
     */
    agentDefaults?: AgentDefaults;
    /**
     * Node selector of the injector pods.
     * @default none
     */
    nodeSelector?: Record<string, string>;
    /**
     * Pod anti-affinity of the injector pods: `"preferred"` or `"none"` lets more replicas than nodes run (kind,
     * minikube). Applies to pods created after the change.
     * @default "required"
     */
    podAntiAffinity?: PodAntiAffinity;
    /**
     * Tolerations of the injector pods.
     * @default none
     */
    tolerations?: Toleration[];
    /**
     * Resources of the injector pods.
     * @default the chart's
     */
    resources?: ContainerResources;
}

/** Default resources of injected Vault Agent containers. */
export interface AgentDefaults {
    /**
     * CPU request.
     * @default "250m"
     */
    cpuRequest?: string;
    /**
     * CPU limit.
     * @default "500m"
     */
    cpuLimit?: string;
    /**
     * Memory request.
     * @default "64Mi"
     */
    memRequest?: string;
    /**
     * Memory limit.
     * @default "128Mi"
     */
    memLimit?: string;
}

/** Vault CSI provider. */
export interface Csi {
    /**
     * Deploy the CSI provider.
     * @default false
     */
    enabled?: boolean;
    /**
     * CSI provider image.
     * @default the chart's
     */
    image?: Image;
    /**
     * Node selector of the CSI provider pods.
     * @default none
     */
    nodeSelector?: Record<string, string>;
    /**
     * Tolerations of the CSI provider pods.
     * @default none
     */
    tolerations?: Toleration[];
    /**
     * Resources of the CSI provider pods.
     * @default the chart's
     */
    resources?: ContainerResources;
}

/** The audit log volume. */
export interface AuditStorage {
    /**
     * A PVC per pod mounted at `/vault/audit`, and a file audit device writing there.
     * @default true
     */
    enabled?: boolean;
    /**
     * Volume size, a Kubernetes quantity.
     * @default "10Gi"
     */
    size?: string;
    /**
     * Storage class.
     * @default the cluster's default class
     */
    storageClass?: string;
}

/** Vault server pods. */
export interface Server {
    /**
     * Vault image.
     * @default the chart's
     */
    image?: Image;
    /**
     * Extra environment variables of the server pods. Not for secrets: they land in the StatefulSet.
     * @default {}
     */
    extraEnv?: Record<string, pulumi.Input<string>>;
    /**
     * Vault's log level.
     * @default the chart's ("info")
     */
    logLevel?: LogLevel;
    /**
     * Node selector of the server pods.
     * @default none
     */
    nodeSelector?: Record<string, string>;
    /**
     * Pod anti-affinity of the server pods: `"preferred"` or `"none"` lets more replicas than nodes run (kind, minikube),
     * at the price of a node failure taking several of them. Applies to pods created after the change (the StatefulSet
     * replaces pods only when the rollout deletes them).
     * @default "required"
     */
    podAntiAffinity?: PodAntiAffinity;
    /**
     * Tolerations of the server pods.
     * @default none
     */
    tolerations?: Toleration[];
    /**
     * Resources of the server pods.
     * @default the chart's
     */
    resources?: ContainerResources;
}

/** Chart source, version and raw values. */
export interface Chart {
    /**
     * Chart version (exact).
     * @default "0.34.1"
     */
    version?: string;
    /**
     * Chart repository.
     * @default "https://helm.releases.hashicorp.com"
     */
    repository?: string;
    /**
     * Raw chart values, deep-merged last over the rendered ones: the escape hatch for anything not typed here. A value
     * that contradicts one this component sets (e.g. `global.tlsDisable: true` while TLS is on) is refused unless its
     * dotted path is listed in `allowOverrides`.
     * @default {}
     */
    values?: Record<string, any>;
    /**
     * Dotted value paths (`"global.tlsDisable"`) that `values` may override although this component sets them.
     * @default []
     */
    allowOverrides?: string[];
    /**
     * Seconds Helm waits for the release to become ready.
     * @default 600
     * @integer
     * @minimum 1
     */
    timeoutSeconds?: number;
}
