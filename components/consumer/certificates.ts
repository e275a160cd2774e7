import { X509Certificate } from "crypto";
import { readFileSync } from "fs";
import { parse as parseYaml } from "yaml";
import { InputError } from "../validation";

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** A CA certificate given as PEM or as base64 of PEM (EKS `certificateAuthority.data`, a kubeconfig's `certificate-authority-data`). */
export type CaCertResult = { pem: string } | { problem: string };

/**
 * Normalizes a CA certificate to PEM and parses every certificate in it with Node's X.509 parser: text that is
 * neither PEM nor base64 of PEM, a certificate that does not parse, and an expired certificate are refused.
 */
export function parseCaCert(value: string, now = new Date()): CaCertResult {
    let text = value.trim();
    if (!text.includes("-----BEGIN")) {
        if (!/^[A-Za-z0-9+/=\r\n]+$/.test(text)) return { problem: "is neither a PEM certificate nor base64 of one" };
        text = Buffer.from(text.replace(/\s+/g, ""), "base64").toString("utf8").trim();
        if (!text.includes("-----BEGIN")) return { problem: "is base64, but not of a PEM certificate" };
    }
    const blocks = text.match(PEM_BLOCK) ?? [];
    if (blocks.length === 0) return { problem: "holds no -----BEGIN CERTIFICATE----- block" };
    for (const block of blocks) {
        let cert: X509Certificate;
        try {
            cert = new X509Certificate(block);
        } catch {
            return { problem: "holds a certificate block that does not parse as X.509" };
        }
        if (new Date(cert.validTo) < now) return { problem: `holds a certificate that expired on ${new Date(cert.validTo).toISOString()} (${cert.subject.replace(/\n/g, ", ")})` };
    }
    return { pem: `${blocks.join("\n")}\n` };
}

/** An API server URL Vault can call: https, a host name, an optional port and path. */
export function isApiServerUrl(value: string): boolean {
    try {
        const u = new URL(value);
        return u.protocol === "https:" && u.hostname !== "" && !u.search && !u.hash && !u.username;
    } catch {
        return false;
    }
}

export interface KubernetesApi {
    host: string;
    /** PEM. */
    caCertPem: string;
}

interface KubeConfigCluster {
    server: string;
    caData?: string;
    caFile?: string;
}

/** A kubeconfig's entries, as far as the API server and CA are concerned. */
interface KubeConfigDocument {
    "current-context"?: string;
    contexts?: { name?: string; context?: { cluster?: string } }[];
    clusters?: { name?: string; cluster?: { server?: string; "certificate-authority-data"?: string; "certificate-authority"?: string } }[];
}

/**
 * The cluster of a kubeconfig's context (the current one unless named), as kubectl resolves it: context → cluster
 * entry. Read with a plain YAML parser (JSON is YAML), not client-node: this runs while the program is evaluated.
 */
function kubeconfigCluster(text: string, context?: string): KubeConfigCluster | null {
    const doc = parseYaml(text) as KubeConfigDocument | null;
    const name = context ?? doc?.["current-context"];
    const clusterName = doc?.contexts?.find((c) => c.name === name)?.context?.cluster;
    const cluster = doc?.clusters?.find((c) => c.name === clusterName)?.cluster;
    if (!cluster?.server) return null;
    return { server: cluster.server, caData: cluster["certificate-authority-data"], caFile: cluster["certificate-authority"] };
}

/**
 * The API server and CA of a kubeconfig's context (the current one unless named), as `kubectl` would use them. A
 * `certificate-authority` file is read from this machine. Nothing else of the kubeconfig (users, tokens) is kept.
 */
export async function kubeconfigApi(subject: string, field: string, kubeconfig: string, context?: string): Promise<KubernetesApi> {
    const fail = (problem: string, fix: string): never => {
        throw new InputError(subject, [{ field, value: "<kubeconfig>", problem, fix }]);
    };
    let cluster: KubeConfigCluster | null = null;
    try {
        cluster = kubeconfigCluster(kubeconfig, context);
    } catch (e) {
        // The parser quotes the lines around a syntax error: credentials must not travel on in the message.
        const reason = e instanceof Error ? e.message.split("\n")[0].replace(/ at line .*$/, "") : "unreadable";
        fail(`cannot be read (not valid YAML or JSON: ${reason})`, "pass kubeconfig text (YAML or JSON) and an existing context");
    }
    if (!cluster) return fail(`has no cluster for context ${context ?? "(current-context)"}`, "name a context of the kubeconfig in kubeconfigContext");
    if (!isApiServerUrl(cluster.server)) return fail(`names server ${JSON.stringify(cluster.server)}, which is not an https URL`, "use a kubeconfig whose cluster has an https server");
    let ca: string | undefined = cluster.caData;
    if (ca === undefined && cluster.caFile) {
        try {
            ca = readFileSync(cluster.caFile, "utf8");
        } catch {
            return fail(`names certificate-authority ${cluster.caFile}, which cannot be read here`, "embed it: kubectl config view --raw --flatten");
        }
    }
    if (ca === undefined) return fail("has no certificate-authority-data for its cluster", "embed the CA: kubectl config view --raw --flatten");
    const r = parseCaCert(ca);
    if ("problem" in r) return fail(`certificate-authority ${r.problem}`, "use a kubeconfig with the cluster's CA certificate");
    return { host: cluster.server.replace(/\/+$/, ""), caCertPem: r.pem };
}
