import * as http from "http";
import * as https from "https";

/** Where Vault is and how its certificate is verified. */
export interface VaultEndpoint {
    /** `https://host:port` (or `http://` when TLS is off). */
    address: string;
    /** Trust anchor (PEM). Without it the system roots verify the server. */
    caCertPem?: string;
    /** Name the certificate must carry when it differs from the address host. */
    tlsServerName?: string;
    /** How long one request may take. Default: 15 s. */
    timeoutMs?: number;
}

export interface VaultResponse {
    status: number;
    body: any;
}

/** Vault answered with an error status. Carries Vault's own messages; never the request body or a token. */
export class VaultApiError extends Error {
    constructor(readonly method: string, readonly path: string, readonly status: number, readonly errors: string[], address: string) {
        super(`Vault at ${address} answered ${method} ${path} with ${status}${errors.length ? `: ${errors.join("; ")}` : ""}`);
        this.name = "VaultApiError";
    }
}

/** TLS failures are configuration errors: retrying cannot fix a certificate Vault does not have. */
const TLS_ERROR_CODES = new Set([
    "CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID", "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_GET_ISSUER_CERT",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "ERR_TLS_CERT_ALTNAME_INVALID", "CERT_SIGNATURE_FAILURE",
    "ERR_SSL_WRONG_VERSION_NUMBER", "EPROTO",
]);

export function isTlsError(error: unknown): boolean {
    return typeof error === "object" && error !== null && TLS_ERROR_CODES.has((error as { code?: string }).code ?? "");
}

const REQUEST_TIMEOUT_MS = 15_000;

/** A minimal client for the Vault HTTP API: JSON in, JSON out, certificate always verified. */
export class VaultClient {
    constructor(readonly endpoint: VaultEndpoint, private readonly token?: string) {}

    withToken(token: string): VaultClient {
        return new VaultClient(this.endpoint, token);
    }

    get address(): string {
        return this.endpoint.address;
    }

    /** Sends one request. Statuses of 400 and above throw {@link VaultApiError} unless listed in `accept`. */
    request(method: string, path: string, body?: unknown, accept: number[] = []): Promise<VaultResponse> {
        const url = new URL(path, this.endpoint.address);
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const headers: Record<string, string> = { Accept: "application/json" };
        if (payload !== undefined) {
            headers["Content-Type"] = "application/json";
            headers["Content-Length"] = String(Buffer.byteLength(payload));
        }
        if (this.token) headers["X-Vault-Token"] = this.token;
        const secure = url.protocol === "https:";
        const timeout = this.endpoint.timeoutMs ?? REQUEST_TIMEOUT_MS;
        const options: https.RequestOptions = {
            method, hostname: url.hostname.replace(/^\[|\]$/g, ""), port: url.port || (secure ? 443 : 80), path: url.pathname + url.search,
            headers, agent: false, timeout,
        };
        if (secure) {
            if (this.endpoint.caCertPem) options.ca = [this.endpoint.caCertPem];
            if (this.endpoint.tlsServerName) options.servername = this.endpoint.tlsServerName;
            options.rejectUnauthorized = true;
        }
        return new Promise((resolve, reject) => {
            const req = (secure ? https : http).request(options, (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("error", reject);
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString("utf8");
                    let parsed: any = undefined;
                    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
                    const status = res.statusCode ?? 0;
                    if (status >= 400 && !accept.includes(status)) {
                        const errors = Array.isArray(parsed?.errors) ? parsed.errors.map(String) : [];
                        reject(new VaultApiError(method, url.pathname, status, errors, this.endpoint.address));
                    } else {
                        resolve({ status, body: parsed });
                    }
                });
            });
            req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${timeout} ms`), { code: "ETIMEDOUT" })));
            req.on("error", reject);
            if (payload !== undefined) req.write(payload);
            req.end();
        });
    }

    get(path: string, accept?: number[]): Promise<VaultResponse> {
        return this.request("GET", path, undefined, accept);
    }
}

export function describeError(error: unknown): string {
    if (error instanceof VaultApiError) return `HTTP ${error.status}${error.errors.length ? ` (${error.errors.join("; ")})` : ""}`;
    const e = error as { code?: string; message?: string };
    return [e.code, e.message].filter(Boolean).join(": ") || String(error);
}
