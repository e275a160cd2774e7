import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/vault/provider";
import type { ProviderAuthLogin } from "@pulumi/vault/types/input";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { createHash } from "crypto";
import { lstatSync, mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { SealType, StorageType } from "../cluster/args";
import { clusterNames, releaseNames, VAULT_PORT } from "../cluster/names";
import type { BootstrapSettings } from "./settings";
import type { CustodySpec } from "./custody";
import type { InitPlacement, PodAccess } from "./initRuntime";
import { activeServerPod, openTunnel, preferredPort } from "./tunnel";
import { VAULT_INIT_TYPE, VaultInit } from "./vaultInit";
import { adminPolicyHcl, AdminScope } from "./adminIdentity";

/** How the init step (and the Vault provider) reach Vault in this run. */
export interface VaultAccess {
    /** `bootstrap.address`, when set: the init step and the provider use it, over the network. */
    apiAddress?: pulumi.Output<string>;
    /** Trust anchor of the API; undefined means the system roots (an ingress with a public certificate). */
    caCertPem?: pulumi.Output<string | undefined>;
    /** Trust anchor of the pods with Shamir: they present the cluster's own certificate. */
    replicaCaCertPem?: pulumi.Output<string>;
    /** The server pods, reached by the init step through port-forward streams (no local listener). */
    pods: pulumi.Output<PodAccess>;
}

/** What the bootstrap stage needs of the cluster. */
export interface BootstrapInput {
    bootstrap: BootstrapSettings;
    namespace: pulumi.Input<string>;
    releaseName: string;
    replicas: pulumi.Input<number>;
    seal: SealType;
    storage: StorageType;
    /** The table's name or ARN, with DynamoDB storage. */
    table?: pulumi.Input<string>;
    /** The table `table` was restored from, when it is a restore of the cluster's own table. */
    restoredFrom?: string;
    tlsEnabled: boolean;
    /** The ingress, when `bootstrap.address` may point at it. */
    ingress?: { host: pulumi.Input<string>; tlsSecretName?: pulumi.Input<string> };
    /** The engines the admin identity configures. */
    adminScope: AdminScope;
}

/** What finding the pods and the API takes. */
export type VaultReach = Pick<BootstrapInput, "bootstrap" | "namespace" | "releaseName" | "replicas" | "seal" | "tlsEnabled" | "ingress">;

/** Where the custody secrets are, with Secrets Manager custody (the AWS stage creates them). */
export interface CustodyLocation {
    region?: pulumi.Output<string>;
    custodySecretArns?: { init: pulumi.Output<string>; admin: pulumi.Output<string> };
}

export interface BootstrapDependencies {
    release: pulumi.Resource;
    caCertPem: pulumi.Output<string>;
    /** The custody the init step writes to (see {@link custodySpec}); the day-2 steps read through the same. */
    custody: pulumi.Input<CustodySpec>;
}

/**
 * Resolves access for this run: `bootstrap.address` when given, else the active server pod through the Kubernetes
 * API; with Shamir, every pod. The init step opens port-forward streams itself, in its own process, and nothing
 * listens on this machine while it runs.
 */
export function vaultAccess(s: VaultReach, clusterCaCertPem: pulumi.Output<string>): VaultAccess {
    const b = s.bootstrap;
    const scheme = s.tlsEnabled ? "https" : "http";
    const pods = pulumi.all([s.namespace, s.replicas]).apply(([namespace, replicas]): PodAccess => {
        const names = clusterNames(s.releaseName, namespace, replicas, scheme);
        return { namespace, releaseName: s.releaseName, names: names.pods, internalService: names.internalService, port: VAULT_PORT, scheme };
    });
    const replicaCaCertPem = s.seal === "shamir" && s.tlsEnabled ? clusterCaCertPem : undefined;
    if (b.address === undefined) return { caCertPem: s.tlsEnabled ? clusterCaCertPem : undefined, replicaCaCertPem, pods };
    // The address may be an output (a load balancer's name): decide once it is known. Its scheme is checked with the
    // other arguments (bootstrap.address).
    const resolved = pulumi.all([b.address, b.addressCaCertPem, clusterCaCertPem, s.ingress?.host, s.ingress?.tlsSecretName])
        .apply(([address, addressCa, clusterCa, host, ingressTls]) => {
            const a = address.replace(/\/+$/, "");
            // An ingress with its own certificate (cert-manager) is verified with the system roots.
            const viaIngressCertificate = ingressTls !== undefined && new URL(a).hostname === host;
            return { address: a, ca: addressCa ?? (viaIngressCertificate ? undefined : clusterCa) };
        });
    return { apiAddress: resolved.address, caCertPem: resolved.ca, replicaCaCertPem, pods };
}

/** Whether the program runs under Pulumi mocks (the unit tests, the offline plan): nothing real may be dialled. */
function underMocks(): boolean {
    return getMonitor() instanceof MockMonitor;
}

/**
 * The Vault provider's address. The provider is a separate process and needs an address: `bootstrap.address` when
 * set; otherwise a tunnel to the active pod (a listener on 127.0.0.1), opened only in a real update, and only once
 * `ready` resolves (the init step is done, so that nothing listens while Vault is being initialized). During a preview the address is
 * unknown and no tunnel opens: Pulumi then leaves the provider unconfigured, shows each Vault resource as an update
 * ("the provider for this resource has inputs that are not known during preview") and dials nothing, where a known
 * but unreachable address would fail the preview (the provider looks its token up when configured). Under mocks, the
 * address the tunnel would take, and no socket.
 */
function providerAddress(s: VaultReach, access: VaultAccess, ready: pulumi.Output<unknown>): pulumi.Output<string> {
    if (access.apiAddress) return pulumi.all([ready, access.apiAddress]).apply(([, a]) => a);
    const b = s.bootstrap;
    const active = releaseNames(s.releaseName).activeService;
    const scheme = s.tlsEnabled ? "https" : "http";
    return pulumi.unsecret(pulumi.all([ready, b.kubeconfig, b.kubeContext, s.namespace]).apply(async ([, kubeconfig, context, namespace]) => {
        const localPort = preferredPort(`${namespace}/${active}`);
        if (pulumi.runtime.isDryRun()) return pulumi.unknown as unknown as string;
        if (underMocks()) return `${scheme}://127.0.0.1:${localPort}`;
        const pod = activeServerPod({ namespace, releaseName: s.releaseName, fallback: `${s.releaseName}-0`, kubeconfig, context });
        const t = await openTunnel({ namespace, pod, remotePort: VAULT_PORT, kubeconfig, context, localPort });
        return `${scheme}://${t.hostPort}`;
    }));
}

/** What the cluster is initialized against: its storage and the release its pods belong to. */
export function initPlacement(s: BootstrapInput): pulumi.Output<InitPlacement> {
    return pulumi.all([s.namespace, s.table]).apply(([namespace, table]) => ({
        namespace, releaseName: s.releaseName, storage: s.storage,
        ...(table ? { table: table.replace(/^arn:[^:]+:dynamodb:[^:]*:\d*:table\//, "") } : {}),
        ...(s.restoredFrom ? { restoredFrom: s.restoredFrom } : {}),
    }));
}

/** The custody description the init resource receives; kubeconfig travels as a secret. */
export function custodySpec(s: BootstrapInput, deps: CustodyLocation): pulumi.Input<CustodySpec> {
    const c = s.bootstrap.custody;
    switch (c.type) {
        case "aws-secrets-manager":
            return pulumi.all([deps.custodySecretArns!.init, deps.custodySecretArns!.admin, deps.region]).apply(([init, admin, region]) => ({
                type: c.type, secretIds: { init, admin }, region: region!, profile: c.profile,
            }));
        case "kubernetes-secret":
            return pulumi.secret(pulumi.all([s.bootstrap.kubeconfig, s.bootstrap.kubeContext, c.namespace]).apply(([kubeconfig, context, namespace]) => ({
                type: c.type, namespace, names: { init: c.name, admin: `${c.name}-admin` }, kubeconfig, context,
            })));
        case "state":
            return { type: "state" };
    }
}

/**
 * Writes the CA where the Vault provider can read it (it takes a file path, not PEM). Only a directory private to this
 * user is trusted, or anybody could swap the trust anchor: a stable per-user directory in the temp folder when it is
 * (or can be created as) one, so the path does not change between runs; else a fresh private directory. A directory
 * another user created there, a symlink or one open to others is never used, and never blocks the deploy.
 */
export function caCertFile(pem: string, where: { base?: string; uid?: number } = {}): string {
    const base = where.base ?? tmpdir();
    const uid = where.uid ?? process.getuid?.();
    const dir = privateDirectory(join(base, `vault-cluster-${uid ?? "user"}`), uid) ?? mkdtempSync(join(base, "vault-cluster-"));
    const file = join(dir, `ca-${createHash("sha256").update(pem).digest("hex").slice(0, 16)}.pem`);
    writeFileSync(file, pem, { mode: 0o644 });
    return file;
}

/** `dir` when it is a real directory owned by `uid` and closed to everybody else (created so if missing). */
function privateDirectory(dir: string, uid: number | undefined): string | undefined {
    try {
        mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
        if ((e as { code?: string }).code !== "EEXIST") return undefined;
    }
    const st = lstatSync(dir);
    const closed = process.platform === "win32" || (st.mode & 0o077) === 0;
    return st.isDirectory() && !st.isSymbolicLink() && (uid === undefined || st.uid === uid) && closed ? dir : undefined;
}

/**
 * The URN a child of `parent` named `name` gets, as a plain value: an input depending on the parent component itself
 * would wait for all of its children, this resource included.
 */
function urnOf(name: string, parent: pulumi.Resource): pulumi.Output<string> {
    return pulumi.output(new Promise<string>((resolve) => pulumi.createUrn(name, VAULT_INIT_TYPE, parent).apply((urn) => {
        resolve(urn);
        return urn;
    })));
}

/**
 * The init resource, after the Helm release. With `state` custody it holds the only copy of the keys: it is protected.
 */
export function createVaultInit(name: string, s: BootstrapInput, deps: BootstrapDependencies, parent: pulumi.Resource): VaultInit {
    const b = s.bootstrap;
    const access = vaultAccess(s, deps.caCertPem);
    const initName = `${name}-init`;
    const custody = deps.custody;
    const init = new VaultInit(initName, {
        apiAddress: access.apiAddress,
        pods: access.pods,
        kubeconfig: b.kubeconfig === undefined ? undefined : pulumi.secret(b.kubeconfig),
        kubeContext: b.kubeContext,
        caCertPem: access.caCertPem,
        replicaCaCertPem: access.replicaCaCertPem,
        seal: s.seal,
        keyShares: b.keyShares,
        keyThreshold: b.keyThreshold,
        pgpKeys: pulumi.all(b.keyHolders.map((h) => h.pgpKey)).apply((keys) => keys.map((k) => k.replace(/\s+/g, ""))),
        keyHolders: b.keyHolders.map((h) => h.name),
        custody,
        revokeRootToken: b.revokeRootToken,
        adminPolicyHcl: adminPolicyHcl(s.adminScope),
        timeoutSeconds: b.timeoutSeconds,
        placement: initPlacement(s),
        logUrn: urnOf(initName, parent),
    }, { parent, dependsOn: [deps.release], protect: b.custody.type === "state" });
    return init;
}

/**
 * The Vault provider chained on the init step's outputs: during a first preview they are unknown, so the provider never
 * tries to reach a Vault that does not exist yet. It also waits for `ready` (the rollout after the init step), so that
 * no configuration write races a step-down: a component's `dependsOn` does not reach its children, but every Vault
 * resource waits for its provider.
 */
export function createInitializedProvider(name: string, s: BootstrapInput, deps: { init: VaultInit; caCertPem: pulumi.Output<string>; ready: pulumi.Output<unknown> }, parent: pulumi.Resource): Provider {
    const { init } = deps;
    const access = vaultAccess(s, deps.caCertPem);
    return vaultProvider(name, {
        address: providerAddress(s, access, pulumi.all([init.id, deps.ready])),
        // Once the admin identity exists the root token is revoked: the provider logs in as the identity.
        // (An output resolving to undefined leaves the setting unset.)
        token: pulumi.all([init.rootToken, init.admin]).apply(([token, admin]) => (admin ? undefined : token)) as pulumi.Output<string>,
        authLogin: init.admin.apply((a) => (a ? { path: `auth/${a.mount}/login`, parameters: { role_id: a.roleId, secret_id: a.secretId } } : undefined)) as pulumi.Output<ProviderAuthLogin>,
        caCertPem: access.caCertPem,
    }, parent);
}

/** How the Vault provider reaches and logs in to Vault. */
interface ProviderConnection {
    address: pulumi.Output<string>;
    token: pulumi.Output<string>;
    authLogin?: pulumi.Output<ProviderAuthLogin>;
    caCertPem?: pulumi.Output<string | undefined>;
}

function vaultProvider(name: string, c: ProviderConnection, parent: pulumi.Resource): Provider {
    return new Provider(name, {
        address: c.address,
        token: c.token,
        authLogin: c.authLogin,
        caCertFile: c.caCertPem?.apply((pem) => (pem ? caCertFile(pem) : undefined)) as pulumi.Output<string> | undefined,
        // Every run works with a short-lived child token (20 minutes) rather than the long-lived credential itself.
        skipChildToken: false,
        maxLeaseTtlSeconds: 1200,
        skipTlsVerify: false,
    }, { parent });
}

/**
 * The dev server's Vault provider: no init step, the generated root token, and the same way to the pod as in the other
 * modes, once the release is deployed.
 */
export function createDevProvider(name: string, s: VaultReach, deps: { release: pulumi.Resource & { status: pulumi.Output<unknown> }; rootToken: pulumi.Output<string> }, parent: pulumi.Resource): Provider {
    const access = vaultAccess(s, pulumi.output(""));
    return vaultProvider(name, { address: providerAddress(s, access, deps.release.status), token: deps.rootToken }, parent);
}
