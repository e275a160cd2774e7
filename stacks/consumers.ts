import { InputError, VaultCluster, VaultConsumerCluster } from "../components";
import type { VaultClusterArgs, VaultConsumerClusterArgs } from "../components";
import { ConsumerEnvironment, ENVIRONMENT_KEY } from "./environment";
import { ClusterAccess, eksAccess, kubeconfigAccess } from "./kubernetes";

/**
 * The stack's consuming clusters. What the program knows is filled in unless the stack file sets it:
 * - the cluster Vault runs in: Vault's in-cluster address and its CA;
 * - another cluster: Vault's external address (ingress or UI load balancer), its CA only without an ingress (an
 *   ingress is expected to present a publicly trusted certificate), and the cluster's API server and CA, read from
 *   its EKS lookup or kubeconfig file, never pasted. Vault resources wait for the whole VaultCluster (the policies
 *   and AppRole roles the consumer names).
 */
export function createConsumers(consumers: ConsumerEnvironment[], vault: VaultCluster, cluster: VaultClusterArgs, access: ClusterAccess): VaultConsumerCluster[] {
    return consumers.map((c, i) => {
        const field = `${ENVIRONMENT_KEY}.consumers[${i}].args`;
        const remote = c.kubernetes === undefined ? undefined : c.kubernetes.kind === "eks" ? eksAccess(c.kubernetes, { irsa: false }) : kubeconfigAccess(c.kubernetes);
        const args = c.args;
        const vaultAddress = args.vaultAddress ?? (remote ? vault.externalAddress : vault.address);
        if (vaultAddress === undefined) {
            throw new InputError("stack configuration", [{ field: `${field}.vaultAddress`, value: undefined,
                problem: "is needed: another cluster cannot reach Vault's in-cluster address, and the cluster has no ingress or load balancer",
                fix: "set cluster.ingress (or ui.serviceType: LoadBalancer), or args.vaultAddress" }]);
        }
        const auth = args.kubernetesAuth;
        const lookup = remote && auth && auth.createMount !== false && auth.host === undefined && auth.kubeconfig === undefined
            ? { kubeconfig: remote.kubeconfig, kubeconfigContext: auth.kubeconfigContext ?? remote.kubeContext }
            : {};
        try {
            return new VaultConsumerCluster(c.name, {
                ...args,
                vaultAddress,
                vaultCaCertPem: args.vaultCaCertPem ?? (remote && cluster.ingress ? undefined : vault.caCertPem),
                kubernetesAuth: (auth && { ...auth, ...lookup }) as VaultConsumerClusterArgs["kubernetesAuth"],
            } as VaultConsumerClusterArgs, { providers: { kubernetes: remote?.provider ?? access.provider, vault: vault.provider }, dependsOn: [vault] });
        } catch (e) {
            // Name the fields as they appear in the stack file.
            if (e instanceof InputError) throw e.within("stack configuration", field);
            throw e;
        }
    });
}
