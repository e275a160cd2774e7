import * as http from "http";
import * as https from "https";
import type { Duplex } from "stream";
import * as tls from "tls";
import { isIP } from "net";

/** Where Vault is and how its certificate is verified. */
export interface VaultEndpoint {
    /** `https://host:port` (or `http://` when TLS is off). With `connect`, the host names the server for TLS only. */
    address: string;
    /** Trust anchor (PEM). Without it the system roots verify the server. */
    caCertPem?: string;
    /** Name the certificate must carry when it differs from the address host. */
    tlsServerName?: string;
    /** How long a request may stay silent (connecting, or waiting for the answer) before it fails. Default: 15 s. */
    timeoutMs?: number;
    /**
     * Opens the byte stream one request travels on, instead of dialling `address` (e.g. a Kubernetes port-forward
     * stream): nothing listens locally. The stream emits `connect` once it reaches the server.
     */
    connect?: () => Duplex;
    /** How messages name this Vault, e.g. `pod vault/vault-0`. Default: the address. */
    label?: string;
}

export interface VaultResponse {
    status: number;
    body: any;
}

/** Options of one request. */
export interface VaultRequestOptions {
    /**
     * Once the request is on the wire, wait for the answer as long as Vault needs (`PUT /v1/sys/init`: losing its
     * answer loses the keys). Connecting is still bounded by the endpoint's timeout.
     */
    awaitAnswer?: boolean;
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

const SENT = Symbol("vaultRequestSent");

/**
 * Whether a failed request had fully reached Vault over an established connection before it failed: Vault may have
 * acted on it although no answer arrived. False when the connection never came up or the request was cut short.
 */
export function requestWasSent(error: unknown): boolean {
    return typeof error === "object" && error !== null && (error as { [SENT]?: boolean })[SENT] === true;
}

/** The idle timeout of one request unless the endpoint sets another. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** A minimal client for the Vault HTTP API: JSON in, JSON out, certificate always verified. */
export class VaultClient {
    constructor(readonly endpoint: VaultEndpoint, private readonly token?: string) {}

    withToken(token: string): VaultClient {
        return new VaultClient(this.endpoint, token);
    }

    /** How messages name this Vault: its address, or the endpoint's label. */
    get address(): string {
        return this.endpoint.label ?? this.endpoint.address;
    }

    /** Sends one request. Statuses of 400 and above throw {@link VaultApiError} unless listed in `accept`. */
    request(method: string, path: string, body?: unknown, accept: number[] = [], how: VaultRequestOptions = {}): Promise<VaultResponse> {
        const url = new URL(path, this.endpoint.address);
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const headers: Record<string, string> = { Accept: "application/json" };
        if (payload !== undefined) {
            headers["Content-Type"] = "application/json";
            headers["Content-Length"] = String(Buffer.byteLength(payload));
        }
        if (this.token) headers["X-Vault-Token"] = this.token;
        const secure = url.protocol === "https:";
        const host = url.hostname.replace(/^\[|\]$/g, "");
        const serverName = this.endpoint.tlsServerName ?? host;
        const tlsOptions: tls.ConnectionOptions = {
            ca: this.endpoint.caCertPem ? [this.endpoint.caCertPem] : undefined,
            // SNI takes DNS names only; the certificate is checked against `serverName` either way.
            servername: isIP(serverName) ? undefined : serverName,
            checkServerIdentity: (_, cert) => tls.checkServerIdentity(serverName, cert),
            rejectUnauthorized: true,
        };
        const options: https.RequestOptions = { method, hostname: host, port: url.port || (secure ? 443 : 80), path: url.pathname + url.search, headers };
        const connect = this.endpoint.connect;
        if (connect) {
            options.createConnection = () => (secure ? tls.connect({ ...tlsOptions, socket: connect() }) : connect()) as any;
        } else {
            Object.assign(options, secure ? tlsOptions : {}, { agent: false });
        }
        const timeout = this.endpoint.timeoutMs ?? REQUEST_TIMEOUT_MS;
        return new Promise((resolve, reject) => {
            let established = false;
            let finished = false;
            let timer: NodeJS.Timeout | undefined;
            const sent = () => established && finished;
            // Silence is bounded while connecting and, unless `awaitAnswer`, while waiting for the answer too.
            const idle = () => {
                if (timer) clearTimeout(timer);
                timer = how.awaitAnswer && sent() ? undefined
                    : setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${timeout} ms`), { code: "ETIMEDOUT" })), timeout);
            };
            const fail = (e: Error) => {
                if (timer) clearTimeout(timer);
                reject(Object.assign(e, { [SENT]: sent() }));
            };
            const req = (secure && !connect ? https : http).request(options, (res) => {
                idle();
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => { chunks.push(c); idle(); });
                res.on("error", fail);
                res.on("end", () => {
                    if (timer) clearTimeout(timer);
                    const text = Buffer.concat(chunks).toString("utf8");
                    let parsed: any = undefined;
                    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
                    const status = res.statusCode ?? 0;
                    if (status >= 400 && !accept.includes(status)) {
                        const errors = Array.isArray(parsed?.errors) ? parsed.errors.map(String) : [];
                        reject(new VaultApiError(method, url.pathname, status, errors, this.address));
                    } else {
                        resolve({ status, body: parsed });
                    }
                });
            });
            req.on("socket", (socket) => {
                (socket as { setKeepAlive?: (on: boolean, delay: number) => void }).setKeepAlive?.(true, 30_000);
                socket.once(secure ? "secureConnect" : "connect", () => { established = true; idle(); });
            });
            req.on("finish", () => { finished = true; idle(); });
            req.on("error", fail);
            idle();
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
