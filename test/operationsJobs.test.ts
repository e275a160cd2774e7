import { strict as assert } from "assert";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { request } from "https";
import { tmpdir } from "os";
import { join } from "path";
import { gunzipSync } from "zlib";
import { renderPolicy } from "../components/config/policy";
import type { Backup } from "../components/operations/args";
import type { RaftSnapshotSettings } from "../components/operations/backupSettings";
import { renderSnapshotCronJob, renderTokenRenewCronJob } from "../components/operations/jobs";
import { METRICS_POLICY_RULES, SNAPSHOT_POLICY_RULES } from "../components/operations/vaultPolicies";
import type { VaultClusterArgs } from "../components";
import { makeCa, makeServerCertificate } from "./support/certs";
import { IRSA, LOCAL } from "./support/cluster";
import { FakeAws } from "./support/fakeAws";
import { FakeVault, type FakeAcl } from "./support/fakeVault";
import { parseHcl } from "./support/hcl";
import { runShell } from "./support/shell";
import { resolveOperations } from "./support/operations";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6dmF1bHQ6dmF1bHQtc25hcHNob3QifQ.c2lnbmF0dXJl";

const snapshotSettings = (cluster: VaultClusterArgs, backup?: Backup): RaftSnapshotSettings => resolveOperations(cluster, { backup }).backup.raftSnapshots!;

/** The container the CronJob runs: its script and environment, as rendered. */
function jobContainer(cronJob: Record<string, any>): { script: string; env: Record<string, string> } {
    const c = cronJob.spec.jobTemplate.spec.template.spec.containers[0];
    assert.deepEqual(c.command.slice(0, 2), ["/bin/sh", "-c"]);
    return { script: c.command[2], env: Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value])) };
}

/** ACL rules of rendered policy HCL, read by HashiCorp's parser, for the stand-in to enforce. */
async function aclOf(hcl: string): Promise<FakeAcl> {
    const parsed = await parseHcl(hcl);
    return Object.entries(parsed.path as Record<string, { capabilities: string[] }[]>).map(([path, [block]]) => ({ path, capabilities: block.capabilities }));
}

function post(url: string, token: string, body: Buffer, ca: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const req = request(url, { method: "POST", ca, headers: { "X-Vault-Token": token, "Content-Type": "application/octet-stream" } }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end(body);
    });
}

describe("operations jobs, run with sh against the stand-ins", function () {
    this.timeout(60_000);
    const ca = makeCa();
    const certificate = makeServerCertificate(ca, { ips: ["127.0.0.1"] });
    let fake: FakeVault;
    let dir: string;
    let files: { ca: string; jwt: string };

    beforeEach(async () => {
        fake = await new FakeVault({ seal: "awskms", certificate, initialized: { rootToken: "hvs.root", keysBase64: [], threshold: 1 } }).start();
        fake.kubernetesRoles.set("kubernetes/raft-snapshot", { jwt: JWT, policies: ["raft-snapshot"] });
        fake.acl.set("raft-snapshot", await aclOf(renderPolicy(SNAPSHOT_POLICY_RULES)));
        dir = mkdtempSync(join(tmpdir(), "vault-ops-"));
        files = { ca: join(dir, "vault.ca"), jwt: join(dir, "token") };
        writeFileSync(files.ca, ca.certPem);
        writeFileSync(files.jwt, JWT);
    });
    afterEach(async () => {
        await fake.stop();
        rmSync(dir, { recursive: true, force: true });
    });

    describe("Raft snapshots to a volume", () => {
        const settings = snapshotSettings(LOCAL, { raftSnapshots: { keep: 3 } });
        const { script, env } = jobContainer(renderSnapshotCronJob(settings));
        const run = (snapshots: string) => runShell(script, {
            ...env, VAULT_ADDR: fake.addresses[0], VAULT_CACERT: files.ca, VAULT_JWT_PATH: files.jwt, SNAPSHOT_DIR: snapshots,
        });
        const snapshotFiles = (d: string) => readdirSync(d).filter((f) => /^vault-raft-\d{8}T\d{6}Z\.snap$/.test(f)).sort();

        it("logs in as the snapshot role, saves a whole snapshot of the Raft data, and revokes its token", async () => {
            const out = join(dir, "snapshots");
            require("fs").mkdirSync(out);
            const r = await run(out);
            assert.equal(r.code, 0, r.stderr);
            const [file] = snapshotFiles(out);
            assert.ok(file, `no snapshot in ${readdirSync(out)}`);
            assert.deepEqual(JSON.parse(gunzipSync(readFileSync(join(out, file))).toString()), fake.raftData);
            const [login] = fake.requestsTo("POST", "/v1/auth/kubernetes/login");
            assert.deepEqual(login.body, { role: "raft-snapshot", jwt: JWT });
            const [get] = fake.requestsTo("GET", "/v1/sys/storage/raft/snapshot");
            assert.notEqual(get.token, "hvs.root");
            assert.deepEqual(fake.requestsTo("POST", "/v1/auth/token/revoke-self").map((x) => x.token), [get.token]);
            assert.ok(!fake.tokens.has(get.token!), "the job's token is revoked");
            assert.ok(!r.stderr.includes(get.token!) && !r.stderr.includes(JWT), "no token in the log");
            assert.deepEqual(readdirSync(out).filter((f) => f.includes("partial")), []);
        });

        it("keeps the newest `keep` snapshots and leaves other files alone", async () => {
            const out = join(dir, "snapshots");
            require("fs").mkdirSync(out);
            const old = ["20250101T000000Z", "20250102T000000Z", "20250103T000000Z", "20250104T000000Z"].map((t) => `vault-raft-${t}.snap`);
            for (const f of [...old, "notes.txt"]) writeFileSync(join(out, f), "x");
            const r = await run(out);
            assert.equal(r.code, 0, r.stderr);
            const kept = snapshotFiles(out);
            assert.equal(kept.length, 3);
            assert.deepEqual(kept.slice(0, 2), old.slice(2), "the two newest old ones stay");
            assert.ok(readdirSync(out).includes("notes.txt"));
            assert.match(r.stderr, /pruned vault-raft-20250101T000000Z\.snap/);
        });

        it("rides out a 500 and a dropped connection (retries), and stores the snapshot", async () => {
            const out = join(dir, "snapshots");
            require("fs").mkdirSync(out);
            fake.dropOnce("POST", "/v1/auth/kubernetes/login");
            fake.failOnce("GET", "/v1/sys/storage/raft/snapshot", 500, ["internal error"]);
            const r = await run(out);
            assert.equal(r.code, 0, r.stderr);
            assert.equal(fake.requestsTo("GET", "/v1/sys/storage/raft/snapshot").length, 2);
            assert.equal(snapshotFiles(out).length, 1);
        });

        it("fails, storing nothing, when the role's policy does not grant the snapshot", async () => {
            const out = join(dir, "snapshots");
            require("fs").mkdirSync(out);
            fake.acl.set("raft-snapshot", [{ path: "sys/storage/raft/snapshot", capabilities: ["list"] }]);
            const r = await run(out);
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /ERROR: GET sys\/storage\/raft\/snapshot failed: .*permission denied/);
            assert.deepEqual(readdirSync(out), []);
        });

        it("fails when Vault answers something that is not a snapshot, storing nothing", async () => {
            const out = join(dir, "snapshots");
            require("fs").mkdirSync(out);
            fake.failOnce("GET", "/v1/sys/storage/raft/snapshot", 200, ["not a snapshot"]);
            const r = await run(out);
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /not a whole gzip archive; nothing stored/);
            assert.deepEqual(readdirSync(out), []);
        });

        it("fails with the login error when the service account token is refused", async () => {
            const out = join(dir, "snapshots");
            require("fs").mkdirSync(out);
            writeFileSync(files.jwt, "eyJ.someone-else.sig");
            const r = await run(out);
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /login on auth\/kubernetes as role raft-snapshot failed/);
            assert.equal(fake.requestsTo("GET", "/v1/sys/storage/raft/snapshot").length, 0);
        });

        it("writes a snapshot that restores through POST sys/storage/raft/snapshot-force", async () => {
            const out = join(dir, "snapshots");
            require("fs").mkdirSync(out);
            const before = { ...fake.raftData, "secret/app": "v1" };
            fake.raftData = before;
            assert.equal((await run(out)).code, 0);
            fake.raftData = { "core/cluster-id": "a-new-cluster" };
            const snapshot = readFileSync(join(out, snapshotFiles(out)[0]));
            assert.equal(await post(`${fake.addresses[0]}/v1/sys/storage/raft/snapshot-force`, "hvs.root", snapshot, ca.certPem), 204);
            assert.deepEqual(fake.raftData, before);
        });

        it("the snapshot identity cannot restore", async () => {
            const out = join(dir, "snapshots");
            require("fs").mkdirSync(out);
            assert.equal((await run(out)).code, 0);
            const jobToken = fake.issueToken(["raft-snapshot"]);
            const snapshot = readFileSync(join(out, snapshotFiles(out)[0]));
            assert.equal(await post(`${fake.addresses[0]}/v1/sys/storage/raft/snapshot-force`, jobToken, snapshot, ca.certPem), 403);
        });
    });

    describe("Raft snapshots to S3 through IRSA", () => {
        const cluster: VaultClusterArgs = { storage: { type: "raft" }, irsa: IRSA };
        const settings = snapshotSettings(cluster);
        const { script, env } = jobContainer(renderSnapshotCronJob(settings, { bucket: "prod-snapshots", region: "eu-west-1" }));
        const roleArn = "arn:aws:iam::123456789012:role/prod-vault-snapshot";
        let aws: FakeAws;
        beforeEach(async () => { aws = await new FakeAws({ roleArn, webIdentityToken: "irsa-web-identity-token", region: "eu-west-1" }).start(); });
        afterEach(() => aws.stop());
        const run = () => {
            writeFileSync(join(dir, "irsa-token"), "irsa-web-identity-token");
            // What the EKS pod identity webhook adds to the pod, and the stand-ins' endpoints.
            return runShell(script, {
                ...env, VAULT_ADDR: fake.addresses[0], VAULT_CACERT: files.ca, VAULT_JWT_PATH: files.jwt,
                AWS_ROLE_ARN: roleArn, AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, "irsa-token"),
                STS_ENDPOINT: aws.stsEndpoint, S3_ENDPOINT: aws.s3Endpoint("prod-snapshots"),
            });
        };

        it("uploads the snapshot under the prefix with a SigV4 signature from the role's session credentials", async () => {
            assert.equal(env.S3_PREFIX, "vault/vault/");
            const r = await run();
            assert.equal(r.code, 0, r.stderr);
            const keys = [...aws.objects.keys()];
            assert.equal(keys.length, 1);
            assert.match(keys[0], /^prod-snapshots\/vault\/vault\/vault-raft-\d{8}T\d{6}Z\.snap$/);
            const object = aws.objects.get(keys[0])!;
            assert.deepEqual(JSON.parse(gunzipSync(object.body).toString()), fake.raftData);
            assert.equal(object.contentType, "application/octet-stream");
            assert.deepEqual(aws.requests.map((x) => [x.service, x.status]), [["sts", 200], ["s3", 200]]);
            assert.ok(!/ASIA|SessionToken|irsa-web-identity-token/.test(r.stderr), "no credential in the log");
        });

        it("retries an STS 503 and an S3 503", async () => {
            aws.failOnce("sts", 503);
            aws.failOnce("s3", 503);
            const r = await run();
            assert.equal(r.code, 0, r.stderr);
            assert.equal(aws.objects.size, 1);
        });

        it("fails with STS's answer when the role does not trust the job", async () => {
            aws.expected.roleArn = "arn:aws:iam::123456789012:role/another";
            const r = await run();
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /STS refused AssumeRoleWithWebIdentity for arn:aws:iam::123456789012:role\/prod-vault-snapshot: .*AccessDenied/);
            assert.equal(aws.objects.size, 0);
        });
    });

    describe("metrics token renewal", () => {
        const m = resolveOperations(LOCAL, { monitoring: { prometheusOperator: true } }).monitoring!;
        const { script, env } = jobContainer(renderTokenRenewCronJob(m, m.token!, "https://vault-active.vault.svc:8200"));

        it("renews the periodic token with the token itself", async () => {
            fake.acl.set("prometheus-metrics", await aclOf(renderPolicy(METRICS_POLICY_RULES)));
            const token = fake.issueToken(["prometheus-metrics"], 2764800);
            writeFileSync(join(dir, "metrics-token"), token);
            const r = await runShell(script, { ...env, VAULT_ADDR: fake.addresses[0], VAULT_CACERT: files.ca, VAULT_TOKEN_FILE: join(dir, "metrics-token") });
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stderr, /metrics token renewed for 2764800 seconds/);
            assert.deepEqual(fake.requestsTo("POST", "/v1/auth/token/renew-self").map((x) => x.token), [token]);
        });

        it("fails, naming Vault's refusal, when the token's policy does not grant renew-self (a token without the default policy)", async () => {
            fake.acl.set("metrics-only", [{ path: "sys/metrics", capabilities: ["read"] }]);
            const token = fake.issueToken(["metrics-only"], 2764800);
            writeFileSync(join(dir, "metrics-token"), token);
            const r = await runShell(script, { ...env, VAULT_ADDR: fake.addresses[0], VAULT_CACERT: files.ca, VAULT_TOKEN_FILE: join(dir, "metrics-token") });
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /renew-self failed: .*permission denied/);
        });

        it("fails when the token is gone", async () => {
            writeFileSync(join(dir, "metrics-token"), "hvs.revoked");
            const r = await runShell(script, { ...env, VAULT_ADDR: fake.addresses[0], VAULT_CACERT: files.ca, VAULT_TOKEN_FILE: join(dir, "metrics-token") });
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /renew-self failed: .*permission denied/);
        });
    });
});
