import { strict as assert } from "assert";
import { ClusterMismatchError, initializeVault, InitializeVaultOptions, InitResponseLostError, PostInitError } from "../components/bootstrap/initializeVault";
import { KubernetesSecretCustody, SecretsManagerCustody, StateCustody } from "../components/bootstrap/custody";
import type { Custody, InitRecord } from "../components/bootstrap/custody";
import { ADMIN_POLICY_HCL, adminPolicyHcl, adminPolicyRules } from "../components/bootstrap/adminIdentity";
import { makeServerCertificate } from "./support/certs";
import type { FakeVault } from "./support/fakeVault";
import { freePort } from "./support/fakeVault";
import { FakeServers, useFakeServers } from "./support/fakes";
import { FakeSecretsManager } from "./support/fakeSecretsManager";
import { parseHcl } from "./support/hcl";
import { withEnv } from "./support/env";

/** Credentials for the fake Secrets Manager (the SDK signs requests), and no Node-version notice on stderr. */
const AWS_TEST_ENV = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "test-secret", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

/** Runs initializeVault against a fake Vault (its first replica is the API) with the suite's CA. */
function runner(f: FakeServers) {
    return (v: FakeVault, custody: Custody, extra: Partial<InitializeVaultOptions> = {}) => initializeVault({
        address: v.addresses[0], replicaAddresses: v.addresses, caCertPem: f.ca.certPem, custody, retryDelayMs: 50, timeoutMs: 5000, ...extra,
    });
}

/** Runs `fn` with stdout and stderr captured; returns what was written. */
async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
    const original = { out: process.stdout.write, err: process.stderr.write };
    let output = "";
    const capture = (chunk: unknown) => { output += String(chunk); return true; };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    try {
        return { result: await fn(), output };
    } finally {
        process.stdout.write = original.out;
        process.stderr.write = original.err;
    }
}

describe("initializeVault against a fake Vault over TLS", function () {
    this.timeout(30_000);
    const f = useFakeServers();
    const run = runner(f);

    it("initializes an auto-unseal Vault exactly once with recovery shares and keeps the response in custody", async () => {
        const v = await f.vault({ seal: "awskms" });
        const custody = new StateCustody();
        const result = await run(v, custody);
        const inits = v.requestsTo("PUT", "/v1/sys/init");
        assert.equal(inits.length, 1);
        assert.deepEqual(inits[0].body, { recovery_shares: 5, recovery_threshold: 3 });
        assert.equal(Object.keys(inits[0].body).some((k) => k.startsWith("secret_")), false);
        assert.equal(result.initialized, true);
        assert.equal(result.recoverySeal, true);
        assert.equal(result.sealType, "awskms");
        assert.equal(result.rootToken, v.rootToken);
        assert.equal(result.record.keys.length, 5);
        assert.equal(result.record.keyThreshold, 3);
        assert.deepEqual(await custody.read("init"), result.record);
        assert.deepEqual(v.requestsTo("PUT", "/v1/sys/unseal"), [], "auto-unseal needs no unseal calls");
        assert.deepEqual(v.requests.slice(0, 2).map((r) => `${r.method} ${r.path}`), ["GET /v1/sys/init", "GET /v1/sys/seal-status"]);
    });

    it("does not init an initialized Vault and takes the token from custody", async () => {
        const first = await f.vault({ seal: "awskms" });
        const custody = new StateCustody();
        const initial = await run(first, custody);
        const v = await f.vault({ seal: "awskms", initialized: { rootToken: initial.rootToken, keysBase64: initial.record.keysBase64, threshold: 3 }, clusterId: first.clusterId });
        const again = await run(v, custody);
        assert.deepEqual(v.requestsTo("PUT", "/v1/sys/init"), []);
        assert.equal(again.initialized, false);
        assert.equal(again.rootToken, initial.rootToken);
    });

    it("refuses an initialized Vault when custody holds nothing, naming both", async () => {
        const v = await f.vault({ seal: "awskms", initialized: { rootToken: "hvs.x", keysBase64: [], threshold: 3 } });
        await assert.rejects(run(v, new StateCustody()), (e: Error) => {
            assert.match(e.message, new RegExp(`Vault at ${v.addresses[0]} is already initialized`));
            assert.match(e.message, /Pulumi stack state \(secret outputs\) holds no init record/);
            return true;
        });
    });

    it("refuses to init a second time when custody already holds a record (storage was wiped)", async () => {
        const v = await f.vault({ seal: "awskms" });
        const custody = new StateCustody({ init: { rootToken: "old" } as InitRecord });
        await assert.rejects(run(v, custody), /already holds an init record/);
        assert.deepEqual(v.requestsTo("PUT", "/v1/sys/init"), []);
    });

    it("initializes a Shamir Vault with secret shares, then unseals every replica", async () => {
        const v = await f.vault({ seal: "shamir", replicas: 3 });
        const custody = new StateCustody();
        const result = await run(v, custody);
        const [init] = v.requestsTo("PUT", "/v1/sys/init");
        assert.deepEqual(init.body, { secret_shares: 5, secret_threshold: 3 });
        assert.equal(result.recoverySeal, false);
        assert.deepEqual(result.unsealed, v.addresses);
        for (let i = 0; i < 3; i++) {
            assert.equal(v.replicaSealed(i), false);
            assert.equal(v.requestsTo("PUT", "/v1/sys/unseal").filter((r) => r.replica === i).length, 3, `replica ${i} got threshold keys`);
        }
    });

    it("verifies the replicas with replicaCaCertPem when the API address has its own trust anchor (an ingress)", async () => {
        // Replica 0 stands for the ingress: its certificate comes from another CA. Replicas 1 and 2 are the pods' tunnels.
        const v = await f.vault({ seal: "shamir", replicas: 3, replicaCertificates: { 0: makeServerCertificate(f.otherCa, { ips: ["127.0.0.1"] }) } });
        const pods = v.addresses.slice(1);
        const result = await run(v, new StateCustody(), { caCertPem: f.otherCa.certPem, replicaAddresses: pods, replicaCaCertPem: f.ca.certPem });
        assert.deepEqual(result.unsealed, pods);
        assert.deepEqual([v.replicaSealed(1), v.replicaSealed(2)], [false, false]);
        const withoutIt = await run(v, new StateCustody(), { caCertPem: f.otherCa.certPem, replicaAddresses: pods, recoveredRecord: result.record })
            .then(() => assert.fail("expected a TLS failure"), (e: Error) => e);
        assert.match(withoutIt.message, /no replica could be unsealed: https:\/\/127\.0\.0\.1:\d+ \(TLS verification of Vault at https:\/\/127\.0\.0\.1:\d+ failed/);
    });

    it("unseals on a later run only the replica found sealed", async () => {
        const v = await f.vault({ seal: "shamir", replicas: 3 });
        const custody = new StateCustody();
        await run(v, custody);
        v.restart(1);
        const before = v.requestsTo("PUT", "/v1/sys/unseal").length;
        const again = await run(v, custody);
        assert.equal(again.initialized, false);
        assert.deepEqual(again.unsealed, [v.addresses[1]]);
        const later = v.requestsTo("PUT", "/v1/sys/unseal").slice(before);
        assert.deepEqual([...new Set(later.map((r) => r.replica))], [1]);
        assert.equal(v.replicaSealed(1), false);
    });

    it("waits for a Vault that is not up yet, then succeeds", async () => {
        const v = await f.vault({ seal: "awskms", startAfterMs: 800 });
        const messages: string[] = [];
        const result = await run(v, new StateCustody(), { log: (m) => messages.push(m) });
        assert.equal(result.initialized, true);
        assert.ok(messages.some((m) => m.startsWith(`Waiting for Vault at ${v.addresses[0]} (ECONNREFUSED`)), messages.join("\n"));
    });

    it("times out on a Vault that never answers, naming the address and the last response", async () => {
        const address = `https://127.0.0.1:${await freePort()}`;
        const started = Date.now();
        await assert.rejects(
            initializeVault({ address, caCertPem: f.ca.certPem, custody: new StateCustody(), timeoutMs: 600, retryDelayMs: 50 }),
            (e: Error) => {
                assert.match(e.message, new RegExp(`^Vault at ${address} did not answer /v1/sys/init within 1 s \\(\\d+ attempts\\); last response: ECONNREFUSED`));
                return true;
            },
        );
        assert.ok(Date.now() - started < 3000);
    });

    it("passes Vault's own error message through and writes nothing to custody", async () => {
        const v = await f.vault({ seal: "awskms" });
        v.failOnce("PUT", "/v1/sys/init", 400, ["failed to initialize barrier: example reason from Vault"]);
        const custody = new StateCustody();
        await assert.rejects(run(v, custody), (e: Error) => {
            assert.equal(e.message, `Vault at ${v.addresses[0]} answered PUT /v1/sys/init with 400: failed to initialize barrier: example reason from Vault`);
            return true;
        });
        assert.equal(await custody.read("init"), undefined);
    });

    it("fails with a TLS error, at once, when the CA does not match", async () => {
        const v = await f.vault({ seal: "awskms" });
        const started = Date.now();
        await assert.rejects(run(v, new StateCustody(), { caCertPem: f.otherCa.certPem, timeoutMs: 20_000 }), (e: Error) => {
            assert.match(e.message, new RegExp(`^TLS verification of Vault at ${v.addresses[0]} failed: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)`));
            return true;
        });
        assert.ok(Date.now() - started < 5000, "no retrying until the timeout");
        assert.deepEqual(v.requests, []);
    });

    it("fails with a TLS error when the certificate does not carry the name", async () => {
        const v = await f.vault({ seal: "awskms" });
        await assert.rejects(run(v, new StateCustody(), { tlsServerName: "vault.other.svc" }), /TLS verification .* failed: ERR_TLS_CERT_ALTNAME_INVALID/);
    });

    it("encrypts recovery shares to named holders' PGP keys and records who holds which", async () => {
        const v = await f.vault({ seal: "awskms" });
        const pgpKeys = ["bWFyaWU=", "amFtZXM=", "bGVl"];
        const result = await run(v, new StateCustody(), { pgpKeys, keyHolders: ["marie", "james", "lee"], keyThreshold: 2 });
        const [init] = v.requestsTo("PUT", "/v1/sys/init");
        assert.deepEqual(init.body, { recovery_shares: 3, recovery_threshold: 2, recovery_pgp_keys: pgpKeys });
        assert.deepEqual(result.record.keyHolders, ["marie", "james", "lee"]);
        assert.equal(result.record.keys.length, 3);
    });

    it("encrypts the root token to a PGP key when asked, and then hands out no token", async () => {
        const v = await f.vault({ seal: "awskms" });
        const result = await run(v, new StateCustody(), { rootTokenPgpKey: "cm9vdC1rZXk=" });
        assert.equal(v.requestsTo("PUT", "/v1/sys/init")[0].body.root_token_pgp_key, "cm9vdC1rZXk=");
        assert.equal(result.record.rootTokenEncrypted, true);
        assert.equal(result.rootToken, "");
    });

    it("creates Pulumi's admin identity, keeps it in custody and revokes the root token", async () => {
        const v = await f.vault({ seal: "awskms" });
        const custody = new StateCustody();
        const result = await run(v, custody, { revokeRootToken: true });
        assert.equal(result.rootToken, "");
        assert.ok(result.admin);
        assert.deepEqual(await custody.read("admin"), result.admin);
        assert.equal(v.tokens.has(v.rootToken!), false, "root token revoked");
        assert.deepEqual(v.requestsTo("POST", "/v1/sys/auth/pulumi").map((r) => r.body.type), ["approle"]);
        assert.equal(v.policies.get("pulumi-admin"), ADMIN_POLICY_HCL);
        const policy = await parseHcl(ADMIN_POLICY_HCL);
        assert.ok(!Object.keys(policy.path).some((p) => p === "*" || /\/data\//.test(p)), "no catch-all, no KV data");
        // A second run logs in with the kept identity, creates nothing, and brings the policy up to date.
        const scoped = adminPolicyHcl({ kvV2Mounts: ["team-a/kv"], awsMounts: [], transitMounts: [] });
        const again = await run(v, custody, { revokeRootToken: true, adminPolicyHcl: scoped });
        assert.deepEqual(again.admin, result.admin);
        assert.equal(again.rootToken, "");
        assert.equal(v.requestsTo("POST", "/v1/sys/auth/pulumi").length, 1);
        assert.equal(v.requestsTo("POST", "/v1/auth/pulumi/login").length, 2);
        assert.equal(v.policies.get("pulumi-admin"), scoped);
        const update = v.requestsTo("PUT", "/v1/sys/policies/acl/pulumi-admin").at(-1)!;
        assert.ok(update.token && update.token !== v.rootToken, "written with the admin identity's own token");
        // Without revokeRootToken later, the kept identity still wins: the root token is gone for good.
        const third = await run(v, custody);
        assert.equal(third.rootToken, "");
        assert.deepEqual(third.admin, result.admin);
    });

    it("prints nothing secret, even with progress logging on", async () => {
        const v = await f.vault({ seal: "shamir", replicas: 2, startAfterMs: 200 });
        const { result, output } = await captureOutput(() => run(v, new StateCustody(), { log: (m) => console.log(m), revokeRootToken: true }));
        assert.ok(output.includes("Vault initialized"), "progress is logged");
        for (const secret of [v.rootToken!, ...result.record.keys, ...result.record.keysBase64, result.admin!.secretId]) {
            assert.ok(!output.includes(secret), "a key or token reached stdout/stderr");
        }
    });
});

describe("the admin identity's policy", () => {
    it("configures exactly the configured engines, nested mounts included, and never reads KV data", async () => {
        const rules = adminPolicyRules({ kvV2Mounts: ["team-a/kv"], awsMounts: ["aws"], transitMounts: ["transit"] });
        const paths = rules.map((r) => r.path);
        for (const p of ["team-a/kv/config", "aws/config/*", "aws/roles/*", "transit/keys/*", "sys/mounts/*", "auth/*", "auth/token/create"]) assert.ok(paths.includes(p), p);
        assert.ok(!paths.some((p) => p === "*" || p.includes("/data/") || p.startsWith("+")), paths.join(", "));
        const parsed = await parseHcl(adminPolicyHcl({ kvV2Mounts: ["team-a/kv"], awsMounts: [], transitMounts: [] }));
        assert.deepEqual(parsed.path["team-a/kv/config"][0].capabilities, ["create", "read", "update", "delete", "list"]);
    });
});

describe("custody backends", function () {
    this.timeout(30_000);
    const f = useFakeServers();
    const run = runner(f);

    it("AWS Secrets Manager: written once with PutSecretValue, read back on the next run, never overwritten", () => withEnv(AWS_TEST_ENV, async () => {
        const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/vault-init-AbCdEf";
        const sm = await new FakeSecretsManager([arn]).start();
        f.track(sm);
        const custody = new SecretsManagerCustody({ type: "aws-secrets-manager", secretIds: { init: arn }, region: "eu-west-1", endpoint: sm.endpoint });
        const v = await f.vault({ seal: "awskms" });
        const first = await run(v, custody);
        assert.equal(sm.operations("PutSecretValue").length, 1);
        assert.deepEqual(JSON.parse(sm.secrets.get(arn)!), first.record);
        const second = await run(v, custody);
        assert.equal(second.rootToken, first.rootToken);
        assert.equal(sm.operations("PutSecretValue").length, 1, "not written again");
        await assert.rejects(custody.writeOnce("init", { ...first.record, rootToken: "hvs.other" }), /already holds the init record; it is written once and never overwritten/);
        await custody.writeOnce("init", first.record); // a retry of the same record is not a second write
        assert.equal(sm.operations("PutSecretValue").length, 1);
        assert.deepEqual(JSON.parse(sm.secrets.get(arn)!), first.record);
        assert.match(sm.operations("PutSecretValue")[0].ClientRequestToken, /^[0-9a-f]{64}$/, "idempotency token derived from the content");
    }));

    it("AWS Secrets Manager: a missing custody secret stops init before Vault is touched", () => withEnv(AWS_TEST_ENV, async () => {
        const sm = await new FakeSecretsManager([]).start();
        f.track(sm);
        const custody = new SecretsManagerCustody({ type: "aws-secrets-manager", secretIds: { init: "missing" }, region: "eu-west-1", endpoint: sm.endpoint });
        const v = await f.vault({ seal: "awskms" });
        await assert.rejects(run(v, custody), /AWS Secrets Manager failed checking secret missing before init: ResourceNotFoundException/);
        assert.deepEqual(v.requestsTo("PUT", "/v1/sys/init"), []);
    }));

    it("Kubernetes Secret: created once (immutable), read back, a second create refused", async () => {
        const kube = await f.kube();
        const custody = new KubernetesSecretCustody({ type: "kubernetes-secret", namespace: "vault", names: { init: "vault-init", admin: "vault-init-admin" }, kubeconfig: kube.kubeconfig() });
        const v = await f.vault({ seal: "shamir", replicas: 1 });
        const first = await run(v, custody);
        const stored = kube.secrets.get("vault/vault-init");
        assert.equal(stored.immutable, true);
        assert.deepEqual(JSON.parse(Buffer.from(stored.data["record.json"], "base64").toString()), first.record);
        const second = await run(v, custody);
        assert.equal(second.initialized, false);
        assert.equal(kube.secrets.size, 1);
        await assert.rejects(custody.writeOnce("init", { ...first.record, rootToken: "hvs.other" }), /Secret vault\/vault-init already holds the init record/);
        await custody.writeOnce("init", first.record);
        assert.deepEqual(JSON.parse(Buffer.from(kube.secrets.get("vault/vault-init").data["record.json"], "base64").toString()), first.record);
    });

    it("Kubernetes Secret: a create the RBAC would refuse stops init before Vault is touched (server-side dry run)", async () => {
        const kube = await f.kube();
        kube.canCreateSecrets = false;
        const custody = new KubernetesSecretCustody({ type: "kubernetes-secret", namespace: "vault", names: { init: "vault-init", admin: "vault-init-admin" }, kubeconfig: kube.kubeconfig() });
        const v = await f.vault({ seal: "awskms" });
        await assert.rejects(run(v, custody), /Kubernetes API failed checking \(dry run\) that it can create Secret vault\/vault-init: HTTP 403 \(secrets is forbidden/);
        assert.deepEqual(v.requestsTo("PUT", "/v1/sys/init"), []);
    });
});

describe("keys are never lost after init", function () {
    this.timeout(30_000);
    const f = useFakeServers();
    const run = runner(f);

    /** Custody that accepts the preflight, then refuses writes until `healthy` is set. */
    class FlakyCustody extends StateCustody {
        healthy = false;
        writes = 0;
        override async writeOnce(slot: "init" | "admin", record: any): Promise<void> {
            this.writes++;
            if (!this.healthy) throw new Error("AccessDeniedException: not authorized to perform kms:GenerateDataKey");
            return super.writeOnce(slot, record);
        }
    }

    it("hands the record to the caller when custody fails after init, and writes it on the next run", async () => {
        const v = await f.vault({ seal: "awskms" });
        const custody = new FlakyCustody();
        const error = await run(v, custody).then(() => assert.fail("init should report the custody failure"), (e) => e);
        assert.ok(error instanceof PostInitError, String(error));
        assert.equal(error.partial.custodyWritten, false);
        assert.equal(error.partial.record.rootToken, v.rootToken, "the record survives in the error");
        assert.equal(custody.writes, 5, "retried");
        assert.ok(!error.message.includes(v.rootToken!), "no secret in the message");
        custody.healthy = true;
        const again = await run(v, custody, { recoveredRecord: error.partial.record });
        assert.equal(again.initialized, false);
        assert.deepEqual(await custody.read("init"), error.partial.record);
        assert.equal(v.requestsTo("PUT", "/v1/sys/init").length, 1);
    });

    it("keeps the record when a step after init fails (the admin identity cannot be created)", async () => {
        const v = await f.vault({ seal: "awskms" });
        const custody = new StateCustody();
        v.failOnce("POST", "/v1/sys/auth/pulumi", 500, ["internal error"]);
        const error = await run(v, custody, { revokeRootToken: true }).then(() => assert.fail("expected a failure"), (e) => e);
        assert.ok(error instanceof PostInitError);
        assert.equal(error.partial.custodyWritten, true);
        assert.match(error.message, /kept in Pulumi stack state .* but a later step failed: HTTP 500 \(internal error\)/);
        assert.deepEqual(await custody.read("init"), error.partial.record);
        assert.ok(!error.message.includes(v.rootToken!));
    });
});

/**
 * Production durations, scaled 100 times down: the 15 s idle timeout of ordinary requests becomes 150 ms, and
 * answers after 20 s and 120 s become 200 ms and 1.2 s (8 idle timeouts).
 */
const SCALE = 1 / 100;
const scaled = (seconds: number) => Math.round(seconds * 1000 * SCALE);

describe("PUT /v1/sys/init waits as long as Vault needs", function () {
    this.timeout(30_000);
    const f = useFakeServers();
    const run = runner(f);

    for (const seconds of [20, 120]) {
        it(`keeps the response of an init answered after ${seconds} s (scaled: ${scaled(seconds)} ms, idle timeout ${scaled(15)} ms)`, async () => {
            const v = await f.vault({ seal: "awskms" });
            v.delays.set("PUT /v1/sys/init", scaled(seconds));
            const custody = new StateCustody();
            const started = Date.now();
            const result = await run(v, custody, { requestTimeoutMs: scaled(15) });
            assert.ok(Date.now() - started >= scaled(seconds), "the answer was waited for");
            assert.equal(result.initialized, true);
            assert.equal((await custody.read("init"))?.rootToken, v.rootToken);
            assert.equal(v.requestsTo("PUT", "/v1/sys/init").length, 1);
        });
    }

    it("bounds ordinary requests by the idle timeout (the same 20 s silence on GET /v1/sys/init fails)", async () => {
        const v = await f.vault({ seal: "awskms" });
        v.delays.set("GET /v1/sys/init", scaled(20));
        await assert.rejects(run(v, new StateCustody(), { requestTimeoutMs: scaled(15), timeoutMs: 1000 }),
            /did not answer \/v1\/sys\/init within 1 s \(\d+ attempts\); last response: ETIMEDOUT: no answer within 150 ms/);
        assert.equal(v.initialized, false);
    });

    it("keeps the response of an init answered after a real 3.5 s, with a real idle timeout of 1 s", async () => {
        const v = await f.vault({ seal: "shamir", replicas: 2 });
        v.delays.set("PUT /v1/sys/init", 3500);
        const custody = new StateCustody();
        const result = await run(v, custody, { requestTimeoutMs: 1000 });
        assert.equal((await custody.read("init"))?.rootToken, v.rootToken);
        assert.deepEqual(result.unsealed, v.addresses);
    });

    it("says exactly what happened when the connection breaks after the request was sent, and what to do", async () => {
        const v = await f.vault({ seal: "awskms" });
        v.dropInitResponse = true;
        const custody = new StateCustody();
        const error = await run(v, custody).then(() => assert.fail("expected a failure"), (e) => e);
        assert.ok(error instanceof InitResponseLostError, String(error));
        assert.match(error.message, new RegExp(`^The connection to Vault at ${v.addresses[0]} broke after PUT /v1/sys/init was sent \\(ECONNRESET: socket hang up\\): ` +
            "Vault may now be initialized, with its response \\(root token and keys\\) lost on the wire; nothing reached custody\\."));
        assert.match(error.message, /Running again is safe .* wipe its storage and run again \(README, "Recovery: the init response was lost"\)/);
        assert.equal(v.initialized, true, "Vault did initialize");
        assert.equal(await custody.read("init"), undefined);
        assert.ok(!error.message.includes(v.rootToken!));
        // The next run sees an initialized Vault with empty custody: it refuses, pointing at the same recovery.
        v.dropInitResponse = false;
        await assert.rejects(run(v, custody), /already initialized, but .* holds no init record.*"Recovery: the init response was lost"/);
        assert.equal(v.requestsTo("PUT", "/v1/sys/init").length, 1, "never sent twice");
        // The README's recovery: wipe the storage (no data was written yet), restart the pods, run again.
        v.wipeStorage();
        const result = await run(v, custody);
        assert.equal(result.initialized, true);
        assert.equal((await custody.read("init"))?.rootToken, v.rootToken, "the new init response is in custody");
        assert.equal(v.requestsTo("PUT", "/v1/sys/init").length, 2);
    });

    it("sends the request again when the connection broke before it was sent", async () => {
        const v = await f.vault({ seal: "awskms" });
        const messages: string[] = [];
        // Break the very connection that carries PUT /v1/sys/init, before its TLS handshake.
        const log = (m: string) => {
            messages.push(m);
            if (m.startsWith("Initializing") && messages.filter((x) => x.startsWith("Initializing")).length === 1) v.dropConnections.set(0, 1);
        };
        const custody = new StateCustody();
        const result = await run(v, custody, { log });
        assert.equal(result.initialized, true);
        assert.equal(v.requestsTo("PUT", "/v1/sys/init").length, 1);
        assert.equal((await custody.read("init"))?.rootToken, v.rootToken);
        assert.ok(messages.some((m) => /^PUT \/v1\/sys\/init did not reach Vault at .* \(ECONNRESET/.test(m)), messages.join("\n"));
    });
});

describe("start-up answers", function () {
    this.timeout(30_000);
    const f = useFakeServers();
    const run = runner(f);

    it("retries 404, 502 and 503 within the deadline (an ingress not routed yet)", async () => {
        const v = await f.vault({ seal: "awskms" });
        for (const status of [404, 502, 503]) v.failOnce("GET", "/v1/sys/init", status, []);
        const messages: string[] = [];
        const result = await run(v, new StateCustody(), { log: (m) => messages.push(m) });
        assert.equal(result.initialized, true);
        assert.deepEqual(messages.filter((m) => m.startsWith("Waiting")).map((m) => /HTTP (\d+)/.exec(m)?.[1]), ["404", "502", "503"]);
    });

    it("fails at once on other 4xx, naming Vault's answer", async () => {
        const v = await f.vault({ seal: "awskms" });
        v.failOnce("GET", "/v1/sys/init", 403, ["permission denied"], 100);
        const started = Date.now();
        await assert.rejects(run(v, new StateCustody()), /answered GET \/v1\/sys\/init with 403: permission denied/);
        assert.equal(v.requestsTo("GET", "/v1/sys/init").length, 1);
        assert.ok(Date.now() - started < 2000);
    });
});

describe("Shamir unseal of every replica", function () {
    this.timeout(30_000);
    const f = useFakeServers();
    const run = runner(f);

    it("unseals every replica that answers, in parallel, and names the ones left sealed (one that never answers, one gone)", async () => {
        const v = await f.vault({ seal: "shamir", replicas: 3 });
        v.silent.add(1);
        const gone = `https://127.0.0.1:${await freePort()}`;
        const replicas = [v.addresses[0], v.addresses[1], gone, v.addresses[2]];
        const messages: string[] = [];
        const started = Date.now();
        const result = await run(v, new StateCustody(), { replicaAddresses: replicas, replicaTimeoutMs: 800, requestTimeoutMs: 300, log: (m) => messages.push(m) });
        const elapsed = Date.now() - started;
        assert.deepEqual(result.unsealed, [v.addresses[0], v.addresses[2]]);
        assert.deepEqual(result.sealedReplicas, [v.addresses[1], gone]);
        assert.equal(v.replicaSealed(2), false);
        assert.ok(elapsed < 3000, `the dead replicas cost one replica timeout, not one each (${elapsed} ms)`);
        assert.ok(messages.includes(`Unsealing replica 4 of 4 (${v.addresses[2]})`), messages.join("\n"));
        assert.ok(messages.some((m) => m.startsWith(`Replica ${gone} is left sealed: Vault at ${gone} did not answer /v1/sys/seal-status`)), messages.join("\n"));
    });

    it("fails, keeping the record, when no replica could be unsealed", async () => {
        const v = await f.vault({ seal: "shamir", replicas: 1 });
        const gone = `https://127.0.0.1:${await freePort()}`;
        const error = await run(v, new StateCustody(), { address: v.addresses[0], replicaAddresses: [gone], replicaTimeoutMs: 300 })
            .then(() => assert.fail("expected a failure"), (e) => e);
        assert.ok(error instanceof PostInitError);
        assert.match(error.message, new RegExp(`a later step failed: no replica could be unsealed: ${gone} \\(Vault at ${gone} did not answer`));
        assert.equal(error.partial.record.rootToken, v.rootToken);
    });
});

describe("custody bound to its cluster", function () {
    this.timeout(30_000);
    const f = useFakeServers();
    const run = runner(f);

    it("records Vault's cluster_id with the init response (auto-unseal)", async () => {
        const v = await f.vault({ seal: "awskms" });
        const custody = new StateCustody();
        const result = await run(v, custody);
        assert.match(v.clusterId!, /^[0-9a-f-]{36}$/);
        assert.equal((await custody.read("init"))?.clusterId, v.clusterId);
        assert.equal(result.clusterId, v.clusterId);
    });

    it("refuses a record of another cluster and never sends its token there", async () => {
        const a = await f.vault({ seal: "awskms" });
        const custody = new StateCustody();
        const { record } = await run(a, custody);
        // Another cluster, initialized, whose custody was pointed at cluster A's record.
        const b = await f.vault({ seal: "awskms", initialized: { rootToken: "hvs.cluster-b-root", keysBase64: [], threshold: 3 } });
        await assert.rejects(run(b, custody, { revokeRootToken: true }), (e: Error) => {
            assert.ok(e instanceof ClusterMismatchError, String(e));
            assert.equal(e.message, `Pulumi stack state (secret outputs) holds the init record of Vault cluster ${a.clusterId}, but Vault at ${b.addresses[0]} ` +
                `is cluster ${b.clusterId}: refusing to use that record (or its token) here. Point bootstrap.custody at this cluster's own record; if this ` +
                "cluster was re-initialized on purpose, move the old record aside and keep the new init response in custody.");
            return true;
        });
        assert.ok(b.requests.every((r) => r.token === undefined), "no token was sent to cluster B");
        assert.ok(!b.requests.some((r) => JSON.stringify(r.body ?? {}).includes(record.rootToken)));
    });

    it("refuses a Shamir record whose cluster the state knows to be another (the record itself has no cluster_id)", async () => {
        const v = await f.vault({ seal: "shamir", replicas: 1 });
        const custody = new StateCustody();
        const first = await run(v, custody);
        assert.equal(first.record.clusterId, undefined, "sealed right after init: the cluster is bound in the state instead");
        assert.equal(first.clusterId, v.clusterId);
        await assert.rejects(run(v, custody, { expectedClusterId: "5d0b7c8e-0000-4000-8000-000000000000", revokeRootToken: true }), ClusterMismatchError);
        assert.equal(v.requestsTo("POST", "/v1/sys/auth/pulumi").length, 0, "the token was not used");
    });

    it("carries the record over when custody moves: read from the old, checked against the cluster, written once to the new", async () => {
        const v = await f.vault({ seal: "awskms" });
        const old = new StateCustody();
        const { record } = await run(v, old, { revokeRootToken: true });
        const moved = new StateCustody();
        const messages: string[] = [];
        const result = await run(v, moved, { previousCustody: old, log: (m) => messages.push(m) });
        assert.deepEqual(await moved.read("init"), record);
        assert.deepEqual(await moved.read("admin"), await old.read("admin"), "the admin identity moves too: no second secret ID");
        assert.equal(v.requestsTo("POST", "/v1/auth/pulumi/role/admin/secret-id").length, 1);
        assert.deepEqual(await old.read("init"), record, "the old custody keeps its copy");
        assert.equal(result.carriedOverFrom, old.description);
        assert.ok(messages.includes(`The init record moved from ${old.description} to ${moved.description}`));
        // A record of another cluster is not carried anywhere.
        const other = await f.vault({ seal: "awskms", initialized: { rootToken: "hvs.other", keysBase64: [], threshold: 3 } });
        const target = new StateCustody();
        await assert.rejects(run(other, target, { previousCustody: old }), ClusterMismatchError);
        assert.equal(await target.read("init"), undefined);
    });
});
