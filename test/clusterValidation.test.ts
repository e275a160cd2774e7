import { strict as assert } from "assert";
import { InputError, VaultCluster } from "../components";
import type { VaultClusterArgs } from "../components";
import { installMocks, settle } from "../components/testing/mocks";
import { IRSA, LOCAL } from "./support/cluster";
import { refusedBy } from "./support/refusals";

/** Builds a cluster that must be refused; returns the error after checking that nothing was registered. */
const refused = (args: VaultClusterArgs) => refusedBy(() => new VaultCluster("bad", args));

function assertProblem(error: InputError, field: string, value: string, fix: RegExp): void {
    const line = error.message.split("\n").find((l) => l.startsWith(`  - ${field} = ${value}:`));
    assert.ok(line, `no problem reported for ${field} = ${value} in:\n${error.message}`);
    assert.match(line!, /Fix: /);
    assert.match(line!, fix);
}

describe("VaultCluster refuses bad input before registering anything", () => {
    it("replicas below 1", async () => {
        // The bound is part of the type (VaultClusterArgs.replicas @minimum 1): the type check reports it.
        assertProblem(await refused({ ...LOCAL, replicas: 0 }), "replicas", "0", /must be at least 1\. Fix: use a value ≥ 1/);
    });

    it("raft with an even replica count (an error, not a warning)", async () => {
        const e = await refused({ ...LOCAL, replicas: 4 });
        assertProblem(e, "replicas", "4", /set replicas to 3 or 5/);
        assert.match(e.message, /odd number of voters/);
    });

    it("storage.restoredFrom without the restored table, or not a table name", async () => {
        assertProblem(await refused({ irsa: IRSA, storage: { type: "dynamodb", restoredFrom: "prod-vault" } }), "storage.restoredFrom", '"prod-vault"',
            /only applies with storage\.existingTable \(the restored table\).*set existingTable to the restored table's name/);
        assertProblem(await refused({ irsa: IRSA, storage: { type: "dynamodb", existingTable: "prod-vault-restored", restoredFrom: "prod vault" } }),
            "storage.restoredFrom", '"prod vault"', /give the source table's name/);
        assertProblem(await refused({ ...LOCAL, storage: { type: "raft", restoredFrom: "prod-vault" } }), "storage.restoredFrom", "<not shown>", /does not apply to storage type "raft"/);
    });

    it("DynamoDB storage without irsa", async () => {
        const e = await refused({});
        assertProblem(e, "irsa", "(not set)", /oidcProviderArn, oidcProviderUrl/);
    });

    it("the awskms seal without irsa, even with raft storage", async () => {
        assertProblem(await refused({ storage: { type: "raft", size: "10Gi" }, seal: { type: "awskms" } }), "irsa", "(not set)", /irsa: \{ oidcProviderArn/);
    });

    it("an ingress host that is not a DNS name", async () => {
        assertProblem(await refused({ irsa: IRSA, ingress: { host: "https://vault.example.com" } }), "ingress.host", "\"https://vault.example.com\"", /fully qualified host name/);
        assertProblem(await refused({ irsa: IRSA, ingress: { host: "Vault_Host" } }), "ingress.host", "\"Vault_Host\"", /no scheme, port or wildcard/);
    });

    it("a chart.values override that contradicts a managed setting", async () => {
        const e = await refused({ irsa: IRSA, chart: { values: { global: { tlsDisable: true } } } });
        assertProblem(e, "chart.values.global.tlsDisable", "true", /chart\.allowOverrides/);
        assert.match(e.message, /contradicts the value this component manages \(false\)/);
        const e2 = await refused({ ...LOCAL, chart: { values: { server: { ha: { replicas: 1, raft: { config: "storage \"file\" {}" } } } } } });
        assert.equal(e2.problems.length, 2);
        assert.deepEqual(e2.problems.map((p) => p.field).sort(), ["chart.values.server.ha.raft.config", "chart.values.server.ha.replicas"]);
    });

    it("a LoadBalancer without source ranges", async () => {
        assertProblem(await refused({ irsa: IRSA, ui: { serviceType: "LoadBalancer" } }), "ui.loadBalancerSourceRanges", "[]", /list the CIDR blocks/);
    });

    it("unknown arguments and weak keys in one report; bad sizes in the next, once the types are right", async () => {
        // Types are checked first, all at once; the checks of meaning assume well-typed arguments and follow.
        const e = await refused({ ...LOCAL, replica: 3, tls: { algorithm: "RSA", rsaBits: 1024 }, auditStorage: { size: "ten" } } as VaultClusterArgs);
        assert.deepEqual(e.problems.map((p) => p.field).sort(), ["replica", "tls.rsaBits"]);
        assertProblem(e, "tls.rsaBits", "1024", /2048/);
        assertProblem(e, "replica", "<not shown>", /did you mean "replicas"\?/);
        const next = await refused({ ...LOCAL, replicas: 3, tls: { algorithm: "RSA", rsaBits: 2048 }, auditStorage: { size: "ten" } });
        assert.deepEqual(next.problems.map((p) => p.field), ["auditStorage.size"]);
    });

    it("fields of another variant, which would otherwise be ignored silently", async () => {
        const e = await refused({ ...LOCAL, storage: { type: "raft", tableName: "vault" } as any, seal: { type: "shamir", kmsKeyArn: "x" } as any, tls: { enabled: false, validityHours: 10 }, tags: { a: "b" } });
        assert.deepEqual(e.problems.map((p) => p.field).sort(), ["seal.kmsKeyArn", "storage.tableName", "tags", "tls.validityHours"]);
        assertProblem(e, "storage.tableName", "<not shown>", /remove it \(storage type "raft" takes: type, size, storageClass\)/);
    });

    it("a KMS key ID or alias where the key ARN is needed, a CA that is not PEM, a name the KMS alias cannot carry", async () => {
        const e = await refused({ irsa: IRSA, seal: { type: "awskms", kmsKeyArn: "alias/vault" }, tls: { existingSecretName: "tls", caCertPem: "not a cert" } });
        assertProblem(e, "seal.kmsKeyArn", "\"alias/vault\"", /not an ID or alias/);
        // Never echoed: text pasted into a CA field may be a private key.
        assertProblem(e, "tls.caCertPem", "<not shown>", /BEGIN CERTIFICATE/);
        const recorder = await installMocks();
        assert.throws(() => new VaultCluster("prod.eu", { irsa: IRSA }), /\(component name\) = "prod\.eu": cannot name the KMS alias/);
        await settle();
        assert.deepEqual(recorder.resources, []);
    });

    it("a chart.values conflict together with other problems, in one report", async () => {
        const e = await refused({ ...LOCAL, replicas: 4, chart: { values: { global: { tlsDisable: true } } } });
        assert.deepEqual(e.problems.map((p) => p.field).sort(), ["chart.values.global.tlsDisable", "replicas"]);
    });

    it("an early renewal window longer than the certificate's validity", async () => {
        assertProblem(await refused({ ...LOCAL, tls: { validityHours: 100, earlyRenewalHours: 200 } }), "tls.earlyRenewalHours", "200", /720/);
    });

    it("an existing TLS secret without its CA", async () => {
        assertProblem(await refused({ ...LOCAL, tls: { existingSecretName: "vault-tls" } }), "tls.caCertPem", "(not set)", /PEM of the CA/);
    });

    it("an existing role together with the fields of a role to create", async () => {
        const e = await refused({ irsa: { existingRoleArn: "arn:aws:iam::123456789012:role/vault", roleName: "other" } });
        assert.deepEqual(e.problems.map((p) => p.field), ["irsa.roleName"]);
        assert.match(e.message, /only applies to a role this component creates/);
    });

    it("configuration that would take over the admin identity's policy or auth mount", async () => {
        const e = await refused({ ...LOCAL, config: {
            policies: { "pulumi-admin": [{ path: "*", capabilities: ["sudo"] }] },
            appRoleAuth: [{ path: "pulumi", roles: {} }],
        } });
        assertProblem(e, "config.policies.pulumi-admin", "\"pulumi-admin\"", /choose another policy name/);
        assertProblem(e, "config.appRoleAuth[0].path", "\"pulumi\"", /AppRole mount of Pulumi's own admin identity\. Fix: choose another mount path/);
    });

    it("irsa on a cluster that uses no AWS", async () => {
        assertProblem(await refused({ ...LOCAL, irsa: IRSA }), "irsa", "<not shown>", /remove irsa/);
    });

    it("a cluster without AWS and without a deliberate custody choice", async () => {
        assertProblem(await refused({ storage: { type: "raft" }, seal: { type: "shamir" } }), "bootstrap.custody", "(not set)", /kubernetes-secret/);
    });

    it("provisioned capacities with on-demand billing", async () => {
        assertProblem(await refused({ irsa: IRSA, storage: { type: "dynamodb", readCapacity: 5 } }), "storage.readCapacity", "5", /PROVISIONED/);
    });
});

describe("VaultCluster refuses VPC endpoints it cannot create or reuse, before registering anything", () => {
    const VPC = { vpcId: "vpc-1", routeTableIds: ["rtb-1"] };
    const KMS_ID = "vpce-0a1b2c3d4e5f6a7b8";

    it("reusing and creating the same endpoint at once", async () => {
        assertProblem(await refused({ irsa: IRSA, vpcEndpoints: { ...VPC, subnetIds: ["subnet-a"], kms: { create: true, existingEndpointId: KMS_ID } } }),
            "vpcEndpoints.kms.create", "true", /one endpoint with private DNS per service.*remove vpcEndpoints\.kms\.create to use the existing endpoint, or remove vpcEndpoints\.kms\.existingEndpointId to create one/);
    });

    it("an endpoint to create without subnets, naming the endpoints that need them", async () => {
        assertProblem(await refused({ irsa: IRSA, vpcEndpoints: VPC }), "vpcEndpoints.subnetIds", "(not set)",
            /is required to create the kms and sts interface endpoints\. Fix: list one private subnet per availability zone/);
        assertProblem(await refused({ irsa: IRSA, vpcEndpoints: { ...VPC, subnetIds: [], kms: { existingEndpointId: KMS_ID } } }), "vpcEndpoints.subnetIds", "[]",
            /is required to create the sts interface endpoint\./);
    });

    it("subnets or security groups when every interface endpoint is reused or left out", async () => {
        const e = await refused({ irsa: IRSA, vpcEndpoints: { ...VPC, subnetIds: ["subnet-a"], securityGroupIds: ["sg-1"], kms: { existingEndpointId: KMS_ID }, sts: { create: false } } });
        assertProblem(e, "vpcEndpoints.subnetIds", "[\"subnet-a\"]", /only places interface endpoints this component creates, and it creates none\. Fix: remove vpcEndpoints\.subnetIds/);
        assertProblem(e, "vpcEndpoints.securityGroupIds", "[\"sg-1\"]", /remove vpcEndpoints\.securityGroupIds/);
    });

    it("a KMS endpoint with the Shamir seal, and an endpoint ID that is not one", async () => {
        assertProblem(await refused({ irsa: IRSA, seal: { type: "shamir" }, vpcEndpoints: { ...VPC, subnetIds: ["subnet-a"], kms: { existingEndpointId: KMS_ID } } }),
            "vpcEndpoints.kms", "<not shown>", /only applies to the awskms seal: with another seal the pods never call KMS/);
        assertProblem(await refused({ irsa: IRSA, vpcEndpoints: { ...VPC, subnetIds: ["subnet-a"], sts: { existingEndpointId: "com.amazonaws.eu-west-1.sts" } } }),
            "vpcEndpoints.sts.existingEndpointId", "\"com.amazonaws.eu-west-1.sts\"", /is not a VPC endpoint ID\. Fix: use the endpoint's ID, e\.g\. "vpce-/);
    });
});
