/**
 * Pulumi components that deploy and configure HashiCorp Vault on Kubernetes (production-grade on AWS EKS).
 * The components wire resources; the renderers below are pure functions, usable and testable on their own.
 */
export { VaultCluster } from "./cluster/vaultCluster";
export type * from "./cluster/args";
export type { ClusterSettings } from "./cluster/settings";
export { resolveClusterSettings } from "./cluster/settings";
export { clusterNames, serverCertificateNames } from "./cluster/names";
export type * from "./bootstrap/args";
export type * from "./config/args";
export { renderPolicy, kvV2Paths, kvV2ReadRules, kvV2WriteRules, CAPABILITIES } from "./config/policy";
export { renderServerConfig } from "./chart/serverConfig";
export type { ServerConfig } from "./chart/serverConfig";
export { renderChartValues, deepMerge, READINESS_PATH, CSI_CA_CERT_PATH } from "./chart/values";
export { renderReleaseValues, serverConfigFor } from "./chart/release";
export { irsaTrustPolicy, vaultServerPolicy, kmsKeyPolicy, DYNAMODB_ACTIONS, KMS_SEAL_ACTIONS } from "./aws/policies";
export type { PolicyDocument, PolicyStatement } from "./aws/policies";
export { InputError } from "./validation";
export type { Problem } from "./validation";
export { VaultConfig } from "./config/vaultConfig";
export type { ConfigSettings } from "./config/settings";
export { VaultAppAccess, injectorAnnotations, csiParameters, appPolicyRules } from "./config/appAccess";
export type { VaultAppAccessArgs, AppSecretArgs } from "./config/appAccess";
export { initializeVault } from "./bootstrap/initializeVault";
export type { InitializeVaultOptions, InitResult } from "./bootstrap/initializeVault";
export { SecretsManagerCustody, KubernetesSecretCustody, StateCustody } from "./bootstrap/custody";
export type { Custody, InitRecord, AdminRecord } from "./bootstrap/custody";
export { ADMIN_POLICY_HCL } from "./bootstrap/adminIdentity";
export { openTunnel } from "./bootstrap/tunnel";
export * from "./consumer";
