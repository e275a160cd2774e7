import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/vault/provider";
import { createHash } from "crypto";
import { writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { ClusterSettings } from "../cluster/settings";
import { VAULT_PORT } from "../cluster/names";
import type { CustodySpec } from "./custody";
import { activeServerPod, openTunnel, preferredPort, TunnelOptions } from "./tunnel";
import { VaultInit } from "./vaultInit";

/** How the machine running `pulumi up` reaches Vault in this run. */
export interface VaultAccess {
    /** API address for init and the Vault provider. */
    apiAddress: pulumi.Output<string>;
    /** Each server pod's own address (Shamir unseal); empty with an auto-unseal seal. */
    replicaAddresses: pulumi.Output<string[]>;
    /** Trust anchor; undefined means the system roots (an ingress with a public certificate). */
    caCertPem?: pulumi.Output<string>;
}

export interface BootstrapDependencies {
    release: pulumi.Resource;
    caCertPem: pulumi.Output<string>;
    region?: pulumi.Output<string>;
    custodySecretArns?: { init: pulumi.Output<string>; admin?: pulumi.Output<string> };
}

export interface Bootstrap {
    init: VaultInit;
    provider: Provider;
    /** The initial root token (secret); empty once revoked. */
    rootToken: pulumi.Output<string>;
    access: VaultAccess;
}

/**
 * Resolves access for this run: `bootstrap.address` when given, else tunnels through the Kubernetes API to the
 * active server pod (and, with Shamir, to every pod). The tunnels listen on 127.0.0.1 for as long as the program
 * runs, for the init step and the Vault provider alike.
 */
export function vaultAccess(s: ClusterSettings, clusterCaCertPem: pulumi.Output<string>): VaultAccess {
    const b = s.bootstrap;
    const scheme = s.tls.enabled ? "https" : "http";
    const kube = pulumi.output(b.kubeconfig);
    const tunnel = (key: string, pod: (kubeconfig?: string) => TunnelOptions["pod"]) => kube.apply(async (kubeconfig) => {
        const t = await openTunnel({
            namespace: s.namespace, pod: pod(kubeconfig), remotePort: VAULT_PORT, kubeconfig, context: b.kubeContext,
            localPort: preferredPort(`${s.namespace}/${key}`),
        });
        return `${scheme}://${t.hostPort}`;
    });
    const replicaAddresses = s.seal.type === "shamir" ? pulumi.all(s.names.pods.map((pod) => tunnel(pod, () => pod))) : pulumi.output([] as string[]);

    if (b.address !== undefined) {
        const viaIngressCertificate = s.ingress?.tlsSecretName !== undefined && String(b.address).includes(`//${s.ingress.host}`);
        const caCertPem = b.addressCaCertPem !== undefined ? pulumi.output(b.addressCaCertPem) : viaIngressCertificate ? undefined : clusterCaCertPem;
        return { apiAddress: pulumi.output(b.address).apply((a) => a.replace(/\/+$/, "")), replicaAddresses, caCertPem };
    }
    const apiAddress = tunnel(s.names.activeService, (kubeconfig) => activeServerPod({
        namespace: s.namespace, releaseName: s.releaseName, fallback: s.names.pods[0], kubeconfig, context: b.kubeContext,
    }));
    return { apiAddress, replicaAddresses, caCertPem: s.tls.enabled ? clusterCaCertPem : undefined };
}

/** The custody description the init resource receives; kubeconfig travels as a secret. */
export function custodySpec(s: ClusterSettings, deps: BootstrapDependencies): pulumi.Input<CustodySpec> {
    const c = s.bootstrap.custody;
    switch (c.type) {
        case "aws-secrets-manager":
            return pulumi.all([deps.custodySecretArns!.init, deps.custodySecretArns!.admin, deps.region]).apply(([init, admin, region]) => ({
                type: c.type, secretIds: admin ? { init, admin } : { init }, region: region!, profile: c.profile,
            }));
        case "kubernetes-secret":
            return pulumi.secret(pulumi.output(s.bootstrap.kubeconfig).apply((kubeconfig) => ({
                type: c.type, namespace: c.namespace, names: { init: c.name, admin: `${c.name}-admin` }, kubeconfig, context: s.bootstrap.kubeContext,
            })));
        case "state":
            return { type: "state" };
    }
}

/** Writes the CA where the Vault provider can read it (it takes a file path, not PEM). Public data; stable name. */
export function caCertFile(pem: string): string {
    const file = join(tmpdir(), `vault-cluster-ca-${createHash("sha256").update(pem).digest("hex").slice(0, 16)}.pem`);
    writeFileSync(file, pem, { mode: 0o644 });
    return file;
}

/**
 * The init resource (after the Helm release) and the Vault provider chained on its outputs: during a first preview
 * they are unknown, so the provider never tries to reach a Vault that does not exist yet.
 */
export function createBootstrap(name: string, s: ClusterSettings, deps: BootstrapDependencies, parent: pulumi.Resource): Bootstrap {
    const b = s.bootstrap;
    const access = vaultAccess(s, deps.caCertPem);
    const init = new VaultInit(`${name}-init`, {
        apiAddress: access.apiAddress,
        replicaAddresses: access.replicaAddresses,
        caCertPem: access.caCertPem,
        seal: s.seal.type,
        keyShares: b.keyShares,
        keyThreshold: b.keyThreshold,
        pgpKeys: b.keyHolders.map((h) => h.pgpKey.replace(/\s+/g, "")),
        keyHolders: b.keyHolders.map((h) => h.name),
        custody: custodySpec(s, deps),
        revokeRootToken: b.revokeRootToken,
        timeoutSeconds: b.timeoutSeconds,
        // With Shamir every run checks for replicas that restarted sealed.
        unsealCheck: s.seal.type === "shamir" ? new Date().toISOString() : undefined,
    }, { parent, dependsOn: [deps.release] });

    // Known only once the init resource exists; the value is this run's address (tunnel ports change per run).
    const address = pulumi.all([init.id, access.apiAddress]).apply(([, a]) => a);
    const provider = new Provider(name, {
        address,
        token: b.revokeRootToken ? undefined : init.rootToken,
        authLogin: b.revokeRootToken
            ? init.admin.apply((a) => ({ path: `auth/${a!.mount}/login`, parameters: { role_id: a!.roleId, secret_id: a!.secretId } }))
            : undefined,
        caCertFile: access.caCertPem?.apply(caCertFile),
        // Every run works with a short-lived child token (20 minutes) rather than the long-lived credential itself.
        skipChildToken: false,
        maxLeaseTtlSeconds: 1200,
        skipTlsVerify: false,
    }, { parent });
    return { init, provider, rootToken: init.rootToken, access };
}
