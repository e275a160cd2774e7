import { basename, dirname } from "path";
import { CSI_CA_CERT_PATH, deepMerge } from "../chart/values";
import type { AgentSettings, ChartSettings, CsiDriverSettings } from "./settings";

/** Helm values of each integration, pure functions of the settings and the resolved Vault address and CA. */

/** The Secret holding Vault's CA for the CSI provider, mounted so that the file is at {@link CSI_CA_CERT_PATH}. */
export const CSI_CA_SECRET = { name: "vault-csi-provider-ca", key: basename(CSI_CA_CERT_PATH), mountDir: dirname(CSI_CA_CERT_PATH) } as const;

/** Vault as the integrations reach it. */
export interface VaultEndpoint {
    address: string;
    /** PEM; undefined when Vault's certificate is publicly trusted. */
    caCertPem?: string;
}

const withUserValues = (chart: ChartSettings, rendered: Record<string, any>): Record<string, any> => deepMerge(rendered, chart.values);

/**
 * The `hashicorp/vault` chart in external mode: no server, the injector and/or the Vault CSI provider pointed at
 * `global.externalVaultAddr`, authenticating on this cluster's mount, and trusting Vault's CA.
 */
export function agentValues(s: AgentSettings, vault: VaultEndpoint, authPath: string): Record<string, any> {
    const ca = vault.caCertPem;
    const injector = s.injector
        ? {
              enabled: true,
              replicas: s.injector.replicas,
              authPath: `auth/${authPath}`,
              // Injected agents trust this CA (the injector accepts PEM or base64; base64 keeps the value on one line).
              ...(ca ? { extraEnvironmentVars: { AGENT_INJECT_VAULT_CACERT_BYTES: Buffer.from(ca).toString("base64") } } : {}),
          }
        : { enabled: false };
    const csi = s.csi
        ? {
              enabled: true,
              // The provider's Vault Agent sidecar cannot mount the CA: with a private CA the provider talks to Vault
              // directly, trusting the mounted CA file; with a public certificate the agent's cache is kept.
              agent: { enabled: !ca },
              extraArgs: [`--vault-mount=${authPath}`, ...(ca ? [`--vault-tls-ca-cert=${CSI_CA_CERT_PATH}`] : [])],
              ...(ca
                  ? {
                        volumes: [{ name: "vault-ca", secret: { secretName: CSI_CA_SECRET.name, items: [{ key: CSI_CA_SECRET.key, path: CSI_CA_SECRET.key }] } }],
                        volumeMounts: [{ name: "vault-ca", mountPath: CSI_CA_SECRET.mountDir, readOnly: true }],
                    }
                  : {}),
          }
        : { enabled: false };
    return withUserValues(s.chart, {
        global: { enabled: true, externalVaultAddr: vault.address },
        // No server here: neither its service account nor the auth-delegator binding the chart would give it.
        server: { enabled: false, serviceAccount: { create: false }, authDelegator: { enabled: false } },
        injector,
        csi,
    });
}

/** The Secrets Store CSI driver: secret sync and rotation as asked. */
export function csiDriverValues(s: CsiDriverSettings): Record<string, any> {
    return withUserValues(s.chart, {
        syncSecret: { enabled: s.syncSecrets },
        enableSecretRotation: s.rotationPollInterval !== undefined,
        ...(s.rotationPollInterval ? { rotationPollInterval: s.rotationPollInterval } : {}),
    });
}

/** The Vault Secrets Operator: its own default connection stays off, the component creates the `default` VaultConnection. */
export function secretsOperatorValues(chart: ChartSettings): Record<string, any> {
    return withUserValues(chart, { defaultVaultConnection: { enabled: false } });
}

/** External Secrets with its CRDs (the stores need them). */
export function externalSecretsValues(chart: ChartSettings): Record<string, any> {
    return withUserValues(chart, { installCRDs: true });
}
