import { FAKE_CLUSTER_CA_PEM } from "../../components/testing/mocks";
import { builders, role } from "./refusals";
import type { Refusal } from "./refusals";

/**
 * Inputs an adversarial review tried (issue 11): names Vault folds or reserves, policy text that escapes its string,
 * bounds past what a ConfigMap or a service name can hold, paths that climb out of their root, wildcards that would
 * widen an IAM policy, secrets pasted where they would be echoed, clear text where TLS is on. Each must be refused
 * before anything is registered, naming the field, and no secret of the input may appear in the error.
 */

const EC_KEY = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oJJL6SiHj3F8oAoGCCqGSM49\nAwEHoUQDQgAEbEHzSiNcLKOZuKg3hMW0Xq0Y2BDmFqJ5ZZ8K1b5wqLrLZ8MH+dX9\n-----END EC PRIVATE KEY-----\n";
const KEY_BODY = "MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oJJL6SiHj3F8oAoGCCqGSM49";
const TOKEN = "hvs.CAESIJ1qkZ8sb3tBvQkLm2Yx9fPq0wR7tUzAa4B";
const PASSWORD = "s3cr3t-Passw0rd";
const CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const ARN = (kind: string) => `arn:aws:iam::123456789012:${kind}`;
const jwt = (extra: Record<string, unknown>) => ({ jwtAuth: [{ jwksUrl: "https://gitlab.example.com/-/jwks", roles: {}, ...extra }] });
const oidc = (extra: Record<string, unknown>) => ({ oidcAuth: [{ oidcDiscoveryUrl: "https://login.example.com", oidcClientId: "vault", oidcClientSecret: PASSWORD, roles: {}, ...extra }] });
const aws = (roles: Record<string, unknown>) => ({ secretsEngines: { aws: [{ roles }] } });

const names = builders("policy names Vault folds or reserves");
const paths = builders("policy paths and HCL text");
const bounds = builders("bounds and derived names");
const roots = builders("mount and file paths outside their root");
const wildcards = builders("wildcards and malformed ARNs (IAM)");
const secrets = builders("secrets never echoed");
const clear = builders("clear text where TLS is on");
const p = (list: { path: string; capabilities: string[] }[]) => list;
const modes = builders("modes and seals that cannot hold");
/** A dev cluster: nothing of the local cluster's storage, seal or custody. */
const dev = (extra: Record<string, unknown>) => ({ storage: undefined, seal: undefined, bootstrap: undefined, mode: "dev", ...extra });
const transit = (extra: Record<string, unknown>) => ({ seal: { type: "transit", address: "https://keys.example.com:8200", keyName: "autounseal", token: TOKEN, caCertPem: FAKE_CLUSTER_CA_PEM, ...extra } });

export const ADVERSARIAL_CASES: Refusal[] = [
    names.config({ policies: { Default: p([{ path: "kv/*", capabilities: ["read"] }]) } }, "policies.Default", /is reserved \(Vault folds policy names to lower case, so it would replace "default", which every token carries\)/),
    names.config({ policies: { DEFAULT: p([{ path: "kv/*", capabilities: ["read"] }]) } }, "policies.DEFAULT", /is reserved/),
    names.config({ policies: { ROOT: p([{ path: "kv/*", capabilities: ["read"] }]) } }, "policies.ROOT", /is reserved/),
    names.config({ policies: { "Pulumi-Admin": p([{ path: "*", capabilities: ["sudo"] }]) } }, "policies.Pulumi-Admin", /the policy of Pulumi's admin identity/),
    names.config({ policies: { foo: p([{ path: "a", capabilities: ["read"] }]), FOO: p([{ path: "b", capabilities: ["read"] }]) } }, "policies.FOO",
        /names the same Vault policy as policies\.foo/),
    names.config({ policies: { app: p([{ path: "a", capabilities: ["read"] }]) }, hclPolicies: { App: `path "b" { capabilities = ["read"] }` } }, "hclPolicies.App",
        /names the same Vault policy as policies\.app/),
    names.config({ hclPolicies: { Root: `path "*" { capabilities = ["sudo"] }` } }, "hclPolicies.Root", /is reserved/),
    names.cluster({ config: { policies: { "PULUMI-ADMIN": p([{ path: "sys/*", capabilities: ["sudo"] }]) } } }, "config.policies.PULUMI-ADMIN", /is reserved/),
    names.app({ policyName: "Default" }, "policyName", /is not a policy name this component may write/),
    names.config({ appRoleAuth: [{ path: "pulumi", roles: {} }] }, "appRoleAuth[0].path", /is the AppRole mount of Pulumi's own admin identity/),
    names.config({ kvMounts: [{ path: "kv" }], operatorPolicy: { name: "Pulumi-Admin" } }, "operatorPolicy.name", /the policy of Pulumi's admin identity/),
    names.config({ policies: { "Transit-Seal-transit-k": p([{ path: "transit/*", capabilities: ["update"] }]) }, transitSealKeys: [{ keyName: "k" }] },
        "transitSealKeys[0]", /names the same Vault policy as policies\.Transit-Seal-transit-k/),
    names.config({ userpassAuth: [{ path: "pulumi", users: {} }] }, "userpassAuth[0].path", /is the AppRole mount of Pulumi's own admin identity/),

    paths.config({ policies: { q: p([{ path: "kv/data/\"x", capabilities: ["read"] }]) } }, "policies.q[0].path", /is not a Vault policy path/),
    paths.config({ policies: { n: p([{ path: "kv/data/x\npath \"sys/*\" {", capabilities: ["read"] }]) } }, "policies.n[0].path", /is not a Vault policy path/),
    paths.config({ policies: { b: p([{ path: "kv/data/x\" { capabilities = [\"sudo\"] }", capabilities: ["read"] }]) } }, "policies.b[0].path", /is not a Vault policy path/),
    paths.config({ policies: { t: p([{ path: "kv/data/${env}", capabilities: ["read"] }]) } }, "policies.t[0].path", /is not a Vault policy path/),
    paths.config({ policies: { c: p([{ path: "kv/data/{x}", capabilities: ["read"] }]) } }, "policies.c[0].path", /is not a Vault policy path/),
    paths.config({ policies: { s: p([{ path: "/kv/data/x", capabilities: ["read"] }]) } }, "policies.s[0].path", /is not a Vault policy path/),
    paths.config({ policies: { g: p([{ path: "kv/*/x", capabilities: ["read"] }]) } }, "policies.g[0].path", /is not a Vault policy path/),
    paths.config({ policies: { w: p([{ path: "kv/data/x y", capabilities: ["read"] }]) } }, "policies.w[0].path", /is not a Vault policy path/),
    paths.config({ policies: { e: p([]) } }, "policies.e", /must list at least one rule/),
    paths.config({ policies: { u: p([{ path: "kv/x", capabilities: ["write"] }]) } }, "policies.u[0].capabilities", /is not a Vault capability/),
    paths.config({ hclPolicies: { h: `path "kv/*" { capabilities = ["read" }` } }, "hclPolicies.h", /is not a Vault policy Vault can read: line 1/),
    paths.config({ hclPolicies: { h: `path "kv/*" { capabilities = ["read"] }\npath "sys/*" {` } }, "hclPolicies.h", /is not a Vault policy Vault can read/),
    paths.config({ hclPolicies: { h: `path "kv/${"${x}"}" { capabilities = ["read"] }` } }, "hclPolicies.h", /interpolation/),
    paths.config({ hclPolicies: { h: `path "kv/*" { capabilities = ["read"], allowed = true }` } }, "hclPolicies.h", /is not a Vault policy Vault can read/),
    paths.config({ hclPolicies: { h: `path "kv/*" { capabilites = ["read"] }` } }, "hclPolicies.h", /unknown attribute\(s\) capabilites/),
    paths.config({ hclPolicies: { h: `# nothing here\n` } }, "hclPolicies.h", /has no path block/),
    paths.config({ hclPolicies: { h: `path "kv/*" { capabilities = ["reed"] }` } }, "hclPolicies.h path \"kv/*\".capabilities", /is not a Vault capability/),
    paths.config({ hclPolicies: { h: `policy "kv/*" { capabilities = ["read"] }` } }, "hclPolicies.h", /"policy" is not part of a Vault policy/),

    bounds.awsCluster({ replicas: 100001 }, "replicas", /is above 15: only one node is active/),
    bounds.cluster({ replicas: 9 }, "replicas", /is above 7: every Raft write waits for a majority/),
    bounds.cluster({ replicas: 4 }, "replicas", /Raft needs an odd number of voters/),
    bounds.cluster({ releaseName: "v".repeat(45) }, "releaseName", /at most 44 characters \(the chart names a service "<release>-agent-injector-svc"/),
    bounds.cluster({ releaseName: "Vault" }, "releaseName", /is not a DNS-1123 label/),
    bounds.cluster({ namespace: "Vault_NS" }, "namespace", /is not a DNS-1123 label/),
    bounds.awsCluster({ irsa: { ...IRSA_FOR_BOUNDS(), roleName: "r".repeat(65) } }, "irsa.roleName", /is not a valid IAM role name \(at most 64 characters\)/),
    bounds.awsCluster({ bootstrap: { custody: { type: "aws-secrets-manager", secretName: "s".repeat(507) } } }, "bootstrap.custody.secretName", /at most 506 characters/),
    bounds.cluster({ bootstrap: { custody: { type: "kubernetes-secret", name: "n".repeat(250) } } }, "bootstrap.custody.name", /at most 247 characters/),
    bounds.cluster({ tls: { validityHours: 100, earlyRenewalHours: 200 } }, "tls.earlyRenewalHours", /must be below tls\.validityHours \(100\)/),
    bounds.cluster({ tls: { validityHours: 1000, caValidityHours: 10 } }, "tls.caValidityHours", /no shorter than the server certificate's validity/),
    bounds.cluster({ bootstrap: { custody: { type: "kubernetes-secret" }, keyShares: 3, keyThreshold: 4 } }, "bootstrap.keyThreshold", /must be from 2 to keyShares \(3\)/),

    roots.config({ kvMounts: [{ path: "." }] }, "kvMounts[0].path", /is not a valid mount path/),
    roots.config({ kvMounts: [{ path: ".." }] }, "kvMounts[0].path", /is not a valid mount path/),
    roots.config({ kvMounts: [{ path: "../../sys" }] }, "kvMounts[0].path", /is not a valid mount path/),
    roots.config({ kvMounts: [{ path: "team/../sys" }] }, "kvMounts[0].path", /is not a valid mount path/),
    roots.config({ kvMounts: [{ path: "sys/kv" }] }, "kvMounts[0].path", /is under sys\/, which Vault reserves/),
    roots.config({ appRoleAuth: [{ path: "token", roles: {} }] }, "appRoleAuth[0].path", /is under token\/, which Vault reserves/),
    roots.config({ kvMounts: [{ path: "team" }, { path: "team/kv" }] }, "kvMounts[1].path", /Vault refuses nested mounts/),
    roots.config({ auditDevices: [{ type: "file", options: { file_path: "/vault/audit/../../etc/passwd" } }] }, "auditDevices[0].options.file_path", /is outside the audit volume \/vault\/audit/),
    roots.config({ auditDevices: [{ type: "file", options: { file_path: "/etc/vault_audit.log" } }] }, "auditDevices[0].options.file_path", /is outside the audit volume/),
    roots.config({ auditDevices: [{ type: "file", options: { file_path: "/vault/audit/" } }] }, "auditDevices[0].options.file_path", /is outside the audit volume/),
    roots.config({ auditDevices: [{ type: "file", options: { file_path: "/vault/auditlogs/x.log" } }] }, "auditDevices[0].options.file_path", /is outside the audit volume/),
    roots.cluster({ auditStorage: { enabled: false }, config: { auditDevices: [{ type: "file", options: { file_path: "/vault/audit/a.log" } }] } },
        "config.auditDevices[0].options.file_path", /auditStorage is disabled: the log would vanish with the pod/),
    roots.app({ secrets: { config: { mount: "../sys", path: "app" } } }, "secrets.config.mount", /is not a mount path/),
    roots.app({ secrets: { config: { mount: "kv", path: "app/\"x" } } }, "secrets.config.path", /is not a secret path/),

    wildcards.awsCluster({ storage: { type: "dynamodb", existingTable: "*" } }, "storage.existingTable", /contains a wildcard, which would widen the IAM policy/),
    wildcards.awsCluster({ storage: { type: "dynamodb", existingTable: "arn:aws:dynamodb:eu-west-1:123456789012:table/*" } }, "storage.existingTable", /contains a wildcard/),
    wildcards.awsCluster({ storage: { type: "dynamodb", existingTable: "arn:aws:dynamodb:eu-west-1:123456789012:table/a/stream/x" } }, "storage.existingTable", /is not a DynamoDB table name or ARN/),
    wildcards.awsCluster({ seal: { type: "awskms", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/*" } }, "seal.kmsKeyArn", /contains a wildcard/),
    wildcards.awsCluster({ seal: { type: "awskms", kmsKeyArn: "alias/vault" } }, "seal.kmsKeyArn", /is not a KMS key ARN/),
    wildcards.awsCluster({ irsa: { existingRoleArn: ARN("role/*") } }, "irsa.existingRoleArn", /contains a wildcard/),
    wildcards.awsCluster({ irsa: { ...IRSA_FOR_BOUNDS(), permissionsBoundary: "arn:aws:iam::aws:policy/*" } }, "irsa.permissionsBoundary", /contains a wildcard/),
    wildcards.awsCluster({ irsa: { oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/*", oidcProviderUrl: "https://oidc.example" } }, "irsa.oidcProviderArn", /contains a wildcard/),
    wildcards.config(aws({ r: { credentialType: "assumed_role", roleArns: [ARN("role/*")] } }), "secretsEngines.aws[0].roles.r.roleArns[0]", /contains a wildcard/),
    wildcards.config(aws({ r: { credentialType: "iam_user", policyArns: ["*"], permissionsBoundaryArn: ARN("policy/b") } }), "secretsEngines.aws[0].roles.r.policyArns[0]", /contains a wildcard/),
    wildcards.config(aws({ r: { credentialType: "iam_user", policyArns: [ARN("policy/p")], permissionsBoundaryArn: ARN("policy/*") } }),
        "secretsEngines.aws[0].roles.r.permissionsBoundaryArn", /contains a wildcard/),
    wildcards.config(aws({ r: { credentialType: "iam_user", policyArns: [ARN("policy/p")] } }), "secretsEngines.aws[0].roles.r.permissionsBoundaryArn",
        /is required for iam_user: without a boundary, anyone who can write this engine's roles could mint an IAM user/),
    wildcards.config(aws({ r: { credentialType: "assumed_role", roleArns: ["arn:aws:iam::1:role/x"] } }), "secretsEngines.aws[0].roles.r.roleArns[0]", /is not an IAM role ARN/),
    wildcards.awsCluster({ region: "eu-west-1*" }, "region", /contains a wildcard/),

    secrets.cluster({ tls: { ca: { keyPem: EC_KEY, certPem: EC_KEY } } }, "tls.ca.certPem", /is not a PEM certificate \(the value is not shown: it may hold a key\)/, [KEY_BODY]),
    secrets.cluster({ tls: { existingSecretName: "tls", caCertPem: EC_KEY } }, "tls.caCertPem", /is not a PEM certificate/, [KEY_BODY]),
    secrets.config({ kubernetesAuth: [{ path: "other", host: "https://k8s.example.com", caCertPem: EC_KEY, roles: {} }] }, "kubernetesAuth[0].caCertPem", /is not a PEM certificate/, [KEY_BODY]),
    secrets.config(jwt({ caCertPem: EC_KEY }), "jwtAuth[0].caCertPem", /is not a PEM certificate/, [KEY_BODY]),
    secrets.cluster({ bootstrap: { custody: { type: "kubernetes-secret" }, address: `https://admin:${PASSWORD}@vault.example.com` } }, "bootstrap.address",
        /carries a user name or password \(not shown\)/, [PASSWORD]),
    secrets.cluster({ bootstrap: { custody: { type: "kubernetes-secret" }, addressCaCertPem: EC_KEY } }, "bootstrap.addressCaCertPem", /is not a PEM certificate/, [KEY_BODY]),
    secrets.cluster({ chart: { values: { server: { extraEnvironmentVars: { VAULT_TOKEN: TOKEN } } } } }, "chart.values.server.extraEnvironmentVars.VAULT_TOKEN",
        /holds a secret \(not shown\): chart values land in the StatefulSet, ConfigMaps and plain state/, [TOKEN]),
    secrets.cluster({ chart: { values: { server: { extraEnvironmentVars: { DB_PASSWORD: PASSWORD } } } } }, "chart.values.server.extraEnvironmentVars.DB_PASSWORD",
        /holds a secret/, [PASSWORD]),
    secrets.cluster({ chart: { values: { injector: { extraEnvironmentVars: { AGENT_INJECT_TLS_KEY: EC_KEY } } } } },
        "chart.values.injector.extraEnvironmentVars.AGENT_INJECT_TLS_KEY", /holds a secret/, [KEY_BODY]),
    secrets.cluster({ chart: { values: { server: { ha: { raft: { config: `seal "transit" { token = "${TOKEN}" }` } } } } } }, "chart.values.server.ha.raft.config",
        /holds a secret \(not shown\)/, [TOKEN]),
    secrets.cluster({ server: { extraEnv: { VAULT_TOKEN: TOKEN } } }, "server.extraEnv.VAULT_TOKEN", /would put a secret into the StatefulSet in plain text/, [TOKEN]),
    secrets.cluster({ chart: { repository: `https://robot:${PASSWORD}@charts.example.com` } }, "chart.repository", /without credentials/, [PASSWORD]),
    secrets.config(jwt({ jwksUrl: `https://ci:${PASSWORD}@gitlab.example.com/-/jwks` }), "jwtAuth[0].jwksUrl", /is not an https URL \(without credentials\)/, [PASSWORD]),
    secrets.config(oidc({ oidcDiscoveryUrl: `https://ops:${PASSWORD}@login.example.com` }), "oidcAuth[0].oidcDiscoveryUrl", /is not an https URL \(without credentials\)/, [PASSWORD]),
    secrets.config({ userpassAuth: [{ users: { lab: { password: PASSWORD.slice(0, 8), policies: ["default"] } } }] }, "userpassAuth[0].users.lab.password",
        /is shorter than 12 characters/, [PASSWORD.slice(0, 8)]),
    secrets.config({ kubernetesAuth: [{ path: "other", host: `https://ops:${PASSWORD}@k8s.example.com`, caCertPem: CERT, roles: {} }] }, "kubernetesAuth[0].host",
        /is not an https URL of a Kubernetes API server/, [PASSWORD]),
    secrets.cluster({ bootstrap: { custody: { type: "kubernetes-secret" }, keyHolders: [{ name: "ops", pgpKey: `not base64 ${PASSWORD}` }] } }, "bootstrap.keyHolders[0].pgpKey",
        /is not base64/, [PASSWORD]),
    secrets.config({ secretsEngines: { aws: [{ secretKey: PASSWORD, roles: {} }] } }, "secretsEngines.aws[0].accessKey", /accessKey and secretKey go together/, [PASSWORD]),
    secrets.config({ secretsEngines: { aws: [{ accessKey: 42, secretKey: PASSWORD, roles: {} }] } }, "secretsEngines.aws[0].accessKey", /must be a string, not a number/, [PASSWORD]),
    secrets.config({ kubernetesAuth: [{ path: "other", host: "https://k8s.example.com", caCertPem: CERT, tokenReviewerJwt: 42, roles: {} }] },
        "kubernetesAuth[0].tokenReviewerJwt", /^<not shown>: must be a string, not a number/),
    secrets.cluster({ tls: { ca: { keyPem: 42, certPem: CERT } } }, "tls.ca.keyPem", /^<not shown>: must be a string/),
    secrets.cluster({ storage: { type: "raft", size: "10Gi", token: TOKEN } }, "storage.token", /^<not shown>: is not a known argument/, [TOKEN]),
    secrets.consumer({ vaultAddress: `https://u:${PASSWORD}@vault.example.com` }, "vaultAddress", /./, [PASSWORD]),

    clear.cluster({ bootstrap: { custody: { type: "kubernetes-secret" }, address: "http://vault.example.com" } }, "bootstrap.address",
        /uses http while TLS is on: the init response would cross the network in clear text/),
    clear.cluster({ bootstrap: { custody: { type: "kubernetes-secret" }, address: "https://vault.example.com/v1" } }, "bootstrap.address", /is not a Vault URL/),
    clear.cluster({ chart: { repository: "http://charts.example.com" } }, "chart.repository", /is not an https:\/\/ or oci:\/\/ chart repository URL/),
    clear.cluster({ chart: { values: { global: { tlsDisable: true } } } }, "chart.values.global.tlsDisable", /contradicts the value this component manages \(false\)/),
    clear.config(jwt({ jwksUrl: "http://gitlab.example.com/-/jwks" }), "jwtAuth[0].jwksUrl", /is not an https URL/),
    clear.config({ kubernetesAuth: [{ path: "other", host: "http://k8s.example.com", caCertPem: CERT, roles: {} }] }, "kubernetesAuth[0].host", /is not an https URL/),
    clear.cluster({ ui: { serviceType: "LoadBalancer" } }, "ui.loadBalancerSourceRanges", /without it Vault is open to the whole internet/),
    clear.config({ jwtAuth: [{ jwksUrl: "https://g/-/jwks", roles: { ci: { boundAudiences: ["a"], userClaim: "sub", policies: ["default"] } } }] },
        "jwtAuth[0].roles.ci.boundClaims", /every project and pipeline on the issuer could log in/),
    clear.config({ kubernetesAuth: [{ roles: { r: { ...role, serviceAccountNames: ["*"], namespaces: ["*"] } } }] }, "kubernetesAuth[0].roles.r.serviceAccountNames",
        /binds every service account in every namespace/),
    modes.cluster(dev({ seal: { type: "awskms" } }), "seal", /does not apply to mode "dev": the dev server is unsealed at start/),
    modes.cluster(dev({ bootstrap: { custody: { type: "state" } } }), "bootstrap.custody", /does not apply to mode "dev": the dev server is initialized at start/),
    modes.cluster(dev({ bootstrap: { revokeRootToken: true } }), "bootstrap.revokeRootToken", /the generated root token is the dev server's only credential/),
    modes.cluster(dev({ tls: { ca: { certPem: CERT, keyPem: EC_KEY } } }), "tls.ca", /the dev server serves plain HTTP/, [KEY_BODY]),
    modes.awsCluster({ mode: "dev" }, "irsa", /the dev server creates no AWS resource/),
    modes.cluster(dev({ server: { nodeSelector: { pool: "vault" } } }), "server.nodeSelector", /the chart ignores the server's placement in dev mode/),
    modes.cluster({ mode: "standalone", replicas: 3 }, "replicas", /is not 1: the standalone mode runs one server/),
    modes.cluster({ chart: { values: { server: { dev: { enabled: true } } } } }, "chart.values.server.dev.enabled", /contradicts the value this component manages \(false\)/),
    modes.cluster(transit({ address: `https://unseal:${PASSWORD}@keys.example.com` }), "seal.address", /is not a URL without credentials/, [PASSWORD, TOKEN]),
    modes.cluster(transit({ address: "http://keys.example.com:8200" }), "seal.address", /is not an https URL of the key holder Vault/, [TOKEN]),
    modes.cluster(transit({ token: undefined }), "seal.token", /is required with the transit seal/),
    modes.cluster(transit({ caCertPem: undefined }), "seal.caCertPem", /is required with the transit seal while TLS is on/, [TOKEN]),
    modes.cluster(transit({ keyName: "../sys" }), "seal.keyName", /is not a transit key name/, [TOKEN]),
    modes.cluster(transit({ mountPath: "../sys" }), "seal.mountPath", /is not a Vault mount path/, [TOKEN]),
    modes.cluster(transit({ caCertPem: EC_KEY }), "seal.caCertPem", /is not a PEM certificate/, [KEY_BODY, TOKEN]),
    modes.awsCluster({ seal: { type: "awskms", token: TOKEN } }, "seal.token", /does not apply to the awskms seal/, [TOKEN]),
];

/** The OIDC provider of the tests' EKS cluster (a function: the module loads before the support module's constants). */
function IRSA_FOR_BOUNDS() {
    return {
        oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123",
        oidcProviderUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC123",
    };
}
