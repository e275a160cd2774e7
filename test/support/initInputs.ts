import type { VaultInitInputs } from "../../components/bootstrap/initRuntime";
import type { FakeKubernetes } from "./fakeKubernetes";
import type { FakeVault } from "./fakeVault";

/** The names a server certificate of release `vault` in namespace `vault` carries (the pods are verified by the first). */
export const VAULT_POD_NAMES = { dns: ["*.vault-internal.vault.svc", "vault.vault.svc"], ips: ["127.0.0.1"] };

/** Makes the fake Kubernetes forward pod `vault-<i>` to replica i of the fake Vault, with `active` labelled active. */
export function routePods(kube: FakeKubernetes, vault: FakeVault, active = 0): string[] {
    return vault.addresses.map((address, i) => {
        const pod = `vault-${i}`;
        kube.targets.set(`${pod}:8200`, Number(new URL(address).port));
        kube.pods.set(pod, {
            "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", component: "server", ...(i === active ? { "vault-active": "true" } : {}),
        });
        return pod;
    });
}

/** The init resource's inputs for release `vault` in namespace `vault`, reached through the fake Kubernetes API. */
export function initInputs(kube: FakeKubernetes, caCertPem: string, pods: string[], overrides: Partial<VaultInitInputs> = {}): VaultInitInputs {
    return {
        pods: { namespace: "vault", releaseName: "vault", names: pods, internalService: "vault-internal", port: 8200, scheme: "https" },
        kubeconfig: kube.kubeconfig(),
        caCertPem,
        seal: "shamir",
        keyShares: 5,
        keyThreshold: 3,
        pgpKeys: [],
        keyHolders: [],
        custody: { type: "state" },
        revokeRootToken: false,
        adminPolicyHcl: "",
        timeoutSeconds: 5,
        placement: { namespace: "vault", releaseName: "vault", storage: "raft" },
        ...overrides,
    };
}
