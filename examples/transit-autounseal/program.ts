/**
 * Transit auto-unseal in one program (seed 003): a key-holder Vault and a Vault it unseals. The package is imported by
 * relative path so that this example type-checks against the repository's own sources; in your project use
 * `import { VaultCluster } from "vault-cluster";`.
 */
import * as pulumi from "@pulumi/pulumi";
import { VaultCluster } from "../../components";

/** The transit key that encrypts the application Vault's root key. */
export const SEAL_KEY = "autounseal";

/**
 * The key holder: one server (standalone) with Raft and Shamir, never dev mode — if the key holder's data is lost,
 * the Vault it unseals can never unseal again. The application Vault: three Raft servers sealed by the key holder's
 * transit key, reached inside the cluster and verified with its CA. The token leaves the key holder as a secret output
 * and reaches the application pods only through a Kubernetes Secret.
 */
export function transitAutounseal(): { keyHolder: VaultCluster; app: VaultCluster } {
    const keyHolder = new VaultCluster("keys", {
        mode: "standalone",
        namespace: "vault-keys",
        // Another name than the application's release: the chart's cluster-wide objects (roles, the injector's
        // webhook) are named after it.
        releaseName: "vault-keys",
        injector: { enabled: false },
        storage: { type: "raft" },
        seal: { type: "shamir" },
        bootstrap: { custody: { type: "kubernetes-secret" } },
        config: { transitSealKeys: [{ keyName: SEAL_KEY }] },
    });
    const app = new VaultCluster("app", {
        namespace: "vault",
        storage: { type: "raft" },
        seal: {
            type: "transit",
            address: keyHolder.address,
            keyName: SEAL_KEY,
            token: keyHolder.transitSealTokens.apply((tokens) => tokens[`transit/${SEAL_KEY}`]),
            caCertPem: keyHolder.caCertPem,
        },
        server: { podAntiAffinity: "preferred" },
        bootstrap: { custody: { type: "kubernetes-secret" } },
        config: { kvMounts: [{ path: "secret" }], operatorPolicy: {} },
    }, { dependsOn: [keyHolder] });
    return { keyHolder, app };
}

/** What `pulumi stack output` shows. */
export function outputs(c: ReturnType<typeof transitAutounseal>): Record<string, pulumi.Output<string>> {
    return { keyHolderAddress: c.keyHolder.address, appAddress: c.app.address, appCustody: c.app.custodyDescription };
}
