/*
 * How the day-2 resources reach the pods and authenticate, in Pulumi's provider process: port-forward streams to
 * each pod, and the token and unseal keys read from custody when needed (never stored in these resources' state).
 */
import { loginAdmin } from "../bootstrap/adminIdentity";
import { CustodyRecords, CustodySpec, openCustody } from "../bootstrap/custody";
import { vaultClientForPod } from "../bootstrap/podTransport";
import type { VaultClient } from "../bootstrap/vaultApi";

/** One client per pod. */
export interface PodTransport {
    vaultFor(pod: string): VaultClient;
}

export interface StreamTransportOptions {
    namespace: string;
    /** The StatefulSet: its pods are verified as `<pod>.<statefulSet>-internal.<namespace>.svc`, a name every server certificate carries. */
    statefulSet: string;
    kubeconfig?: string;
    context?: string;
    /** Trust anchor of the pods' listener (during a CA change: old and new). Without it, plain HTTP. */
    caCertPem?: string;
}

/**
 * Each request to a pod travels on its own port-forward stream through the Kubernetes API (TLS inside it): a replaced
 * pod is reached by the same name, and nothing listens on this machine.
 */
export function streamTransport(o: StreamTransportOptions): PodTransport {
    return {
        vaultFor: (pod) => vaultClientForPod({
            kubeconfig: o.kubeconfig, context: o.context, namespace: o.namespace, pod, caCertPem: o.caCertPem,
            scheme: o.caCertPem ? "https" : "http", host: `${pod}.${o.statefulSet}-internal.${o.namespace}.svc`,
        }),
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
