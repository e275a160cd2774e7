/**
 * Names the chart derives from the release, and every name Vault is reached by. Pure: the server certificate,
 * the IRSA trust policy, the raft join addresses and the outputs all come from here, so they cannot disagree.
 */
export interface ClusterNames {
    /** The chart's fullname (we set `fullnameOverride` to the release name). */
    fullname: string;
    namespace: string;
    /** The server service account (the chart names it after the fullname). */
    serviceAccount: string;
    /** Headless service used for pod-to-pod traffic: `<pod>.<fullname>-internal`. */
    internalService: string;
    activeService: string;
    /** Kubernetes Secret with `vault.crt`, `vault.key`, `vault.ca`. */
    tlsSecret: string;
    /** Server pod names, `<fullname>-0` ... */
    pods: string[];
    /** `https`, or `http` when TLS is explicitly off. */
    scheme: "https" | "http";
    /** In-cluster API address of the cluster service. */
    address: string;
}

export const VAULT_PORT = 8200;

/** Where the chart mounts `server.extraVolumes` secrets: `/vault/userconfig/<secret name>`. */
export const USERCONFIG_DIR = "/vault/userconfig";
export const AUDIT_MOUNT_PATH = "/vault/audit";
export const RAFT_DATA_PATH = "/vault/data";

/** File names inside the TLS secret, as the listener, `VAULT_CACERT` and the raft joins reference them. */
export const TLS_FILES = { cert: "vault.crt", key: "vault.key", ca: "vault.ca" } as const;
const CLUSTER_DOMAIN = "cluster.local";

/** The longest name the chart derives from the release: its injector service, `<fullname>-agent-injector-svc`. */
export const LONGEST_SERVICE_SUFFIX = "-agent-injector-svc";
/** Service names are DNS-1123 labels of at most 63 characters. */
export const MAX_RELEASE_NAME = 63 - LONGEST_SERVICE_SUFFIX.length;

/** The transit seal's Secrets: the key holder's token (an environment variable only) and its CA (a mounted file). */
export function transitSealSecrets(fullname: string): { token: string; ca: string; caFile: string } {
    const ca = `${fullname}-transit-seal-ca`;
    return { token: `${fullname}-transit-seal-token`, ca, caFile: `${USERCONFIG_DIR}/${ca}/ca.pem` };
}

/** The Secret holding the dev server's generated root token. */
export function devRootTokenSecret(fullname: string): string {
    return `${fullname}-dev-root-token`;
}

/** The names that depend on the release name only. */
export function releaseNames(fullname: string): Pick<ClusterNames, "fullname" | "serviceAccount" | "internalService" | "activeService" | "tlsSecret"> {
    return {
        fullname,
        serviceAccount: fullname,
        internalService: `${fullname}-internal`,
        activeService: `${fullname}-active`,
        tlsSecret: `${fullname}-server-tls`,
    };
}

export function clusterNames(fullname: string, namespace: string, replicas: number, scheme: "https" | "http" = "https"): ClusterNames {
    return {
        ...releaseNames(fullname),
        namespace,
        pods: Array.from({ length: replicas }, (_, i) => `${fullname}-${i}`),
        scheme,
        address: `${scheme}://${fullname}.${namespace}.svc:${VAULT_PORT}`,
    };
}

/** The four forms a service is resolved by inside the cluster. */
function serviceForms(service: string, namespace: string): string[] {
    return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.${CLUSTER_DOMAIN}`];
}

export interface CertificateNames {
    dnsNames: string[];
    ipAddresses: string[];
}

/**
 * Subject alternative names of the server certificate: `127.0.0.1` (VAULT_ADDR inside the pods and the local
 * tunnel), the cluster, active, standby and UI services, every pod through the internal service (raft joins and
 * cluster addresses), the ingress host and the user's extras. Deduplicated, in a stable order.
 */
export function serverCertificateNames(
    names: ClusterNames,
    extra: { ingressHost?: string; dnsNames?: string[]; ipAddresses?: string[] },
): CertificateNames {
    const { fullname, namespace } = names;
    const dnsNames = [
        ...[fullname, `${fullname}-active`, `${fullname}-standby`, `${fullname}-ui`].flatMap((s) => serviceForms(s, namespace)),
        ...serviceForms(names.internalService, namespace).map((n) => `*.${n}`),
        ...(extra.ingressHost ? [extra.ingressHost] : []),
        ...(extra.dnsNames ?? []),
    ];
    return {
        dnsNames: [...new Set(dnsNames)],
        ipAddresses: [...new Set(["127.0.0.1", ...(extra.ipAddresses ?? [])])],
    };
}
