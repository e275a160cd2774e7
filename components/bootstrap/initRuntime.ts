/**
 * The init resource's provider logic. It runs in Pulumi's dynamic provider process, loaded by absolute path (see
 * initProvider.ts), so it only depends on this package's own modules and Node built-ins.
 */
import type * as pulumi from "@pulumi/pulumi";
import { openCustody, CustodyRecords, CustodySpec } from "./custody";
import type { AdminRecord, InitRecord } from "./custody/types";
import { initializeVault } from "./initializeVault";

export interface VaultInitInputs {
    /** API address for this run (a tunnel port changes every run: not a reason to update). */
    apiAddress: string;
    /** Per-replica addresses for Shamir unseal (likewise per run). */
    replicaAddresses: string[];
    caCertPem?: string;
    tlsServerName?: string;
    seal: "awskms" | "shamir";
    keyShares: number;
    keyThreshold: number;
    pgpKeys: string[];
    keyHolders: string[];
    custody: CustodySpec;
    revokeRootToken: boolean;
    timeoutSeconds: number;
    /** Changes on every run with Shamir, so that replicas found sealed are unsealed again. */
    unsealCheck?: string;
}

export interface VaultInitOutputs extends VaultInitInputs {
    /** The initial root token; empty once revoked for the admin identity. Secret. */
    rootToken: string;
    /** Admin AppRole credentials when the root token is revoked. Secret. */
    admin?: { mount: string; roleId: string; secretId: string };
    sealType: string;
    recoverySeal: boolean;
    initializedAt: string;
    custodyDescription: string;
    /** With `state` custody only: the records themselves. Secret. */
    stateRecords?: Partial<CustodyRecords>;
}

/** Inputs whose change needs the init step to run again. Addresses and init-time parameters do not. */
const DIFFED: (keyof VaultInitInputs)[] = ["seal", "custody", "revokeRootToken", "unsealCheck", "caCertPem", "tlsServerName"];

function withoutKubeconfig(spec: CustodySpec): unknown {
    return spec.type === "kubernetes-secret" ? { ...spec, kubeconfig: undefined } : spec;
}

export async function diff(_id: string, olds: VaultInitOutputs, news: VaultInitInputs): Promise<pulumi.dynamic.DiffResult> {
    const changed = DIFFED.filter((k) => {
        const [a, b] = k === "custody" ? [withoutKubeconfig(olds.custody), withoutKubeconfig(news.custody)] : [olds[k], news[k]];
        return JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
    });
    return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false, stables: ["rootToken", "initializedAt", "sealType", "recoverySeal"] };
}

async function run(inputs: VaultInitInputs, previous: Partial<CustodyRecords>): Promise<VaultInitOutputs> {
    const custody = openCustody(inputs.custody, previous);
    const result = await initializeVault({
        address: inputs.apiAddress,
        replicaAddresses: inputs.replicaAddresses.length > 0 ? inputs.replicaAddresses : undefined,
        caCertPem: inputs.caCertPem,
        tlsServerName: inputs.tlsServerName,
        keyShares: inputs.keyShares,
        keyThreshold: inputs.keyThreshold,
        pgpKeys: inputs.pgpKeys,
        keyHolders: inputs.keyHolders,
        custody,
        revokeRootToken: inputs.revokeRootToken,
        timeoutMs: inputs.timeoutSeconds * 1000,
    });
    const admin: AdminRecord | undefined = result.admin;
    return {
        ...inputs,
        rootToken: result.rootToken,
        admin: admin ? { mount: admin.mount, roleId: admin.roleId, secretId: admin.secretId } : undefined,
        sealType: result.sealType,
        recoverySeal: result.recoverySeal,
        initializedAt: result.record.initializedAt,
        custodyDescription: custody.description,
        stateRecords: inputs.custody.type === "state" ? { init: result.record, admin } : undefined,
    };
}

export async function create(inputs: VaultInitInputs): Promise<pulumi.dynamic.CreateResult> {
    const outs = await run(inputs, {});
    return { id: `vault-init-${outs.initializedAt}`, outs };
}

export async function update(_id: string, olds: VaultInitOutputs, news: VaultInitInputs): Promise<pulumi.dynamic.UpdateResult> {
    // Records kept in state travel from the old outputs: an update must never lose them.
    const previous: Partial<CustodyRecords> = olds.stateRecords ?? {};
    const outs = await run(news, previous);
    return { outs };
}

export type { InitRecord };
