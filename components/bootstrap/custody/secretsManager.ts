import { createHash } from "crypto";
import { alreadyWritten, Custody, CustodyError, CustodyRecords, CustodySlot, sameRecord } from "./types";

export interface SecretsManagerCustodySpec {
    type: "aws-secrets-manager";
    /** Secret ARN per slot; the secrets are created (empty, KMS-encrypted, protected) by Pulumi beforehand. */
    secretIds: Partial<Record<CustodySlot, string>>;
    region: string;
    /** AWS CLI profile; default the ambient credentials chain. */
    profile?: string;
    /** Alternative endpoint (VPC endpoint, LocalStack, tests). */
    endpoint?: string;
}

/** The parts of @aws-sdk/client-secrets-manager used here (typed locally to keep its types out of consumers' checks). */
interface SecretsManagerSdk {
    SecretsManagerClient: new (config: { region: string; profile?: string; endpoint?: string }) => { send(command: object): Promise<any> };
    GetSecretValueCommand: new (input: { SecretId: string }) => object;
    DescribeSecretCommand: new (input: { SecretId: string }) => object;
    PutSecretValueCommand: new (input: { SecretId: string; SecretString: string; ClientRequestToken: string }) => object;
}

const SDK = "@aws-sdk/client-secrets-manager";

/** Custody in AWS Secrets Manager secrets encrypted with the cluster's KMS key. */
export class SecretsManagerCustody implements Custody {
    readonly description: string;
    private client?: { send(command: object): Promise<any> };

    constructor(private readonly spec: SecretsManagerCustodySpec) {
        this.description = `AWS Secrets Manager (${Object.values(spec.secretIds).join(", ")})`;
    }

    private sdk(): { client: { send(command: object): Promise<any> }; sm: SecretsManagerSdk } {
        // Loaded on first use: the SDK is only needed when this custody is.
        const sm = require(SDK) as SecretsManagerSdk;
        this.client ??= new sm.SecretsManagerClient({ region: this.spec.region, profile: this.spec.profile, endpoint: this.spec.endpoint });
        return { client: this.client, sm };
    }

    private secretId(slot: CustodySlot): string {
        const id = this.spec.secretIds[slot];
        if (!id) throw new CustodyError(`no Secrets Manager secret is configured for the ${slot} record`);
        return id;
    }

    async read<S extends CustodySlot>(slot: S): Promise<CustodyRecords[S] | undefined> {
        // A slot without a secret holds nothing (the admin slot exists only when the root token is retired).
        if (!this.spec.secretIds[slot]) return undefined;
        const { client, sm } = this.sdk();
        const id = this.secretId(slot);
        try {
            const out = await client.send(new sm.GetSecretValueCommand({ SecretId: id }));
            if (!out.SecretString) return undefined;
            try {
                return JSON.parse(out.SecretString) as CustodyRecords[S];
            } catch {
                throw new CustodyError(`secret ${id} holds a value that is not an init record (JSON); refusing to use or replace it`);
            }
        } catch (e: any) {
            // A secret without any version answers ResourceNotFoundException for AWSCURRENT.
            if (e?.name === "ResourceNotFoundException") return undefined;
            throw wrap(e, `reading secret ${id}`);
        }
    }

    async preflight(slot: CustodySlot): Promise<void> {
        const { client, sm } = this.sdk();
        const id = this.secretId(slot);
        try {
            await client.send(new sm.DescribeSecretCommand({ SecretId: id }));
        } catch (e) {
            throw wrap(e, `checking secret ${id} before init`);
        }
        if (await this.read(slot)) throw alreadyWritten(`secret ${id}`, slot);
    }

    async writeOnce<S extends CustodySlot>(slot: S, record: CustodyRecords[S]): Promise<void> {
        const { client, sm } = this.sdk();
        const id = this.secretId(slot);
        const existing = await this.read(slot);
        if (existing) {
            if (sameRecord(existing, record)) return;
            throw alreadyWritten(`secret ${id}`, slot);
        }
        const text = JSON.stringify(record);
        // A token derived from the content makes a retried put of the same record idempotent on AWS's side too.
        const token = createHash("sha256").update(text).digest("hex");
        try {
            await client.send(new sm.PutSecretValueCommand({ SecretId: id, SecretString: text, ClientRequestToken: token }));
        } catch (e) {
            throw wrap(e, `writing secret ${id}`);
        }
    }
}

function wrap(e: any, doing: string): CustodyError {
    return new CustodyError(`AWS Secrets Manager failed ${doing}: ${e?.name ?? "Error"}${e?.message ? `: ${e.message}` : ""}`);
}
