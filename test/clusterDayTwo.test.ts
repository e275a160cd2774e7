import { strict as assert } from "assert";
import { adminPolicyRules } from "../components/bootstrap/adminIdentity";
import { certificateFingerprint, contentDigest } from "../components/rollout";
import { FAKE_CLUSTER_CA_PEM, FAKE_VAULT_CA_PEM, unwrapSecrets } from "../components/testing/mocks";
import { deploy, IRSA, LOCAL, serverHcl } from "./support/cluster";

const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const RELEASE = "kubernetes:helm.sh/v3:Release";

/** How VaultCluster places the day-2 steps: what they are given and what waits for what. */
describe("VaultCluster's day-2 steps", () => {
    it("registers the rollout after the release and the init step, given what the pods run, and the configuration waits for it", async () => {
        const d = await deploy({ irsa: IRSA, server: { image: { tag: "2.0.5" }, extraEnv: { TEAM: "platform" } } });
        const rollout = d.recorder.named(DYNAMIC, "-rollout");
        const init = d.recorder.named(DYNAMIC, "-init");
        const release = d.recorder.one(RELEASE);
        assert.ok(rollout.dependencies.includes(release.urn) && rollout.dependencies.includes(init.urn));
        const inputs = unwrapSecrets(rollout.inputs);
        assert.equal(inputs.namespace, "vault");
        assert.equal(inputs.statefulSet, "vault");
        assert.equal(inputs.replicas, 3);
        assert.equal(inputs.image, "hashicorp/vault:2.0.5");
        assert.equal(inputs.chartVersion, "0.34.1");
        assert.deepEqual(inputs.environment, { TEAM: "platform" });
        assert.equal(inputs.serverConfigDigest, contentDigest(serverHcl(d.values)), "the digest of the configuration the pods load");
        assert.equal(inputs.roleArn, "arn:aws:iam::123456789012:role/prod-vault-server", "a new role restarts the pods before the old role goes");
        assert.equal(inputs.certificateFingerprint, certificateFingerprint(FAKE_VAULT_CA_PEM));
        assert.equal(inputs.caFingerprint, certificateFingerprint(FAKE_VAULT_CA_PEM));
        assert.equal(inputs.certificateFile, "/vault/userconfig/vault-server-tls/vault.crt");
        assert.equal(inputs.storage, "dynamodb");
        assert.equal(inputs.seal, "awskms");
        assert.equal(inputs.custody.type, "aws-secrets-manager", "the token and keys are read from the init step's own custody");
        assert.deepEqual(rollout.additionalSecretOutputs.sort(), ["custody", "kubeconfig", "startupSecretsDigest", "stateRecords"]);
        const config = d.recorder.resources.find((r) => r.type === "vault-cluster:index:VaultConfig")!;
        assert.ok(config.dependencies.includes(rollout.urn), "the configuration component waits for the rollout");
        // A component's dependsOn does not reach its children; every Vault resource waits for its provider.
        const provider = d.recorder.one("pulumi:providers:vault");
        assert.ok(provider.dependencies.includes(rollout.urn) && provider.dependencies.includes(init.urn), "the provider does not race a step-down");
        const mount = d.recorder.ofType("vault:index/audit:Audit")[0];
        assert.ok(mount.provider.startsWith(`${provider.urn}::`));
        assert.equal(d.recorder.ofType(DYNAMIC).filter((r) => r.name.endsWith("-raft")).length, 0, "no Raft membership with DynamoDB");
    });

    it("with Raft: the membership step runs before the release (peers leave before their pods go), and the admin may manage the peers", async () => {
        const d = await deploy(LOCAL, "local");
        const membership = d.recorder.named(DYNAMIC, "-raft");
        assert.ok(d.recorder.one(RELEASE).dependencies.includes(membership.urn));
        const inputs = unwrapSecrets(membership.inputs);
        assert.deepEqual([inputs.namespace, inputs.statefulSet, inputs.replicas, inputs.custody.type], ["vault", "vault", 3, "kubernetes-secret"]);
        const rollout = unwrapSecrets(d.recorder.named(DYNAMIC, "-rollout").inputs);
        assert.deepEqual([rollout.storage, rollout.seal], ["raft", "shamir"]);
        const paths = adminPolicyRules({ kvV2Mounts: [], awsMounts: [], transitMounts: [], raft: true }).map((r) => `${r.path}=${r.capabilities.join(",")}`);
        for (const expected of ["sys/step-down=update,sudo", "sys/storage/raft/configuration=read", "sys/storage/raft/remove-peer=update,sudo",
            "sys/storage/raft/autopilot/configuration=read,update"]) assert.ok(paths.includes(expected), expected);
        assert.ok(!adminPolicyRules({ kvV2Mounts: [], awsMounts: [], transitMounts: [] }).some((r) => r.path.startsWith("sys/storage/raft")));
    });

    it("with state custody, gives the rollout the init step's records (secret), never the keys in plain", async () => {
        const d = await deploy({ ...LOCAL, bootstrap: { custody: { type: "state" } } }, "local");
        const rollout = d.recorder.named(DYNAMIC, "-rollout");
        assert.ok(rollout.additionalSecretOutputs.includes("stateRecords"));
        assert.equal(unwrapSecrets(rollout.inputs).custody.type, "state");
    });
});

describe("a CA change", () => {
    const previous = FAKE_CLUSTER_CA_PEM;

    it("trusts the previous CA beside the new one everywhere a client verifies Vault, while the pods roll to the new CA", async () => {
        const d = await deploy({ irsa: IRSA, tls: { previousCaCertPem: previous } });
        const bundle = `${FAKE_VAULT_CA_PEM.trimEnd()}\n${previous.trimEnd()}\n`;
        const secret = d.recorder.ofType("kubernetes:core/v1:Secret").find((r) => r.name === "prod-server-tls")!;
        assert.equal(unwrapSecrets(secret.inputs.stringData)["vault.ca"], bundle, "Raft joins and the CSI provider read vault.ca");
        assert.equal(Buffer.from(d.values.injector.extraEnvironmentVars.AGENT_INJECT_VAULT_CACERT_BYTES, "base64").toString(), bundle, "injected agents");
        const rollout = unwrapSecrets(d.recorder.named(DYNAMIC, "-rollout").inputs);
        assert.equal(rollout.caCertPem, bundle, "the rollout verifies old and new pods");
        assert.equal(rollout.caFingerprint, certificateFingerprint(FAKE_VAULT_CA_PEM), "the new CA's fingerprint: its change rolls every pod");
        assert.equal(unwrapSecrets(d.recorder.named(DYNAMIC, "-init").inputs).caCertPem, bundle, "the init step");
        assert.equal(await new Promise((r) => d.cluster.caCertPem.apply(r)), bundle, "the output clients and the provider use");
    });

    it("drops the previous CA once it is removed from the arguments", async () => {
        const d = await deploy({ irsa: IRSA });
        const secret = d.recorder.ofType("kubernetes:core/v1:Secret").find((r) => r.name === "prod-server-tls")!;
        assert.equal(unwrapSecrets(secret.inputs.stringData)["vault.ca"], FAKE_VAULT_CA_PEM);
    });

    it("refuses a previous CA that is not a PEM certificate, without echoing it", async () => {
        await assert.rejects(async () => deploy({ irsa: IRSA, tls: { previousCaCertPem: "-----BEGIN RSA PRIVATE KEY-----\nsecretbody\n-----END RSA PRIVATE KEY-----" } }),
            (e: Error) => /tls\.previousCaCertPem = <not shown>: is not a PEM certificate/.test(e.message) && !e.message.includes("secretbody"));
        // The armour alone is not enough: the rollout fingerprints the CA, and clients must be able to load it.
        await assert.rejects(async () => deploy({ irsa: IRSA, tls: { previousCaCertPem: "-----BEGIN CERTIFICATE-----\nMIIBold\n-----END CERTIFICATE-----\n" } }),
            /tls\.previousCaCertPem = <not shown>: is not a PEM certificate/);
    });
});

describe("a seal change on an initialized cluster", () => {
    const guard = () => require("../components/rollout/sealGuardRuntime").sealGuard as typeof import("../components/rollout/sealGuardRuntime").sealGuard;
    const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    it("is checked by a guard the release waits for, given the seal and its key", async () => {
        const d = await deploy({ irsa: IRSA });
        const seal = d.recorder.named(DYNAMIC, "-seal");
        assert.ok(d.recorder.one(RELEASE).dependencies.includes(seal.urn), "refused before the release writes the new seal");
        assert.deepEqual(unwrapSecrets(seal.inputs).seal, "awskms");
        assert.match(unwrapSecrets(seal.inputs).keyId, /^arn:aws:kms:/);
    });

    it("lets Shamir to auto-unseal through (the rollout migrates it), and no change at all", async () => {
        assert.equal((await guard().diff("seal", { seal: "shamir" }, { seal: "awskms", keyId: KEY })).changes, true);
        assert.equal((await guard().diff("seal", { seal: "awskms", keyId: KEY }, { seal: "awskms", keyId: KEY })).changes, false);
    });

    it("refuses auto-unseal to Shamir, and another KMS key, in the diff (so in preview), with the manual procedure", async () => {
        await assert.rejects(guard().diff("seal", { seal: "awskms", keyId: KEY }, { seal: "shamir" }),
            /changing an initialized cluster's seal from .* is not automated: .*add disabled = "true" to the seal "awskms" stanza.*vault operator unseal -migrate/s);
        await assert.rejects(guard().diff("seal", { seal: "awskms", keyId: KEY }, { seal: "awskms", keyId: KEY.replace("1234abcd", "9999abcd") }),
            /is not automated/);
    });
});
