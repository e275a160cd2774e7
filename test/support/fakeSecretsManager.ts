import * as http from "http";
import type { AddressInfo } from "net";

/**
 * A stand-in for AWS Secrets Manager on 127.0.0.1 speaking the JSON 1.1 protocol the SDK uses
 * (`X-Amz-Target: secretsmanager.<Operation>`) for DescribeSecret, GetSecretValue and PutSecretValue.
 */
export class FakeSecretsManager {
    readonly calls: { operation: string; body: any }[] = [];
    /** Secret id → current SecretString (undefined: the secret exists without a value). */
    readonly secrets = new Map<string, string | undefined>();
    /** Custody down: operation name → the AWS error it answers with while set. */
    readonly failing = new Map<string, { status: number; type: string; message: string }>();
    private server?: http.Server;
    endpoint = "";

    constructor(ids: string[]) {
        for (const id of ids) this.secrets.set(id, undefined);
    }

    operations(name: string): any[] {
        return this.calls.filter((c) => c.operation === name).map((c) => c.body);
    }

    async start(): Promise<this> {
        this.server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => {
                const operation = String(req.headers["x-amz-target"] ?? "").replace("secretsmanager.", "");
                const body = JSON.parse(Buffer.concat(chunks).toString() || "{}");
                this.calls.push({ operation, body });
                const reply = (status: number, payload: unknown) => {
                    res.writeHead(status, { "Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "fake" });
                    res.end(JSON.stringify(payload));
                };
                const notFound = (message: string) => reply(400, { __type: "ResourceNotFoundException", message });
                const id = body.SecretId;
                const failure = this.failing.get(operation);
                if (failure) return reply(failure.status, { __type: failure.type, message: failure.message });
                if (!this.secrets.has(id)) return notFound("Secrets Manager can't find the specified secret.");
                switch (operation) {
                    case "DescribeSecret":
                        return reply(200, { ARN: id, Name: id });
                    case "GetSecretValue": {
                        const value = this.secrets.get(id);
                        if (value === undefined) return notFound("Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
                        return reply(200, { ARN: id, Name: id, SecretString: value, VersionId: "v1", VersionStages: ["AWSCURRENT"] });
                    }
                    case "PutSecretValue":
                        this.secrets.set(id, body.SecretString);
                        return reply(200, { ARN: id, Name: id, VersionId: body.ClientRequestToken, VersionStages: ["AWSCURRENT"] });
                    default:
                        return reply(400, { __type: "InvalidRequestException", message: `unsupported ${operation}` });
                }
            });
        });
        await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
        this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    async stop(): Promise<void> {
        await new Promise<void>((r) => this.server?.close(() => r()));
    }
}
