import { strict as assert } from "assert";
import { VaultCluster } from "../components";
import type { VaultClusterArgs } from "../components";
import { preferredPort } from "../components/bootstrap/tunnel";
import { contentDigest } from "../components/rollout";
import { isSecretOutput, isSecretValue, unwrapSecrets, valueOf } from "../components/testing/mocks";
import { chartSchemaErrors, unknownChartKeys } from "./support/chart";
import { IRSA, LOCAL, deploy, renderedValues } from "./support/cluster";
import { refusedBy } from "./support/refusals";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const SECRET = "kubernetes:core/v1:Secret";

/** The problems of an InputError, one `field: problem` line each. */
const fields = (e: { problems: { field: string }[] }) => e.problems.map((p) => p.field).sort();

describe("mode dev: Vault's in-memory dev server for a laptop", () => {
    const DEV: VaultClusterArgs = { mode: "dev", config: { kvMounts: [{ path: "kv" }] } };

    it("registers no AWS resource, no init step, no rollout, Raft membership or seal guard", async () => {
        const d = await deploy(DEV);
        const types = d.recorder.resources.filter((r) => r.custom).map((r) => r.type);
        assert.deepEqual(types.filter((t) => t.startsWith("aws:")), []);
        assert.deepEqual(d.recorder.ofType(DYNAMIC).map((r) => r.name), [], "no init, rollout, membership or seal guard step");
        assert.deepEqual(types.filter((t) => t.startsWith("tls:")), [], "no TLS material: the dev server serves plain HTTP");
        assert.equal(d.cluster.tableName, undefined);
        assert.equal(d.cluster.kmsKeyArn, undefined);
        assert.equal(d.cluster.roleArn, undefined);
        assert.match(await valueOf(d.cluster.custodyDescription), /^none: dev mode/);
        assert.equal(await valueOf(d.cluster.address), "http://vault.vault.svc:8200");
        assert.throws(() => d.cluster.init, /mode "dev" has no init step/);
    });

    it("generates the root token into a Secret the pod reads, and returns it as a secret output", async () => {
        const d = await deploy(DEV);
        const random = d.recorder.one("random:index/randomPassword:RandomPassword");
        assert.deepEqual({ length: random.inputs.length, special: random.inputs.special }, { length: 32, special: false });
        const token = await valueOf(d.cluster.rootToken);
        assert.equal(token.length, 32);
        assert.equal(await isSecretOutput(d.cluster.rootToken), true);
        const secret = d.recorder.named(SECRET, "-dev-root-token");
        assert.deepEqual(secret.inputs.metadata, { name: "vault-dev-root-token", namespace: "vault" });
        assert.ok(isSecretValue(secret.inputs.stringData), "the Secret's data travels as a Pulumi secret");
        assert.deepEqual(unwrapSecrets(secret.inputs.stringData), { token });
        const release = d.recorder.one(RELEASE);
        assert.ok(release.dependencies.includes(secret.urn), "the pod starts once its token Secret exists");
        assert.ok(!JSON.stringify(unwrapSecrets(release.inputs)).includes(token), "the token is not in the chart values");
    });

    it("renders the chart's dev mode, taking the token from the Secret, valid against the chart's schema", async () => {
        const d = await deploy(DEV);
        const server = d.values.server;
        assert.deepEqual(server.dev, { enabled: true, devRootToken: "unused-see-extraArgs" });
        assert.equal(server.extraArgs, '-dev-root-token-id="$VAULT_CLUSTER_DEV_ROOT_TOKEN"');
        assert.deepEqual(server.extraSecretEnvironmentVars, [{ envName: "VAULT_CLUSTER_DEV_ROOT_TOKEN", secretName: "vault-dev-root-token", secretKey: "token" }]);
        assert.deepEqual({ ha: server.ha, standalone: server.standalone }, { ha: { enabled: false }, standalone: { enabled: false } });
        assert.equal(server.updateStrategyType, "RollingUpdate");
        assert.deepEqual({ data: server.dataStorage, audit: server.auditStorage.enabled }, { data: { enabled: false }, audit: false });
        assert.equal(d.values.global.tlsDisable, true);
        assert.equal(server.extraVolumes, undefined, "no TLS secret to mount");
        const values = renderedValues(DEV);
        assert.deepEqual(chartSchemaErrors(values), []);
        assert.deepEqual(unknownChartKeys(values), []);
    });

    it("applies the configuration with the root token over plain HTTP, auditing to stdout", async () => {
        const d = await deploy(DEV);
        const provider = d.recorder.one("pulumi:providers:vault");
        assert.equal(provider.inputs.address, `http://127.0.0.1:${preferredPort("vault/vault-active")}`);
        assert.equal(unwrapSecrets(provider.inputs.token), await valueOf(d.cluster.rootToken));
        assert.ok(isSecretValue(provider.inputs.token));
        assert.equal(provider.inputs.caCertFile, undefined);
        assert.equal(provider.inputs.skipTlsVerify, "false");
        const audit = d.recorder.one("vault:index/audit:Audit");
        assert.deepEqual({ type: audit.inputs.type, options: audit.inputs.options }, { type: "file", options: { file_path: "stdout" } });
        assert.ok(audit.provider.startsWith(`${provider.urn}::`), "applied through the dev server's provider");
        const mount = d.recorder.ofType("vault:index/mount:Mount").find((m) => m.inputs.path === "kv");
        assert.ok(mount, "the kv mount of config is applied");
        assert.ok(mount.provider.startsWith(`${provider.urn}::`));
        const release = d.recorder.one(RELEASE);
        const config = d.recorder.resources.find((r) => r.type.endsWith(":VaultConfig"))!;
        assert.ok(config.dependencies.includes(release.urn), "the configuration waits for the release");
    });

    it("refuses what the dev server cannot honour, all at once, before anything is registered", async () => {
        const e = await refusedBy(() => new VaultCluster("d", {
            mode: "dev", replicas: 3, storage: { type: "raft" }, seal: { type: "awskms" }, irsa: IRSA, tls: { enabled: true },
            auditStorage: { enabled: true }, monitoring: { enabled: true }, backup: {},
            bootstrap: { custody: { type: "kubernetes-secret" }, revokeRootToken: true, keyShares: 3 },
        }));
        assert.deepEqual(fields(e), ["auditStorage", "backup", "bootstrap.custody", "bootstrap.keyShares", "bootstrap.revokeRootToken", "irsa", "monitoring",
            "replicas", "seal", "storage", "tls.enabled"].sort());
        assert.match(e.message, /seal = <not shown>: does not apply to mode "dev": the dev server is unsealed at start.*Fix: remove seal, or use mode "standalone" or "ha"/);
        assert.match(e.message, /replicas = 3: is not 1: the dev mode runs one server/);
        assert.match(e.message, /tls\.enabled = <not shown>: does not apply to mode "dev": the dev server serves plain HTTP/);
    });

    it("refuses a KV mount at secret/, which the dev server mounts itself", async () => {
        const e = await refusedBy(() => new VaultCluster("d", { mode: "dev", config: { kvMounts: [{ path: "kv" }, { path: "secret" }] } }));
        assert.deepEqual(fields(e), ["config.kvMounts[1].path"]);
        assert.match(e.message, /config\.kvMounts\[1\]\.path = "secret": is mounted by the dev server itself \(KV v2 at secret\/\): mounting it again fails\. Fix: use another path, e\.g\. "kv"/);
    });

    it("accepts tls.enabled: false, the only TLS setting that says what dev does", async () => {
        const d = await deploy({ mode: "dev", tls: { enabled: false } });
        assert.equal(d.values.global.tlsDisable, true);
    });

    it("serves the UI load balancer from its one pod (no vault-active label without service registration)", async () => {
        const d = await deploy({ mode: "dev", ui: { serviceType: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8"] } });
        assert.equal(d.values.ui.activeVaultPodOnly, undefined);
        assert.equal(await valueOf(d.cluster.externalAddress), "http://k8s-vault-0123456789.elb.eu-west-1.amazonaws.com:8200");
        const ha = await deploy({ ...LOCAL, ui: { serviceType: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8"] } });
        assert.equal(ha.values.ui.activeVaultPodOnly, true);
    });
});

describe("dev mode through chart.values is refused (it would fail at init)", () => {
    for (const values of [{ server: { dev: { enabled: true } } }, { server: { standalone: { enabled: true } } }]) {
        it(`chart.values ${JSON.stringify(values)}`, async () => {
            const e = await refusedBy(() => new VaultCluster("c", { ...LOCAL, chart: { values } }));
            assert.match(e.message, /chart\.values\.server\.(dev|standalone)\.enabled = true: contradicts the value this component manages \(false\).*set it through the typed argument/);
        });
    }
});

describe("mode standalone: one server with the same storage, seal, TLS, init and custody", () => {
    it("renders the chart's standalone mode with the server configuration, one replica, and keeps the init step", async () => {
        const d = await deploy({ ...LOCAL, mode: "standalone" });
        const server = d.values.server;
        // The chart sets VAULT_RAFT_NODE_ID in HA mode only: the node is named after its pod here, as the day-2 steps expect.
        assert.match(server.standalone.config, /storage "raft" \{\n {2}path {4}= "\/vault\/data"\n {2}node_id = "vault-0"/);
        assert.deepEqual(server.ha, { enabled: false });
        assert.deepEqual(server.dev, { enabled: false });
        assert.equal(server.standalone.enabled, true);
        assert.match(server.standalone.config, /retry_join \{\n {4}leader_api_addr {5}= "https:\/\/vault-0\.vault-internal:8200"/);
        assert.equal((server.standalone.config.match(/retry_join/g) ?? []).length, 1, "one server: it joins no one else");
        assert.equal(server.updateStrategyType, "OnDelete");
        const init = unwrapSecrets(d.recorder.named(DYNAMIC, "-init").inputs);
        assert.deepEqual(init.pods.names, ["vault-0"]);
        const rollout = unwrapSecrets(d.recorder.named(DYNAMIC, "-rollout").inputs);
        assert.equal(rollout.replicas, 1);
        const values = renderedValues({ ...LOCAL, mode: "standalone" });
        assert.deepEqual(chartSchemaErrors(values), []);
    });

    it("points the snapshot and token-renewal jobs at the release's service: the chart makes no -active service but in HA", async () => {
        const d = await deploy({ ...LOCAL, mode: "standalone" });
        const jobs = d.recorder.ofType("kubernetes:batch/v1:CronJob").map((r) => unwrapSecrets(r.inputs));
        assert.deepEqual(jobs.map((j) => j.metadata.name).sort(), ["vault-metrics-token-renew", "vault-snapshot"]);
        for (const job of jobs) {
            const env = job.spec.jobTemplate.spec.template.spec.containers[0].env;
            assert.equal(env.find((e: { name: string }) => e.name === "VAULT_ADDR").value, "https://vault.vault.svc:8200", job.metadata.name);
        }
        const ha = await deploy(LOCAL);
        const haJob = unwrapSecrets(ha.recorder.ofType("kubernetes:batch/v1:CronJob")[0].inputs);
        assert.equal(haJob.spec.jobTemplate.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === "VAULT_ADDR").value, "https://vault-active.vault.svc:8200");
    });

    it("works with the AWS backend too (DynamoDB, KMS)", async () => {
        const d = await deploy({ mode: "standalone", irsa: IRSA });
        assert.match(d.values.server.standalone.config, /storage "dynamodb"[\s\S]*seal "awskms"/);
        assert.equal(d.recorder.ofType("aws:dynamodb/table:Table").length, 1);
    });

    it("refuses more than one replica", async () => {
        const e = await refusedBy(() => new VaultCluster("s", { ...LOCAL, mode: "standalone", replicas: 3 }));
        assert.match(e.message, /replicas = 3: is not 1: the standalone mode runs one server\. Fix: remove replicas, or use mode "ha" for more servers/);
    });
});

describe("transit seal: unsealed by a key-holder Vault", () => {
    const TOKEN = "hvs.CAESIJtransitsealtokenthatmustnotleak0123456789";
    const CA = require("../components/testing/mocks").FAKE_CLUSTER_CA_PEM as string;
    const TRANSIT: VaultClusterArgs = {
        ...LOCAL,
        seal: { type: "transit", address: "https://vault-keys.example.com:8200", keyName: "autounseal", mountPath: "seal-transit", token: TOKEN, caCertPem: CA },
    };

    it("renders the seal stanza without the token, which the pods read as VAULT_TOKEN from a Secret", async () => {
        const d = await deploy(TRANSIT);
        const hcl: string = d.values.server.ha.raft.config;
        assert.match(hcl, /seal "transit" \{\n {2}address {5}= "https:\/\/vault-keys\.example\.com:8200"\n {2}key_name {4}= "autounseal"\n {2}mount_path {2}= "seal-transit\/"\n {2}tls_ca_cert = "\/vault\/userconfig\/vault-transit-seal-ca\/ca\.pem"\n\}/);
        assert.ok(!/token/.test(hcl));
        assert.deepEqual(d.values.server.extraSecretEnvironmentVars, [{ envName: "VAULT_TOKEN", secretName: "vault-transit-seal-token", secretKey: "token" }]);
        assert.deepEqual(d.values.server.extraVolumes, [{ type: "secret", name: "vault-server-tls" }, { type: "secret", name: "vault-transit-seal-ca" }]);
        const token = d.recorder.named(SECRET, "-transit-seal-token");
        assert.deepEqual(token.inputs.metadata, { name: "vault-transit-seal-token", namespace: "vault" });
        assert.ok(isSecretValue(token.inputs.stringData));
        assert.deepEqual(unwrapSecrets(token.inputs.stringData), { token: TOKEN });
        const ca = d.recorder.named(SECRET, "-transit-seal-ca");
        assert.deepEqual(unwrapSecrets(ca.inputs.stringData), { "ca.pem": CA });
        const release = d.recorder.one(RELEASE);
        for (const s of [token, ca]) assert.ok(release.dependencies.includes(s.urn), `${s.name} exists before the pods start`);
        assert.deepEqual(chartSchemaErrors(renderedValues(TRANSIT)), []);
    });

    it("the token appears nowhere but in its Secret, and there only as a Pulumi secret", async () => {
        const d = await deploy(TRANSIT);
        const holders = d.recorder.resources.filter((r) => JSON.stringify(unwrapSecrets(r.inputs)).includes(TOKEN));
        assert.deepEqual(holders.map((r) => r.name), ["prod-transit-seal-token"]);
        const outsideSecrets = (v: unknown): unknown => (isSecretValue(v) ? "<secret>" : Array.isArray(v) ? v.map(outsideSecrets)
            : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, outsideSecrets(x)])) : v);
        const plain = d.recorder.resources.filter((r) => JSON.stringify(outsideSecrets(r.inputs)).includes(TOKEN));
        assert.deepEqual(plain.map((r) => r.name), [], "never outside a secret wrapper");
    });

    it("counts as an auto-unseal seal: recovery keys, and a seal guard keyed on holder, mount and key", async () => {
        const d = await deploy(TRANSIT);
        assert.equal(unwrapSecrets(d.recorder.named(DYNAMIC, "-init").inputs).seal, "transit");
        const rollout = d.recorder.named(DYNAMIC, "-rollout").inputs;
        assert.ok(isSecretValue(rollout.startupSecretsDigest), "a new token restarts the pods: the rollout sees its digest, as a secret");
        assert.equal(unwrapSecrets(rollout.startupSecretsDigest), contentDigest(`${TOKEN}\n${CA}`), "the token and the key holder's CA, read at start");
        const guard = unwrapSecrets(d.recorder.named(DYNAMIC, "-seal").inputs);
        assert.deepEqual({ seal: guard.seal, keyId: guard.keyId }, { seal: "transit", keyId: "https://vault-keys.example.com:8200/v1/seal-transit/keys/autounseal" });
        assert.deepEqual(d.recorder.resources.filter((r) => r.type.startsWith("aws:")), [], "with Raft, no AWS");
    });

    it("refuses a missing token or key, plain http, credentials in the address and other seals' fields, never echoing the token", async () => {
        const e = await refusedBy(() => new VaultCluster("t", { ...LOCAL, seal: { type: "transit", address: "http://keys.example.com", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/x" } }));
        assert.deepEqual(fields(e), ["seal.address", "seal.caCertPem", "seal.keyName", "seal.kmsKeyArn", "seal.token"]);
        assert.match(e.message, /seal\.caCertPem = \(not set\): is required with the transit seal while TLS is on/);
        assert.match(e.message, /seal\.address = "http:\/\/keys\.example\.com": is not an https URL of the key holder Vault/);
        assert.match(e.message, /seal\.token = \(not set\): is required with the transit seal\. Fix: set seal\.token, e\.g\. the key holder's transitSealTokens output/);
        const creds = await refusedBy(() => new VaultCluster("t", { ...TRANSIT, seal: { ...TRANSIT.seal!, address: "https://admin:hunter2@keys.example.com", keyName: "bad key" } }));
        assert.match(creds.message, /seal\.address = <not shown>: is not a URL without credentials/);
        assert.match(creds.message, /seal\.keyName = "bad key": is not a transit key name/);
        for (const text of [e.message, creds.message]) assert.ok(!text.includes(TOKEN) && !text.includes("hunter2"));
        const kms = await refusedBy(() => new VaultCluster("k", { irsa: IRSA, seal: { type: "awskms", keyName: "autounseal", token: TOKEN } }));
        assert.deepEqual(fields(kms), ["seal.keyName", "seal.token"]);
        assert.match(kms.message, /seal\.token = <not shown>: does not apply to the awskms seal/);
        assert.ok(!kms.message.includes(TOKEN));
    });
});

describe("alert rules for a Prometheus without the operator", () => {
    it("vaultAlertRules returns the rule groups the PrometheusRule of the same arguments carries", async () => {
        const { vaultAlertRules } = require("../components") as typeof import("../components");
        const groups = vaultAlertRules("prod", { ...LOCAL, monitoring: { alerts: { requestLatencyP99Ms: 250 } } });
        const d = await deploy({ ...LOCAL, monitoring: { prometheusOperator: true, alerts: { requestLatencyP99Ms: 250 } } });
        const rule = unwrapSecrets(d.recorder.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule").inputs);
        assert.deepEqual(groups, rule.spec.groups);
        assert.ok(groups[0].rules.some((r) => r.alert === "VaultSealed"), groups[0].rules.map((r) => r.alert).join(", "));
        assert.ok(groups[0].rules.some((r) => r.alert === "VaultRequestsSlow" && r.expr.endsWith("> 250")), "the latency threshold of the arguments");
    });

    it("says why there are none with monitoring off, and validates the arguments as the component does", () => {
        const { vaultAlertRules } = require("../components") as typeof import("../components");
        assert.throws(() => vaultAlertRules("prod", { ...LOCAL, monitoring: { enabled: false } }), /monitoring is off, so there are no alert rules/);
        assert.throws(() => vaultAlertRules("prod", { ...LOCAL, replicas: 4 }), /replicas = 4: Raft needs an odd number of voters/);
    });
});
