/**
 * Faults injected into the init step, each run as Pulumi runs it (create, then update on the next run)
 * against the stand-ins. Every case asserts what happens and that no key is lost: whenever Vault handed out an init
 * response, the record is in custody or in the init resource's secret state, never only in memory, and no error
 * message carries a key or token. The list reads as the README's "Faults injected" table (fault / what happens /
 * keys lost).
 */
import { strict as assert } from "assert";
import { create, diff, update, VaultInitInputs, VaultInitOutputs } from "../../components/bootstrap/initRuntime";
import { initializeVault, InitializeVaultOptions } from "../../components/bootstrap/initializeVault";
import { StateCustody } from "../../components/bootstrap/custody";
import type { CustodySlot, InitRecord } from "../../components/bootstrap/custody";
import { unwrapSecrets } from "../../components/testing/mocks";
import { deploy, IRSA } from "./cluster";
import { withEnv } from "./env";
import { FakeSecretsManager } from "./fakeSecretsManager";
import type { FakeKubernetes } from "./fakeKubernetes";
import type { FakeVault } from "./fakeVault";
import type { FakeServers } from "./fakes";
import { initInputs, routePods } from "./initInputs";

/** What a trial leaves behind. */
export interface Trial {
    vault: FakeVault;
    /** Init records found afterwards in custody and in the init resource's state. */
    kept: (InitRecord | undefined)[];
    /** Every message the runs reported (errors and progress). */
    messages: string[];
    /** False when Vault's answer to init never arrived (the connection broke after the request). */
    received?: boolean;
}

export interface Fault {
    fault: string;
    outcome: string;
    trial(f: FakeServers): Promise<Trial>;
}

/** One run of the init step as the engine drives it: create, or update from the last recorded state. */
interface Run { id?: string; outs?: VaultInitOutputs; error?: Error & { id?: string; properties?: VaultInitOutputs } }

async function runStep(inputs: VaultInitInputs, last?: Run): Promise<Run> {
    try {
        if (!last?.id) return await create(inputs) as Run;
        return { id: last.id, outs: (await update(last.id, last.outs!, inputs)).outs as VaultInitOutputs };
    } catch (e: any) {
        return { error: e, id: e.id ?? last?.id, outs: e.properties ?? last?.outs };
    }
}

const stateRecord = (run: Run) => run.outs?.stateRecords?.init;
const secretRecord = (kube: FakeKubernetes, key: string): InitRecord | undefined => {
    const data = kube.secrets.get(key)?.data?.["record.json"];
    return data ? JSON.parse(Buffer.from(data, "base64").toString()) : undefined;
};

/** Pods of a fake Vault behind a fake Kubernetes API, and the init inputs that reach them. */
async function cluster(f: FakeServers, options: Parameters<FakeServers["vault"]>[0], overrides: Partial<VaultInitInputs> = {}) {
    const vault = await f.vault(options);
    const kube = await f.kube();
    const inputs = initInputs(kube, f.ca.certPem, routePods(kube, vault), { seal: options.seal, ...overrides });
    return { vault, kube, inputs };
}

/** Direct calls, for faults that need a scaled clock or an injected custody. */
function direct(f: FakeServers, vault: FakeVault, extra: Partial<InitializeVaultOptions> & { custody: InitializeVaultOptions["custody"] }) {
    return initializeVault({ address: vault.addresses[0], replicaAddresses: vault.addresses, caCertPem: f.ca.certPem, retryDelayMs: 50, timeoutMs: 5000, ...extra });
}

const AWS_TEST_ENV = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "test-secret", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
const INIT_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/vault-init-AbCdEf";
const ADMIN_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/vault-init-admin-AbCdEf";

async function secretsManager(f: FakeServers): Promise<{ sm: FakeSecretsManager; custody: VaultInitInputs["custody"] }> {
    const sm = f.track(await new FakeSecretsManager([INIT_ARN, ADMIN_ARN]).start());
    return { sm, custody: { type: "aws-secrets-manager", secretIds: { init: INIT_ARN, admin: ADMIN_ARN }, region: "eu-west-1", endpoint: sm.endpoint } };
}

const messagesOf = (...runs: Run[]) => runs.flatMap((r) => (r.error ? [r.error.message] : []));
const SCALE = 1 / 100;

/** Custody whose code throws in the middle of the first write: what a crash inside the custody step leaves. */
class CrashingCustody extends StateCustody {
    crashing = true;
    override async writeOnce<S extends CustodySlot>(slot: S, record: any): Promise<void> {
        if (this.crashing) throw new TypeError("Cannot read properties of undefined (reading 'send')");
        return super.writeOnce(slot, record);
    }
}

export const FAULTS: Fault[] = [
    {
        fault: "Vault answers PUT sys/init after 20 s (clock scaled 1:100; idle timeout of other requests 15 s)",
        outcome: "The answer is waited for; Vault is initialized once and the response kept in custody",
        async trial(f) {
            const vault = await f.vault({ seal: "awskms" });
            vault.delays.set("PUT /v1/sys/init", 20_000 * SCALE);
            const custody = new StateCustody();
            await direct(f, vault, { custody, requestTimeoutMs: 15_000 * SCALE });
            return { vault, kept: [await custody.read("init")], messages: [] };
        },
    },
    {
        fault: "Vault answers PUT sys/init after 120 s (clock scaled 1:100: 8 idle timeouts)",
        outcome: "The answer is waited for; Vault is initialized once and the response kept in custody",
        async trial(f) {
            const vault = await f.vault({ seal: "shamir", replicas: 2 });
            vault.delays.set("PUT /v1/sys/init", 120_000 * SCALE);
            const custody = new StateCustody();
            await direct(f, vault, { custody, requestTimeoutMs: 15_000 * SCALE });
            return { vault, kept: [await custody.read("init")], messages: [] };
        },
    },
    {
        fault: "Vault silent on every request until the deadline",
        outcome: "Fails at the deadline naming the address and the last answer (a timeout); Vault is not touched",
        async trial(f) {
            const vault = await f.vault({ seal: "awskms" });
            vault.delays.set("GET /v1/sys/init", 10_000);
            const error = await direct(f, vault, { custody: new StateCustody(), requestTimeoutMs: 200, timeoutMs: 800 }).then(() => assert.fail("expected a timeout"), (e: Error) => e);
            assert.match(error.message, /did not answer \/v1\/sys\/init within 1 s .*last response: ETIMEDOUT/);
            assert.equal(vault.initialized, false);
            return { vault, kept: [], messages: [error.message] };
        },
    },
    {
        fault: "Connection dropped before PUT sys/init was sent",
        outcome: "The request is sent again (after checking Vault is still uninitialized); Vault is initialized once",
        async trial(f) {
            const vault = await f.vault({ seal: "awskms" });
            const custody = new StateCustody();
            let dropped = false;
            await direct(f, vault, { custody, log: (m) => { if (m.startsWith("Initializing") && !dropped) dropped = !!vault.dropConnections.set(0, 1); } });
            assert.equal(vault.requestsTo("PUT", "/v1/sys/init").length, 1);
            return { vault, kept: [await custody.read("init")], messages: [] };
        },
    },
    {
        fault: "Connection dropped after PUT sys/init was sent (Vault initialized, its answer lost on the wire)",
        outcome: "The run stops saying Vault may be initialized with the response lost, and what to do; the next run refuses instead of guessing (README recovery)",
        async trial(f) {
            const { vault, inputs } = await cluster(f, { seal: "awskms" });
            vault.dropInitResponse = true;
            const first = await runStep(inputs);
            assert.match(first.error!.message, /broke after PUT \/v1\/sys\/init was sent .* lost on the wire; nothing reached custody/);
            assert.equal(first.id, undefined, "nothing recorded");
            vault.dropInitResponse = false;
            const second = await runStep(inputs);
            assert.match(second.error!.message, /already initialized, but .* holds no init record.*"Recovery: the init response was lost"/);
            assert.equal(vault.requestsTo("PUT", "/v1/sys/init").length, 1);
            return { vault, kept: [stateRecord(second)], messages: messagesOf(first, second), received: false };
        },
    },
    {
        fault: "Pod not listening yet: the kubelet refuses the port-forward (connection refused)",
        outcome: "Retried until the pod answers; Vault is initialized once",
        async trial(f) {
            const { vault, inputs } = await cluster(f, { seal: "awskms", startAfterMs: 700 });
            const run = await runStep(inputs);
            assert.equal(run.error, undefined);
            return { vault, kept: [stateRecord(run)], messages: [] };
        },
    },
    {
        fault: "Ingress not routed yet: 404, then 502, then 503 during start-up",
        outcome: "Retried within the deadline; Vault is initialized once",
        async trial(f) {
            const { vault, inputs } = await cluster(f, { seal: "awskms" });
            for (const status of [404, 502, 503]) vault.failOnce("GET", "/v1/sys/init", status, []);
            const run = await runStep({ ...inputs, apiAddress: vault.addresses[0] });
            assert.equal(run.error, undefined);
            assert.equal(vault.requestsTo("GET", "/v1/sys/init").length, 4);
            return { vault, kept: [stateRecord(run)], messages: [] };
        },
    },
    {
        fault: "403 on GET sys/init (a proxy refusing)",
        outcome: "Fails at once with Vault's message, no retry; Vault is not initialized",
        async trial(f) {
            const { vault, inputs } = await cluster(f, { seal: "awskms" });
            vault.failOnce("GET", "/v1/sys/init", 403, ["permission denied"], 10);
            const run = await runStep(inputs);
            assert.match(run.error!.message, /answered GET \/v1\/sys\/init with 403: permission denied/);
            assert.equal(vault.requestsTo("GET", "/v1/sys/init").length, 1);
            assert.equal(vault.initialized, false);
            return { vault, kept: [], messages: messagesOf(run) };
        },
    },
    {
        fault: "500 on PUT sys/init",
        outcome: "Fails with Vault's message; nothing initialized, nothing written; the next run initializes",
        async trial(f) {
            const { vault, inputs } = await cluster(f, { seal: "awskms" });
            vault.failOnce("PUT", "/v1/sys/init", 500, ["failed to initialize barrier"]);
            const first = await runStep(inputs);
            assert.match(first.error!.message, /answered PUT \/v1\/sys\/init with 500: failed to initialize barrier/);
            assert.equal(vault.initialized, false);
            const second = await runStep(inputs);
            assert.equal(second.error, undefined);
            return { vault, kept: [stateRecord(second)], messages: messagesOf(first) };
        },
    },
    {
        fault: "TLS mismatch: the pod's certificate is signed by another CA",
        outcome: "Fails at once (no retry) naming the pod; no request reaches Vault",
        async trial(f) {
            const { vault, inputs } = await cluster(f, { seal: "awskms" }, { caCertPem: f.otherCa.certPem });
            const run = await runStep(inputs);
            assert.match(run.error!.message, /^TLS verification of Vault at pod vault\/vault-0 failed/);
            assert.deepEqual(vault.requests, []);
            return { vault, kept: [], messages: messagesOf(run) };
        },
    },
    {
        fault: "Custody down before init: Secrets Manager answers 500",
        outcome: "Stops before Vault is touched",
        trial: (f) => withEnv(AWS_TEST_ENV, async () => {
            const { sm, custody } = await secretsManager(f);
            sm.failing.set("DescribeSecret", { status: 500, type: "InternalServiceError", message: "service unavailable" });
            const { vault, inputs } = await cluster(f, { seal: "awskms" }, { custody });
            const run = await runStep(inputs);
            assert.match(run.error!.message, /AWS Secrets Manager failed checking secret .* before init: InternalServiceError/);
            assert.deepEqual(vault.requestsTo("PUT", "/v1/sys/init"), []);
            return { vault, kept: [], messages: messagesOf(run) };
        }),
    },
    {
        fault: "Custody down after init: Secrets Manager refuses PutSecretValue",
        outcome: "Write retried 5 times; the record is kept in the init resource's secret state (created, failed); the next run writes it",
        trial: (f) => withEnv(AWS_TEST_ENV, async () => {
            const { sm, custody } = await secretsManager(f);
            sm.failing.set("PutSecretValue", { status: 400, type: "AccessDeniedException", message: "not authorized to perform kms:GenerateDataKey" });
            const { vault, inputs } = await cluster(f, { seal: "awskms" }, { custody });
            const first = await runStep(inputs);
            assert.match(first.error!.message, /could not keep the init response: AWS Secrets Manager failed writing secret .*: AccessDeniedException/);
            const inState = stateRecord(first);
            assert.equal(inState?.rootToken, vault.rootToken, "in the resource's secret state");
            sm.failing.clear();
            const second = await runStep(inputs, first);
            assert.equal(second.error, undefined);
            const inCustody = JSON.parse(sm.secrets.get(INIT_ARN)!);
            assert.deepEqual(inCustody, inState);
            assert.equal(stateRecord(second), undefined, "dropped from the state once custody holds it");
            return { vault, kept: [inCustody], messages: messagesOf(first) };
        }),
    },
    {
        fault: "Custody down after init: the Kubernetes API never answers Secret creates",
        outcome: "Each write is bounded in time; the record is kept in the secret state; the next run writes it",
        async trial(f) {
            const { vault, kube, inputs } = await cluster(f, { seal: "awskms" });
            const withSecret = { ...inputs, custody: { type: "kubernetes-secret" as const, namespace: "vault", names: { init: "vault-init", admin: "vault-init-admin" }, kubeconfig: kube.kubeconfig() } };
            kube.hangSecretCreates = true;
            const first = await runStep(withSecret);
            assert.match(first.error!.message, /could not keep the init response: Kubernetes Secret vault\/vault-init did not answer within 500 ms writing the init record/);
            kube.hangSecretCreates = false;
            const second = await runStep(withSecret, first);
            assert.equal(second.error, undefined);
            return { vault, kept: [stateRecord(first), secretRecord(kube, "vault/vault-init")], messages: messagesOf(first) };
        },
    },
    {
        fault: "Custody forbidden: RBAC refuses Secret creates",
        outcome: "Stops before Vault is touched (server-side dry run of the create)",
        async trial(f) {
            const { vault, kube, inputs } = await cluster(f, { seal: "awskms" });
            kube.canCreateSecrets = false;
            const run = await runStep({ ...inputs, custody: { type: "kubernetes-secret", namespace: "vault", names: { init: "vault-init", admin: "vault-init-admin" }, kubeconfig: kube.kubeconfig() } });
            assert.match(run.error!.message, /checking \(dry run\) that it can create Secret vault\/vault-init: HTTP 403/);
            assert.equal(vault.initialized, false);
            return { vault, kept: [], messages: messagesOf(run) };
        },
    },
    {
        fault: "Crash inside the custody step between init and the custody write",
        outcome: "The record is handed back with the failure and kept in the secret state; the next run writes it",
        async trial(f) {
            const vault = await f.vault({ seal: "awskms" });
            const custody = new CrashingCustody();
            const error = await direct(f, vault, { custody }).then(() => assert.fail("expected a failure"), (e) => e);
            assert.equal(error.name, "PostInitError");
            assert.equal(error.partial.custodyWritten, false);
            custody.crashing = false;
            await direct(f, vault, { custody, recoveredRecord: error.partial.record });
            return { vault, kept: [error.partial.record, await custody.read("init")], messages: [error.message] };
        },
    },
    {
        fault: "Shamir replica dead: one pod Pending (never answers)",
        outcome: "The others are unsealed in parallel; the dead one is named and costs one replica timeout; the next diff shows an update",
        async trial(f) {
            const { vault, inputs } = await cluster(f, { seal: "shamir", replicas: 3 });
            vault.silent.add(2);
            const started = Date.now();
            const run = await runStep(inputs);
            assert.equal(run.error, undefined);
            assert.deepEqual(run.outs!.sealedReplicas, ["vault-2"]);
            assert.deepEqual([vault.replicaSealed(0), vault.replicaSealed(1)], [false, false]);
            assert.ok(Date.now() - started < 4000);
            assert.equal((await diff(run.id!, run.outs!, inputs)).changes, true);
            return { vault, kept: [stateRecord(run)], messages: [] };
        },
    },
    {
        fault: "Shamir replica restarted sealed",
        outcome: "The diff asks each replica and shows an update; the update unseals it without a new init",
        async trial(f) {
            const { vault, inputs } = await cluster(f, { seal: "shamir", replicas: 3 });
            const first = await runStep(inputs);
            vault.restart(1);
            assert.equal((await diff(first.id!, first.outs!, inputs)).changes, true);
            const second = await runStep(inputs, first);
            assert.equal(vault.replicaSealed(1), false);
            assert.equal(vault.requestsTo("PUT", "/v1/sys/init").length, 1);
            return { vault, kept: [stateRecord(second)], messages: [] };
        },
    },
    {
        fault: "Component renamed (with aliases) without pinning its table name",
        outcome: "The diff refuses, naming the old and new table and the ways out; nothing changes",
        async trial(f) {
            const { vault, inputs } = await cluster(f, { seal: "awskms" }, { placement: { namespace: "vault", releaseName: "vault", storage: "dynamodb", table: "prod-vault" } });
            const first = await runStep(inputs);
            const renamed = unwrapSecrets((await deploy({ irsa: IRSA }, "prod2")).recorder.named("pulumi-nodejs:dynamic:Resource", "-init").inputs).placement;
            const refusal = await diff(first.id!, first.outs!, { ...inputs, placement: renamed }).then(() => assert.fail("expected a refusal"), (e: Error) => e);
            assert.match(refusal.message, /DynamoDB table would change from "prod-vault" to "prod2-vault"\. Pin storage\.tableName: "prod-vault"/);
            return { vault, kept: [stateRecord(first)], messages: [refusal.message] };
        },
    },
    {
        fault: "Custody moved: the Kubernetes Secret renamed on an initialized cluster",
        outcome: "The records are carried over: read from the old Secret, checked against cluster_id, written once to the new; the old copy stays",
        async trial(f) {
            const { vault, kube, inputs } = await cluster(f, { seal: "awskms" });
            const spec = (name: string) => ({ type: "kubernetes-secret" as const, namespace: "vault", names: { init: name, admin: `${name}-admin` }, kubeconfig: kube.kubeconfig() });
            const first = await runStep({ ...inputs, custody: spec("vault-init") });
            const second = await runStep({ ...inputs, custody: spec("vault-keys") }, first);
            assert.equal(second.error, undefined);
            assert.deepEqual(secretRecord(kube, "vault/vault-keys"), secretRecord(kube, "vault/vault-init"));
            return { vault, kept: [secretRecord(kube, "vault/vault-keys")], messages: [] };
        },
    },
    {
        fault: "Custody holds the record of another cluster",
        outcome: "Refused before its token is used: no request to this Vault carries a token",
        async trial(f) {
            const other = await cluster(f, { seal: "awskms" });
            const kept = stateRecord(await runStep(other.inputs))!;
            const { vault, inputs } = await cluster(f, { seal: "awskms", initialized: { rootToken: "hvs.this-cluster", keysBase64: [], threshold: 3 } });
            const run = await runStep({ ...inputs, revokeRootToken: true }, { id: "vault-init-x", outs: { ...inputs, stateRecords: { init: kept } } as VaultInitOutputs });
            assert.match(run.error!.message, new RegExp(`holds the init record of Vault cluster ${other.vault.clusterId}, but Vault at pod vault/vault-0 is cluster ${vault.clusterId}: refusing`));
            assert.ok(vault.requests.every((r) => r.token === undefined));
            return { vault: other.vault, kept: [kept], messages: messagesOf(run) };
        },
    },
    {
        fault: "Admin login fails right after the admin identity was created (state custody)",
        outcome: "The admin record is kept in the secret state with the init record; the next run mints no second secret ID",
        async trial(f) {
            const { vault, inputs } = await cluster(f, { seal: "awskms" }, { revokeRootToken: true });
            vault.failOnce("POST", "/v1/auth/pulumi/login", 503, ["Vault is sealed"]);
            const first = await runStep(inputs);
            assert.ok(first.outs?.stateRecords?.admin?.secretId);
            const second = await runStep(inputs, first);
            assert.equal(second.error, undefined);
            assert.equal(vault.requestsTo("POST", "/v1/auth/pulumi/role/admin/secret-id").length, 1);
            return { vault, kept: [stateRecord(second)], messages: messagesOf(first) };
        },
    },
];
