/**
 * Typical creation latencies per resource type, for the deployment critical-path estimate in run.ts.
 *
 * Each figure is the wall time of one `pulumi up` create step for that type: the API call(s) the provider makes and
 * the waits it performs before it reports the resource created (status polling, propagation waiters). Where the
 * sources document the mechanism but not a duration, the figure is an ESTIMATE (marked `estimate: true`) from
 * that mechanism; treat the totals as an order of magnitude, and the chain (which steps wait for which) as the
 * finding. Sources were checked through public documentation pages and the provider/issue threads named below.
 */

export interface Latency {
    /** Seconds from the start of the create step to the resource being reported created. */
    seconds: number;
    /** True when no source states a duration and the figure is our estimate from the documented mechanism. */
    estimate: boolean;
    /** What the step waits for. */
    why: string;
    /** Where the mechanism (and the figure, when not an estimate) comes from. */
    sources: string[];
}

export interface LatencyRule {
    type: string;
    /** Distinguishes variants of one type token by their inputs (e.g. gateway vs interface endpoints). */
    when?: (inputs: Record<string, any>) => boolean;
    label?: string;
    latency: Latency;
}

const PROVIDERS_DOC = "https://www.pulumi.com/docs/iac/concepts/resources/providers/";
const IAM_CONSISTENCY = "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency";
const VAULT_API = "https://developer.hashicorp.com/vault/api-docs";

export const LATENCIES: LatencyRule[] = [
    {
        type: "pulumi:providers:kubernetes",
        latency: {
            seconds: 1, estimate: true,
            why: "provider plugin start + Configure; with an EKS kubeconfig each API client runs `aws eks get-token` (~1 s)",
            sources: [PROVIDERS_DOC, "https://docs.aws.amazon.com/cli/latest/reference/eks/get-token.html"],
        },
    },
    {
        type: "pulumi:providers:vault",
        latency: {
            seconds: 1, estimate: true,
            why: "Configure logs in (AppRole login or token) and creates the short-lived child token: two Vault API calls through the tunnel",
            sources: [PROVIDERS_DOC, "https://www.pulumi.com/registry/packages/vault/api-docs/provider/", `${VAULT_API}/auth/approle`],
        },
    },
    {
        type: "aws:kms/key:Key",
        latency: {
            seconds: 20, estimate: true,
            why: "CreateKey is synchronous, then EnableKeyRotation and tagging; the AWS provider waits for key policy / rotation / tag propagation (eventual consistency), AWS's own CloudFormation handler sleeps 15 s for it",
            sources: [
                "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html",
                "https://github.com/aws-cloudformation/aws-cloudformation-resource-providers-kms/pull/61 (create: 15 s eventual-consistency wait)",
                "https://github.com/hashicorp/terraform-provider-aws/issues/20588 (the provider's 'waiting for KMS Key policy propagation' waiter)",
            ],
        },
    },
    {
        type: "aws:kms/alias:Alias",
        latency: { seconds: 1, estimate: true, why: "CreateAlias, synchronous", sources: ["https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html"] },
    },
    {
        type: "aws:dynamodb/table:Table",
        latency: {
            seconds: 40, estimate: true,
            why: "CreateTable is asynchronous (CREATING -> ACTIVE, polled with DescribeTable; SSE with the customer key), then the provider enables point-in-time recovery with UpdateContinuousBackups and polls until ENABLED",
            sources: [
                "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html",
                "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html",
            ],
        },
    },
    {
        type: "aws:iam/role:Role",
        latency: { seconds: 3, estimate: true, why: "CreateRole (synchronous) + the provider's retry window for IAM eventual consistency", sources: ["https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html", IAM_CONSISTENCY] },
    },
    {
        type: "aws:iam/rolePolicy:RolePolicy",
        latency: {
            seconds: 10, estimate: true,
            why: "PutRolePolicy (~1 s) + IAM propagation before the pods' web-identity credentials can use it (IAM is eventually consistent; AWS advises not to put IAM changes on a critical path)",
            sources: ["https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html", IAM_CONSISTENCY],
        },
    },
    {
        type: "aws:ec2/vpcEndpoint:VpcEndpoint", label: "Gateway", when: (i) => i.vpcEndpointType === "Gateway",
        latency: { seconds: 10, estimate: true, why: "CreateVpcEndpoint (Gateway): route-table entries; the provider polls until the state is available", sources: ["https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html", "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html"] },
    },
    {
        type: "aws:ec2/vpcEndpoint:VpcEndpoint", label: "Interface", when: (i) => i.vpcEndpointType !== "Gateway",
        latency: {
            seconds: 150, estimate: true,
            why: "CreateVpcEndpoint (Interface, private DNS): an endpoint network interface per subnet and a private hosted zone; pending -> available, which the provider waits for (typically a few minutes)",
            sources: [
                "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
                "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
                "https://github.com/hashicorp/terraform-provider-aws/pull/13876 (the provider waits for the endpoint to become available)",
            ],
        },
    },
    {
        type: "aws:secretsmanager/secret:Secret",
        latency: { seconds: 2, estimate: true, why: "CreateSecret, synchronous (no value: the init step writes it)", sources: ["https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html"] },
    },
    {
        type: "kubernetes:core/v1:Namespace",
        latency: { seconds: 1, estimate: true, why: "create + the provider's await for phase Active", sources: ["https://www.pulumi.com/registry/packages/kubernetes/api-docs/core/v1/namespace/"] },
    },
    {
        type: "kubernetes:core/v1:Secret",
        latency: { seconds: 1, estimate: true, why: "one API create, no await", sources: ["https://www.pulumi.com/registry/packages/kubernetes/api-docs/core/v1/secret/"] },
    },
    {
        type: "kubernetes:core/v1:Service",
        latency: { seconds: 1, estimate: true, why: "a read (Service.get) of the chart's UI service", sources: ["https://www.pulumi.com/registry/packages/kubernetes/api-docs/core/v1/service/"] },
    },
    ...["tls:index/privateKey:PrivateKey", "tls:index/selfSignedCert:SelfSignedCert", "tls:index/certRequest:CertRequest", "tls:index/locallySignedCert:LocallySignedCert"].map((type) => ({
        type,
        latency: {
            seconds: 0.5, estimate: true,
            why: "local cryptography in the tls provider (an ECDSA P-256 key or a signature takes milliseconds) + one provider RPC",
            sources: ["https://registry.terraform.io/providers/hashicorp/tls/latest/docs"],
        },
    })),
    {
        type: "kubernetes:helm.sh/v3:Release",
        latency: {
            seconds: 120, estimate: true,
            why: "chart pull + install, then (no skipAwait) Helm's wait: every Pod, PVC and Service ready — an EBS volume per audit PVC, the Vault image pull, the StatefulSet's pods started in parallel (podManagementPolicy: Parallel), readiness probe initialDelaySeconds 5 / periodSeconds 5 (chart 0.34.1 values.yaml), the injector Deployment, and the LoadBalancer UI Service's ingress hostname",
            sources: [
                "https://www.pulumi.com/registry/packages/kubernetes/api-docs/helm/v3/release/ (skipAwait: by default waits until all resources are ready)",
                "https://helm.sh/docs/helm/helm_install/ (--wait: all Pods, PVCs, Services and minimum Pods of a Deployment/StatefulSet ready)",
                "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-creating-volume.html",
                "test/fixtures/vault-helm-0.34.1/values.yaml (server.readinessProbe)",
            ],
        },
    },
    {
        type: "pulumi-nodejs:dynamic:Resource",
        latency: {
            seconds: 15, estimate: true,
            why: "the init step: tunnel through the Kubernetes API, GET /sys/init and /sys/seal-status, PUT /sys/init (KMS-wrapped root and recovery keys written to storage), custody writes, the admin AppRole identity, root-token revocation",
            sources: [`${VAULT_API}/system/init`, "https://developer.hashicorp.com/vault/docs/commands/operator/init"],
        },
    },
    ...["vault:index/mount:Mount", "vault:index/authBackend:AuthBackend", "vault:jwt/authBackend:AuthBackend", "vault:index/audit:Audit", "vault:aws/secretBackend:SecretBackend"].map((type) => ({
        type,
        latency: { seconds: 1, estimate: true, why: "enable a mount / auth method / audit device: one Vault API write (router + storage update) and a read-back", sources: [`${VAULT_API}/system/mounts`, `${VAULT_API}/system/auth`, `${VAULT_API}/system/audit`] },
    })),
    ...[
        "vault:index/policy:Policy", "vault:kv/secretBackendV2:SecretBackendV2", "vault:kubernetes/authBackendConfig:AuthBackendConfig",
        "vault:kubernetes/authBackendRole:AuthBackendRole", "vault:jwt/authBackendRole:AuthBackendRole", "vault:appRole/authBackendRole:AuthBackendRole",
        "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId", "vault:transit/secretBackendKey:SecretBackendKey", "vault:aws/secretBackendRole:SecretBackendRole",
    ].map((type) => ({
        type,
        latency: { seconds: 0.5, estimate: true, why: "one Vault API write and a read-back through the tunnel", sources: [VAULT_API] },
    })),
];

/** Used for a type with no row above (reported as such). */
export const UNLISTED: Latency = { seconds: 5, estimate: true, why: "type not in test/bench/latencies.ts: placeholder", sources: [] };

/** The latency of one resource, and the rule it came from (undefined: unlisted). */
export function latencyOf(type: string, inputs: Record<string, any>): { latency: Latency; rule?: LatencyRule } {
    const rule = LATENCIES.find((r) => r.type === type && (!r.when || r.when(inputs)));
    return rule ? { latency: rule.latency, rule } : { latency: UNLISTED };
}
