import { createHash, createHmac, randomBytes } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";

/**
 * Stand-ins for STS (AssumeRoleWithWebIdentity) and S3 (PutObject, path-style) on 127.0.0.1, over plain HTTP. STS
 * issues session credentials only for the expected role and web identity token; S3 checks every request's Signature
 * Version 4 against the issued secret (an implementation of AWS's published algorithm), the session token and the
 * payload hash, as S3 does, and keeps the objects.
 */
export interface StoredObject {
    body: Buffer;
    contentType?: string;
}

export class FakeAws {
    readonly objects = new Map<string, StoredObject>();
    readonly requests: { service: "sts" | "s3"; method: string; path: string; status: number; error?: string }[] = [];
    private readonly sessions = new Map<string, { secret: string; token: string }>();
    private readonly failures: { service: "sts" | "s3"; status: number }[] = [];
    private server?: http.Server;
    url = "";

    constructor(readonly expected: { roleArn: string; webIdentityToken: string; region: string }) {}

    /** Answers the next request to `service` with `status` and an AWS error body. */
    failOnce(service: "sts" | "s3", status: number): void {
        this.failures.push({ service, status });
    }

    get stsEndpoint(): string {
        return `${this.url}/sts`;
    }

    /** Path-style endpoint of a bucket: objects are PUT to `<endpoint>/<key>`. */
    s3Endpoint(bucket: string): string {
        return `${this.url}/s3/${bucket}`;
    }

    async start(): Promise<this> {
        this.server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => this.handle(req, Buffer.concat(chunks), res));
        });
        await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    async stop(): Promise<void> {
        await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    }

    private handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
        const url = req.url ?? "";
        const service = url.startsWith("/sts") ? "sts" : "s3";
        const reply = (status: number, text: string, error?: string) => {
            this.requests.push({ service, method: req.method!, path: url, status, error });
            res.writeHead(status, { "Content-Type": "text/xml" });
            res.end(text);
        };
        const failure = this.failures.findIndex((f) => f.service === service);
        if (failure >= 0) {
            const [f] = this.failures.splice(failure, 1);
            return reply(f.status, awsError("ServiceUnavailable", "injected failure"), "injected");
        }
        const [status, text, error] = service === "sts" ? this.sts(req, body) : this.s3(req, url.slice("/s3".length), body);
        reply(status, text, error);
    }

    private sts(req: http.IncomingMessage, body: Buffer): [number, string, string?] {
        const form = new URLSearchParams(body.toString());
        if (req.method !== "POST" || form.get("Action") !== "AssumeRoleWithWebIdentity") return [400, awsError("InvalidAction", "unsupported"), "action"];
        if (form.get("RoleArn") !== this.expected.roleArn) return [403, awsError("AccessDenied", "not authorized to assume this role"), "role"];
        if (form.get("WebIdentityToken") !== this.expected.webIdentityToken) return [400, awsError("InvalidIdentityToken", "token rejected"), "token"];
        const keyId = `ASIA${randomBytes(8).toString("hex").toUpperCase()}`;
        // Real secrets and session tokens carry '/', '+' and '=': keep them in, the client must cope.
        const secret = `${randomBytes(30).toString("base64")}/+`;
        const token = `${randomBytes(60).toString("base64")}//+=`;
        this.sessions.set(keyId, { secret, token });
        return [200, `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>${keyId}</AccessKeyId>
      <SecretAccessKey>${secret}</SecretAccessKey>
      <SessionToken>${token}</SessionToken>
      <Expiration>${new Date(Date.now() + 900_000).toISOString()}</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>`];
    }

    private s3(req: http.IncomingMessage, path: string, body: Buffer): [number, string, string?] {
        if (req.method !== "PUT") return [405, awsError("MethodNotAllowed", "only PutObject here"), "method"];
        const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? "");
        if (!auth) return [403, awsError("AccessDenied", "no SigV4 authorization"), "authorization"];
        const [, keyId, date, region, signedHeaders, signature] = auth;
        const session = this.sessions.get(keyId);
        if (!session) return [403, awsError("InvalidAccessKeyId", "unknown key"), "key"];
        if (region !== this.expected.region) return [400, awsError("AuthorizationHeaderMalformed", "wrong region"), "region"];
        const headerNames = signedHeaders.split(";");
        for (const required of ["host", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"]) {
            if (!headerNames.includes(required)) return [403, awsError("AccessDenied", `${required} is not signed`), `unsigned ${required}`];
        }
        if (req.headers["x-amz-security-token"] !== session.token) return [403, awsError("InvalidToken", "bad session token"), "session token"];
        const payloadHash = String(req.headers["x-amz-content-sha256"]);
        if (payloadHash !== createHash("sha256").update(body).digest("hex")) return [400, awsError("XAmzContentSHA256Mismatch", "payload hash"), "payload hash"];
        const amzDate = String(req.headers["x-amz-date"]);
        const canonicalHeaders = headerNames.map((h) => `${h}:${String(req.headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
        const [rawPath, query = ""] = path.split("?");
        const canonicalRequest = [req.method, `/s3${rawPath}`, query, canonicalHeaders, signedHeaders, payloadHash].join("\n");
        const scope = `${date}/${region}/s3/aws4_request`;
        const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonicalRequest).digest("hex")].join("\n");
        const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
        const signingKey = hmac(hmac(hmac(hmac(`AWS4${session.secret}`, date), region), "s3"), "aws4_request");
        if (createHmac("sha256", signingKey).update(stringToSign).digest("hex") !== signature) {
            return [403, awsError("SignatureDoesNotMatch", "signature"), "signature"];
        }
        this.objects.set(decodeURIComponent(rawPath.replace(/^\//, "")), { body, contentType: req.headers["content-type"] });
        return [200, ""];
    }
}

function awsError(code: string, message: string): string {
    return `<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}
