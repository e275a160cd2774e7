/** What `PUT /v1/sys/init` returned, kept once in custody. */
export interface InitRecord {
    version: 1;
    initializedAt: string;
    sealType: string;
    /** True with an auto-unseal seal: `keys` are recovery keys, not unseal keys. */
    recoverySeal: boolean;
    keyShares: number;
    keyThreshold: number;
    /** Holder of each key share, in order, when the shares are PGP-encrypted. */
    keyHolders?: string[];
    keys: string[];
    keysBase64: string[];
    rootToken: string;
    /** The root token is PGP-encrypted (root_token_pgp_key) and unusable by the init step. */
    rootTokenEncrypted?: boolean;
    /**
     * Vault's `cluster_id` (sys/health), read right after init when the server unsealed itself (auto-unseal). A record
     * whose cluster differs from the Vault it is used with is refused. Absent with Shamir (sealed at that moment).
     */
    clusterId?: string;
}

/** The dedicated AppRole identity Pulumi uses once the root token is revoked. */
export interface AdminRecord {
    version: 1;
    createdAt: string;
    /** Auth mount path of the AppRole, e.g. `pulumi`. */
    mount: string;
    roleName: string;
    policyName: string;
    roleId: string;
    secretId: string;
}

export interface CustodyRecords {
    init: InitRecord;
    admin: AdminRecord;
}

export type CustodySlot = keyof CustodyRecords;

/**
 * A place that keeps the init response (and the admin identity) safe. Every slot is written at most once: a
 * second write is refused, never an overwrite. Implementations never put record contents in errors or logs.
 */
export interface Custody {
    /** Human-readable location, e.g. "AWS Secrets Manager secret arn:...". */
    readonly description: string;
    read<S extends CustodySlot>(slot: S): Promise<CustodyRecords[S] | undefined>;
    /** Fails unless the slot exists (where it must be pre-created), is reachable and still empty. */
    preflight(slot: CustodySlot): Promise<void>;
    writeOnce<S extends CustodySlot>(slot: S, record: CustodyRecords[S]): Promise<void>;
}

export class CustodyError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CustodyError";
    }
}

/** The same record written again (a retry whose first attempt succeeded unseen) is not a second write. */
export function sameRecord(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

/** Refusal to overwrite a filled slot. */
export function alreadyWritten(description: string, slot: CustodySlot): CustodyError {
    return new CustodyError(`${description} already holds the ${slot} record; it is written once and never overwritten`);
}
