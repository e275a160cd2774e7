import { ADMIN_POLICY_HCL, createAdminIdentity, loginAdmin, revokeRootToken } from "./adminIdentity";
import { CustodyError, sameRecord } from "./custody/types";
import type { AdminRecord, Custody, CustodyRecords, CustodySlot, InitRecord } from "./custody/types";
import { KUBECONFIG_ERROR } from "./kube";
import { describeError, isTlsError, requestWasSent, VaultApiError, VaultClient } from "./vaultApi";

/** A Vault server reached by name (a pod name, or its address). */
export interface NamedVaultClient {
    name: string;
    client: VaultClient;
}

export type LogSeverity = "info" | "warning";

export interface InitializeVaultOptions {
    /** Vault API address used for init and configuration, e.g. an ingress URL. Not needed with `api`. */
    address?: string;
    /** A ready client for the API (e.g. {@link vaultClientForPod}); takes precedence over `address`. */
    api?: VaultClient;
    /** Each server's own address, for Shamir unseal. Default: the API alone. */
    replicaAddresses?: string[];
    /** Ready clients for each server, named (e.g. pod names); take precedence over `replicaAddresses`. */
    replicas?: NamedVaultClient[];
    /** Trust anchor of `address` and the replicas (PEM). Default: the system roots. */
    caCertPem?: string;
    /** Trust anchor of the replicas when it differs from `caCertPem` (e.g. `address` is an ingress). Default `caCertPem`. */
    replicaCaCertPem?: string;
    /** Certificate name to verify when it differs from the address host. */
    tlsServerName?: string;
    /** Key shares and threshold: recovery keys with an auto-unseal seal, unseal keys with Shamir. Default 5 / 3. */
    keyShares?: number;
    keyThreshold?: number;
    /** Base64 PGP public keys, one per share, and the names of their holders (same order). */
    pgpKeys?: string[];
    keyHolders?: string[];
    /** Encrypt the root token to this base64 PGP key. The result is then unusable for further automation. */
    rootTokenPgpKey?: string;
    /** Where the init response is kept. */
    custody: Custody;
    /**
     * Where the records were kept until now, when custody moves (another type, namespace or name): an initialized
     * Vault's records are read from here, checked against the cluster and written once to `custody`.
     */
    previousCustody?: Custody;
    /** Create Pulumi's admin AppRole identity, keep it in custody and revoke the root token. */
    revokeRootToken?: boolean;
    /** The admin identity's policy (written at creation and on every later run). Default {@link ADMIN_POLICY_HCL}. */
    adminPolicyHcl?: string;
    /**
     * An init record kept by an earlier run whose custody write failed (see {@link PostInitError}): written to custody
     * now, if custody is still empty.
     */
    recoveredRecord?: InitRecord;
    /** Likewise for the admin identity's record: its secret ID exists, so it is kept rather than minted again. */
    recoveredAdmin?: AdminRecord;
    /** The cluster this deployment was bound to by an earlier run (Vault's `cluster_id`), when the record lacks it. */
    expectedClusterId?: string;
    /** How long to wait for the API to answer. Default 600 000 ms. */
    timeoutMs?: number;
    /** First retry delay; doubles up to 10 s. Default 1000 ms. */
    retryDelayMs?: number;
    /**
     * How long an ordinary request may stay silent, for clients built from addresses. Default 15 000 ms.
     * `PUT /v1/sys/init` is not bounded by it once sent: it waits as long as Vault needs.
     */
    requestTimeoutMs?: number;
    /** How long each Shamir replica has to answer and be unsealed; they are unsealed in parallel. Default 60 000 ms. */
    replicaTimeoutMs?: number;
    /** How long one custody operation may take (a write is retried 5 times). Default 30 000 ms. */
    custodyTimeoutMs?: number;
    /** Progress messages. They never contain keys or tokens. */
    log?: (message: string, severity?: LogSeverity) => void;
}

export interface InitResult {
    /** This call ran `PUT /v1/sys/init`. */
    initialized: boolean;
    sealType: string;
    recoverySeal: boolean;
    /** The initial root token; empty once it has been revoked for the admin identity. */
    rootToken: string;
    /** The init record, from this init or from custody. */
    record: InitRecord;
    /** The admin identity when `revokeRootToken` is set. */
    admin?: AdminRecord;
    /** Names of the replicas this call unsealed. */
    unsealed: string[];
    /** Names of the replicas left sealed: no answer within `replicaTimeoutMs`, or the unseal failed. */
    sealedReplicas: string[];
    /** Vault's `cluster_id`, when it could be read (an unsealed server). */
    clusterId?: string;
    /** The custody the records were carried over from, when custody moved. */
    carriedOverFrom?: string;
}

/**
 * Something failed after Vault was initialized. The init record is in `partial.record`: the caller must keep it
 * (when `custodyWritten` is false it exists nowhere else) and run again to finish the remaining steps. Likewise an
 * admin identity minted by this call is in `partial.admin` (unless `adminCustodyWritten`, it exists nowhere else).
 */
export class PostInitError extends Error {
    constructor(message: string, readonly partial: { record: InitRecord; custodyWritten: boolean; admin?: AdminRecord; adminCustodyWritten?: boolean;
        clusterId?: string }) {
        super(message);
        this.name = "PostInitError";
    }
}

/**
 * The connection broke after `PUT /v1/sys/init` had reached Vault: Vault may be initialized with its answer (the root
 * token and the keys) lost on the wire. Nothing is known to retry safely; the message says what to do.
 */
export class InitResponseLostError extends Error {
    constructor(address: string, cause: unknown) {
        super(`The connection to Vault at ${address} broke after PUT /v1/sys/init was sent (${describeError(cause)}): Vault may now be ` +
            "initialized, with its response (root token and keys) lost on the wire; nothing reached custody. Running again is safe (it never " +
            "initializes twice). If Vault then reports itself not initialized, the run proceeds. If it reports itself initialized with custody " +
            "empty, this init's keys exist nowhere, and the cluster holds no data yet: wipe its storage and run again (README, " +
            "\"Recovery: the init response was lost\").");
        this.name = "InitResponseLostError";
    }
}

/** The custody record belongs to another Vault cluster: its token must not be used here. */
export class ClusterMismatchError extends Error {
    constructor(where: string, expected: string, live: string, address: string) {
        super(`${where} holds the init record of Vault cluster ${expected}, but Vault at ${address} is cluster ${live}: refusing to use that ` +
            "record (or its token) here. Point bootstrap.custody at this cluster's own record; if this cluster was re-initialized on purpose, " +
            "move the old record aside and keep the new init response in custody.");
        this.name = "ClusterMismatchError";
    }
}

interface InitStatus { initialized: boolean }
interface SealStatus { type: string; sealed: boolean; recovery_seal?: boolean; t: number; n: number; progress: number }

const MAX_DELAY_MS = 10_000;
/** Start-up answers that go away by themselves: an ingress or load balancer not routed yet, a pod not ready. */
const TRANSIENT_STATUSES = new Set([404, 502, 503]);
/** `sys/health` statuses of a working server that is not the active one, or not ready. */
const HEALTH_STATUSES = [429, 472, 473, 501, 503];

interface Wait {
    deadline: number;
    timeoutMs: number;
    retryDelayMs: number;
    custodyTimeoutMs: number;
    log: (m: string, severity?: LogSeverity) => void;
}

/**
 * Initializes Vault once and keeps the response in custody; idempotent on every later run. Waits for the API,
 * reads `sys/init` and `sys/seal-status`, then inits with recovery shares (auto-unseal) or secret shares (Shamir,
 * followed by unsealing every replica in parallel), or, when Vault is already initialized, takes the record from
 * custody (or carries it over from the previous custody). A record bound to another cluster (`cluster_id`) is refused
 * before its token is used. Usable outside Pulumi. Errors carry Vault's own messages and never a key or token.
 */
export async function initializeVault(options: InitializeVaultOptions): Promise<InitResult> {
    const log = options.log ?? (() => undefined);
    const timeoutMs = options.timeoutMs ?? 600_000;
    const wait: Wait = {
        deadline: Date.now() + timeoutMs, timeoutMs, retryDelayMs: options.retryDelayMs ?? 1000, custodyTimeoutMs: options.custodyTimeoutMs ?? 30_000, log,
    };
    const client = apiClient(options);
    const replicas = replicaClients(options, client);
    const custody = options.custody;

    const init = (await waitForApi(client, "/v1/sys/init", wait)) as InitStatus;
    const seal = (await client.get("/v1/sys/seal-status")).body as SealStatus;
    const recoverySeal = seal.recovery_seal === true;
    log(`Vault at ${client.address}: initialized=${init.initialized}, seal=${seal.type}${recoverySeal ? " (auto-unseal)" : ""}`);

    let record: InitRecord;
    let initialized = false;
    let carriedOverFrom: string | undefined;
    if (!init.initialized) {
        if (await bounded(custody.read("init"), custody, "reading the init record", wait)) {
            throw new Error(`Vault at ${client.address} is not initialized, but ${custody.description} already holds an init record. ` +
                "The storage backend was replaced or wiped, or this custody belongs to another cluster. Refusing to initialize: " +
                "the new keys could not be kept. Move the old record aside deliberately, then run again.");
        }
        await bounded(custody.preflight("init"), custody, "checking it can take the init record", wait);
        record = await initOnce(client, options, seal, recoverySeal, wait);
        initialized = true;
        // With an auto-unseal seal the server unsealed itself during init: one quick read binds the record to the cluster.
        const clusterId = recoverySeal ? await clusterIdOf(client, Math.min(client.endpoint.timeoutMs ?? 15_000, 5000)) : undefined;
        if (clusterId) record = { ...record, clusterId };
        await keepInCustody(custody, "init", record, wait);
        log(`Vault initialized; the init response is kept in ${custody.description}`);
    } else {
        const kept = await bounded(custody.read("init"), custody, "reading the init record", wait);
        if (kept) {
            record = kept;
        } else {
            const previous = options.previousCustody;
            const carried = options.recoveredRecord ?? (previous && await bounded(previous.read("init"), previous, "reading the init record", wait));
            if (!carried) {
                throw new Error(`Vault at ${client.address} is already initialized, but ${custody.description} holds no init record, so there is ` +
                    "no token to configure it with. If custody moved (a renamed component, namespace or release), add `aliases` for the old name " +
                    "or pin the old custody name; otherwise put the original init response into custody. If an earlier run reported that the " +
                    "init response was lost on the wire, see the README, \"Recovery: the init response was lost\".");
            }
            carriedOverFrom = options.recoveredRecord ? undefined : previous?.description;
            // A record moving between custodies is checked against the cluster (when unsealed) before it is written anywhere.
            checkCluster(carriedOverFrom ?? "the kept init record", carried.clusterId ?? options.expectedClusterId, await clusterIdOf(client), client.address);
            await keepInCustody(custody, "init", carried, wait);
            record = carried;
            log(carriedOverFrom ? `The init record moved from ${carriedOverFrom} to ${custody.description}`
                : `The init response kept by an earlier run is now in ${custody.description}`);
        }
    }

    // From here on the record is safe in custody: a failure leaves it there and the next run finishes the work.
    let admin: AdminRecord | undefined;
    let clusterId = record.clusterId;
    const pending: PendingAdmin = { written: true };
    try {
        const { unsealed, sealed } = recoverySeal ? { unsealed: [], sealed: [] } : await unsealReplicas(replicas, record, options, wait);
        if (replicas.length > 0 && sealed.length === replicas.length) {
            throw new Error(`no replica could be unsealed: ${sealed.map((r) => `${r.name} (${r.reason})`).join("; ")}`);
        }
        const live = await clusterIdOf(client);
        // Before any token is used: the record must belong to this cluster.
        checkCluster(custody.description, record.clusterId ?? options.expectedClusterId, live, client.address);
        clusterId = live ?? record.clusterId ?? options.expectedClusterId;
        // Once an admin identity exists the root token is gone for good, whatever this run asks.
        admin = await bounded(custody.read("admin"), custody, "reading the admin record", wait);
        const previous = options.previousCustody;
        const carriedAdmin = admin ? undefined
            : options.recoveredAdmin ?? (previous && await bounded(previous.read("admin"), previous, "reading the admin record", wait));
        if (carriedAdmin) {
            Object.assign(pending, { admin: carriedAdmin, written: false });
            await keepInCustody(custody, "admin", carriedAdmin, wait);
            pending.written = true;
            admin = carriedAdmin;
        }
        if (options.revokeRootToken || admin) {
            admin = await ensureAdminIdentity(client, custody, record, admin, options.adminPolicyHcl ?? ADMIN_POLICY_HCL, wait, pending);
        }
        return {
            initialized, sealType: seal.type, recoverySeal, rootToken: admin || record.rootTokenEncrypted ? "" : record.rootToken, record, admin,
            unsealed, sealedReplicas: sealed.map((r) => r.name), clusterId, carriedOverFrom,
        };
    } catch (e) {
        if (e instanceof ClusterMismatchError) throw e;
        throw new PostInitError(`Vault is initialized and its init response is kept in ${custody.description}, but a later step failed: ${describeError(e)}. Run again to finish.`,
            { record, custodyWritten: true, admin: pending.admin ?? admin, adminCustodyWritten: pending.written, clusterId });
    }
}

function apiClient(o: InitializeVaultOptions): VaultClient {
    if (o.api) return o.api;
    if (!o.address) throw new Error("initializeVault needs the API's `address` or a client in `api`");
    return new VaultClient({ address: o.address, caCertPem: o.caCertPem, tlsServerName: o.tlsServerName, timeoutMs: o.requestTimeoutMs });
}

function replicaClients(o: InitializeVaultOptions, api: VaultClient): NamedVaultClient[] {
    if (o.replicas) return o.replicas;
    if (!o.replicaAddresses) return [{ name: api.address, client: api }];
    const caCertPem = o.replicaCaCertPem ?? o.caCertPem;
    return o.replicaAddresses.map((address) => ({
        name: address, client: new VaultClient({ address, caCertPem, tlsServerName: o.tlsServerName, timeoutMs: o.requestTimeoutMs }),
    }));
}

/** Vault's `cluster_id`, readable from any unsealed server; undefined when sealed or unreachable. */
async function clusterIdOf(client: VaultClient, timeoutMs?: number): Promise<string | undefined> {
    const quick = timeoutMs === undefined ? client : new VaultClient({ ...client.endpoint, timeoutMs });
    try {
        const id = (await quick.get("/v1/sys/health", HEALTH_STATUSES)).body?.cluster_id;
        return typeof id === "string" && id !== "" ? id : undefined;
    } catch {
        return undefined;
    }
}

function checkCluster(where: string, expected: string | undefined, live: string | undefined, address: string): void {
    if (expected && live && expected !== live) throw new ClusterMismatchError(where, expected, live, address);
}

/** An admin record this call created or carried over, which custody may not hold yet. */
interface PendingAdmin {
    admin?: AdminRecord;
    /** Whether custody holds it. */
    written: boolean;
}

/** The admin identity: created (and kept in custody) once, its policy brought up to date, the root token revoked. */
async function ensureAdminIdentity(client: VaultClient, custody: Custody, record: InitRecord, existing: AdminRecord | undefined,
    policyHcl: string, wait: Wait, pending: PendingAdmin): Promise<AdminRecord> {
    let admin = existing;
    if (!admin) {
        if (record.rootTokenEncrypted) throw new Error("the root token is PGP-encrypted, so the admin identity cannot be created automatically");
        await bounded(custody.preflight("admin"), custody, "checking it can take the admin record", wait);
        admin = await createAdminIdentity(client.withToken(record.rootToken), policyHcl);
        // Its secret ID exists from now on: if anything below fails, the caller keeps it rather than minting another.
        Object.assign(pending, { admin, written: false });
        await keepInCustody(custody, "admin", admin, wait);
        pending.written = true;
        wait.log(`Created the ${admin.mount}/${admin.roleName} AppRole identity; its credentials are kept in ${custody.description}`);
    }
    const asAdmin = await loginAdmin(client, admin);
    await asAdmin.request("PUT", `/v1/sys/policies/acl/${admin.policyName}`, { policy: policyHcl });
    if (!record.rootTokenEncrypted && await revokeRootToken(client.withToken(record.rootToken))) wait.log("Revoked the initial root token");
    return admin;
}

/**
 * `PUT /v1/sys/init`, waiting for the answer as long as Vault needs. A request that never reached Vault (no
 * connection) is sent again within the deadline, after checking that nobody initialized Vault meanwhile; a connection
 * that breaks once the request was sent ends the run with {@link InitResponseLostError}.
 */
async function initOnce(client: VaultClient, o: InitializeVaultOptions, seal: SealStatus, recoverySeal: boolean, wait: Wait): Promise<InitRecord> {
    const shares = o.pgpKeys?.length || o.keyShares || 5;
    const threshold = o.keyThreshold ?? Math.min(3, shares);
    // Sending secret_* to an auto-unseal Vault is a 400, and recovery_* to a Shamir one too.
    const body: Record<string, unknown> = recoverySeal
        ? { recovery_shares: shares, recovery_threshold: threshold, ...(o.pgpKeys?.length ? { recovery_pgp_keys: o.pgpKeys } : {}) }
        : { secret_shares: shares, secret_threshold: threshold, ...(o.pgpKeys?.length ? { pgp_keys: o.pgpKeys } : {}) };
    if (o.rootTokenPgpKey) body.root_token_pgp_key = o.rootTokenPgpKey;
    let res: any;
    for (let delay = wait.retryDelayMs; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
        wait.log(`Initializing Vault at ${client.address} (${shares} ${recoverySeal ? "recovery" : "unseal"} key shares, threshold ${threshold})`);
        try {
            res = (await client.request("PUT", "/v1/sys/init", body, [], { awaitAnswer: true })).body ?? {};
            break;
        } catch (e) {
            if (e instanceof VaultApiError || isTlsError(e)) throw e;
            if (requestWasSent(e)) throw new InitResponseLostError(client.address, e);
            if (Date.now() + delay > wait.deadline) {
                throw new Error(`PUT /v1/sys/init could not reach Vault at ${client.address} within ${Math.round(wait.timeoutMs / 1000)} s: ${describeError(e)}`);
            }
            wait.log(`PUT /v1/sys/init did not reach Vault at ${client.address} (${describeError(e)}); sending it again`);
            await sleep(delay);
            if (((await waitForApi(client, "/v1/sys/init", wait)) as InitStatus).initialized) {
                throw new Error(`Vault at ${client.address} was initialized by another client while this run's request could not reach it: ` +
                    "this run holds no keys. Find out who initialized it before going on.");
            }
        }
    }
    const keys: string[] = recoverySeal ? res.recovery_keys ?? [] : res.keys ?? [];
    const keysBase64: string[] = recoverySeal ? res.recovery_keys_base64 ?? [] : res.keys_base64 ?? [];
    if (typeof res.root_token !== "string" || keys.length !== shares) {
        throw new Error(`Vault at ${client.address} answered PUT /v1/sys/init without the expected root token and ${shares} keys`);
    }
    return {
        version: 1, initializedAt: new Date().toISOString(), sealType: seal.type, recoverySeal, keyShares: shares, keyThreshold: threshold,
        ...(o.keyHolders?.length ? { keyHolders: o.keyHolders } : {}),
        keys, keysBase64, rootToken: res.root_token,
        ...(o.rootTokenPgpKey ? { rootTokenEncrypted: true } : {}),
    };
}

/** `operation`, or `error()` once `ms` have passed: the caller stops waiting (the operation itself is not cancelled). */
function within<T>(operation: Promise<T>, ms: number, error: () => Error): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(error()), ms); });
    return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}

/** A custody operation that does not answer in time fails rather than holding the run (and the keys) forever. */
function bounded<T>(operation: Promise<T>, custody: Custody, doing: string, wait: Wait): Promise<T> {
    return within(operation, wait.custodyTimeoutMs, () => new CustodyError(`${custody.description} did not answer within ${wait.custodyTimeoutMs} ms ${doing}`));
}

/**
 * Losing a record would lose Vault (or mint a second admin secret ID): try hard, each attempt bounded in time and read
 * back, and if custody still refuses, hand the record to the caller (the init resource keeps it in the Pulumi state
 * and writes it to custody on the next run).
 */
async function keepInCustody<S extends CustodySlot>(custody: Custody, slot: S, record: CustodyRecords[S], wait: Wait): Promise<void> {
    let last: unknown;
    for (let attempt = 1; attempt <= 5; attempt++) {
        try {
            await bounded(custody.writeOnce(slot, record), custody, `writing the ${slot} record`, wait);
            if (!sameRecord(await bounded(custody.read(slot), custody, `reading the ${slot} record back`, wait), record)) {
                throw new CustodyError(`${custody.description} does not read back the ${slot} record just written`);
            }
            return;
        } catch (e) {
            last = e;
            wait.log(`Writing the ${slot} record to ${custody.description} failed (attempt ${attempt} of 5): ${describeError(e)}`, "warning");
            if (attempt < 5) await sleep(wait.retryDelayMs * attempt);
        }
    }
    if (slot !== "init") throw last;
    throw new PostInitError(`Vault is initialized, but ${custody.description} could not keep the init response: ${describeError(last)}. ` +
        "The response is kept by the caller (the init resource's secret state) and written to custody on the next run.",
        { record: record as InitRecord, custodyWritten: false });
}

/**
 * Unseals every Shamir replica that answers, in parallel, each within `replicaTimeoutMs`: a dead or Pending replica
 * only costs its own timeout, and is reported by name.
 */
async function unsealReplicas(replicas: NamedVaultClient[], record: InitRecord, o: InitializeVaultOptions, wait: Wait):
    Promise<{ unsealed: string[]; sealed: { name: string; reason: string }[] }> {
    const perReplica = o.replicaTimeoutMs ?? 60_000;
    const outcomes = await Promise.all(replicas.map(async ({ name, client }, i) => {
        const own: Wait = { ...wait, deadline: Math.min(wait.deadline, Date.now() + perReplica), timeoutMs: Math.min(wait.timeoutMs, perReplica) };
        const unseal = async () => {
            let status = (await waitForApi(client, "/v1/sys/seal-status", own)) as SealStatus;
            if (!status.sealed) return "unsealed already";
            if (record.keyHolders) throw new Error("its unseal keys are PGP-encrypted for their holders: unseal it by hand");
            wait.log(`Unsealing replica ${i + 1} of ${replicas.length} (${name})`);
            for (const key of record.keysBase64) {
                status = (await client.request("PUT", "/v1/sys/unseal", { key })).body as SealStatus;
                if (!status.sealed) return "unsealed";
            }
            throw new Error(`still sealed after ${record.keysBase64.length} unseal keys (progress ${status.progress}/${status.t})`);
        };
        try {
            // A request in flight to a replica that stopped answering does not hold the others (or the run) any longer.
            return await within(unseal(), own.timeoutMs, () => new Error(`no answer within ${Math.round(own.timeoutMs / 100) / 10} s`));
        } catch (e) {
            wait.log(`Replica ${name} is left sealed: ${describeError(e)}`, "warning");
            return { reason: describeError(e) };
        }
    }));
    return {
        unsealed: replicas.filter((_, i) => outcomes[i] === "unsealed").map((r) => r.name),
        sealed: replicas.flatMap((r, i) => {
            const outcome = outcomes[i];
            return typeof outcome === "object" ? [{ name: r.name, reason: outcome.reason }] : [];
        }),
    };
}

/**
 * Asks every replica for its seal status, once each, in parallel, with a short timeout: the cheap check that tells
 * whether a Shamir cluster needs unsealing. `unanswered` holds the replicas whose state is unknown (no answer, or
 * an error); nothing here retries or throws.
 */
export async function checkSeals(replicas: NamedVaultClient[], timeoutMs = 5000): Promise<{ sealed: string[]; unanswered: string[] }> {
    const statuses = await Promise.all(replicas.map(({ client }) => new VaultClient({ ...client.endpoint, timeoutMs })
        .get("/v1/sys/seal-status").then((r) => (r.body as SealStatus | undefined)?.sealed, () => undefined)));
    return {
        sealed: replicas.filter((_, i) => statuses[i] === true).map((r) => r.name),
        unanswered: replicas.filter((_, i) => typeof statuses[i] !== "boolean").map((r) => r.name),
    };
}

/**
 * Polls `path` until Vault answers it, with doubling delays. Connection errors, 5xx and the start-up statuses 404, 502
 * and 503 are retried until the deadline; TLS errors and other 4xx are not (they will not go away). Times out naming
 * the address and the last response.
 */
async function waitForApi(client: VaultClient, path: string, o: Wait): Promise<unknown> {
    let delay = o.retryDelayMs;
    let last = "no attempt";
    for (let attempt = 1; ; attempt++) {
        try {
            return (await client.get(path)).body;
        } catch (e) {
            if (isTlsError(e)) {
                throw new Error(`TLS verification of Vault at ${client.address} failed: ${describeError(e)}. Check the CA (bootstrap.addressCaCertPem, tls.*) and the names in the server certificate.`);
            }
            if ((e as { code?: string }).code === KUBECONFIG_ERROR) {
                throw new Error(`Cannot reach Vault at ${client.address}: ${(e as Error).message}. Check bootstrap.kubeconfig and bootstrap.kubeContext.`);
            }
            if (e instanceof VaultApiError && e.status < 500 && !TRANSIENT_STATUSES.has(e.status)) throw e;
            last = describeError(e);
        }
        if (Date.now() + delay > o.deadline) {
            throw new Error(`Vault at ${client.address} did not answer ${path} within ${Math.round(o.timeoutMs / 1000)} s (${attempt} attempts); last response: ${last}`);
        }
        o.log(`Waiting for Vault at ${client.address} (${last})`);
        await sleep(delay);
        delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
}

function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}
