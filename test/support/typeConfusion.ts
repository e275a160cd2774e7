import { IRSA } from "./cluster";
import { builders, role } from "./refusals";
import type { Refusal } from "./refusals";

/**
 * Values of the wrong type, from a YAML stack file, another language or a loose TypeScript program: each must be
 * refused before anything is registered, with the field, the expected type, the value and the fix; no TypeError may
 * reach the user. The cases the issue lists first (quoted booleans read as truthy, an object where a list belongs),
 * then one or more per argument type across the components.
 */
const { cluster, awsCluster, config, app } = builders("type confusion");
const NOT_BOOLEAN = (given: string) => new RegExp(`^"${given}": must be true or false, not a string\\. Fix: write ${given} without quotes`);

export const TYPE_CONFUSION_CASES: Refusal[] = [
    // The cases: each would have silently done the opposite of what the user wrote.
    cluster({ bootstrap: { custody: { type: "kubernetes-secret" }, revokeRootToken: "false" } }, "bootstrap.revokeRootToken", NOT_BOOLEAN("false")),
    cluster({ auditStorage: false }, "auditStorage", /^false: must be an object, not a boolean\. Fix: write an object/),
    cluster({ ui: false }, "ui", /^false: must be an object, not a boolean/),
    cluster({ injector: false }, "injector", /^false: must be an object, not a boolean/),
    cluster({ createNamespace: "false" }, "createNamespace", NOT_BOOLEAN("false")),
    awsCluster({ storage: { type: "dynamodb", protect: 0 } }, "storage.protect", /^0: must be true or false, not a number/),
    cluster({ config: { kvMounts: { path: "my-kv" } } }, "config.kvMounts", /^\{"path":"my-kv"\}: must be a list, not an object\. Fix: write a list/),
    // Numbers.
    cluster({ replicas: "3" }, "replicas", /^"3": must be a whole number, not a string\. Fix: write 3 without quotes/),
    cluster({ replicas: 2.5 }, "replicas", /^2\.5: must be a whole number, not a fractional number/),
    cluster({ replicas: -1 }, "replicas", /^-1: must be at least 1/),
    cluster({ replicas: null }, "replicas", /^null: must be a whole number, not null/),
    cluster({ replicas: true }, "replicas", /^true: must be a whole number, not a boolean/),
    cluster({ chart: { timeoutSeconds: "600" } }, "chart.timeoutSeconds", /^"600": must be a whole number, not a string\. Fix: write 600 without quotes/),
    cluster({ tls: { rsaBits: "4096", algorithm: "RSA" } }, "tls.rsaBits", /^"4096": must be a whole number/),
    cluster({ tls: { validityHours: 0 } }, "tls.validityHours", /^0: must be at least 1/),
    cluster({ injector: { replicas: "2" } }, "injector.replicas", /^"2": must be a whole number/),
    cluster({ bootstrap: { custody: { type: "kubernetes-secret" }, keyShares: 5.5 } }, "bootstrap.keyShares", /^5\.5: must be a whole number/),
    cluster({ bootstrap: { custody: { type: "kubernetes-secret" }, keyShares: 11 } }, "bootstrap.keyShares", /^11: must be at most 10/),
    cluster({ bootstrap: { custody: { type: "kubernetes-secret" }, timeoutSeconds: "10m" } }, "bootstrap.timeoutSeconds", /^"10m": must be a whole number, not a string\. Fix: give a whole number/),
    awsCluster({ storage: { type: "dynamodb", billingMode: "PROVISIONED", readCapacity: 0 } }, "storage.readCapacity", /^0: must be at least 1/),
    awsCluster({ seal: { type: "awskms", deletionWindowInDays: 45 } }, "seal.deletionWindowInDays", /^45: must be at most 30/),
    awsCluster({ bootstrap: { custody: { type: "aws-secrets-manager", recoveryWindowInDays: 3 } } }, "bootstrap.custody.recoveryWindowInDays", /^3: must be at least 7/),
    // Strings and booleans.
    cluster({ namespace: 42 }, "namespace", /^42: must be a string, not a number/),
    cluster({ releaseName: ["vault"] }, "releaseName", /^\["vault"\]: must be a string, not a list/),
    cluster({ tls: { enabled: "true" } }, "tls.enabled", NOT_BOOLEAN("true")),
    cluster({ ingress: { host: "vault.example.com", activeService: "yes" } }, "ingress.activeService", /^"yes": must be true or false, not a string\. Fix: give true or false/),
    cluster({ csi: { enabled: 1 } }, "csi.enabled", /^1: must be true or false, not a number/),
    cluster({ auditStorage: { size: 10 } }, "auditStorage.size", /^10: must be a string, not a number/),
    cluster({ chart: { version: 34 } }, "chart.version", /^34: must be a string, not a number/),
    cluster({ injector: { agentDefaults: { cpuRequest: 250 } } }, "injector.agentDefaults.cpuRequest", /^250: must be a string, not a number/),
    awsCluster({ irsa: { ...IRSA, oidcProviderArn: 123 } }, "irsa.oidcProviderArn", /^123: must be a string, not a number/),
    awsCluster({ region: true }, "region", /^true: must be a string, not a boolean/),
    // Enums.
    cluster({ storage: { type: "Raft" } }, "storage.type", /^"Raft": is not one of "dynamodb", "raft"/),
    cluster({ seal: { type: "kms" } }, "seal.type", /^"kms": is not one of "awskms", "shamir"/),
    cluster({ tls: { algorithm: "ecdsa" } }, "tls.algorithm", /^"ecdsa": is not one of "ECDSA", "RSA"/),
    cluster({ ui: { serviceType: "NodePort" } }, "ui.serviceType", /^"NodePort": is not one of "ClusterIP", "LoadBalancer"/),
    cluster({ server: { logLevel: "verbose" } }, "server.logLevel", /^"verbose": is not one of "trace", "debug", "info", "warn", "error"/),
    cluster({ bootstrap: { custody: { type: "vault" } } }, "bootstrap.custody.type", /^"vault": is not one of "aws-secrets-manager", "kubernetes-secret", "state"/),
    awsCluster({ storage: { type: "dynamodb", billingMode: "ON_DEMAND" } }, "storage.billingMode", /^"ON_DEMAND": is not one of "PAY_PER_REQUEST", "PROVISIONED"/),
    cluster({ config: { kvMounts: [{ path: "kv", version: 3 }] } }, "config.kvMounts[0].version", /^3: is not one of 1, 2/),
    cluster({ config: { kvMounts: [{ path: "kv", version: "2" }] } }, "config.kvMounts[0].version", /^"2": must be a number, not a string\. Fix: write 2 without quotes/),
    cluster({ config: { auditDevices: [{ type: "stdout" }] } }, "config.auditDevices[0].type", /^"stdout": is not one of "file", "socket", "syslog"/),
    cluster({ config: { secretsEngines: { transit: [{ keys: { k: { type: "aes" } } }] } } }, "config.secretsEngines.transit[0].keys.k.type", /^"aes": is not one of "aes256-gcm96"/),
    // Objects, lists and maps in each other's places.
    cluster({ storage: "raft" }, "storage", /^"raft": must be an object, not a string/),
    cluster({ seal: [] }, "seal", /^\[\]: must be an object, not a list/),
    awsCluster({ tags: ["team=a"] }, "tags", /^\["team=a"\]: must be an object, not a list/),
    awsCluster({ tags: { team: 1 } }, "tags.team", /^1: must be a string, not a number/),
    awsCluster({ vpcEndpoints: { vpcId: "vpc-1", subnetIds: "subnet-1", routeTableIds: [] } }, "vpcEndpoints.subnetIds", /^"subnet-1": must be a list, not a string/),
    cluster({ tls: { extraDnsNames: "vault.internal" } }, "tls.extraDnsNames", /^"vault\.internal": must be a list, not a string/),
    cluster({ tls: { ca: "-----BEGIN CERTIFICATE-----" } }, "tls.ca", /^"-----BEGIN CERTIFICATE-----": must be an object, not a string/),
    cluster({ ingress: { host: "vault.example.com", annotations: "a=b" } }, "ingress.annotations", /^"a=b": must be an object, not a string/),
    cluster({ ui: { serviceType: "LoadBalancer", loadBalancerSourceRanges: "10.0.0.0/8" } }, "ui.loadBalancerSourceRanges", /^"10\.0\.0\.0\/8": must be a list/),
    cluster({ injector: { tolerations: { key: "dedicated" } } }, "injector.tolerations", /^\{"key":"dedicated"\}: must be a list, not an object/),
    cluster({ server: { extraEnv: ["A=1"] } }, "server.extraEnv", /^\["A=1"\]: must be an object, not a list/),
    cluster({ server: { resources: { requests: "250m" } } }, "server.resources.requests", /^"250m": must be an object, not a string/),
    cluster({ chart: { values: "server.logLevel=debug" } }, "chart.values", /^"server\.logLevel=debug": must be an object, not a string/),
    cluster({ chart: { allowOverrides: "global.tlsDisable" } }, "chart.allowOverrides", /^"global\.tlsDisable": must be a list, not a string/),
    cluster({ bootstrap: { custody: { type: "kubernetes-secret" }, keyHolders: { name: "a" } } }, "bootstrap.keyHolders", /^\{"name":"a"\}: must be a list, not an object/),
    cluster({ config: { policies: { p: "path \"kv/*\" { capabilities = [\"read\"] }" } } }, "config.policies.p", /^"path \\"kv\/\*\\" .*: must be a list, not a string\. Fix: write a list/),
    cluster({ config: { kubernetesAuth: [{ roles: { r: { ...role, namespaces: "default" } } }] } }, "config.kubernetesAuth[0].roles.r.namespaces", /^"default": must be a list, not a string/),
    cluster({ config: { jwtAuth: [{ jwksUrl: "https://g/-/jwks", roles: { r: { boundAudiences: ["a"], userClaim: "sub", policies: ["default"], boundClaims: { ref: ["main"] } } } }] } },
        "config.jwtAuth[0].roles.r.boundClaims.ref", /^\["main"\]: must be a string, not a list/),
    cluster({ config: { appRoleAuth: [{ roles: { r: { policies: ["default"], secretIdNumUses: "0" } } }] } }, "config.appRoleAuth[0].roles.r.secretIdNumUses", /^"0": must be a whole number/),
    cluster({ config: { secretsEngines: { aws: [{ roles: { r: { credentialType: "user" } } }] } } }, "config.secretsEngines.aws[0].roles.r.credentialType", /^"user": is not one of "iam_user"/),
    // Missing and unknown keys, at any depth.
    cluster({ storage: {} }, "storage.type", /^\(not set\): is required: Which backend\. Fix: set type/),
    cluster({ ingress: {} }, "ingress.host", /^\(not set\): is required: Host name Vault is reached by/),
    awsCluster({ vpcEndpoints: { subnetIds: [], routeTableIds: [] } }, "vpcEndpoints.vpcId", /^\(not set\): is required: The VPC of the cluster's nodes/),
    cluster({ bootstrap: { custody: { type: "kubernetes-secret" }, keyHolders: [{ pgpKey: "AAAA" }] } }, "bootstrap.keyHolders[0].name", /^\(not set\): is required/),
    cluster({ storage: { type: "raft", sise: "1Gi" } }, "storage.sise", /^<not shown>: is not a known argument\. Fix: did you mean "size"\?/),
    cluster({ config: { kubernetesAuth: [{ roles: { r: { ...role, ttls: "1h" } } }] } }, "config.kubernetesAuth[0].roles.r.ttls", /^<not shown>: is not a known argument\. Fix: did you mean "ttl"\?/),
    cluster({ bootstrap: { custody: { type: "kubernetes-secret", nmae: "x" } } }, "bootstrap.custody.nmae", /^<not shown>: is not a known argument\. Fix: did you mean "name"\?/),
    // VaultConfig on its own.
    config({ kvMounts: "my-kv" }, "kvMounts", /^"my-kv": must be a list, not a string/),
    config({ policies: [] }, "policies", /^\[\]: must be an object, not a list/),
    config({ existingPolicies: "legacy" }, "existingPolicies", /^"legacy": must be a list, not a string/),
    config({ jwtAuth: [{ jwksUrl: "https://g/-/jwks", roles: { r: { boundAudiences: ["a"], userClaim: "sub", policies: ["default"], allowUnboundClaims: "true" } } }] },
        "jwtAuth[0].roles.r.allowUnboundClaims", NOT_BOOLEAN("true")),
    config({ kubernetesAuth: [{ roles: { r: { ...role, policies: [] } } }] }, "kubernetesAuth[0].roles.r.policies", /^\[\]: must list at least 1 item \(Policies of the issued tokens\)/),
    config({ kvMounts: [{ path: "kv", maxVersions: "10" }] }, "kvMounts[0].maxVersions", /^"10": must be a whole number/),
    config({ hclPolicies: { p: ["read"] } }, "hclPolicies.p", /^\["read"\]: must be a string, not a list/),
    // VaultAppAccess.
    app({ namespace: undefined }, "namespace", /^\(not set\): is required: Namespace of the application/),
    app({ secrets: [] }, "secrets", /^\[\]: must be an object, not a list/),
    app({ secrets: { config: { mount: "kv", path: "app", version: "2" } } }, "secrets.config.version", /^"2": must be a number, not a string/),
    app({ createServiceAccount: "false" }, "createServiceAccount", NOT_BOOLEAN("false")),
    app({ ttl: 3600 }, "ttl", /^3600: must be a string, not a number/),
    app({ secrets: { config: { mount: "kv", path: "app", keys: "token" } } }, "secrets.config.keys", /^"token": must be a list, not a string/),
];

