import * as pulumi from "@pulumi/pulumi";

/**
 * Pulumi mocks that record every registered resource with the options the engine would receive (parent, provider,
 * protect, retainOnDelete, dependencies, deletedWith, secret outputs), and answer with plausible outputs for the
 * resource types this package creates. Used by the unit tests and the offline plan; usable in your own tests.
 */

/** Pulumi marks secret values in serialized properties with this signature key. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export interface RegisteredResource {
    type: string;
    name: string;
    urn: string;
    id: string;
    custom: boolean;
    /** Inputs as sent; secrets stay wrapped (see {@link isSecretValue} and {@link unwrapSecrets}). */
    inputs: Record<string, any>;
    parent: string;
    provider: string;
    protect: boolean;
    retainOnDelete: boolean;
    dependencies: string[];
    deletedWith: string;
    additionalSecretOutputs: string[];
    /** Set for resources read with `.get()` rather than registered. */
    read: boolean;
}

export interface InvokeRecord {
    token: string;
    inputs: Record<string, any>;
}

export const ACCOUNT_ID = "123456789012";
export const REGION = "eu-west-1";

export function isSecretValue(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG] === SECRET_SIG_VALUE;
}

/** Replaces every wrapped secret with its value. */
export function unwrapSecrets(value: any): any {
    if (isSecretValue(value)) return unwrapSecrets(value.value);
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    return value;
}

type OutputFactory = (name: string, inputs: Record<string, any>) => Record<string, unknown>;

const PEM = (kind: string, body: string) => `-----BEGIN ${kind}-----\n${Buffer.from(body).toString("base64")}\n-----END ${kind}-----\n`;

/**
 * A real, parseable self-signed CA (ECDSA P-256, CN=kubernetes, valid until 2046; its key was discarded): what an EKS
 * cluster's `certificateAuthority.data` holds (base64 of PEM) in the mocks, so that code parsing the CA works under them.
 */
export const FAKE_CLUSTER_CA_PEM = [
    "-----BEGIN CERTIFICATE-----",
    "MIIBkDCCATWgAwIBAgIUTK5uPX37TFdKB5bmjNyAtuZNsF8wCgYIKoZIzj0EAwIw",
    "FTETMBEGA1UEAwwKa3ViZXJuZXRlczAeFw0yNjEyMDEwMDM4NTNaFw00NjExMjYw",
    "MDM4NTNaMBUxEzARBgNVBAMMCmt1YmVybmV0ZXMwWTATBgcqhkjOPQIBBggqhkjO",
    "PQMBBwNCAATplJ8lHIpPifX+wWg2udzPO4NTazVcO2PWa8AIG4EkCYnk8+YYXdbF",
    "6t2mgFqUqVXr3L8Lcds986ZZUUibyzWeo2MwYTAdBgNVHQ4EFgQUSoNOn6znUX96",
    "JQuU8F/Kzc/ZeP4wHwYDVR0jBBgwFoAUSoNOn6znUX96JQuU8F/Kzc/ZeP4wDwYD",
    "VR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAoQwCgYIKoZIzj0EAwIDSQAwRgIh",
    "AMkcECT3wDCwMpZtLDJSDqQebhBmvXPBcBz2xS4qHGRZAiEAjvGFKPRnWROxfE2o",
    "ivQEhVqqGi4rHEsxjmVTIiXV6o4=",
    "-----END CERTIFICATE-----",
].join("\n") + "\n";

/** Another real CA (CN "Vault CA (mock)"): the certificate every generated TLS CA (`tls` SelfSignedCert) has in the mocks. */
export const FAKE_VAULT_CA_PEM = [
    "-----BEGIN CERTIFICATE-----",
    "MIIBmTCCAT+gAwIBAgIUf6li0pt9+JqcVanXkB5ykEC4zEcwCgYIKoZIzj0EAwIw",
    "GjEYMBYGA1UEAwwPVmF1bHQgQ0EgKG1vY2spMB4XDTI2MTIwMTAwMzk1MVoXDTQ2",
    "MTEyNjAwMzk1MVowGjEYMBYGA1UEAwwPVmF1bHQgQ0EgKG1vY2spMFkwEwYHKoZI",
    "zj0CAQYIKoZIzj0DAQcDQgAEkTDOcMcb8nXmkh9MYv8UEoRFfOED9NSo/2EGL48x",
    "XD2IzlMLV8W2NbGhRXcztPLMNkjo76XZhr8xypYcechnmaNjMGEwHQYDVR0OBBYE",
    "FIgZaL0F5RK2WxBS8csnwrVs9iDcMB8GA1UdIwQYMBaAFIgZaL0F5RK2WxBS8csn",
    "wrVs9iDcMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgIEMAoGCCqGSM49",
    "BAMCA0gAMEUCIAVRlKL413FU168+uGqBfNWNnKi83CxXR1Iu/zw/v7vTAiEAmQjI",
    "KKJH1Xdiux7X7hCzDXZbhb1EWsJkSdtyRSeSYOI=",
    "-----END CERTIFICATE-----",
].join("\n") + "\n";

/** Outputs the providers would compute, per type token. Everything else echoes its inputs. */
export const FAKE_OUTPUTS: Record<string, OutputFactory> = {
    "aws:dynamodb/table:Table": (n, i) => ({ arn: `arn:aws:dynamodb:${i.region ?? REGION}:${ACCOUNT_ID}:table/${i.name ?? n}`, name: i.name ?? n }),
    "aws:kms/key:Key": (n, i) => ({ arn: `arn:aws:kms:${i.region ?? REGION}:${ACCOUNT_ID}:key/${n}-0000`, keyId: `${n}-0000` }),
    "aws:iam/role:Role": (n, i) => ({ arn: `arn:aws:iam::${ACCOUNT_ID}:role/${i.name ?? n}`, name: i.name ?? n }),
    "aws:secretsmanager/secret:Secret": (n, i) => ({ arn: `arn:aws:secretsmanager:${i.region ?? REGION}:${ACCOUNT_ID}:secret:${i.name ?? n}-AbCdEf` }),
    "aws:sns/topic:Topic": (n, i) => ({ arn: `arn:aws:sns:${i.region ?? REGION}:${ACCOUNT_ID}:${i.name ?? n}` }),
    "aws:cloudwatch/eventRule:EventRule": (n, i) => ({ arn: `arn:aws:events:${i.region ?? REGION}:${ACCOUNT_ID}:rule/${i.name ?? n}`, name: i.name ?? n }),
    "aws:eks/cluster:Cluster": (n) => ({ endpoint: `https://${n}.gr7.${REGION}.eks.amazonaws.com`, certificateAuthority: { data: Buffer.from(FAKE_CLUSTER_CA_PEM).toString("base64") } }),
    "tls:index/privateKey:PrivateKey": (n) => ({ privateKeyPem: PEM("PRIVATE KEY", `fake-key-${n}`), publicKeyPem: PEM("PUBLIC KEY", `fake-pub-${n}`) }),
    "tls:index/selfSignedCert:SelfSignedCert": () => ({ certPem: FAKE_VAULT_CA_PEM }),
    "tls:index/certRequest:CertRequest": (n) => ({ certRequestPem: PEM("CERTIFICATE REQUEST", `fake-csr-${n}`) }),
    // A parseable certificate: the rollout fingerprints the server certificate.
    "tls:index/locallySignedCert:LocallySignedCert": () => ({ certPem: FAKE_VAULT_CA_PEM }),
    "kubernetes:helm.sh/v3:Release": (n, i) => ({ status: { name: i.name ?? n, namespace: i.namespace ?? "default", status: "deployed", version: i.version } }),
    "kubernetes:core/v1:Service": () => ({ status: { loadBalancer: { ingress: [{ hostname: "k8s-vault-0123456789.elb.eu-west-1.amazonaws.com" }] } } }),
    // Dynamic resources: the UI load balancer's name step (named by the Service's status), the init step (carrying a
    // custody spec); the others echo their inputs.
    "pulumi-nodejs:dynamic:Resource": (n, i) => {
        if (i.loadBalancerService !== undefined) return { hostname: "k8s-vault-0123456789.elb.eu-west-1.amazonaws.com" };
        if (i.keyShares === undefined) return {};
        return {
            rootToken: i.revokeRootToken ? "" : `hvs.mock-root-token-${n}`,
            admin: i.revokeRootToken ? { mount: "pulumi", roleId: `${n}-role-id`, secretId: `${n}-secret-id` } : undefined,
            sealType: i.seal,
            recoverySeal: i.seal !== "shamir",
            initializedAt: "2026-01-01T00:00:00.000Z",
            custodyDescription: `mock ${i.custody.type} custody`,
        };
    },
    "random:index/randomPassword:RandomPassword": (n, i) => ({ result: `mock${n.replace(/[^A-Za-z0-9]/g, "")}`.padEnd(i.length ?? 16, "x") }),
    "vault:appRole/authBackendRole:AuthBackendRole": (n) => ({ roleId: `${n}-role-id` }),
    "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId": (n) => ({ secretId: `${n}-secret-id`, accessor: `${n}-accessor` }),
    "vault:index/token:Token": (n) => ({ clientToken: `hvs.mock-token-${n}` }),
    // The token controller fills a service-account-token Secret with the service account's token (base64, as all Secret data).
    "kubernetes:core/v1:Secret": (_n, i) => (i.type === "kubernetes.io/service-account-token"
        ? { data: { token: Buffer.from(`eyJmock-token-of-${i.metadata?.annotations?.["kubernetes.io/service-account.name"]}`).toString("base64") } }
        : {}),
};

/** Answers for the provider functions the package and the stacks program invoke. */
export const FAKE_INVOKES: Record<string, (inputs: Record<string, any>) => Record<string, unknown>> = {
    "aws:index/getRegion:getRegion": () => ({ region: REGION, name: REGION, id: REGION }),
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/pulumi`, userId: "AIDAEXAMPLE", id: ACCOUNT_ID }),
    "aws:eks/getCluster:getCluster": (i) => ({
        name: i.name,
        endpoint: `https://${i.name}.gr7.${REGION}.eks.amazonaws.com`,
        certificateAuthorities: [{ data: Buffer.from(FAKE_CLUSTER_CA_PEM).toString("base64") }],
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${REGION}.amazonaws.com/id/${i.name.toUpperCase()}0123456789` }] }],
        arn: `arn:aws:eks:${REGION}:${ACCOUNT_ID}:cluster/${i.name}`,
        id: i.name,
    }),
    "vault:appRole/getAuthBackendRoleId:getAuthBackendRoleId": (i) => ({ backend: i.backend, roleName: i.roleName, roleId: `${i.backend}-${i.roleName}-role-id`, id: `auth/${i.backend}/role/${i.roleName}/role-id` }),
    "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": (i) => ({
        arn: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${String(i.url).replace(/^https:\/\//, "")}`,
        url: String(i.url).replace(/^https:\/\//, ""),
        id: "oidc",
    }),
};

/** A VPC endpoint as `aws.ec2.getVpcEndpoint` describes it. */
export interface FakeVpcEndpoint {
    vpcId: string;
    serviceName: string;
    privateDnsEnabled: boolean;
    state: string;
    vpcEndpointType: string;
}

export class MockRecorder implements pulumi.runtime.Mocks {
    readonly resources: RegisteredResource[] = [];
    readonly invokes: InvokeRecord[] = [];
    /** The account's existing VPC endpoints by ID, for `aws.ec2.getVpcEndpoint` (which fails, as AWS does, on any other ID). */
    readonly vpcEndpoints: Record<string, FakeVpcEndpoint> = {};

    /** Set by {@link installMocks} per registration: outputs the engine would mark secret. */
    secretOutputs: string[] = [];

    /** `firstPreview`: answer like the engine previewing creations: no IDs, no computed outputs (they stay unknown). */
    constructor(readonly firstPreview = false) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        if (this.firstPreview && args.custom && !args.id) return { id: "", state: { ...args.inputs } };
        const fake = FAKE_OUTPUTS[args.type]?.(args.name, unwrapSecrets(args.inputs)) ?? {};
        const id = args.id || `${args.name}-id`;
        const state: Record<string, any> = { ...args.inputs, ...fake };
        // As the engine does with additionalSecretOutputs.
        for (const key of this.secretOutputs) {
            if (state[key] !== undefined && !isSecretValue(state[key])) state[key] = { [SECRET_SIG]: SECRET_SIG_VALUE, value: state[key] };
        }
        return { id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        this.invokes.push({ token: args.token, inputs: args.inputs });
        if (args.token === "aws:ec2/getVpcEndpoint:getVpcEndpoint") {
            const endpoint = this.vpcEndpoints[args.inputs.id];
            if (!endpoint) throw new Error(`no matching EC2 VPC Endpoint found (${args.inputs.id})`);
            return { id: args.inputs.id, ...endpoint };
        }
        const answer = FAKE_INVOKES[args.token];
        if (!answer) throw new Error(`no mock answer for invoke ${args.token}`);
        return answer(args.inputs);
    }

    /** Resources of one type token (e.g. `aws:dynamodb/table:Table`). */
    ofType(type: string): RegisteredResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The single resource of a type whose name ends with `suffix` (e.g. the cluster's `-init` step); fails unless exactly one. */
    named(type: string, suffix: string): RegisteredResource {
        const found = this.ofType(type).filter((r) => r.name.endsWith(suffix));
        if (found.length !== 1) throw new Error(`expected one ${type} named *${suffix}, found ${found.length}: ${this.ofType(type).map((r) => r.name).join(", ")}`);
        return found[0];
    }

    /** The single resource of a type; fails when there are none or several. */
    one(type: string): RegisteredResource {
        const found = this.ofType(type);
        if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
        return found[0];
    }

    byUrn(urn: string): RegisteredResource | undefined {
        return this.resources.find((r) => r.urn === urn);
    }
}

/**
 * Installs mocks that record every resource, and returns the recorder. `preview` runs as a first `pulumi preview`:
 * IDs and computed outputs of new resources stay unknown.
 */
export async function installMocks(options: { project?: string; stack?: string; preview?: boolean; recorder?: MockRecorder } = {}): Promise<MockRecorder> {
    const recorder = options.recorder ?? new MockRecorder(options.preview ?? false);
    await pulumi.runtime.setMocks(recorder, options.project ?? "vault-cluster", options.stack ?? "test", options.preview ?? false);
    // The mock monitor hands mocks only type, name and inputs; the options the engine would get are on the request.
    const settings = require("@pulumi/pulumi/runtime/settings");
    const monitor = settings.getMonitor();
    const capture = (read: boolean) => (original: (req: any, cb: any) => Promise<void>) => (req: any, callback: any) => {
        recorder.secretOutputs = read ? [] : req.getAdditionalsecretoutputsList();
        return original.call(monitor, req, (err: any, response: any) => {
            if (!err) {
                recorder.resources.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn: response.getUrn(),
                    id: read ? req.getId() : response.getId(),
                    custom: read ? true : req.getCustom(),
                    inputs: require("@pulumi/pulumi/runtime/rpc").deserializeProperties(read ? req.getProperties() : req.getObject(), true),
                    parent: req.getParent(),
                    provider: req.getProvider(),
                    protect: read ? false : Boolean(req.getProtect()),
                    retainOnDelete: read ? false : Boolean(req.getRetainondelete()),
                    dependencies: req.getDependenciesList(),
                    deletedWith: read ? "" : req.getDeletedwith(),
                    additionalSecretOutputs: read ? [] : req.getAdditionalsecretoutputsList(),
                    read,
                });
            }
            callback(err, response);
        });
    };
    monitor.registerResource = capture(false)(monitor.registerResource);
    monitor.readResource = capture(true)(monitor.readResource);
    return recorder;
}

/** Waits until every registration and invoke under way has finished. */
export async function settle(): Promise<void> {
    await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
}

/** The value of an output once known (never resolves for an unknown value in preview). */
export function valueOf<T>(output: pulumi.Input<T> | undefined): Promise<T> {
    return new Promise((resolve) => pulumi.output(output as pulumi.Input<T>).apply((v) => { resolve(v as T); return v; }));
}

/** Whether a recorded input is an unknown value (as in a preview). */
export function isUnknownValue(value: unknown): boolean {
    return pulumi.isUnknown(value) || value === UNKNOWN_ID
        || (typeof value === "object" && value !== null && (value as { __pulumiUnknown?: boolean }).__pulumiUnknown === true);
}

/** How the SDK sends an unknown string (e.g. the ID of a resource read during a preview). */
export const UNKNOWN_ID = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether an output is marked secret. */
export function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
    return (output as any).isSecret as Promise<boolean>;
}
