import { strict as assert } from "assert";
import { DYNAMODB_ACTIONS, KMS_SEAL_ACTIONS, READINESS_PATH } from "../components";
import { ACCOUNT_ID, FAKE_CLUSTER_CA_PEM, FakeVpcEndpoint, MockRecorder, REGION, installMocks, isSecretValue, isUnknownValue, settle, unwrapSecrets, valueOf } from "../components/testing/mocks";
import { VaultCluster } from "../components";
import type { VaultClusterArgs } from "../components";
import { chartSchemaErrors, unknownChartKeys } from "./support/chart";
import { deploy, IRSA, LOCAL, renderedValues, serverHcl } from "./support/cluster";
import { parseHcl } from "./support/hcl";
import { refusedBy } from "./support/refusals";
import { CHART_DEFAULTS, effectiveAffinity } from "./support/scheduling";

const TABLE = "aws:dynamodb/table:Table";
const KEY = "aws:kms/key:Key";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET = "kubernetes:core/v1:Secret";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const GET_ENDPOINT = "aws:ec2/getVpcEndpoint:getVpcEndpoint";
const KMS_ENDPOINT = "vpce-0a1b2c3d4e5f6a7b8";
const STS_ENDPOINT = "vpce-0123456789abcdef0";
/** The account's endpoints in vpc-1, as getVpcEndpoint describes them. */
const EXISTING_ENDPOINTS: Record<string, FakeVpcEndpoint> = Object.fromEntries([[KMS_ENDPOINT, "kms"], [STS_ENDPOINT, "sts"]].map(([id, service]) =>
    [id, { vpcId: "vpc-1", serviceName: `com.amazonaws.${REGION}.${service}`, privateDnsEnabled: true, state: "available", vpcEndpointType: "Interface" }]));

/** The distinct errors behind deployment failures, without the properties they surfaced through. */
const reasons = (failures: unknown[]): string[] => [...new Set(failures.map((e) => String((e as Error).message ?? e).replace(/^(error serializing property "\w+": )+/, "")))];

/** A cluster deployed where the given VPC endpoints exist, with the errors raised while its outputs resolved. */
async function deployWithEndpoints(args: VaultClusterArgs, endpoints: Record<string, FakeVpcEndpoint>): Promise<{ recorder: MockRecorder; failures: unknown[] }> {
    const failures: unknown[] = [];
    const onRejection = (e: unknown) => failures.push(e);
    process.on("unhandledRejection", onRejection);
    try {
        const recorder = new MockRecorder();
        Object.assign(recorder.vpcEndpoints, endpoints);
        await installMocks({ recorder });
        new VaultCluster("prod", args);
        await settle().catch((e) => failures.push(e));
        await new Promise((resolve) => setImmediate(resolve));
        return { recorder, failures };
    } finally {
        process.off("unhandledRejection", onRejection);
    }
}
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/prod-vault-0000`;
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/prod-vault`;
const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/ABC123";

/** Every name the default cluster ("vault" in namespace "vault") is reached by. */
const EXPECTED_DNS_NAMES = [
    ...["vault", "vault-active", "vault-standby", "vault-ui"].flatMap((s) => [s, `${s}.vault`, `${s}.vault.svc`, `${s}.vault.svc.cluster.local`]),
    "*.vault-internal", "*.vault-internal.vault", "*.vault-internal.vault.svc", "*.vault-internal.vault.svc.cluster.local",
];

describe("VaultCluster with nothing but irsa", () => {
    let d: Awaited<ReturnType<typeof deploy>>;
    before(async () => { d = await deploy({ irsa: IRSA }); });

    it("creates the DynamoDB table Vault expects, protected and encrypted with the cluster key", () => {
        const table = d.recorder.one(TABLE);
        assert.equal(table.inputs.name, "prod-vault");
        assert.equal(table.inputs.hashKey, "Path");
        assert.equal(table.inputs.rangeKey, "Key");
        assert.deepEqual(table.inputs.attributes, [{ name: "Path", type: "S" }, { name: "Key", type: "S" }]);
        assert.equal(table.inputs.billingMode, "PAY_PER_REQUEST");
        assert.equal(table.inputs.readCapacity, undefined);
        assert.deepEqual(table.inputs.pointInTimeRecovery, { enabled: true });
        assert.equal(table.inputs.deletionProtectionEnabled, true);
        assert.deepEqual(table.inputs.serverSideEncryption, { enabled: true, kmsKeyArn: KEY_ARN });
        assert.equal(table.inputs.ttl, undefined, "a TTL on Expires would delete Vault's lock items");
        assert.equal(table.protect, true);
        assert.equal(table.retainOnDelete, false);
    });

    it("creates a rotating, protected KMS key whose policy keeps account-root administration, and its alias", () => {
        const key = d.recorder.one(KEY);
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.equal(key.inputs.deletionWindowInDays, 30);
        assert.equal(key.protect, true);
        const policy = JSON.parse(key.inputs.policy);
        assert.deepEqual(policy.Statement, [{
            Sid: "AccountRootAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: "kms:*", Resource: "*",
        }]);
        const alias = d.recorder.one("aws:kms/alias:Alias");
        assert.equal(alias.inputs.name, "alias/prod-vault-unseal");
        assert.equal(alias.inputs.targetKeyId, "prod-vault-0000");
    });

    it("trusts exactly the Vault service account through the OIDC provider, for the STS audience", () => {
        const role = d.recorder.one(ROLE);
        const trust = JSON.parse(role.inputs.assumeRolePolicy);
        assert.equal(trust.Version, "2012-10-17");
        assert.equal(trust.Statement.length, 1);
        const [s] = trust.Statement;
        assert.equal(s.Effect, "Allow");
        assert.deepEqual(s.Principal, { Federated: IRSA.oidcProviderArn });
        assert.equal(s.Action, "sts:AssumeRoleWithWebIdentity");
        assert.deepEqual(s.Condition, {
            StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:vault:vault", [`${ISSUER}:aud`]: "sts.amazonaws.com" },
        });
        assert.ok(!JSON.stringify(trust).includes("https://"), "condition keys use the issuer without https://");
    });

    it("grants the role only the storage actions on the table and the seal actions on the key", () => {
        const policy = JSON.parse(d.recorder.one(ROLE_POLICY).inputs.policy);
        assert.deepEqual(policy.Statement, [
            { Sid: "VaultStorage", Effect: "Allow", Action: DYNAMODB_ACTIONS, Resource: TABLE_ARN },
            {
                Sid: "VaultStorageEncryption", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                Resource: KEY_ARN, Condition: { StringEquals: { "kms:ViaService": `dynamodb.${REGION}.amazonaws.com` } },
            },
            { Sid: "VaultSeal", Effect: "Allow", Action: KMS_SEAL_ACTIONS, Resource: KEY_ARN },
        ]);
        for (const statement of policy.Statement) {
            assert.ok(![statement.Resource].flat().includes("*"), "no wildcard resource");
            assert.ok(!statement.Action.some((a: string) => a.includes("*")), "no wildcard action");
        }
        assert.ok(!DYNAMODB_ACTIONS.includes("dynamodb:CreateTable"));
    });

    it("issues a server certificate for every name Vault is reached by, signed by a generated CA", async () => {
        const keys = d.recorder.ofType("tls:index/privateKey:PrivateKey");
        assert.equal(keys.length, 2);
        for (const k of keys) {
            assert.equal(k.inputs.algorithm, "ECDSA");
            assert.equal(k.inputs.ecdsaCurve, "P256");
        }
        const ca = d.recorder.one("tls:index/selfSignedCert:SelfSignedCert");
        assert.equal(ca.inputs.isCaCertificate, true);
        assert.deepEqual(ca.inputs.allowedUses, ["cert_signing", "crl_signing", "digital_signature"]);
        const csr = d.recorder.one("tls:index/certRequest:CertRequest");
        assert.deepEqual([...csr.inputs.dnsNames].sort(), [...EXPECTED_DNS_NAMES].sort());
        assert.deepEqual(csr.inputs.ipAddresses, ["127.0.0.1"]);
        const cert = d.recorder.one("tls:index/locallySignedCert:LocallySignedCert");
        assert.equal(cert.inputs.validityPeriodHours, 8760);
        assert.equal(cert.inputs.earlyRenewalHours, 720);
        assert.deepEqual(cert.inputs.allowedUses, ["digital_signature", "key_encipherment", "server_auth"]);
        assert.equal(unwrapSecrets(cert.inputs.caCertPem), await valueOf(d.cluster.caCertPem), "signed by the CA the cluster publishes");
        assert.ok(isSecretValue(cert.inputs.caPrivateKeyPem), "the CA key travels as a secret");
    });

    it("stores the TLS material in <fullname>-server-tls with the key as a secret", () => {
        const secret = d.recorder.ofType(SECRET).find((r) => r.name === "prod-server-tls")!;
        assert.equal(secret.inputs.metadata.name, "vault-server-tls");
        assert.equal(secret.inputs.metadata.namespace, "vault");
        assert.ok(isSecretValue(secret.inputs.stringData), "the private key makes the whole payload a secret");
        const data = unwrapSecrets(secret.inputs.stringData);
        assert.deepEqual(Object.keys(data).sort(), ["vault.ca", "vault.crt", "vault.key"]);
        assert.match(data["vault.crt"], /BEGIN CERTIFICATE/);
        assert.match(data["vault.key"], /BEGIN PRIVATE KEY/);
    });

    it("installs the pinned hashicorp/vault chart under a fixed release name", () => {
        const release = d.recorder.one(RELEASE);
        assert.equal(release.inputs.chart, "vault");
        assert.equal(release.inputs.version, "0.34.1");
        assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://helm.releases.hashicorp.com" });
        assert.equal(release.inputs.name, "vault");
        assert.equal(release.inputs.namespace, "vault");
        assert.equal(release.inputs.createNamespace, false);
        const deps = release.dependencies;
        for (const [type, name] of [[TABLE, "prod-vault"], [ROLE_POLICY, "prod-vault-server"], [SECRET, "prod-server-tls"], ["kubernetes:core/v1:Namespace", "prod"]]) {
            const urn = d.recorder.ofType(type).find((r) => r.name === name)!.urn;
            const parents = new Set<string>();
            for (let r = d.recorder.byUrn(urn); r; r = d.recorder.byUrn(r.parent)) parents.add(r.urn);
            assert.ok([...parents].some((u) => deps.includes(u)), `release waits for ${type}`);
        }
    });

    it("orders creation by real needs only: the TLS secret after its namespace, the role's permissions without waiting for the table", () => {
        const ns = d.recorder.one("kubernetes:core/v1:Namespace").urn;
        assert.ok(d.recorder.ofType(SECRET).find((r) => r.name === "prod-server-tls")!.dependencies.includes(ns), "the TLS secret waits for the namespace");
        assert.ok(d.recorder.one(RELEASE).dependencies.includes(ns), "the release waits for the namespace");
        const policy = d.recorder.one(ROLE_POLICY);
        assert.ok(!policy.dependencies.includes(d.recorder.one(TABLE).urn), "IAM does not need the table to exist");
        assert.ok(policy.dependencies.includes(d.recorder.one(KEY).urn), "the key ARN is only known once the key exists");
        assert.ok(d.recorder.one(RELEASE).dependencies.includes(d.recorder.one(TABLE).urn), "pods start once their table exists");
    });

    it("renders values that pass the chart's schema and use only keys the chart knows", () => {
        assert.deepEqual(chartSchemaErrors(d.values), []);
        assert.deepEqual(unknownChartKeys(d.values), []);
    });

    it("renders HA with TLS, IRSA, region pins, a pre-init readiness probe, audit storage and the injector", () => {
        const v = d.values;
        assert.equal(v.fullnameOverride, "vault");
        assert.equal(v.global.tlsDisable, false);
        assert.equal(v.server.ha.enabled, true);
        assert.equal(v.server.ha.replicas, 3);
        assert.equal(v.server.ha.raft.enabled, false);
        assert.equal(v.server.ha.disruptionBudget.enabled, true);
        assert.equal(v.server.standalone.enabled, false);
        assert.equal(v.server.affinity, undefined, "the chart's required pod anti-affinity stays in force");
        assert.equal(v.server.dataStorage.enabled, false);
        assert.deepEqual(v.server.auditStorage, { enabled: true, size: "10Gi", mountPath: "/vault/audit", accessMode: "ReadWriteOnce" });
        assert.deepEqual(v.server.readinessProbe, { enabled: true, path: READINESS_PATH });
        assert.deepEqual(v.server.serviceAccount, { create: true, annotations: { "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT_ID}:role/prod-vault-server` } });
        assert.deepEqual(v.server.extraVolumes, [{ type: "secret", name: "vault-server-tls" }]);
        assert.deepEqual(v.server.extraEnvironmentVars, {
            VAULT_CACERT: "/vault/userconfig/vault-server-tls/vault.ca", AWS_REGION: REGION, AWS_DYNAMODB_REGION: REGION,
        });
        assert.equal(v.injector.enabled, true);
        assert.deepEqual(v.injector.agentDefaults, { cpuRequest: "250m", cpuLimit: "500m", memRequest: "64Mi", memLimit: "128Mi" });
        const caBytes = Buffer.from(v.injector.extraEnvironmentVars.AGENT_INJECT_VAULT_CACERT_BYTES, "base64").toString();
        assert.match(caBytes, /BEGIN CERTIFICATE/);
        assert.equal(v.ui.serviceType, "ClusterIP");
        assert.equal(v.server.ingress.enabled, false);
        assert.equal(v.csi.enabled, false);
    });

    it("renders a server config that parses as HCL and holds exactly the expected blocks", async () => {
        const hcl = serverHcl(d.values);
        assert.ok(!/token|secret|password/i.test(hcl), "no secrets in the ConfigMap");
        assert.deepEqual(await parseHcl(hcl), {
            ui: true,
            listener: { tcp: [{
                address: "[::]:8200", cluster_address: "[::]:8201",
                tls_cert_file: "/vault/userconfig/vault-server-tls/vault.crt",
                tls_key_file: "/vault/userconfig/vault-server-tls/vault.key",
                tls_min_version: "tls12",
            }] },
            storage: { dynamodb: [{ ha_enabled: "true", region: REGION, table: "prod-vault" }] },
            seal: { awskms: [{ region: REGION, kms_key_id: KEY_ARN }] },
            service_registration: { kubernetes: [{}] },
            // Monitoring is on by default (issue 14).
            telemetry: [{ prometheus_retention_time: "24h", disable_hostname: true }],
        });
    });

    it("exposes the outputs of DESIGN §1", async () => {
        const c = d.cluster;
        assert.equal(await valueOf(c.namespace), "vault");
        assert.equal(await valueOf(c.releaseName), "vault");
        assert.equal(await valueOf(c.address), "https://vault.vault.svc:8200");
        assert.equal(c.externalAddress, undefined);
        assert.match(await valueOf(c.caCertPem), /BEGIN CERTIFICATE/);
        assert.equal(await valueOf(c.tableName!), "prod-vault");
        assert.equal(await valueOf(c.kmsKeyArn!), KEY_ARN);
        assert.equal(await valueOf(c.roleArn!), `arn:aws:iam::${ACCOUNT_ID}:role/prod-vault-server`);
        assert.equal(await valueOf(c.serviceAccountName), "vault");
    });

    it("keeps the namespace on destroy (it holds audit volumes and raft data)", () => {
        const ns = d.recorder.one("kubernetes:core/v1:Namespace");
        assert.equal(ns.inputs.metadata.name, "vault");
        assert.equal(ns.retainOnDelete, true);
    });

    it("parents every resource under the component", () => {
        const root = d.recorder.one("vault-cluster:index:VaultCluster");
        const ancestors = (urn: string): string[] => {
            const r = d.recorder.byUrn(urn);
            return r && r.parent ? [r.parent, ...ancestors(r.parent)] : [];
        };
        for (const r of d.recorder.resources.filter((x) => x !== root)) {
            assert.ok(ancestors(r.urn).includes(root.urn), `${r.type} ${r.name} is under the VaultCluster`);
        }
    });
});

describe("VaultCluster on local Kubernetes (raft + shamir)", () => {
    let d: Awaited<ReturnType<typeof deploy>>;
    before(async () => { d = await deploy(LOCAL, "local"); });

    it("registers no AWS resource and calls no AWS function", () => {
        assert.deepEqual(d.recorder.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.type), []);
        assert.deepEqual(d.recorder.invokes.filter((i) => i.token.startsWith("aws:")), []);
    });

    it("renders integrated storage with a data volume and a retry_join per replica over TLS", async () => {
        const v = d.values;
        assert.equal(v.server.ha.raft.enabled, true);
        assert.equal(v.server.ha.raft.setNodeId, true);
        assert.deepEqual(v.server.dataStorage, { enabled: true, size: "10Gi" });
        assert.equal(v.server.serviceAccount.annotations, undefined);
        assert.deepEqual(v.server.extraEnvironmentVars, { VAULT_CACERT: "/vault/userconfig/vault-server-tls/vault.ca" });
        assert.deepEqual(chartSchemaErrors(v), []);
        assert.deepEqual(unknownChartKeys(v), []);
        const parsed = await parseHcl(serverHcl(v));
        assert.deepEqual(parsed.storage, { raft: [{
            path: "/vault/data",
            retry_join: [0, 1, 2].map((i) => ({
                leader_api_addr: `https://vault-${i}.vault-internal:8200`,
                leader_ca_cert_file: "/vault/userconfig/vault-server-tls/vault.ca",
            })),
        }] });
        assert.equal(parsed.seal, undefined, "shamir is Vault's default seal: no seal block");
    });
});

describe("VaultCluster pod anti-affinity (server.podAntiAffinity, injector.podAntiAffinity)", () => {
    /** The chart's own term for a kind of pod, with the names of a release "vault" filled in. */
    const chartTerm = (pods: "server" | "injector") =>
        effectiveAffinity(CHART_DEFAULTS[pods].affinity, "vault", "vault").podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;

    it("keeps the chart's required term by default", () => {
        const v = renderedValues(LOCAL);
        assert.ok(!("affinity" in v.server) && !("affinity" in v.injector));
        assert.equal(chartTerm("server")[0].labelSelector.matchLabels.component, "server");
        assert.equal(chartTerm("injector")[0].labelSelector.matchLabels.component, "webhook");
    });

    it("preferred: the chart's own term, as a preference (templated like the chart's, for tpl)", () => {
        const v = renderedValues({ ...LOCAL, server: { podAntiAffinity: "preferred" }, injector: { podAntiAffinity: "preferred" } });
        for (const pods of ["server", "injector"] as const) {
            assert.match(v[pods].affinity, /\{\{ \.Release\.Name \}\}/);
            assert.deepEqual(effectiveAffinity(v[pods].affinity, "vault", "vault"), {
                podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: chartTerm(pods).map((term: object) => ({ weight: 100, podAffinityTerm: term })) },
            }, pods);
        }
        assert.deepEqual([...chartSchemaErrors(v), ...unknownChartKeys(v)], []);
    });

    it("none: an empty value, which the chart renders as no affinity; each kind of pod is set on its own", () => {
        const v = renderedValues({ ...LOCAL, server: { podAntiAffinity: "none" }, injector: { podAntiAffinity: "required" } });
        assert.equal(v.server.affinity, "");
        assert.ok(!("affinity" in v.injector));
        assert.deepEqual([...chartSchemaErrors(v), ...unknownChartKeys(v)], []);
    });

    it("refuses a value that is not one of the modes, naming them", async () => {
        const error = await refusedBy(() => new VaultCluster("bad", { ...LOCAL, server: { podAntiAffinity: "soft" as any } }));
        assert.match(error.message, /server\.podAntiAffinity = "soft": .*"required", "preferred", "none"/);
    });
});

describe("VaultCluster options", () => {
    it("supports provisioned billing, custom capacities and retaining the table", async () => {
        const d = await deploy({ irsa: IRSA, storage: { type: "dynamodb", billingMode: "PROVISIONED", readCapacity: 20, writeCapacity: 5, retainOnDelete: true, protect: false } });
        const t = d.recorder.one(TABLE);
        assert.equal(t.inputs.billingMode, "PROVISIONED");
        assert.equal(t.inputs.readCapacity, 20);
        assert.equal(t.inputs.writeCapacity, 5);
        assert.equal(t.protect, false);
        assert.equal(t.retainOnDelete, true);
    });

    it("uses an existing table and key by name and ARN, creating neither", async () => {
        const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
        const d = await deploy({ irsa: IRSA, storage: { type: "dynamodb", existingTable: "legacy-vault" }, seal: { type: "awskms", kmsKeyArn: keyArn } });
        assert.equal(d.recorder.ofType(TABLE).length, 0);
        assert.equal(d.recorder.ofType(KEY).length, 0);
        const policy = JSON.parse(d.recorder.one(ROLE_POLICY).inputs.policy);
        assert.equal(policy.Statement[0].Resource, `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/legacy-vault`);
        assert.equal(policy.Statement[1].Resource, keyArn);
        const hcl = await parseHcl(serverHcl(d.values));
        assert.equal(hcl.storage.dynamodb[0].table, "legacy-vault");
        assert.equal(hcl.seal.awskms[0].kms_key_id, keyArn);
    });

    it("lets the AWS secrets engine issue credentials with the pods' role only for what its roles need, users only with their boundary", async () => {
        const userPolicy = "arn:aws:iam::aws:policy/ReadOnlyAccess";
        const boundary = `arn:aws:iam::${ACCOUNT_ID}:policy/vault-user-boundary`;
        const target = `arn:aws:iam::${ACCOUNT_ID}:role/deploy`;
        const d = await deploy({ irsa: IRSA, config: { secretsEngines: { aws: [
            { roles: { users: { credentialType: "iam_user", policyArns: [userPolicy], permissionsBoundaryArn: boundary }, ci: { credentialType: "assumed_role", roleArns: [target] },
                       fed: { credentialType: "federation_token", policyDocument: { Version: "2012-10-17", Statement: [] } } } },
            { path: "aws-keys", accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "s", roles: { other: { credentialType: "assumed_role", roleArns: ["arn:aws:iam::111111111111:role/elsewhere"] } } },
        ] } } });
        const statements = JSON.parse(d.recorder.one(ROLE_POLICY).inputs.policy).Statement;
        const bySid = Object.fromEntries(statements.map((x: any) => [x.Sid, x]));
        const users = `arn:aws:iam::${ACCOUNT_ID}:user/vault/*`;
        assert.deepEqual(bySid.SecretsEngineBoundedUsers, {
            Sid: "SecretsEngineBoundedUsers", Effect: "Allow", Action: ["iam:CreateUser", "iam:PutUserPolicy"], Resource: users,
            Condition: { StringEquals: { "iam:PermissionsBoundary": [boundary] } },
        });
        assert.ok(!bySid.SecretsEngineUsers.Action.some((a: string) => /CreateUser|PutUserPolicy|AttachUserPolicy|Boundary/.test(a)), "granting actions need the boundary");
        assert.deepEqual(bySid.SecretsEngineBoundedUserPolicies.Condition, {
            StringEquals: { "iam:PermissionsBoundary": [boundary] }, ArnEquals: { "iam:PolicyARN": [userPolicy] },
        });
        assert.deepEqual(bySid.SecretsEngineKeepsBoundaries.Action, ["iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary"]);
        assert.equal(bySid.SecretsEngineKeepsBoundaries.Effect, "Deny");
        assert.deepEqual(bySid.SecretsEngineAssumedRoles.Resource, [target], "the engine with its own keys needs nothing from the pods");
        assert.equal(bySid.SecretsEngineFederationTokens.Resource, `arn:aws:sts::${ACCOUNT_ID}:federated-user/vault-*`);
        const plain = await deploy({ irsa: IRSA });
        assert.ok(!JSON.parse(plain.recorder.one(ROLE_POLICY).inputs.policy).Statement.some((x: any) => x.Sid.startsWith("SecretsEngine")));
    });

    it("uses an existing IAM role, creating none", async () => {
        const roleArn = `arn:aws:iam::${ACCOUNT_ID}:role/platform/vault`;
        const d = await deploy({ irsa: { existingRoleArn: roleArn } });
        assert.equal(d.recorder.ofType(ROLE).length, 0);
        assert.equal(d.recorder.ofType(ROLE_POLICY).length, 0);
        assert.equal(d.values.server.serviceAccount.annotations["eks.amazonaws.com/role-arn"], roleArn);
        assert.equal(await valueOf(d.cluster.roleArn!), roleArn);
    });

    it("creates the DynamoDB gateway and the KMS and STS interface endpoints with private DNS; the pods call STS by its regional name", async () => {
        const d = await deploy({ irsa: IRSA, vpcEndpoints: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], routeTableIds: ["rtb-1"], securityGroupIds: ["sg-1"] } });
        const tags = { "managed-by": "pulumi", "vault-cluster": "prod" };
        const interfaceEndpoint = (service: string) => ({
            vpcId: "vpc-1", serviceName: `com.amazonaws.${REGION}.${service}`, vpcEndpointType: "Interface", privateDnsEnabled: true,
            subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-1"], tags,
        });
        assert.deepEqual(Object.fromEntries(d.recorder.ofType(ENDPOINT).map((e) => [e.name, e.inputs])), {
            "prod-dynamodb": { vpcId: "vpc-1", serviceName: `com.amazonaws.${REGION}.dynamodb`, vpcEndpointType: "Gateway", routeTableIds: ["rtb-1"], tags },
            "prod-kms": interfaceEndpoint("kms"),
            "prod-sts": interfaceEndpoint("sts"),
        });
        // In private subnets IRSA calls STS and the seal KMS when a pod starts: the pods come after the endpoints.
        const urns = d.recorder.ofType(ENDPOINT).map((e) => e.urn);
        assert.ok(urns.every((u) => d.recorder.one(RELEASE).dependencies.includes(u)));
        assert.equal(d.values.server.extraEnvironmentVars.AWS_STS_REGIONAL_ENDPOINTS, "regional");
        assert.deepEqual(d.recorder.invokes.filter((i) => i.token === GET_ENDPOINT), [], "nothing to look up");
    });

    it("creates no KMS endpoint when only DynamoDB calls KMS (the Shamir seal), and the STS one still", async () => {
        const d = await deploy({ irsa: IRSA, seal: { type: "shamir" }, vpcEndpoints: { vpcId: "vpc-1", subnetIds: ["subnet-a"], routeTableIds: ["rtb-1"] } });
        assert.deepEqual(d.recorder.ofType(ENDPOINT).map((e) => [e.name, e.inputs.serviceName]), [["prod-dynamodb", `com.amazonaws.${REGION}.dynamodb`], ["prod-sts", `com.amazonaws.${REGION}.sts`]]);
        const key = d.recorder.one(KEY);
        assert.deepEqual([key.protect, key.inputs.deletionWindowInDays], [true, 30], "the table's key keeps the safe lifecycle");
        assert.ok(!JSON.parse(d.recorder.one(ROLE_POLICY).inputs.policy).Statement.some((x: any) => x.Sid === "VaultSeal"));
    });

    it("reuses existing KMS and STS endpoints: creates only the gateway, looks each up, and starts the pods once both check out", async () => {
        const d = await deployWithEndpoints({ irsa: IRSA, vpcEndpoints: {
            vpcId: "vpc-1", routeTableIds: ["rtb-1"], kms: { existingEndpointId: KMS_ENDPOINT }, sts: { existingEndpointId: STS_ENDPOINT } } }, EXISTING_ENDPOINTS);
        assert.deepEqual(d.failures, []);
        assert.deepEqual(d.recorder.ofType(ENDPOINT).map((e) => e.name), ["prod-dynamodb"]);
        assert.deepEqual(d.recorder.invokes.filter((i) => i.token === GET_ENDPOINT).map((i) => i.inputs.id).sort(), [KMS_ENDPOINT, STS_ENDPOINT].sort());
        const values = unwrapSecrets(d.recorder.one(RELEASE).inputs.values);
        assert.equal(values.server.extraEnvironmentVars.AWS_STS_REGIONAL_ENDPOINTS, "regional");
        // The KMS key policy and the role's policy name no endpoint (no aws:sourceVpce condition) to keep in step.
        for (const doc of [d.recorder.one(KEY).inputs.policy, d.recorder.one(ROLE_POLICY).inputs.policy]) assert.ok(!/sourceVpc/i.test(doc));
    });

    it("mixes: an existing STS endpoint, a created KMS one, and no STS endpoint at all with create: false", async () => {
        const mixed = await deployWithEndpoints({ irsa: IRSA, vpcEndpoints: {
            vpcId: "vpc-1", subnetIds: ["subnet-a"], routeTableIds: ["rtb-1"], sts: { existingEndpointId: STS_ENDPOINT } } }, EXISTING_ENDPOINTS);
        assert.deepEqual(mixed.recorder.ofType(ENDPOINT).map((e) => e.name), ["prod-dynamodb", "prod-kms"]);
        const none = await deploy({ irsa: IRSA, vpcEndpoints: { vpcId: "vpc-1", subnetIds: ["subnet-a"], routeTableIds: ["rtb-1"], sts: { create: false } } });
        assert.deepEqual(none.recorder.ofType(ENDPOINT).map((e) => e.name), ["prod-dynamodb", "prod-kms"]);
        assert.equal(none.values.server.extraEnvironmentVars.AWS_STS_REGIONAL_ENDPOINTS, undefined, "STS is reached some other way, as before");
    });

    it("stops before the pods when an existing endpoint is another service's, in another VPC, without private DNS, or unknown", async () => {
        const wrong = await deployWithEndpoints({ irsa: IRSA, vpcEndpoints: {
            vpcId: "vpc-2", subnetIds: ["subnet-a"], routeTableIds: ["rtb-1"], sts: { existingEndpointId: KMS_ENDPOINT } } },
            { [KMS_ENDPOINT]: { ...EXISTING_ENDPOINTS[KMS_ENDPOINT], privateDnsEnabled: false } });
        assert.deepEqual(wrong.recorder.ofType(RELEASE), [], "no release");
        // Every resource that waits for the pods fails with it (the engine prints each under its resource).
        assert.deepEqual(reasons(wrong.failures), [
            `vpcEndpoints.sts.existingEndpointId = "${KMS_ENDPOINT}" cannot serve the pods: serviceName is "com.amazonaws.${REGION}.kms", not "com.amazonaws.${REGION}.sts"; `
            + `vpcId is "vpc-1", not "vpc-2"; privateDnsEnabled is false, not true. Fix: give the ID of the STS interface endpoint of VPC vpc-2 in ${REGION}, `
            + "with private DNS enabled, or remove it to create one",
        ]);
        const unknown = await deployWithEndpoints({ irsa: IRSA, vpcEndpoints: {
            vpcId: "vpc-1", routeTableIds: ["rtb-1"], kms: { existingEndpointId: KMS_ENDPOINT }, sts: { existingEndpointId: "vpce-0000000000000000f" } } }, EXISTING_ENDPOINTS);
        assert.deepEqual(unknown.recorder.ofType(RELEASE), []);
        // (AWS's own "no matching EC2 VPC Endpoint found"; the mock monitor passes a failed lookup on without its text.)
        assert.ok(unknown.failures.length > 0, "the failed lookup stops the deployment");
    });

    it("exposes an ingress with cert-manager, adds the host to the certificate and reports the external address", async () => {
        const d = await deploy({
            irsa: IRSA,
            ingress: { host: "vault.example.com", className: "nginx", tlsSecretName: "vault-ingress-tls", annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" } },
        });
        const ingress = d.values.server.ingress;
        assert.deepEqual(ingress, {
            enabled: true, ingressClassName: "nginx", activeService: true, pathType: "Prefix",
            annotations: { "nginx.ingress.kubernetes.io/backend-protocol": "HTTPS", "cert-manager.io/cluster-issuer": "letsencrypt" },
            hosts: [{ host: "vault.example.com", paths: [] }],
            tls: [{ hosts: ["vault.example.com"], secretName: "vault-ingress-tls" }],
        });
        assert.ok(d.recorder.one("tls:index/certRequest:CertRequest").inputs.dnsNames.includes("vault.example.com"));
        assert.equal(await valueOf(d.cluster.externalAddress!), "https://vault.example.com");
        assert.deepEqual(chartSchemaErrors(d.values), []);
        assert.deepEqual(unknownChartKeys(d.values), []);
    });

    it("serves the UI through a load balancer restricted to source ranges and reads back its address", async () => {
        const d = await deploy({ irsa: IRSA, ui: { serviceType: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8"] } });
        // The load balancer reaches the active pod only: a sealed or standby pod never takes its traffic.
        assert.deepEqual(d.values.ui, { enabled: true, serviceType: "LoadBalancer", externalPort: 8200, targetPort: 8200, activeVaultPodOnly: true, loadBalancerSourceRanges: ["10.0.0.0/8"] });
        assert.deepEqual(unknownChartKeys(d.values), []);
        const read = d.recorder.resources.find((r) => r.read && r.type === "kubernetes:core/v1:Service")!;
        assert.equal(read.id, "vault/vault-ui");
        assert.equal(await valueOf(d.cluster.externalAddress!), "https://k8s-vault-0123456789.elb.eu-west-1.amazonaws.com:8200");
    });

    it("reads the load balancer's Service with an unknown ID in a first preview (the engine skips such reads)", async () => {
        const recorder = await installMocks({ preview: true });
        new VaultCluster("prod", { irsa: IRSA, ui: { serviceType: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8"] } });
        await settle();
        const reads = recorder.resources.filter((r) => r.read);
        assert.equal(reads.length, 1);
        assert.ok(isUnknownValue(reads[0].id), `read with id ${reads[0].id}: the Service does not exist yet`);
    });

    it("applies placement, images, RSA keys, extra SANs, the CSI provider and chart.values last", async () => {
        const d = await deploy({
            irsa: IRSA,
            replicas: 5,
            server: { nodeSelector: { nodegroup: "vault" }, tolerations: [{ key: "dedicated", operator: "Equal", value: "vault", effect: "NoSchedule" }],
                      resources: { requests: { cpu: "500m", memory: "256Mi" } }, image: { tag: "2.0.4" }, logLevel: "debug" },
            injector: { nodeSelector: { nodegroup: "vault" } },
            csi: { enabled: true },
            tls: { algorithm: "RSA", rsaBits: 3072, extraDnsNames: ["vault.internal.example.com"], validityHours: 2160, earlyRenewalHours: 360 },
            auditStorage: { size: "20Gi", storageClass: "gp3" },
            chart: { values: { server: { logFormat: "json" }, injector: { metrics: { enabled: true } } } },
        });
        const v = d.values;
        assert.equal(v.server.ha.replicas, 5);
        assert.deepEqual(v.server.nodeSelector, { nodegroup: "vault" });
        assert.equal(v.server.tolerations[0].key, "dedicated");
        assert.deepEqual(v.server.image, { tag: "2.0.4" });
        assert.equal(v.server.logLevel, "debug");
        assert.equal(v.server.logFormat, "json");
        assert.equal(v.injector.metrics.enabled, true);
        assert.deepEqual(v.injector.nodeSelector, { nodegroup: "vault" });
        assert.deepEqual(v.server.auditStorage.size, "20Gi");
        assert.deepEqual(v.server.auditStorage.storageClass, "gp3");
        assert.equal(v.csi.enabled, true);
        assert.deepEqual(v.csi.volumes, [{ name: "vault-ca", secret: { secretName: "vault-server-tls", items: [{ key: "vault.ca", path: "vault.ca" }] } }]);
        assert.deepEqual(chartSchemaErrors(v), []);
        assert.deepEqual(unknownChartKeys(v), []);
        for (const k of d.recorder.ofType("tls:index/privateKey:PrivateKey")) assert.deepEqual([k.inputs.algorithm, k.inputs.rsaBits], ["RSA", 3072]);
        assert.ok(d.recorder.one("tls:index/certRequest:CertRequest").inputs.dnsNames.includes("vault.internal.example.com"));
        const cert = d.recorder.one("tls:index/locallySignedCert:LocallySignedCert");
        assert.deepEqual([cert.inputs.validityPeriodHours, cert.inputs.earlyRenewalHours], [2160, 360]);
    });

    it("signs with a user CA instead of generating one", async () => {
        const d = await deploy({ irsa: IRSA, tls: { ca: { keyPem: "-----BEGIN PRIVATE KEY-----\nuser\n-----END PRIVATE KEY-----\n", certPem: FAKE_CLUSTER_CA_PEM } } });
        assert.equal(d.recorder.ofType("tls:index/selfSignedCert:SelfSignedCert").length, 0);
        assert.equal(d.recorder.ofType("tls:index/privateKey:PrivateKey").length, 1);
        assert.equal(unwrapSecrets(d.recorder.one("tls:index/locallySignedCert:LocallySignedCert").inputs.caCertPem), FAKE_CLUSTER_CA_PEM);
        assert.equal(await valueOf(d.cluster.caCertPem), FAKE_CLUSTER_CA_PEM);
    });

    it("mounts an existing TLS secret and trusts the given CA, generating nothing", async () => {
        const d = await deploy({ irsa: IRSA, tls: { existingSecretName: "my-vault-tls", caCertPem: FAKE_CLUSTER_CA_PEM } });
        assert.equal(d.recorder.resources.filter((r) => r.type.startsWith("tls:")).length, 0);
        assert.deepEqual(d.recorder.ofType(SECRET).map((r) => r.name), ["prod-metrics-token"], "no TLS secret (only the metrics token's)");
        assert.deepEqual(d.values.server.extraVolumes, [{ type: "secret", name: "my-vault-tls" }]);
        assert.equal((await parseHcl(serverHcl(d.values))).listener.tcp[0].tls_cert_file, "/vault/userconfig/my-vault-tls/vault.crt");
    });

    it("turns TLS off only when told explicitly", async () => {
        const d = await deploy({ ...LOCAL, tls: { enabled: false } });
        assert.equal(d.values.global.tlsDisable, true);
        assert.equal(d.values.server.extraVolumes, undefined);
        const parsed = await parseHcl(serverHcl(d.values));
        assert.deepEqual(parsed.listener.tcp, [{ address: "[::]:8200", cluster_address: "[::]:8201", tls_disable: 1 }]);
        assert.equal(parsed.storage.raft[0].retry_join[0].leader_api_addr, "http://vault-0.vault-internal:8200");
        assert.equal(await valueOf(d.cluster.address), "http://vault.vault.svc:8200");
        assert.equal(d.recorder.resources.filter((r) => r.type.startsWith("tls:")).length, 0);
    });

    it("uses an existing namespace without creating it", async () => {
        const d = await deploy({ ...LOCAL, createNamespace: false, namespace: "security" });
        assert.equal(d.recorder.ofType("kubernetes:core/v1:Namespace").length, 0);
        assert.equal(d.recorder.one(RELEASE).inputs.namespace, "security");
        assert.ok(d.recorder.one("tls:index/certRequest:CertRequest").inputs.dnsNames.includes("vault.security.svc"));
    });

    it("lets chart.values override a managed value when its path is allowed", async () => {
        const d = await deploy({ ...LOCAL, chart: { values: { server: { updateStrategyType: "RollingUpdate" } }, allowOverrides: ["server.updateStrategyType"] } });
        assert.equal(d.values.server.updateStrategyType, "RollingUpdate");
    });
});
