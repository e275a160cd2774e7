import { ConsumerKvVersion, ConsumerSecretStoreKind, ConsumerVaultAuthMethod } from "./args";
import type { VaultEndpoint } from "./chartValues";
import type { DynamicSecretSettings, SecretStoreSettings, SecretsOperatorSettings, StaticSecretSettings, VaultAuthSettings } from "./settings";

/**
 * The operators' custom resources, as plain objects (apiVersion, kind, metadata, spec) rendered from the settings:
 * the component registers them, the tests validate them against the published CRDs. A resource whose spec needs
 * values that other resources provide (Vault's address and CA, an AppRole role ID) is rendered without its spec when
 * they are not given: its identity comes from the settings alone, so a first preview knows what it creates.
 */

/** A custom resource; `spec` is absent when it needs values not given (see above). */
export interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
    spec?: Record<string, unknown>;
}

const VSO = "secrets.hashicorp.com/v1beta1";
const ESO = "external-secrets.io/v1";

/** The Secret holding Vault's CA for the VaultConnection (the operator reads the key `ca.crt`). */
export const VSO_CA_SECRET = { name: "vault-ca", key: "ca.crt" } as const;

/** The Kubernetes Secret holding an AppRole secret ID (the operator reads the key `id`). */
export const secretIdSecretName = (auth: VaultAuthSettings): string => `${auth.name}-secret-id`;

/** The operator's `default` VaultConnection: Vault's address, verified with the CA Secret when there is one (never skipTLSVerify). */
export function vaultConnection(s: SecretsOperatorSettings, vault?: VaultEndpoint): Manifest {
    return {
        apiVersion: VSO,
        kind: "VaultConnection",
        metadata: { name: s.connection.name, namespace: s.connection.namespace },
        spec: vault && { address: vault.address, skipTLSVerify: false, ...(vault.caCertPem ? { caCertSecretRef: VSO_CA_SECRET.name } : {}) },
    };
}

/** A VaultAuth; for AppRole, `roleId` is the role's ID read from Vault and the secret ID is in {@link secretIdSecretName}. */
export function vaultAuth(s: SecretsOperatorSettings, a: VaultAuthSettings, appRole?: { roleId: string }): Manifest {
    const kubernetes = a.method === ConsumerVaultAuthMethod.Kubernetes;
    const method = kubernetes
        ? { kubernetes: { role: a.role, serviceAccount: a.serviceAccountName!, ...(a.audiences ? { audiences: a.audiences } : {}) } }
        : appRole && { appRole: { roleId: appRole.roleId, secretRef: secretIdSecretName(a) } };
    return {
        apiVersion: VSO,
        kind: "VaultAuth",
        metadata: { name: a.name, namespace: a.namespace },
        spec: method && { vaultConnectionRef: `${s.connection.namespace}/${s.connection.name}`, method: a.method, mount: a.mount, ...method },
    };
}

/** A secret the operator writes into a Kubernetes Secret (created) of its VaultAuth's namespace. */
function syncedSecret(kind: string, v: StaticSecretSettings | DynamicSecretSettings, source: Record<string, unknown>): Manifest {
    return {
        apiVersion: VSO,
        kind,
        metadata: { name: v.name, namespace: v.auth.namespace },
        spec: { vaultAuthRef: v.auth.name, mount: v.mount, path: v.path, ...source, destination: { create: true, name: v.destination } },
    };
}

/** A KV secret re-read every `refreshAfter`. */
export function vaultStaticSecret(v: StaticSecretSettings): Manifest {
    return syncedSecret("VaultStaticSecret", v, { type: v.kvVersion === ConsumerKvVersion.V1 ? "kv-v1" : "kv-v2", refreshAfter: v.refreshAfter });
}

/** Leased credentials, renewed at `renewalPercent` of the lease and replaced when it ends. */
export function vaultDynamicSecret(v: DynamicSecretSettings): Manifest {
    return syncedSecret("VaultDynamicSecret", v, {
        ...(v.renewalPercent !== undefined ? { renewalPercent: v.renewalPercent } : {}),
        ...(v.revoke !== undefined ? { revoke: v.revoke } : {}),
    });
}

/** A SecretStore or ClusterSecretStore reading one KV mount with Kubernetes auth on this cluster's mount. */
export function secretStore(s: SecretStoreSettings, vault?: VaultEndpoint): Manifest {
    const serviceAccountRef = {
        name: s.serviceAccountName,
        ...(s.kind === ConsumerSecretStoreKind.ClusterSecretStore ? { namespace: s.serviceAccountNamespace } : {}),
        ...(s.audiences ? { audiences: s.audiences } : {}),
    };
    return {
        apiVersion: ESO,
        kind: s.kind,
        metadata: { name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) },
        spec: vault && {
            provider: {
                vault: {
                    server: vault.address,
                    path: s.kvMount,
                    version: s.kvVersion,
                    ...(vault.caCertPem ? { caBundle: Buffer.from(vault.caCertPem).toString("base64") } : {}),
                    auth: { kubernetes: { mountPath: s.authPath, role: s.role, serviceAccountRef } },
                },
            },
        },
    };
}
