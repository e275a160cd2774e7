import type { Shape } from "./validation";

/** Known keys of VaultClusterArgs and VaultConfigArgs, for catching misspelled arguments (see checkShape). */
const placement = { nodeSelector: true, tolerations: true, resources: true } as const;
const image = { repository: true, tag: true } as const;
const role = (keys: string[]): Shape => ({ "*": Object.fromEntries(keys.map((k) => [k, true])) });

export const CONFIG_SHAPE: Shape = {
    auditDevices: [{ type: true, path: true, options: true, description: true }],
    kvMounts: [{ path: true, version: true, description: true, maxVersions: true, casRequired: true, deleteVersionAfter: true }],
    secretsEngines: {
        transit: [{ path: true, keys: role(["type", "autoRotatePeriod", "exportable", "deletionAllowed"]) }],
        aws: [{ path: true, region: true, accessKey: true, secretKey: true, defaultLeaseTtl: true, maxLeaseTtl: true,
                roles: role(["credentialType", "policyDocument", "policyArns", "roleArns", "defaultStsTtl", "maxStsTtl"]) }],
    },
    policies: true,
    existingPolicies: true,
    kubernetesAuth: [{ path: true, host: true, caCertPem: true, tokenReviewerJwt: true, issuer: true, description: true,
                       roles: role(["serviceAccountNames", "namespaces", "policies", "ttl", "maxTtl", "audience"]) }],
    jwtAuth: [{ path: true, boundIssuer: true, jwksUrl: true, oidcDiscoveryUrl: true, caCertPem: true, description: true,
                roles: role(["boundAudiences", "userClaim", "boundClaims", "boundClaimsType", "allowUnboundClaims", "policies", "ttl", "maxTtl"]) }],
    appRoleAuth: [{ path: true, description: true,
                    roles: role(["policies", "tokenTtl", "tokenMaxTtl", "secretIdTtl", "secretIdNumUses", "secretIdBoundCidrs", "tokenBoundCidrs", "createSecretId"]) }],
};

export const CLUSTER_SHAPE: Shape = {
    namespace: true, createNamespace: true, releaseName: true, replicas: true, region: true, tags: true,
    storage: { type: true, tableName: true, existingTable: true, billingMode: true, readCapacity: true, writeCapacity: true, pointInTimeRecovery: true,
               deletionProtection: true, protect: true, retainOnDelete: true, maxParallel: true, size: true, storageClass: true },
    seal: { type: true, kmsKeyArn: true, protect: true, retainOnDelete: true, deletionWindowInDays: true },
    irsa: { oidcProviderArn: true, oidcProviderUrl: true, roleName: true, permissionsBoundary: true, existingRoleArn: true },
    vpcEndpoints: { vpcId: true, subnetIds: true, routeTableIds: true, securityGroupIds: true },
    tls: { enabled: true, algorithm: true, rsaBits: true, validityHours: true, earlyRenewalHours: true, caValidityHours: true, extraDnsNames: true,
           extraIpAddresses: true, ca: { keyPem: true, certPem: true }, existingSecretName: true, caCertPem: true },
    ingress: { host: true, className: true, annotations: true, tlsSecretName: true, activeService: true },
    ui: { enabled: true, serviceType: true, loadBalancerSourceRanges: true, annotations: true },
    injector: { ...placement, enabled: true, replicas: true, image, agentImage: image, agentDefaults: { cpuRequest: true, cpuLimit: true, memRequest: true, memLimit: true } },
    csi: { ...placement, enabled: true, image },
    auditStorage: { enabled: true, size: true, storageClass: true },
    server: { ...placement, image, extraEnv: true, logLevel: true },
    chart: { version: true, repository: true, values: true, allowOverrides: true, timeoutSeconds: true },
    bootstrap: { keyShares: true, keyThreshold: true, keyHolders: [{ name: true, pgpKey: true }], custody: { type: true, secretName: true, recoveryWindowInDays: true,
                 profile: true, namespace: true, name: true }, address: true, addressCaCertPem: true, kubeconfig: true, kubeContext: true,
                 revokeRootToken: true, timeoutSeconds: true },
    config: CONFIG_SHAPE,
};
