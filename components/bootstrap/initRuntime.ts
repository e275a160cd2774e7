/**
 * The init resource's provider logic. It runs in Pulumi's dynamic provider process, loaded by absolute path (see
 * initProvider.ts), so it only depends on this package's own modules and Node built-ins.
 */
import type * as pulumi from "@pulumi/pulumi";
import { openCustody, CustodyRecords, CustodySpec } from "./custody";
import type { AdminRecord, InitRecord } from "./custody/types";
import { checkSeals, initializeVault, PostInitError } from "./initializeVault";

export interface VaultInitInputs {
    /** API address for this run: a tunnel (usually on a stable port, but not always) or bootstrap.address. */
    apiAddress: string;
    /** Per-replica addresses for Shamir unseal (likewise per run). */
    replicaAddresses: string[];
    caCertPem?: string;
    /** Trust anchor of `replicaAddresses` (the cluster CA) when it differs from `caCertPem`. */
    replicaCaCertPem?: string;
    seal: "awskms" | "shamir";
    keyShares: number;
    keyThreshold: number;
    pgpKeys: string[];
    keyHolders: string[];
    custody: CustodySpec;
    revokeRootToken: boolean;
    /** The admin identity's policy, rendered from the configured engines; rewritten when it changes. */
    adminPolicyHcl: string;
    timeoutSeconds: number;
}

export interface VaultInitOutputs extends VaultInitInputs {
    /** The initial root token; empty once revoked for the admin identity. Secret. */
    rootToken: string;
    /** Admin AppRole credentials once the root token is revoked. Secret. */
    admin?: { mount: string; roleId: string; secretId: string };
    sealType: string;
    recoverySeal: boolean;
    initializedAt: string;
    custodyDescription: string;
    /**
     * The records themselves, with `state` custody, or while a custody write is pending after a failure (then the
     * next run writes them to custody). Secret.
     */
    stateRecords?: Partial<CustodyRecords>;
}

/** Inputs whose change needs the init step to run again. Addresses and init-time parameters do not. */
const DIFFED: (keyof VaultInitInputs)[] = ["seal", "custody", "revokeRootToken", "adminPolicyHcl", "caCertPem"];

/** How Pulumi hands a provider an input that is not known yet (a preview before its source exists). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function withoutKubeconfig(spec: CustodySpec): unknown {
    return spec.type === "kubernetes-secret" ? { ...spec, kubeconfig: undefined } : spec;
}

/**
 * With Shamir a replica that restarted comes back sealed, and only the init step can unseal it: the diff asks every
 * replica (the tunnels are open while the program runs) and reports a change when one is sealed or cannot be asked,
 * so a healthy cluster shows no change and a sealed one is unsealed by the update.
 */
async function replicasNeedUnseal(news: VaultInitInputs): Promise<boolean> {
    const addresses = news.replicaAddresses as unknown;
    const ca = news.replicaCaCertPem ?? news.caCertPem;
    if (!Array.isArray(addresses) || addresses.length === 0 || [ca, ...addresses].includes(UNKNOWN)) return true;
    const { sealed, unanswered } = await checkSeals(addresses, ca);
    return sealed.length > 0 || unanswered.length > 0;
}

export async function diff(_id: string, olds: VaultInitOutputs, news: VaultInitInputs): Promise<pulumi.dynamic.DiffResult> {
    const changed = DIFFED.filter((k) => {
        const [a, b] = k === "custody" ? [withoutKubeconfig(olds.custody), withoutKubeconfig(news.custody)] : [olds[k], news[k]];
        return JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
    });
    const changes = changed.length > 0 || (news.seal === "shamir" && await replicasNeedUnseal(news));
    return { changes, replaces: [], deleteBeforeReplace: false, stables: ["rootToken", "initializedAt", "sealType", "recoverySeal"] };
}

function outputs(inputs: VaultInitInputs, o: { record: InitRecord; admin?: AdminRecord; rootToken: string; sealType: string; recoverySeal: boolean;
    custodyDescription: string; keepRecords: boolean }): VaultInitOutputs {
    const outs: VaultInitOutputs = {
        ...inputs,
        rootToken: o.rootToken,
        admin: o.admin ? { mount: o.admin.mount, roleId: o.admin.roleId, secretId: o.admin.secretId } : undefined,
        sealType: o.sealType,
        recoverySeal: o.recoverySeal,
        initializedAt: o.record.initializedAt,
        custodyDescription: o.custodyDescription,
        stateRecords: o.keepRecords ? { init: o.record, admin: o.admin } : undefined,
    };
    // Pulumi's wire format has no `undefined`.
    return JSON.parse(JSON.stringify(outs));
}

/**
 * Runs the init step. When something fails after Vault was initialized, the resource is still recorded, with the
 * init record in its secret state if custody could not take it, so that nothing is lost and the next run finishes:
 * Pulumi's "created but failed to initialize" (an error carrying `id` and `properties`).
 */
async function run(inputs: VaultInitInputs, previous: Partial<CustodyRecords>, id?: string): Promise<{ id: string; outs: VaultInitOutputs }> {
    const custody = openCustody(inputs.custody, previous);
    const inState = inputs.custody.type === "state";
    try {
        const result = await initializeVault({
            address: inputs.apiAddress,
            replicaAddresses: inputs.replicaAddresses.length > 0 ? inputs.replicaAddresses : undefined,
            caCertPem: inputs.caCertPem,
            replicaCaCertPem: inputs.replicaCaCertPem,
            keyShares: inputs.keyShares,
            keyThreshold: inputs.keyThreshold,
            pgpKeys: inputs.pgpKeys,
            keyHolders: inputs.keyHolders,
            custody,
            revokeRootToken: inputs.revokeRootToken,
            adminPolicyHcl: inputs.adminPolicyHcl,
            recoveredRecord: inState ? undefined : previous.init,
            timeoutMs: inputs.timeoutSeconds * 1000,
        });
        return {
            id: id ?? `vault-init-${result.record.initializedAt}`,
            outs: outputs(inputs, { ...result, custodyDescription: custody.description, keepRecords: inState }),
        };
    } catch (e) {
        if (!(e instanceof PostInitError)) throw e;
        const { record, custodyWritten, admin } = e.partial;
        const outs = outputs(inputs, {
            record, admin, rootToken: admin ? "" : record.rootToken, sealType: record.sealType, recoverySeal: record.recoverySeal,
            custodyDescription: custody.description, keepRecords: inState || !custodyWritten,
        });
        throw Object.assign(new Error(e.message), { id: id ?? `vault-init-${record.initializedAt}`, properties: outs, reasons: [e.message] });
    }
}

export async function create(inputs: VaultInitInputs): Promise<pulumi.dynamic.CreateResult> {
    return run(inputs, {});
}

export async function update(id: string, olds: VaultInitOutputs, news: VaultInitInputs): Promise<pulumi.dynamic.UpdateResult> {
    // Records kept in state travel from the old outputs: an update must never lose them.
    const { outs } = await run(news, olds.stateRecords ?? {}, id);
    return { outs };
}
