import { clientNode, CoreV1Api, loadKubeConfig } from "../kube";
import { alreadyWritten, Custody, CustodyError, CustodyRecords, CustodySlot, sameRecord } from "./types";

export interface KubernetesSecretCustodySpec {
    type: "kubernetes-secret";
    namespace: string;
    /** Secret name per slot. */
    names: Record<CustodySlot, string>;
    /** Kubeconfig text; default KUBECONFIG or ~/.kube/config. */
    kubeconfig?: string;
    context?: string;
}

const DATA_KEY = "record.json";

/** Custody in Kubernetes Secrets, for local clusters: created once with the record, never updated. */
export class KubernetesSecretCustody implements Custody {
    readonly description: string;
    private api?: CoreV1Api;

    constructor(private readonly spec: KubernetesSecretCustodySpec) {
        this.description = `Kubernetes Secret ${spec.namespace}/${spec.names.init}`;
    }

    private async core(): Promise<CoreV1Api> {
        this.api ??= (await loadKubeConfig(this.spec.kubeconfig, this.spec.context)).makeApiClient((await clientNode()).CoreV1Api);
        return this.api;
    }

    async read<S extends CustodySlot>(slot: S): Promise<CustodyRecords[S] | undefined> {
        const name = this.spec.names[slot];
        let secret: any;
        try {
            secret = await (await this.core()).readNamespacedSecret({ name, namespace: this.spec.namespace });
        } catch (e: any) {
            if (e?.code === 404) return undefined;
            throw wrap(e, `reading Secret ${this.spec.namespace}/${name}`);
        }
        const data = secret?.data?.[DATA_KEY];
        if (!data) throw new CustodyError(`Secret ${this.spec.namespace}/${name} exists without ${DATA_KEY}; refusing to use or replace it`);
        return JSON.parse(Buffer.from(data, "base64").toString("utf8")) as CustodyRecords[S];
    }

    /** Empty, and creatable: a server-side dry run proves the namespace exists and the RBAC allows the create. */
    async preflight(slot: CustodySlot): Promise<void> {
        if (await this.read(slot)) throw alreadyWritten(`Secret ${this.spec.namespace}/${this.spec.names[slot]}`, slot);
        await this.create(slot, { version: 1 } as CustodyRecords[CustodySlot], true);
    }

    async writeOnce<S extends CustodySlot>(slot: S, record: CustodyRecords[S]): Promise<void> {
        try {
            await this.create(slot, record, false);
        } catch (e) {
            if (!(e instanceof CustodyError && /already holds/.test(e.message))) throw e;
            if (!sameRecord(await this.read(slot), record)) throw e;
        }
    }

    private async create(slot: CustodySlot, record: CustodyRecords[CustodySlot], dryRun: boolean): Promise<void> {
        const name = this.spec.names[slot];
        try {
            await (await this.core()).createNamespacedSecret({
                namespace: this.spec.namespace,
                dryRun: dryRun ? "All" : undefined,
                body: {
                    apiVersion: "v1", kind: "Secret", type: "Opaque",
                    metadata: { name, labels: { "app.kubernetes.io/managed-by": "pulumi-vault-cluster", "vault-cluster/custody": slot } },
                    immutable: true,
                    data: { [DATA_KEY]: Buffer.from(JSON.stringify(record)).toString("base64") },
                },
            });
        } catch (e: any) {
            if (e?.code === 409) throw alreadyWritten(`Secret ${this.spec.namespace}/${name}`, slot);
            throw wrap(e, `${dryRun ? "checking (dry run) that it can create" : "creating"} Secret ${this.spec.namespace}/${name}`);
        }
    }
}

function wrap(e: any, doing: string): CustodyError {
    let body = e?.body;
    if (typeof body === "string") {
        try { body = JSON.parse(body); } catch { body = undefined; }
    }
    const reason = body && typeof body === "object" ? body.message : undefined;
    return new CustodyError(`Kubernetes API failed ${doing}: ${typeof e?.code === "number" ? `HTTP ${e.code}` : e?.message ?? e}${reason ? ` (${reason})` : ""}`);
}
