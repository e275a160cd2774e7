/**
 * The init resource's provider logic. It runs in Pulumi's dynamic provider process, loaded by absolute path (see
 * initProvider.ts), so it only depends on this package's own modules and Node built-ins.
 */
import type * as pulumi from "@pulumi/pulumi";
import { openCustody, CustodyRecords, CustodySpec } from "./custody";
import type { AdminRecord, InitRecord } from "./custody/types";
import type { SealType } from "../cluster/args";
import { checkSeals, initializeVault, InitializeVaultOptions, NamedVaultClient, PostInitError } from "./initializeVault";
import { vaultClientForPod } from "./podTransport";
import { engineProgress } from "./progress";
import { activeServerPod } from "./tunnel";
import { VaultClient } from "./vaultApi";

/** The server pods, reached through port-forward streams of the Kubernetes API: nothing listens locally. */
export interface PodAccess {
    namespace: string;
    /** Helm release of the pods; the active server is found by its `vault-active` label. */
    releaseName: string;
    /** Server pod names, in order. */
    names: string[];
    /** Headless service of the pods: each certificate is verified for `<pod>.<internalService>.<namespace>.svc`. */
    internalService: string;
    port: number;
    scheme: "https" | "http";
}

/**
 * What the cluster was initialized against. These names do not move silently: the diff refuses a move that would
 * leave the initialized cluster's data behind.
 */
export interface InitPlacement {
    namespace: string;
    releaseName: string;
    /** `dynamodb` or `raft`. */
    storage: string;
    /** The DynamoDB table's name (with `dynamodb`). */
    table?: string;
    /** The table `table` is a point-in-time restore of (`storage.restoredFrom`): a move from it keeps the cluster. */
    restoredFrom?: string;
}

export interface VaultInitInputs {
    /** bootstrap.address when set: the API is reached over the network. Otherwise through the active pod. */
    apiAddress?: string;
    pods: PodAccess;
    /** Kubeconfig text for the port-forward streams (default: KUBECONFIG or ~/.kube/config). Secret. */
    kubeconfig?: string;
    kubeContext?: string;
    caCertPem?: string;
    /** Trust anchor of the pods (the cluster CA) when it differs from `caCertPem`. */
    replicaCaCertPem?: string;
    seal: SealType;
    keyShares: number;
    keyThreshold: number;
    pgpKeys: string[];
    keyHolders: string[];
    custody: CustodySpec;
    revokeRootToken: boolean;
    /** The admin identity's policy, rendered from the configured engines; rewritten when it changes. */
    adminPolicyHcl: string;
    timeoutSeconds: number;
    placement: InitPlacement;
    /** The resource's own URN: progress messages are attached to it. */
    logUrn?: string;
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
    /** Vault's `cluster_id`: custody records of another cluster are refused. */
    clusterId?: string;
    /** Shamir replicas left sealed by the last run (no answer in time): the next run unseals them. */
    sealedReplicas: string[];
    /**
     * The records themselves, with `state` custody, or while a custody write is pending after a failure (then the
     * next run writes them to custody). Secret.
     */
    stateRecords?: Partial<CustodyRecords>;
}

/** Inputs whose change needs the init step to run again. Access paths and init-time parameters do not. */
const DIFFED: (keyof VaultInitInputs)[] = ["seal", "custody", "revokeRootToken", "adminPolicyHcl", "caCertPem", "placement"];

/** How Pulumi hands a provider an input that is not known yet (a preview before its source exists). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Where custody is, without the credentials used to reach it. */
function custodyLocation(spec: CustodySpec): string {
    return JSON.stringify(spec.type === "kubernetes-secret" ? { ...spec, kubeconfig: undefined, context: undefined } : spec);
}

function podClient(inputs: VaultInitInputs, pod: string, caCertPem: string | undefined): VaultClient {
    const p = inputs.pods;
    return vaultClientForPod({
        kubeconfig: inputs.kubeconfig, context: inputs.kubeContext, namespace: p.namespace, pod, port: p.port, scheme: p.scheme,
        // (`*.<service>` alone is too broad a wildcard for Node's certificate check; the namespaced form is in every certificate.)
        host: `${pod}.${p.internalService}.${p.namespace}.svc`, caCertPem,
    });
}

/** With Shamir, every pod is unsealed through its own stream. */
function replicaClients(inputs: VaultInitInputs): NamedVaultClient[] {
    if (inputs.seal !== "shamir") return [];
    const ca = inputs.replicaCaCertPem ?? inputs.caCertPem;
    return inputs.pods.names.map((name) => ({ name, client: podClient(inputs, name, ca) }));
}

async function apiClient(inputs: VaultInitInputs): Promise<VaultClient> {
    if (inputs.apiAddress) return new VaultClient({ address: inputs.apiAddress, caCertPem: inputs.caCertPem });
    const p = inputs.pods;
    const pod = await activeServerPod({ namespace: p.namespace, releaseName: p.releaseName, fallback: p.names[0], kubeconfig: inputs.kubeconfig, context: inputs.kubeContext })();
    return podClient(inputs, pod, inputs.caCertPem);
}

/**
 * With Shamir a replica that restarted comes back sealed, and only the init step can unseal it: the diff asks every
 * replica (through port-forward streams) and reports a change when one is sealed or cannot be asked, so a healthy
 * cluster shows no change and a sealed one is unsealed by the update.
 */
async function replicasNeedUnseal(news: VaultInitInputs): Promise<boolean> {
    const ca = news.replicaCaCertPem ?? news.caCertPem;
    if ([ca, news.kubeconfig, JSON.stringify(news.pods)].some((v) => v?.includes(UNKNOWN))) return true;
    const { sealed, unanswered } = await checkSeals(replicaClients(news));
    return sealed.length > 0 || unanswered.length > 0;
}

/**
 * The physical names an initialized cluster lives in must not move without its data: a new table, a Raft cluster in
 * another release's volumes, or another storage type would start an empty Vault (and orphan the old one). Refused
 * here, in the diff, so `pulumi preview` fails before anything changes.
 */
function refuseMoves(old: InitPlacement | undefined, now: InitPlacement): void {
    if (!old) return;
    const where = (p: InitPlacement) => (p.storage === "dynamodb" ? `DynamoDB table "${p.table}"` : `Raft in release "${p.releaseName}" of namespace "${p.namespace}"`);
    let problem: string | undefined;
    if (old.storage !== now.storage) {
        problem = `its storage would change from ${where(old)} to ${where(now)}. Set storage back to ${old.storage}`;
    } else if (old.storage === "dynamodb" && old.table !== now.table && now.restoredFrom !== old.table) {
        problem = `its DynamoDB table would change from "${old.table}" to "${now.table}". Pin storage.tableName: "${old.table}" ` +
            `(or storage.existingTable), or, when the component was renamed, add aliases for its old name; when "${now.table}" is a ` +
            `point-in-time restore of "${old.table}", say so with storage.restoredFrom: "${old.table}"`;
    } else if (old.storage === "raft" && (old.namespace !== now.namespace || old.releaseName !== now.releaseName)) {
        problem = `its Raft data lives in the volumes of release "${old.releaseName}" in namespace "${old.namespace}", and release ` +
            `"${now.releaseName}" in namespace "${now.namespace}" would start empty. Keep namespace: "${old.namespace}" and releaseName: ` +
            `"${old.releaseName}", or, when the component was renamed, add aliases for its old name`;
    }
    if (problem) throw new Error(`Refusing to move the initialized Vault cluster: ${problem}. Nothing was changed.`);
}

export async function diff(_id: string, olds: VaultInitOutputs, news: VaultInitInputs): Promise<pulumi.dynamic.DiffResult> {
    refuseMoves(olds.placement, news.placement);
    const changed = DIFFED.filter((k) => {
        const [a, b] = k === "custody" ? [custodyLocation(olds.custody), custodyLocation(news.custody)] : [olds[k], news[k]];
        return JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
    });
    const changes = changed.length > 0 || (news.seal === "shamir" && await replicasNeedUnseal(news));
    return { changes, replaces: [], deleteBeforeReplace: false, stables: ["rootToken", "initializedAt", "sealType", "recoverySeal"] };
}

/**
 * The waits of one run, from `bootstrap.timeoutSeconds` (600 by default): the API gets all of it; each Shamir replica
 * and each custody call a tenth, at most 60 s and 30 s; retries start at a hundredth, at most 1 s.
 */
function budgets(timeoutSeconds: number): Pick<InitializeVaultOptions, "timeoutMs" | "replicaTimeoutMs" | "custodyTimeoutMs" | "retryDelayMs"> {
    const timeoutMs = timeoutSeconds * 1000;
    return {
        timeoutMs,
        replicaTimeoutMs: Math.min(60_000, timeoutMs / 10),
        custodyTimeoutMs: Math.min(30_000, timeoutMs / 10),
        retryDelayMs: Math.min(1000, timeoutMs / 100),
    };
}

interface Kept { record: InitRecord; admin?: AdminRecord; keepInit: boolean; keepAdmin: boolean }

function outputs(inputs: VaultInitInputs, o: Kept & { rootToken: string; sealType: string; recoverySeal: boolean; custodyDescription: string;
    clusterId?: string; sealedReplicas: string[] }): VaultInitOutputs {
    const records = { init: o.keepInit ? o.record : undefined, admin: o.keepAdmin ? o.admin : undefined };
    const outs: VaultInitOutputs = {
        ...inputs,
        rootToken: o.rootToken,
        admin: o.admin ? { mount: o.admin.mount, roleId: o.admin.roleId, secretId: o.admin.secretId } : undefined,
        sealType: o.sealType,
        recoverySeal: o.recoverySeal,
        initializedAt: o.record.initializedAt,
        custodyDescription: o.custodyDescription,
        clusterId: o.clusterId,
        sealedReplicas: o.sealedReplicas,
        stateRecords: records.init || records.admin ? records : undefined,
    };
    // Pulumi's wire format has no `undefined`.
    return JSON.parse(JSON.stringify(outs));
}

/**
 * Runs the init step. When something fails after Vault was initialized, the resource is still recorded, with the
 * init record (and a new admin identity) in its secret state if custody could not take them, so that nothing is lost
 * and the next run finishes: Pulumi's "created but failed to initialize" (an error carrying `id` and `properties`).
 */
async function run(inputs: VaultInitInputs, previous: Partial<CustodyRecords>, id?: string,
    extra: Pick<InitializeVaultOptions, "previousCustody" | "expectedClusterId"> = {}): Promise<{ id: string; outs: VaultInitOutputs }> {
    const custody = openCustody(inputs.custody, previous);
    const inState = inputs.custody.type === "state";
    const log = engineProgress(inputs.logUrn);
    try {
        const result = await initializeVault({
            api: await apiClient(inputs),
            replicas: replicaClients(inputs),
            keyShares: inputs.keyShares,
            keyThreshold: inputs.keyThreshold,
            pgpKeys: inputs.pgpKeys,
            keyHolders: inputs.keyHolders,
            custody,
            revokeRootToken: inputs.revokeRootToken,
            adminPolicyHcl: inputs.adminPolicyHcl,
            recoveredRecord: inState ? undefined : previous.init,
            recoveredAdmin: inState ? undefined : previous.admin,
            ...budgets(inputs.timeoutSeconds),
            log,
            ...extra,
        });
        if (result.sealedReplicas.length > 0) {
            log(`Left sealed: ${result.sealedReplicas.join(", ")}. The next preview shows the init step as an update, and that update unseals them once they run.`, "warning");
        }
        return {
            id: id ?? `vault-init-${result.record.initializedAt}`,
            outs: outputs(inputs, { ...result, custodyDescription: custody.description, keepInit: inState, keepAdmin: inState }),
        };
    } catch (e) {
        if (!(e instanceof PostInitError)) throw e;
        const { record, custodyWritten, admin, adminCustodyWritten, clusterId } = e.partial;
        const outs = outputs(inputs, {
            record, admin, rootToken: admin ? "" : record.rootToken, sealType: record.sealType, recoverySeal: record.recoverySeal,
            custodyDescription: custody.description, clusterId, sealedReplicas: [],
            keepInit: inState || !custodyWritten, keepAdmin: inState || adminCustodyWritten === false,
        });
        throw Object.assign(new Error(e.message), { id: id ?? `vault-init-${record.initializedAt}`, properties: outs, reasons: [e.message] });
    } finally {
        await log.flush();
    }
}

export async function create(inputs: VaultInitInputs): Promise<pulumi.dynamic.CreateResult> {
    return run(inputs, {});
}

export async function update(id: string, olds: VaultInitOutputs, news: VaultInitInputs): Promise<pulumi.dynamic.UpdateResult> {
    // Records kept in state travel from the old outputs: an update must never lose them. When custody moved, the
    // records are carried over from the old one (read there, checked against the cluster, written once here).
    const previous = olds.stateRecords ?? {};
    const moved = custodyLocation(olds.custody) !== custodyLocation(news.custody);
    const { outs } = await run(news, previous, id, {
        previousCustody: moved ? openCustody(olds.custody, previous) : undefined,
        expectedClusterId: olds.clusterId,
    });
    return { outs };
}
