import { ADMIN_POLICY_HCL, createAdminIdentity, loginAdmin, revokeRootToken } from "./adminIdentity";
import type { AdminRecord, Custody, InitRecord } from "./custody/types";
import { describeError, isTlsError, VaultApiError, VaultClient, VaultEndpoint } from "./vaultApi";

export interface InitializeVaultOptions {
    /** Vault API address used for init and configuration, e.g. `https://127.0.0.1:18200` (a tunnel) or an ingress URL. */
    address: string;
    /** Each server's own address, for Shamir unseal. Default `[address]`. */
    replicaAddresses?: string[];
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
    /** Create Pulumi's admin AppRole identity, keep it in custody and revoke the root token. */
    revokeRootToken?: boolean;
    /** The admin identity's policy (written at creation and on every later run). Default {@link ADMIN_POLICY_HCL}. */
    adminPolicyHcl?: string;
    /**
     * An init record kept by an earlier run whose custody write failed (see {@link PostInitError}): written to custody
     * now, if custody is still empty.
     */
    recoveredRecord?: InitRecord;
    /** How long to wait for the API to answer. Default 600 000 ms. */
    timeoutMs?: number;
    /** First retry delay; doubles up to 10 s. Default 1000 ms. */
    retryDelayMs?: number;
    /** Progress messages. They never contain keys or tokens. */
    log?: (message: string) => void;
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
    /** Addresses of the replicas this call unsealed. */
    unsealed: string[];
}

/**
 * Something failed after Vault was initialized. The init record is in `partial.record`: the caller must keep it
 * (when `custodyWritten` is false it exists nowhere else) and run again to finish the remaining steps.
 */
export class PostInitError extends Error {
    constructor(message: string, readonly partial: { record: InitRecord; custodyWritten: boolean; admin?: AdminRecord }) {
        super(message);
        this.name = "PostInitError";
    }
}

interface InitStatus { initialized: boolean }
interface SealStatus { type: string; sealed: boolean; recovery_seal?: boolean; t: number; n: number; progress: number }

const MAX_DELAY_MS = 10_000;

/**
 * Initializes Vault once and keeps the response in custody; idempotent on every later run. Waits for the API,
 * reads `sys/init` and `sys/seal-status`, then inits with recovery shares (auto-unseal) or secret shares (Shamir,
 * followed by unsealing every replica), or, when Vault is already initialized, takes the record from custody.
 * Usable outside Pulumi. Errors carry Vault's own messages and never a key or token.
 */
export async function initializeVault(options: InitializeVaultOptions): Promise<InitResult> {
    const log = options.log ?? (() => undefined);
    const endpoint = (address: string, caCertPem = options.caCertPem): VaultEndpoint => ({ address, caCertPem, tlsServerName: options.tlsServerName });
    const replicaCa = options.replicaCaCertPem ?? options.caCertPem;
    const client = new VaultClient(endpoint(options.address));
    const wait = { timeoutMs: options.timeoutMs ?? 600_000, retryDelayMs: options.retryDelayMs ?? 1000, log };
    const custody = options.custody;

    const init = (await waitForApi(client, "/v1/sys/init", wait)) as InitStatus;
    const seal = (await client.get("/v1/sys/seal-status")).body as SealStatus;
    const recoverySeal = seal.recovery_seal === true;
    log(`Vault at ${client.address}: initialized=${init.initialized}, seal=${seal.type}${recoverySeal ? " (auto-unseal)" : ""}`);

    let record: InitRecord;
    let initialized = false;
    if (!init.initialized) {
        if (await custody.read("init")) {
            throw new Error(`Vault at ${client.address} is not initialized, but ${custody.description} already holds an init record. ` +
                "The storage backend was replaced or wiped, or this custody belongs to another cluster. Refusing to initialize: " +
                "the new keys could not be kept. Move the old record aside deliberately, then run again.");
        }
        await custody.preflight("init");
        record = await performInit(client, options, seal, recoverySeal);
        initialized = true;
        await keepInCustody(custody, record, wait);
        log(`Vault initialized; the init response is kept in ${custody.description}`);
    } else {
        const kept = await custody.read("init");
        if (kept) {
            record = kept;
        } else if (options.recoveredRecord) {
            record = options.recoveredRecord;
            await keepInCustody(custody, record, wait);
            log(`The init response kept by an earlier run is now in ${custody.description}`);
        } else {
            throw new Error(`Vault at ${client.address} is already initialized, but ${custody.description} holds no init record, so there is ` +
                "no token to configure it with. Initialize custody with the original init response, or point bootstrap.custody at where it is kept.");
        }
    }

    // From here on the record is safe in custody: a failure leaves it there and the next run finishes the work.
    let admin: AdminRecord | undefined;
    try {
        const unsealed: string[] = [];
        if (!recoverySeal) {
            for (const address of options.replicaAddresses ?? [options.address]) {
                if (await unsealReplica(new VaultClient(endpoint(address, replicaCa)), record, wait)) unsealed.push(address);
            }
        }
        // Once an admin identity exists the root token is gone for good, whatever this run asks.
        admin = await custody.read("admin");
        if (options.revokeRootToken || admin) {
            admin = await ensureAdminIdentity(client, custody, record, admin, options.adminPolicyHcl ?? ADMIN_POLICY_HCL, log);
        }
        return { initialized, sealType: seal.type, recoverySeal, rootToken: admin || record.rootTokenEncrypted ? "" : record.rootToken, record, admin, unsealed };
    } catch (e) {
        throw new PostInitError(`Vault is initialized and its init response is kept in ${custody.description}, but a later step failed: ${describeError(e)}. Run again to finish.`,
            { record, custodyWritten: true, admin });
    }
}

/** The admin identity: created (and kept in custody) once, its policy brought up to date, the root token revoked. */
async function ensureAdminIdentity(client: VaultClient, custody: Custody, record: InitRecord, existing: AdminRecord | undefined,
    policyHcl: string, log: (m: string) => void): Promise<AdminRecord> {
    let admin = existing;
    if (!admin) {
        if (record.rootTokenEncrypted) throw new Error("the root token is PGP-encrypted, so the admin identity cannot be created automatically");
        await custody.preflight("admin");
        admin = await createAdminIdentity(client.withToken(record.rootToken), policyHcl);
        await custody.writeOnce("admin", admin);
        log(`Created the ${admin.mount}/${admin.roleName} AppRole identity; its credentials are kept in ${custody.description}`);
    }
    const asAdmin = await loginAdmin(client, admin);
    await asAdmin.request("PUT", `/v1/sys/policies/acl/${admin.policyName}`, { policy: policyHcl });
    if (!record.rootTokenEncrypted && await revokeRootToken(client.withToken(record.rootToken))) log("Revoked the initial root token");
    return admin;
}

async function performInit(client: VaultClient, o: InitializeVaultOptions, seal: SealStatus, recoverySeal: boolean): Promise<InitRecord> {
    const shares = o.pgpKeys?.length || o.keyShares || 5;
    const threshold = o.keyThreshold ?? Math.min(3, shares);
    // Sending secret_* to an auto-unseal Vault is a 400, and recovery_* to a Shamir one too.
    const body: Record<string, unknown> = recoverySeal
        ? { recovery_shares: shares, recovery_threshold: threshold, ...(o.pgpKeys?.length ? { recovery_pgp_keys: o.pgpKeys } : {}) }
        : { secret_shares: shares, secret_threshold: threshold, ...(o.pgpKeys?.length ? { pgp_keys: o.pgpKeys } : {}) };
    if (o.rootTokenPgpKey) body.root_token_pgp_key = o.rootTokenPgpKey;
    const res = (await client.request("PUT", "/v1/sys/init", body)).body ?? {};
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

/**
 * Losing the record after init would lose Vault: try hard, and if custody still refuses, hand the record to the
 * caller in a {@link PostInitError} (the init resource keeps it in the Pulumi state and retries on the next run).
 */
async function keepInCustody(custody: Custody, record: InitRecord, wait: WaitOptions): Promise<void> {
    let last: unknown;
    for (let attempt = 1; attempt <= 5; attempt++) {
        try {
            await custody.writeOnce("init", record);
            return;
        } catch (e) {
            last = e;
            wait.log(`Writing the init record to ${custody.description} failed (attempt ${attempt} of 5): ${describeError(e)}`);
            if (attempt < 5) await sleep(wait.retryDelayMs * attempt);
        }
    }
    throw new PostInitError(`Vault is initialized, but ${custody.description} could not keep the init response: ${describeError(last)}. ` +
        "The response is kept by the caller (the init resource's secret state) and written to custody on the next run.", { record, custodyWritten: false });
}

/** Unseals one replica with the kept unseal keys when it is sealed. Returns whether it was sealed. */
async function unsealReplica(replica: VaultClient, record: InitRecord, wait: WaitOptions): Promise<boolean> {
    let status = (await waitForApi(replica, "/v1/sys/seal-status", wait)) as SealStatus;
    if (!status.sealed) return false;
    if (record.keyHolders) {
        throw new Error(`Vault at ${replica.address} is sealed and its unseal keys are PGP-encrypted for their holders: unseal it by hand`);
    }
    for (const key of record.keysBase64) {
        status = (await replica.request("PUT", "/v1/sys/unseal", { key })).body as SealStatus;
        if (!status.sealed) return true;
    }
    throw new Error(`Vault at ${replica.address} is still sealed after ${record.keysBase64.length} unseal keys (progress ${status.progress}/${status.t})`);
}

/**
 * Asks every replica for its seal status, once each, in parallel, with a short timeout: the cheap check that tells
 * whether a Shamir cluster needs unsealing. `unanswered` holds the replicas whose state is unknown (no answer, or
 * an error); nothing here retries or throws.
 */
export async function checkSeals(addresses: string[], caCertPem?: string, timeoutMs = 5000): Promise<{ sealed: string[]; unanswered: string[] }> {
    const statuses = await Promise.all(addresses.map((address) => new VaultClient({ address, caCertPem, timeoutMs })
        .get("/v1/sys/seal-status").then((r) => (r.body as SealStatus | undefined)?.sealed, () => undefined)));
    return {
        sealed: addresses.filter((_, i) => statuses[i] === true),
        unanswered: addresses.filter((_, i) => typeof statuses[i] !== "boolean"),
    };
}

interface WaitOptions { timeoutMs: number; retryDelayMs: number; log: (m: string) => void }

/**
 * Polls `path` until Vault answers it, with doubling delays. Connection errors and 5xx statuses are retried;
 * TLS errors and 4xx are not (they will not go away). Times out naming the address and the last response.
 */
async function waitForApi(client: VaultClient, path: string, o: WaitOptions): Promise<unknown> {
    const deadline = Date.now() + o.timeoutMs;
    let delay = o.retryDelayMs;
    let last = "no attempt";
    for (let attempt = 1; ; attempt++) {
        try {
            return (await client.get(path)).body;
        } catch (e) {
            if (isTlsError(e)) {
                throw new Error(`TLS verification of Vault at ${client.address} failed: ${describeError(e)}. Check the CA (bootstrap.addressCaCertPem, tls.*) and the names in the server certificate.`);
            }
            if (e instanceof VaultApiError && e.status < 500) throw e;
            last = describeError(e);
        }
        if (Date.now() + delay > deadline) {
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
