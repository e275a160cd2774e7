import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/vault/provider";
import type { ProviderAuthLogin } from "@pulumi/vault/types/input";
import { createHash } from "crypto";
import { lstatSync, mkdirSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { SealType } from "../cluster/args";
import { clusterNames, releaseNames, VAULT_PORT } from "../cluster/names";
import type { BootstrapSettings } from "./settings";
import type { CustodySpec } from "./custody";
import { activeServerPod, openTunnel, preferredPort, TunnelOptions } from "./tunnel";
import { VaultInit } from "./vaultInit";
import { adminPolicyHcl, AdminScope } from "./adminIdentity";

/** How the machine running `pulumi up` reaches Vault in this run. */
export interface VaultAccess {
    /** API address for init and the Vault provider. */
    apiAddress: pulumi.Output<string>;
    /** Each server pod's own address (Shamir unseal); empty with an auto-unseal seal. */
    replicaAddresses: pulumi.Output<string[]>;
    /** Trust anchor; undefined means the system roots (an ingress with a public certificate). */
    caCertPem?: pulumi.Output<string | undefined>;
    /** Trust anchor of the replica tunnels: they reach the pods, which present the cluster's own certificate. */
    replicaCaCertPem?: pulumi.Output<string>;
}

/** What the bootstrap stage needs of the cluster. */
export interface BootstrapInput {
    bootstrap: BootstrapSettings;
    namespace: pulumi.Input<string>;
    releaseName: string;
    replicas: pulumi.Input<number>;
    seal: SealType;
    tlsEnabled: boolean;
    /** The ingress, when `bootstrap.address` may point at it. */
    ingress?: { host: pulumi.Input<string>; tlsSecretName?: pulumi.Input<string> };
    /** The engines the admin identity configures. */
    adminScope: AdminScope;
}

export interface BootstrapDependencies {
    release: pulumi.Resource;
    caCertPem: pulumi.Output<string>;
    region?: pulumi.Output<string>;
    custodySecretArns?: { init: pulumi.Output<string>; admin: pulumi.Output<string> };
}

export interface BootstrapResources {
    init: VaultInit;
    provider: Provider;
    /** The initial root token (secret); empty once revoked. */
    rootToken: pulumi.Output<string>;
}

/**
 * Resolves access for this run: `bootstrap.address` when given, else tunnels through the Kubernetes API to the
 * active server pod (and, with Shamir, to every pod). The tunnels listen on 127.0.0.1 for as long as the program
 * runs, for the init step and the Vault provider alike.
 */
export function vaultAccess(s: BootstrapInput, clusterCaCertPem: pulumi.Output<string>): VaultAccess {
    const b = s.bootstrap;
    const scheme = s.tlsEnabled ? "https" : "http";
    const kube = pulumi.all([b.kubeconfig, b.kubeContext, s.namespace]);
    const tunnel = (key: string, pod: (kubeconfig: string | undefined, context: string | undefined, namespace: string) => TunnelOptions["pod"]) =>
        kube.apply(async ([kubeconfig, context, namespace]) => {
        const t = await openTunnel({
            namespace, pod: pod(kubeconfig, context, namespace), remotePort: VAULT_PORT, kubeconfig, context,
            localPort: preferredPort(`${namespace}/${key}`),
        });
        return `${scheme}://${t.hostPort}`;
    });
    const pods = pulumi.all([s.namespace, s.replicas]).apply(([namespace, replicas]) => clusterNames(s.releaseName, namespace, replicas).pods);
    const replicaAddresses = s.seal === "shamir" ? pods.apply((names) => pulumi.all(names.map((pod) => tunnel(pod, () => pod)))) : pulumi.output([] as string[]);
    const replicaCaCertPem = s.seal === "shamir" && s.tlsEnabled ? clusterCaCertPem : undefined;

    if (b.address !== undefined) {
        // The address may be an output (a load balancer's name): decide once it is known.
        const resolved = pulumi.all([b.address, b.addressCaCertPem, clusterCaCertPem, s.ingress?.host, s.ingress?.tlsSecretName]).apply(([address, addressCa, clusterCa, host, ingressTls]) => {
            const a = address.replace(/\/+$/, "");
            // An ingress with its own certificate (cert-manager) is verified with the system roots.
            const viaIngressCertificate = ingressTls !== undefined && new URL(a).hostname === host;
            return { address: a, ca: addressCa ?? (viaIngressCertificate ? undefined : clusterCa) };
        });
        return { apiAddress: resolved.address, replicaAddresses, caCertPem: resolved.ca, replicaCaCertPem };
    }
    const active = releaseNames(s.releaseName).activeService;
    const apiAddress = tunnel(active, (kubeconfig, context, namespace) => activeServerPod({
        namespace, releaseName: s.releaseName, fallback: `${s.releaseName}-0`, kubeconfig, context,
    }));
    return { apiAddress, replicaAddresses, caCertPem: s.tlsEnabled ? clusterCaCertPem : undefined, replicaCaCertPem };
}

/** The custody description the init resource receives; kubeconfig travels as a secret. */
export function custodySpec(s: BootstrapInput, deps: BootstrapDependencies): pulumi.Input<CustodySpec> {
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
 * Writes the CA where the Vault provider can read it (it takes a file path, not PEM): a stable name in a directory
 * private to this user, so that nobody else can swap the trust anchor.
 */
export function caCertFile(pem: string): string {
    const uid = process.getuid?.();
    const dir = join(tmpdir(), `vault-cluster-${uid ?? "user"}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
        throw new Error(`refusing to write the Vault CA into ${dir}: it is not a directory private to this user`);
    }
    const file = join(dir, `ca-${createHash("sha256").update(pem).digest("hex").slice(0, 16)}.pem`);
    writeFileSync(file, pem, { mode: 0o644 });
    return file;
}

/**
 * The init resource (after the Helm release) and the Vault provider chained on its outputs: during a first preview
 * they are unknown, so the provider never tries to reach a Vault that does not exist yet.
 */
export function createBootstrap(name: string, s: BootstrapInput, deps: BootstrapDependencies, parent: pulumi.Resource): BootstrapResources {
    const b = s.bootstrap;
    const access = vaultAccess(s, deps.caCertPem);
    const init = new VaultInit(`${name}-init`, {
        apiAddress: access.apiAddress,
        replicaAddresses: access.replicaAddresses,
        caCertPem: access.caCertPem,
        replicaCaCertPem: access.replicaCaCertPem,
        seal: s.seal,
        keyShares: b.keyShares,
        keyThreshold: b.keyThreshold,
        pgpKeys: pulumi.all(b.keyHolders.map((h) => h.pgpKey)).apply((keys) => keys.map((k) => k.replace(/\s+/g, ""))),
        keyHolders: b.keyHolders.map((h) => h.name),
        custody: custodySpec(s, deps),
        revokeRootToken: b.revokeRootToken,
        adminPolicyHcl: adminPolicyHcl(s.adminScope),
        timeoutSeconds: b.timeoutSeconds,
    }, { parent, dependsOn: [deps.release] });

    // Known only once the init resource exists; the value is this run's address (a tunnel port can differ per run).
    const address = pulumi.all([init.id, access.apiAddress]).apply(([, a]) => a);
    const provider = new Provider(name, {
        address,
        // Once the admin identity exists the root token is revoked: the provider logs in as the identity.
        // (An output resolving to undefined leaves the setting unset.)
        token: pulumi.all([init.rootToken, init.admin]).apply(([token, admin]) => (admin ? undefined : token)) as pulumi.Output<string>,
        authLogin: init.admin.apply((a) => (a ? { path: `auth/${a.mount}/login`, parameters: { role_id: a.roleId, secret_id: a.secretId } } : undefined)) as pulumi.Output<ProviderAuthLogin>,
        caCertFile: access.caCertPem?.apply((pem) => (pem ? caCertFile(pem) : undefined)) as pulumi.Output<string> | undefined,
        // Every run works with a short-lived child token (20 minutes) rather than the long-lived credential itself.
        skipChildToken: false,
        maxLeaseTtlSeconds: 1200,
        skipTlsVerify: false,
    }, { parent });
    return { init, provider, rootToken: init.rootToken };
}
