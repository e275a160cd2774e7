/*
 * How the day-2 resources reach the pods and authenticate, in Pulumi's provider process: port-forward tunnels to
 * each pod, and the token and unseal keys read from custody when needed (never stored in these resources' state).
 */
import { loginAdmin } from "../bootstrap/adminIdentity";
import { CustodyRecords, CustodySpec, openCustody } from "../bootstrap/custody";
import { openTunnel, Tunnel } from "../bootstrap/tunnel";
import { VaultClient } from "../bootstrap/vaultApi";
import { VAULT_PORT } from "../cluster/names";

/** One client per pod, through a tunnel to that pod. */
export interface PodTransport {
    vaultFor(pod: string): VaultClient;
    close(): Promise<void>;
}

export interface TunnelTransportOptions {
    namespace: string;
    /** Pod names; stable across replacements, so the tunnels are opened once, up front. */
    pods: string[];
    kubeconfig?: string;
    context?: string;
    /** Trust anchor of the pods' listener (during a CA change: old and new). Without it, plain HTTP. */
    caCertPem?: string;
}

/**
 * A local tunnel per pod through the Kubernetes API (what `kubectl port-forward pod/<name>` does): each connection
 * dials the pod by name, so a replaced pod is reached through the same tunnel.
 */
export async function tunnelTransport(o: TunnelTransportOptions): Promise<PodTransport> {
    const tunnels = new Map<string, Tunnel>();
    for (const pod of o.pods) {
        tunnels.set(pod, await openTunnel({ namespace: o.namespace, pod, remotePort: VAULT_PORT, kubeconfig: o.kubeconfig, context: o.context }));
    }
    const scheme = o.caCertPem ? "https" : "http";
    return {
        vaultFor(pod) {
            const tunnel = tunnels.get(pod);
            if (!tunnel) throw new Error(`no tunnel to pod ${pod} (known: ${o.pods.join(", ")})`);
            return new VaultClient({ address: `${scheme}://${tunnel.hostPort}`, caCertPem: o.caCertPem });
        },
        close: async () => {
            await Promise.all([...tunnels.values()].map((t) => t.close()));
        },
    };
}

export interface Credentials {
    /** The client with a token: the admin AppRole's login when it exists (the root token is revoked then), else the root token. */
    authenticate(client: VaultClient): Promise<VaultClient>;
    /** The base64 unseal keys of a Shamir cluster. */
    unsealKeys(): Promise<string[]>;
}

/** Credentials from the init step's custody; `records` are the init resource's state records with `state` custody. */
export function custodyCredentials(spec: CustodySpec, records?: Partial<CustodyRecords>): Credentials {
    const custody = openCustody(spec, records ?? {});
    const initRecord = async () => {
        const record = await custody.read("init");
        if (!record) throw new Error(`${custody.description} holds no init record`);
        return record;
    };
    return {
        async authenticate(client) {
            const admin = await custody.read("admin");
            if (admin) return loginAdmin(client, admin);
            const record = await initRecord();
            if (record.rootTokenEncrypted || !record.rootToken) throw new Error(`${custody.description} holds no usable root token and no admin identity`);
            return client.withToken(record.rootToken);
        },
        async unsealKeys() {
            const record = await initRecord();
            if (record.keyHolders) throw new Error("the unseal keys are PGP-encrypted for their holders: unseal the pods by hand");
            return record.keysBase64;
        },
    };
}
