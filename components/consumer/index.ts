/** The consumer side: one Kubernetes cluster reading secrets from a Vault (Kubernetes auth, injector, CSI, operators). */
export { VaultConsumerCluster } from "./vaultConsumerCluster";
export * from "./args";
export { CONSUMER_CHARTS } from "./settings";
export { parseCaCert } from "./certificates";
