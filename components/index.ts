/**
 * Pulumi components that deploy and configure HashiCorp Vault on Kubernetes (production-grade on AWS EKS).
 * The components wire resources; the renderers below are pure functions, usable and testable on their own.
 */
export { VaultCluster } from "./cluster/vaultCluster";
export { vaultAlertRules } from "./cluster/alertRules";
export type { AlertRule, RuleGroup } from "./operations/alertRules";
export * from "./cluster/args";
export { clusterNames, serverCertificateNames } from "./cluster/names";
export * from "./bootstrap/args";
export * from "./config/args";
export type * from "./appAccess/args";
export type * from "./deprecated";
export { renderPolicy, kvV2Paths, kvV2ReadRules, kvV2WriteRules, CAPABILITIES } from "./config/policy";
export { parsePolicyHcl } from "./config/policyHcl";
export { renderServerConfig } from "./chart/serverConfig";
export type { ServerConfig } from "./chart/serverConfig";
export { renderChartValues, deepMerge, READINESS_PATH, CSI_CA_CERT_PATH } from "./chart/values";
export { serverConfigFor } from "./chart/release";
export { irsaTrustPolicy, vaultServerPolicy, kmsKeyPolicy, DYNAMODB_ACTIONS, KMS_SEAL_ACTIONS, IAM_USER_PATH } from "./aws/policies";
export type { PolicyDocument, PolicyStatement } from "./aws/policies";
export { InputError } from "./validation";
export type { Problem } from "./validation";
export { VaultConfig } from "./config/vaultConfig";
export { VaultAppAccess } from "./appAccess/vaultAppAccess";
export { injectorAnnotations, csiParameters, appPolicyRules } from "./appAccess/render";
export { initializeVault } from "./bootstrap/initializeVault";
export type { InitializeVaultOptions, InitResult } from "./bootstrap/initializeVault";
export { SecretsManagerCustody, KubernetesSecretCustody, StateCustody } from "./bootstrap/custody";
export type { Custody, InitRecord, AdminRecord } from "./bootstrap/custody";
export { ADMIN_POLICY_HCL } from "./bootstrap/adminIdentity";
export { openTunnel } from "./bootstrap/tunnel";
export * from "./consumer";
