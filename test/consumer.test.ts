import { strict as assert } from "assert";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import * as pulumi from "@pulumi/pulumi";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { Provider as VaultProvider } from "@pulumi/vault/provider";
import { Policy } from "@pulumi/vault/policy";
import { stringify as toYaml } from "yaml";
import { CONSUMER_CHARTS, csiParameters, InputError, parseCaCert, VaultConsumerCluster } from "../components";
import type { VaultConsumerClusterArgs } from "../components";
import {
    FAKE_CLUSTER_CA_PEM, FAKE_VAULT_CA_PEM, installMocks, isSecretValue, MockRecorder, RegisteredResource, settle, unwrapSecrets, valueOf,
} from "../components/testing/mocks";
import { ChartFixture, VAULT_CHART } from "./support/chart";
import { schemaRegistry } from "./support/examples";
import { refusedBy } from "./support/refusals";

const T = {
    release: "kubernetes:helm.sh/v3:Release",
    namespace: "kubernetes:core/v1:Namespace",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    secret: "kubernetes:core/v1:Secret",
    binding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    auth: "vault:index/authBackend:AuthBackend",
    authConfig: "vault:kubernetes/authBackendConfig:AuthBackendConfig",
    role: "vault:kubernetes/authBackendRole:AuthBackendRole",
    secretId: "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId",
    vaultConnection: "kubernetes:secrets.hashicorp.com/v1beta1:VaultConnection",
    vaultAuth: "kubernetes:secrets.hashicorp.com/v1beta1:VaultAuth",
    staticSecret: "kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret",
    dynamicSecret: "kubernetes:secrets.hashicorp.com/v1beta1:VaultDynamicSecret",
    secretStore: "kubernetes:external-secrets.io/v1:SecretStore",
    clusterSecretStore: "kubernetes:external-secrets.io/v1:ClusterSecretStore",
};

const CHARTS = {
    secretsOperator: new ChartFixture("vault-secrets-operator-1.4.1"),
    externalSecrets: new ChartFixture("external-secrets-2.9.0"),
    csiDriver: new ChartFixture("secrets-store-csi-driver-1.6.0"),
};

const CLUSTER_CA_BASE64 = Buffer.from(FAKE_CLUSTER_CA_PEM).toString("base64");
const VAULT = "https://vault.example.com";
/** The reviewer's token in the mocks (what the token controller writes into its Secret). */
const REVIEWER_JWT = "eyJmock-token-of-vault-token-reviewer";

/** The apps cluster of seed 002 (another EKS cluster) with every integration. */
function appsCluster(overrides: Partial<VaultConsumerClusterArgs> = {}): VaultConsumerClusterArgs {
    return {
        vaultAddress: VAULT,
        vaultCaCertPem: FAKE_VAULT_CA_PEM,
        kubernetesAuth: {
            path: "eks-apps",
            host: "https://A1B2C3.gr7.eu-west-1.eks.amazonaws.com",
            caCert: CLUSTER_CA_BASE64,
            roles: {
                "external-secrets": { serviceAccountNames: ["external-secrets"], namespaces: ["external-secrets"], policies: ["external-secrets"], ttl: "1h", audience: "vault" },
                "vault-secrets-operator": { serviceAccountNames: ["vso-auth"], namespaces: ["default"], policies: ["vso-read"], ttl: "1h", maxTtl: "4h", audience: "vault" },
                webapp: { serviceAccountNames: ["webapp"], namespaces: ["apps"], policies: ["webapp"], ttl: "20m" },
            },
        },
        injector: {},
        csi: {},
        secretsOperator: {
            auths: {
                "vault-auth": { method: "kubernetes", role: "vault-secrets-operator", serviceAccountName: "vso-auth", audiences: ["vault"] },
                "vault-auth-approle": { method: "appRole", role: "k8s-vault-op", secretIdTtl: "720h", secretIdCidrs: ["10.0.0.0/8"] },
            },
            staticSecrets: { "vault-kv-app": { auth: "vault-auth", mount: "secret", path: "k8s/testdata/secret", destination: "kv-secret" } },
            dynamicSecrets: { "vault-dynamic-aws": { auth: "vault-auth-approle", mount: "aws", path: "creds/my-role", destination: "dynamic-aws-iam", renewalPercent: 50 } },
        },
        externalSecrets: {
            stores: {
                "vault-backend": { role: "external-secrets", kvMount: "my-kv", audiences: ["vault"] },
                "vault-cluster-wide": { kind: "ClusterSecretStore", role: "external-secrets", kvMount: "my-kv", kvVersion: "v2", audiences: ["vault"] },
            },
        },
        ...overrides,
    };
}

interface Deployed {
    recorder: MockRecorder;
    consumer: VaultConsumerCluster;
    kubernetesProviderUrn: string;
    vaultProviderUrn: string;
    /** URN of the resource the component was told to depend on (the Vault's configuration, in a real program). */
    dependencyUrn: string;
    /** Errors raised while resolving outputs (checks of values known only then). */
    failures: unknown[];
}

async function deploy(args: VaultConsumerClusterArgs, options: { preview?: boolean } = {}): Promise<Deployed> {
    const failures: unknown[] = [];
    const onRejection = (e: unknown) => failures.push(e);
    process.on("unhandledRejection", onRejection);
    try {
        const recorder = await installMocks({ preview: options.preview });
        const kubernetes = new KubernetesProvider("apps-eks", {});
        const vault = new VaultProvider("vault", { address: VAULT });
        const dependency = new Policy("vso-read", { name: "vso-read", policy: "path \"secret/data/k8s/*\" { capabilities = [\"read\"] }" }, { provider: vault });
        const consumer = new VaultConsumerCluster("apps", args, { providers: { kubernetes, vault }, dependsOn: [dependency] });
        await settle();
        await new Promise((resolve) => setImmediate(resolve));
        return {
            recorder, consumer, failures,
            kubernetesProviderUrn: await valueOf(kubernetes.urn), vaultProviderUrn: await valueOf(vault.urn), dependencyUrn: await valueOf(dependency.urn),
        };
    } finally {
        process.off("unhandledRejection", onRejection);
    }
}

const byName = (d: Deployed, type: string, name: string): RegisteredResource => {
    const found = d.recorder.ofType(type).find((r) => r.name === name);
    if (!found) throw new Error(`no ${type} ${name}; have ${d.recorder.ofType(type).map((r) => r.name).join(", ")}`);
    return found;
};
const inputs = (r: RegisteredResource): any => unwrapSecrets(r.inputs);
const release = (d: Deployed, name: string): any => inputs(byName(d, T.release, `apps-${name}`));
/** A registered Kubernetes object as the API server would receive it. */
const manifest = (r: RegisteredResource): any => {
    const { apiVersion, kind, metadata, ...rest } = inputs(r);
    return { apiVersion, kind, metadata, ...rest };
};

/** Every place a value occurs in recorded inputs outside a Pulumi secret: none may exist for a secret. */
function plainOccurrences(resources: RegisteredResource[], needle: string): string[] {
    const found: string[] = [];
    const walk = (value: any, path: string) => {
        if (isSecretValue(value)) return;
        if (typeof value === "string") {
            if (value.includes(needle)) found.push(path);
        } else if (Array.isArray(value)) {
            value.forEach((v, i) => walk(v, `${path}[${i}]`));
        } else if (value && typeof value === "object") {
            for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
        }
    };
    for (const r of resources) walk(r.inputs, `${r.type} ${r.name}`);
    return found;
}

describe("VaultConsumerCluster: another cluster, reviewer-token review (seed 002)", function () {
    this.timeout(30_000);
    let d: Deployed;
    before(async () => {
        d = await deploy(appsCluster());
    });

    it("raises no error while resolving its inputs", () => {
        assert.deepEqual(d.failures, []);
    });

    it("creates the reviewer service account, its system:auth-delegator binding and a long-lived token Secret on the consuming cluster", () => {
        const sa = manifest(byName(d, T.serviceAccount, "apps-reviewer"));
        assert.deepEqual(sa, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "vault-token-reviewer", namespace: "kube-system" }, automountServiceAccountToken: false });
        const binding = manifest(byName(d, T.binding, "apps-reviewer-auth-delegator"));
        assert.deepEqual(binding, {
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding",
            metadata: { name: "kube-system-vault-token-reviewer-auth-delegator" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
            subjects: [{ kind: "ServiceAccount", name: "vault-token-reviewer", namespace: "kube-system" }],
        });
        const token = byName(d, T.secret, "apps-reviewer-token");
        assert.deepEqual(manifest(token), {
            apiVersion: "v1", kind: "Secret", type: "kubernetes.io/service-account-token",
            metadata: { name: "vault-token-reviewer-token", namespace: "kube-system", annotations: { "kubernetes.io/service-account.name": "vault-token-reviewer" } },
        });
        assert.ok(token.additionalSecretOutputs.includes("data"), "the token is a secret output");
        assert.ok(token.dependencies.includes(byName(d, T.serviceAccount, "apps-reviewer").urn), "the Secret waits for its service account");
        for (const r of [sa, binding, manifest(token)]) assert.deepEqual(schemaRegistry().validate(r), [], `${r.kind} against the strict Kubernetes schema`);
        // kube-system is never created; no client binding in this mode.
        assert.ok(!d.recorder.ofType(T.namespace).some((n) => n.inputs.metadata.name === "kube-system"));
        assert.ok(!d.recorder.ofType(T.binding).some((b) => b.name === "apps-client-tokenreview"));
    });

    it("mounts Kubernetes auth in Vault with the cluster's host, its CA as PEM (given as base64) and the reviewer's token as a secret", () => {
        assert.deepEqual(inputs(d.recorder.one(T.auth)), { type: "kubernetes", path: "eks-apps", description: "Kubernetes auth for cluster apps" });
        const config = d.recorder.one(T.authConfig);
        assert.deepEqual(inputs(config), {
            backend: "eks-apps",
            kubernetesHost: "https://A1B2C3.gr7.eu-west-1.eks.amazonaws.com",
            kubernetesCaCert: FAKE_CLUSTER_CA_PEM,
            tokenReviewerJwt: REVIEWER_JWT,
            disableLocalCaJwt: true,
        });
        assert.ok(isSecretValue(config.inputs.tokenReviewerJwt), "the reviewer JWT reaches Vault only as a Pulumi secret");
        assert.deepEqual(plainOccurrences(d.recorder.resources, REVIEWER_JWT), []);
    });

    it("creates the roles with their exact inputs (TTLs in seconds, audience)", () => {
        const roles = Object.fromEntries(d.recorder.ofType(T.role).map((r) => [r.name, inputs(r)]));
        assert.deepEqual(roles, {
            "apps-role-external-secrets": {
                backend: "eks-apps", roleName: "external-secrets", boundServiceAccountNames: ["external-secrets"], boundServiceAccountNamespaces: ["external-secrets"],
                tokenPolicies: ["external-secrets"], tokenTtl: 3600, audience: "vault",
            },
            "apps-role-vault-secrets-operator": {
                backend: "eks-apps", roleName: "vault-secrets-operator", boundServiceAccountNames: ["vso-auth"], boundServiceAccountNamespaces: ["default"],
                tokenPolicies: ["vso-read"], tokenTtl: 3600, tokenMaxTtl: 14400, audience: "vault",
            },
            "apps-role-webapp": {
                backend: "eks-apps", roleName: "webapp", boundServiceAccountNames: ["webapp"], boundServiceAccountNamespaces: ["apps"], tokenPolicies: ["webapp"], tokenTtl: 1200,
            },
        });
    });

    it("sends Kubernetes objects through the cluster's provider and Vault resources through the Vault provider, after what it depends on", () => {
        for (const r of d.recorder.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:providers:"))) {
            if (r.name === "vso-read") continue;
            const expected = r.type.startsWith("vault:") ? d.vaultProviderUrn : d.kubernetesProviderUrn;
            assert.ok(r.provider.startsWith(`${expected}::`), `${r.type} ${r.name} uses ${r.provider}`);
            if (r.type.startsWith("vault:")) assert.ok(r.dependencies.includes(d.dependencyUrn), `${r.type} ${r.name} waits for the Vault configuration`);
        }
        const lookup = d.recorder.invokes.find((i) => i.token === "vault:appRole/getAuthBackendRoleId:getAuthBackendRoleId");
        assert.deepEqual(lookup?.inputs, { backend: "approle", roleName: "k8s-vault-op" });
    });

    it("exposes the mount path and the operator's connection", async () => {
        assert.equal(await valueOf(d.consumer.authPath), "eks-apps");
        assert.equal(await valueOf(d.consumer.vaultConnectionRef), "vault-secrets-operator-system/default");
    });

    it("creates only the namespaces of its own objects, before what goes into them", () => {
        const namespaces = d.recorder.ofType(T.namespace).map((n) => n.inputs.metadata.name).sort();
        assert.deepEqual(namespaces, ["external-secrets", "vault-consumer", "vault-secrets-operator-system"]);
        const ns = byName(d, T.namespace, "apps-ns-vault-secrets-operator-system");
        assert.ok(byName(d, T.release, "apps-vault-secrets-operator").dependencies.includes(ns.urn));
        assert.ok(byName(d, T.secret, "apps-vso-ca").dependencies.includes(ns.urn));
    });
});

describe("VaultConsumerCluster: the injector and the CSI provider in external mode", function () {
    this.timeout(30_000);
    let d: Deployed;
    before(async () => {
        d = await deploy(appsCluster({ secretsOperator: undefined, externalSecrets: undefined }));
    });

    it("installs the hashicorp/vault chart with no server, pointed at Vault, on this cluster's mount, trusting Vault's CA", () => {
        const r = release(d, "vault");
        assert.deepEqual({ ...r, values: undefined }, {
            name: "vault-consumer", namespace: "vault-consumer", chart: "vault", version: "0.34.1", repositoryOpts: { repo: "https://helm.releases.hashicorp.com" },
            createNamespace: false, timeout: 600, values: undefined, compat: "true",
        });
        assert.deepEqual(r.values, {
            global: { enabled: true, externalVaultAddr: VAULT },
            server: { enabled: false, serviceAccount: { create: false }, authDelegator: { enabled: false } },
            injector: {
                enabled: true, replicas: 2, authPath: "auth/eks-apps",
                extraEnvironmentVars: { AGENT_INJECT_VAULT_CACERT_BYTES: Buffer.from(FAKE_VAULT_CA_PEM).toString("base64") },
            },
            csi: {
                enabled: true,
                agent: { enabled: false },
                extraArgs: ["--vault-mount=eks-apps", "--vault-tls-ca-cert=/vault/tls/vault.ca"],
                volumes: [{ name: "vault-ca", secret: { secretName: "vault-csi-provider-ca", items: [{ key: "vault.ca", path: "vault.ca" }] } }],
                volumeMounts: [{ name: "vault-ca", mountPath: "/vault/tls", readOnly: true }],
            },
        });
        assert.deepEqual(VAULT_CHART.schemaErrors(r.values), []);
        assert.deepEqual(VAULT_CHART.unknownKeys(r.values), []);
    });

    it("injected agents trust exactly Vault's CA, and the CSI provider reads it from a Secret of the CA alone", () => {
        const env = release(d, "vault").values.injector.extraEnvironmentVars.AGENT_INJECT_VAULT_CACERT_BYTES;
        const pem = Buffer.from(env, "base64").toString("utf8");
        assert.deepEqual(parseCaCert(pem), { pem: FAKE_VAULT_CA_PEM });
        const ca = byName(d, T.secret, "apps-csi-provider-ca");
        assert.deepEqual(manifest(ca), { apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: { name: "vault-csi-provider-ca", namespace: "vault-consumer" }, stringData: { "vault.ca": FAKE_VAULT_CA_PEM } });
        assert.deepEqual(schemaRegistry().validate(manifest(ca)), []);
        // A SecretProviderClass rendered by the package points at the file the provider has.
        assert.equal(csiParameters(VAULT, "webapp", { db: { mount: "secret", path: "db" } }, "eks-apps").vaultCACertPath, "/vault/tls/vault.ca");
    });

    it("installs the Secrets Store CSI driver in kube-system first, and the provider after it and after the CA Secret", () => {
        const driver = byName(d, T.release, "apps-csi-driver");
        assert.deepEqual(inputs(driver), {
            name: "secrets-store-csi-driver", namespace: "kube-system", chart: "secrets-store-csi-driver", version: "1.6.0",
            repositoryOpts: { repo: "https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts" }, createNamespace: false, timeout: 600, compat: "true",
            values: { syncSecret: { enabled: false }, enableSecretRotation: false },
        });
        const provider = byName(d, T.release, "apps-vault");
        assert.ok(provider.dependencies.includes(driver.urn) && provider.dependencies.includes(byName(d, T.secret, "apps-csi-provider-ca").urn));
        assert.deepEqual(CHARTS.csiDriver.unknownKeys(inputs(driver).values), []);
    });

    it("with a publicly trusted Vault certificate: no CA anywhere, the CSI provider keeps its agent cache", async () => {
        const pub = await deploy(appsCluster({ vaultCaCertPem: undefined, secretsOperator: undefined, externalSecrets: undefined, csi: { syncSecrets: true, rotationPollInterval: "2m" } }));
        const values = release(pub, "vault").values;
        assert.deepEqual(values.injector, { enabled: true, replicas: 2, authPath: "auth/eks-apps" });
        assert.deepEqual(values.csi, { enabled: true, agent: { enabled: true }, extraArgs: ["--vault-mount=eks-apps"] });
        assert.ok(!pub.recorder.ofType(T.secret).some((s) => s.name === "apps-csi-provider-ca"));
        const driver = release(pub, "csi-driver").values;
        assert.deepEqual(driver, { syncSecret: { enabled: true }, enableSecretRotation: true, rotationPollInterval: "2m" });
        assert.deepEqual(CHARTS.csiDriver.unknownKeys(driver), []);
        assert.deepEqual([...VAULT_CHART.schemaErrors(values), ...VAULT_CHART.unknownKeys(values)], []);
    });

    it("only the CSI provider, on a cluster that has the driver: no driver release, injector off", async () => {
        const csiOnly = await deploy(appsCluster({ injector: undefined, csi: { installDriver: false }, secretsOperator: undefined, externalSecrets: undefined }));
        assert.deepEqual(csiOnly.recorder.ofType(T.release).map((r) => r.name), ["apps-vault"]);
        assert.deepEqual(release(csiOnly, "vault").values.injector, { enabled: false });
    });

    it("chart values given by the user are merged last and still checked against the chart", async () => {
        const custom = await deploy(appsCluster({ secretsOperator: undefined, externalSecrets: undefined, vaultChart: { version: "0.34.1", values: { injector: { logLevel: "debug" } } } }));
        const values = release(custom, "vault").values;
        assert.equal(values.injector.logLevel, "debug");
        assert.equal(values.injector.authPath, "auth/eks-apps");
        assert.deepEqual(VAULT_CHART.unknownKeys(values), []);
        assert.deepEqual(VAULT_CHART.unknownKeys({ ...values, injector: { ...values.injector, logLevl: "debug" } }), ["injector.logLevl"], "the key check is not vacuous");
    });
});

describe("VaultConsumerCluster: the Vault Secrets Operator (seed 003)", function () {
    this.timeout(30_000);
    let d: Deployed;
    before(async () => {
        d = await deploy(appsCluster({ injector: undefined, csi: undefined, externalSecrets: undefined }));
    });

    it("installs the pinned operator chart, its values checked against the chart's", () => {
        const r = release(d, "vault-secrets-operator");
        assert.deepEqual(r, {
            name: "vault-secrets-operator", namespace: "vault-secrets-operator-system", chart: "vault-secrets-operator", version: "1.4.1",
            repositoryOpts: { repo: "https://helm.releases.hashicorp.com" }, createNamespace: false, timeout: 600, compat: "true",
            values: { defaultVaultConnection: { enabled: false } },
        });
        assert.deepEqual(CHARTS.secretsOperator.unknownKeys(r.values), []);
        assert.deepEqual(CHARTS.secretsOperator.unknownKeys({ defaultVaultConection: {} }), ["defaultVaultConection"], "the key check is not vacuous");
    });

    it("creates the default VaultConnection with Vault's address and a CA Secret it creates", () => {
        assert.deepEqual(manifest(byName(d, T.secret, "apps-vso-ca")), {
            apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: { name: "vault-ca", namespace: "vault-secrets-operator-system" }, stringData: { "ca.crt": FAKE_VAULT_CA_PEM },
        });
        const connection = d.recorder.one(T.vaultConnection);
        assert.deepEqual(manifest(connection), {
            apiVersion: "secrets.hashicorp.com/v1beta1", kind: "VaultConnection", metadata: { name: "default", namespace: "vault-secrets-operator-system" },
            spec: { address: VAULT, caCertSecretRef: "vault-ca", skipTLSVerify: false },
        });
        assert.ok(connection.dependencies.includes(byName(d, T.release, "apps-vault-secrets-operator").urn), "after the chart that installs the CRDs");
        assert.ok(connection.dependencies.includes(byName(d, T.secret, "apps-vso-ca").urn));
    });

    it("VaultAuth with Kubernetes auth: its service account created, the role's audience requested", () => {
        assert.deepEqual(manifest(byName(d, T.serviceAccount, "apps-vso-sa-default/vso-auth")), { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "vso-auth", namespace: "default" } });
        assert.deepEqual(manifest(byName(d, T.vaultAuth, "apps-vso-auth-default/vault-auth")), {
            apiVersion: "secrets.hashicorp.com/v1beta1", kind: "VaultAuth", metadata: { name: "vault-auth", namespace: "default" },
            spec: {
                vaultConnectionRef: "vault-secrets-operator-system/default", method: "kubernetes", mount: "eks-apps",
                kubernetes: { role: "vault-secrets-operator", serviceAccount: "vso-auth", audiences: ["vault"] },
            },
        });
    });

    it("VaultAuth with AppRole: the role ID read from Vault, a secret ID issued by Pulumi into a Kubernetes Secret, never in plain text", () => {
        const secretId = d.recorder.one(T.secretId);
        assert.deepEqual(inputs(secretId), {
            backend: "approle", roleName: "k8s-vault-op", ttl: 2592000, cidrLists: ["10.0.0.0/8"],
            metadata: JSON.stringify({ "vault-consumer-cluster": "apps", "kubernetes-secret": "default/vault-auth-approle-secret-id" }),
        });
        assert.ok(secretId.additionalSecretOutputs.includes("secretId"), "the secret ID is a secret output");
        const holder = byName(d, T.secret, "apps-vso-secret-id-secret-default/vault-auth-approle");
        const value = "apps-vso-secret-id-default/vault-auth-approle-secret-id";
        assert.deepEqual(manifest(holder), { apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: { name: "vault-auth-approle-secret-id", namespace: "default" }, stringData: { id: value } });
        assert.ok(isSecretValue(holder.inputs.stringData), "the Secret's data is a Pulumi secret");
        assert.deepEqual(plainOccurrences(d.recorder.resources, value), []);
        const auth = byName(d, T.vaultAuth, "apps-vso-auth-default/vault-auth-approle");
        assert.deepEqual(manifest(auth).spec, {
            vaultConnectionRef: "vault-secrets-operator-system/default", method: "appRole", mount: "approle",
            appRole: { roleId: "approle-k8s-vault-op-role-id", secretRef: "vault-auth-approle-secret-id" },
        });
        assert.ok(!JSON.stringify(inputs(auth)).includes("REPLACE"), "no placeholder left for the user");
        assert.ok(auth.dependencies.includes(holder.urn), "the VaultAuth waits for its secret ID");
    });

    it("VaultStaticSecret and VaultDynamicSecret in their VaultAuth's namespace, after it", () => {
        const st = byName(d, T.staticSecret, "apps-vso-static-default/vault-kv-app");
        assert.deepEqual(manifest(st).spec, {
            vaultAuthRef: "vault-auth", mount: "secret", type: "kv-v2", path: "k8s/testdata/secret", refreshAfter: "60s", destination: { create: true, name: "kv-secret" },
        });
        const dyn = byName(d, T.dynamicSecret, "apps-vso-dynamic-default/vault-dynamic-aws");
        assert.deepEqual(manifest(dyn).spec, {
            vaultAuthRef: "vault-auth-approle", mount: "aws", path: "creds/my-role", renewalPercent: 50, destination: { create: true, name: "dynamic-aws-iam" },
        });
        assert.ok(dyn.dependencies.includes(byName(d, T.vaultAuth, "apps-vso-auth-default/vault-auth-approle").urn));
    });

    it("every custom resource validates against the operator's CRD", () => {
        const crs = d.recorder.resources.filter((r) => r.type.startsWith("kubernetes:secrets.hashicorp.com/"));
        assert.equal(crs.length, 5);
        for (const r of crs) assert.deepEqual(schemaRegistry().validate(manifest(r)), [], `${r.type} ${r.name}`);
        const bad = manifest(byName(d, T.vaultAuth, "apps-vso-auth-default/vault-auth"));
        bad.spec.kubernetes.audience = ["vault"];
        assert.deepEqual(schemaRegistry().validate(bad), ["/spec/kubernetes: unknown field \"audience\""], "the CRD check is not vacuous");
    });
});

describe("VaultConsumerCluster: External Secrets (seed 002)", function () {
    this.timeout(30_000);
    let d: Deployed;
    before(async () => {
        d = await deploy(appsCluster({ injector: undefined, csi: undefined, secretsOperator: undefined }));
    });

    it("installs the pinned chart with its CRDs, the values valid for the chart's schema and keys", () => {
        const r = release(d, "external-secrets");
        assert.deepEqual(r, {
            name: "external-secrets", namespace: "external-secrets", chart: "external-secrets", version: "2.9.0",
            repositoryOpts: { repo: "https://charts.external-secrets.io" }, createNamespace: false, timeout: 600, compat: "true", values: { installCRDs: true },
        });
        assert.deepEqual([...CHARTS.externalSecrets.schemaErrors(r.values), ...CHARTS.externalSecrets.unknownKeys(r.values)], []);
        assert.deepEqual(CHARTS.externalSecrets.schemaErrors({ installCRDs: "yes" }), ["/installCRDs must be boolean"], "the schema check is not vacuous");
    });

    it("a SecretStore and a ClusterSecretStore on this cluster's mount, with Vault's CA as caBundle", () => {
        const caBundle = Buffer.from(FAKE_VAULT_CA_PEM).toString("base64");
        const store = manifest(byName(d, T.secretStore, "apps-store-external-secrets/vault-backend"));
        assert.deepEqual(store, {
            apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "vault-backend", namespace: "external-secrets" },
            spec: { provider: { vault: {
                server: VAULT, path: "my-kv", version: "v2", caBundle,
                auth: { kubernetes: { mountPath: "eks-apps", role: "external-secrets", serviceAccountRef: { name: "external-secrets", audiences: ["vault"] } } },
            } } },
        });
        const cluster = manifest(byName(d, T.clusterSecretStore, "apps-store-cluster/vault-cluster-wide"));
        assert.deepEqual(cluster.metadata, { name: "vault-cluster-wide" });
        assert.deepEqual(cluster.spec.provider.vault.auth.kubernetes.serviceAccountRef, { name: "external-secrets", namespace: "external-secrets", audiences: ["vault"] });
        for (const m of [store, cluster]) assert.deepEqual(schemaRegistry().validate(m), [], m.kind);
        assert.ok(byName(d, T.secretStore, "apps-store-external-secrets/vault-backend").dependencies.includes(byName(d, T.release, "apps-external-secrets").urn));
    });
});

describe("VaultConsumerCluster: client-token review and existing mounts", function () {
    this.timeout(30_000);

    it("client-token: every bound service account gets system:auth-delegator, no reviewer, no reviewer JWT in Vault", async () => {
        const d = await deploy({
            vaultAddress: VAULT,
            kubernetesAuth: {
                path: "eks-apps", host: "https://A1B2C3.gr7.eu-west-1.eks.amazonaws.com", caCert: FAKE_CLUSTER_CA_PEM, tokenReview: "client-token",
                roles: {
                    "external-secrets": { serviceAccountNames: ["external-secrets"], namespaces: ["external-secrets"], policies: ["external-secrets"] },
                    apps: { serviceAccountNames: ["web", "worker"], namespaces: ["apps", "batch"], policies: ["apps"] },
                },
            },
            externalSecrets: { stores: { "vault-backend": { role: "external-secrets", kvMount: "my-kv" } } },
        });
        assert.deepEqual(d.failures, []);
        const binding = manifest(d.recorder.one(T.binding));
        assert.deepEqual(binding, {
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "vault-auth-eks-apps-client-tokenreview" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
            subjects: [
                { kind: "ServiceAccount", name: "web", namespace: "apps" }, { kind: "ServiceAccount", name: "worker", namespace: "apps" },
                { kind: "ServiceAccount", name: "web", namespace: "batch" }, { kind: "ServiceAccount", name: "worker", namespace: "batch" },
                { kind: "ServiceAccount", name: "external-secrets", namespace: "external-secrets" },
            ],
        });
        assert.deepEqual(schemaRegistry().validate(binding), []);
        assert.deepEqual(d.recorder.ofType(T.serviceAccount), []);
        assert.deepEqual(inputs(d.recorder.one(T.authConfig)), {
            backend: "eks-apps", kubernetesHost: "https://A1B2C3.gr7.eu-west-1.eks.amazonaws.com", kubernetesCaCert: FAKE_CLUSTER_CA_PEM, disableLocalCaJwt: true,
        });
        // No CA given: the store trusts the system roots.
        assert.equal(manifest(d.recorder.one(T.secretStore)).spec.provider.vault.caBundle, undefined);
    });

    it("an existing mount (the cluster Vault runs in): roles on it, no mount, no token review objects", async () => {
        const d = await deploy({
            vaultAddress: "https://vault.vault.svc:8200", vaultCaCertPem: FAKE_VAULT_CA_PEM,
            kubernetesAuth: { path: "kubernetes", createMount: false, roles: { database: { serviceAccountNames: ["db"], namespaces: ["default"], policies: ["db-policy"], ttl: "20m" } } },
            csi: {},
        });
        assert.deepEqual(d.recorder.ofType(T.auth), []);
        assert.deepEqual(d.recorder.ofType(T.authConfig), []);
        assert.deepEqual(d.recorder.ofType(T.binding), []);
        assert.equal(inputs(d.recorder.one(T.role)).backend, "kubernetes");
        assert.deepEqual(release(d, "vault").values.csi.extraArgs, ["--vault-mount=kubernetes", "--vault-tls-ca-cert=/vault/tls/vault.ca"]);
        assert.equal(await valueOf(d.consumer.authPath), "kubernetes");
    });

    it("reads host and CA from a kubeconfig (YAML, a named context, a CA file), keeping nothing else of it", async () => {
        const dir = mkdtempSync(join(tmpdir(), "consumer-"));
        writeFileSync(join(dir, "ca.crt"), FAKE_CLUSTER_CA_PEM);
        const kubeconfig = toYaml({
            apiVersion: "v1", kind: "Config", "current-context": "other",
            clusters: [
                { name: "apps", cluster: { server: "https://apps.example.com:6443/", "certificate-authority": join(dir, "ca.crt") } },
                { name: "other", cluster: { server: "https://other.example.com", "certificate-authority-data": CLUSTER_CA_BASE64 } },
            ],
            users: [{ name: "admin", user: { token: "kubeconfig-user-token" } }],
            contexts: [{ name: "apps", context: { cluster: "apps", user: "admin" } }, { name: "other", context: { cluster: "other", user: "admin" } }],
        });
        const d = await deploy({ vaultAddress: VAULT, kubernetesAuth: { path: "apps", kubeconfig: pulumi.secret(kubeconfig), kubeconfigContext: "apps" } });
        assert.deepEqual(d.failures, []);
        const config = inputs(d.recorder.one(T.authConfig));
        assert.equal(config.kubernetesHost, "https://apps.example.com:6443");
        assert.equal(config.kubernetesCaCert, FAKE_CLUSTER_CA_PEM);
        assert.deepEqual(plainOccurrences(d.recorder.resources, "kubeconfig-user-token"), []);
        assert.ok(!JSON.stringify(unwrapSecrets(d.recorder.resources.map((r) => r.inputs))).includes("kubeconfig-user-token"), "the kubeconfig's credentials go nowhere");
    });

    it("a first preview registers everything with the values still unknown, and fails nothing", async () => {
        const d = await deploy(appsCluster({ kubernetesAuth: { ...appsCluster().kubernetesAuth, host: pulumi.output("https://A1B2C3.gr7.eu-west-1.eks.amazonaws.com") } }), { preview: true });
        assert.deepEqual(d.failures, []);
        assert.equal(d.recorder.ofType(T.vaultAuth).length, 2);
        assert.equal(d.recorder.ofType(T.release).length, 4);
    });
});

describe("VaultConsumerCluster refuses bad input before registering anything, naming the field", function () {
    this.timeout(30_000);

    const refused = (args: unknown) => refusedBy(() => new VaultConsumerCluster("apps", args as VaultConsumerClusterArgs));

    /** The one problem line for `field`, which must name the value as shown and carry a fix. */
    function problem(e: InputError, field: string): string {
        const lines = e.message.split("\n").filter((l) => l.startsWith(`  - ${field} = `));
        assert.equal(lines.length, 1, `expected one problem for ${field} in:\n${e.message}`);
        assert.match(lines[0], /\. Fix: \S/);
        return lines[0];
    }

    const base = (): any => appsCluster();
    const edit = (f: (a: any) => void): any => {
        const a = base();
        f(a);
        return a;
    };

    const cases: [string, () => any, string, RegExp][] = [
        ["no vaultAddress", () => edit((a) => delete a.vaultAddress), "vaultAddress", /\(not set\): is required/],
        ["a vaultAddress without scheme", () => edit((a) => (a.vaultAddress = "vault.example.com")), "vaultAddress", /"vault\.example\.com": is not an https URL/],
        ["a vaultAddress with a path", () => edit((a) => (a.vaultAddress = "https://vault.example.com/v1")), "vaultAddress", /is not an https URL/],
        ["a Vault CA that is not a certificate", () => edit((a) => (a.vaultCaCertPem = "-----BEGIN CERTIFICATE-----\nnot base64 DER\n-----END CERTIFICATE-----")), "vaultCaCertPem", /does not parse as X\.509/],
        ["a CA for plain http", () => edit((a) => (a.vaultAddress = "http://vault.vault.svc:8200")), "vaultCaCertPem", /plain http vaultAddress/],
        ["no kubernetesAuth", () => edit((a) => delete a.kubernetesAuth), "kubernetesAuth", /is required/],
        ["a mount path with slashes around it", () => edit((a) => (a.kubernetesAuth.path = "/eks-apps/")), "kubernetesAuth.path", /is not a mount path/],
        ["the token mount", () => edit((a) => (a.kubernetesAuth.path = "token")), "kubernetesAuth.path", /Vault's token auth method/],
        ["no host", () => edit((a) => delete a.kubernetesAuth.host), "kubernetesAuth.host", /is required to create the mount/],
        ["no CA", () => edit((a) => delete a.kubernetesAuth.caCert), "kubernetesAuth.caCert", /is required to create the mount/],
        ["an http API server", () => edit((a) => (a.kubernetesAuth.host = "http://10.0.0.1")), "kubernetesAuth.host", /is not an https URL of a Kubernetes API server/],
        ["base64 of something else", () => edit((a) => (a.kubernetesAuth.caCert = Buffer.from("hello").toString("base64"))), "kubernetesAuth.caCert", /is base64, but not of a PEM certificate/],
        ["kubeconfig and host", () => edit((a) => (a.kubernetesAuth.kubeconfig = "apiVersion: v1")), "kubernetesAuth.host", /comes from kubeconfig/],
        ["a context without kubeconfig", () => edit((a) => (a.kubernetesAuth.kubeconfigContext = "apps")), "kubernetesAuth.kubeconfigContext", /only applies with kubeconfig/],
        ["host on an existing mount", () => edit((a) => (a.kubernetesAuth.createMount = false)), "kubernetesAuth.host", /createMount is false/],
        ["an unknown token review", () => edit((a) => (a.kubernetesAuth.tokenReview = "reviewer")), "kubernetesAuth.tokenReview", /"reviewer": is not one of "reviewer-token", "client-token"\. Fix: use one of "reviewer-token", "client-token"/],
        ["a reviewer with client-token review", () => edit((a) => Object.assign(a.kubernetesAuth, { tokenReview: "client-token", reviewerNamespace: "vault" })), "kubernetesAuth.reviewerNamespace", /client-token/],
        ["a role binding everything", () => edit((a) => (a.kubernetesAuth.roles.webapp = { serviceAccountNames: ["*"], namespaces: ["*"], policies: ["p"] })), "kubernetesAuth.roles.webapp.serviceAccountNames", /every service account in every namespace/],
        ["a malformed TTL", () => edit((a) => (a.kubernetesAuth.roles.webapp.ttl = "1 hour")), "kubernetesAuth.roles.webapp.ttl", /"1 hour": is not a Vault duration/],
        ["a role without policies", () => edit((a) => (a.kubernetesAuth.roles.webapp.policies = [])), "kubernetesAuth.roles.webapp.policies", /\[\]: must list at least 1 item \(Policies of the issued tokens\)/],
        ["a misspelled role key", () => edit((a) => (a.kubernetesAuth.roles.webapp.policy = ["p"])), "kubernetesAuth.roles.webapp.policy", /<not shown>: is not a known argument\. Fix: use one of: serviceAccountNames, namespaces, policies/],
        ["a misspelled integration", () => edit((a) => (a.injecter = {})), "injecter", /is not a known argument/],
        ["a quoted boolean", () => edit((a) => (a.createNamespaces = "false")), "createNamespaces", /"false": must be true or false/],
        ["a quoted number", () => edit((a) => (a.injector = { replicas: "2" })), "injector.replicas", /"2": must be a whole number, not a string\. Fix: write 2 without quotes/],
        ["roles as a list", () => edit((a) => (a.kubernetesAuth.roles = [{ serviceAccountNames: ["x"] }])), "kubernetesAuth.roles", /must be an object, not a list/],
        ["a VaultAuth without method", () => edit((a) => delete a.secretsOperator.auths["vault-auth"].method), "secretsOperator.auths.vault-auth.method", /is required/],
        ["a VaultAuth method in the wrong case", () => edit((a) => (a.secretsOperator.auths["vault-auth-approle"].method = "approle")), "secretsOperator.auths.vault-auth-approle.method", /"approle": is not one of "kubernetes", "appRole"/],
        ["Kubernetes auth without a service account", () => edit((a) => delete a.secretsOperator.auths["vault-auth"].serviceAccountName), "secretsOperator.auths.vault-auth.serviceAccountName", /is required/],
        ["AppRole with audiences", () => edit((a) => (a.secretsOperator.auths["vault-auth-approle"].audiences = ["vault"])), "secretsOperator.auths.vault-auth-approle.audiences", /only applies to method "kubernetes"/],
        ["AppRole on the Kubernetes mount", () => edit((a) => (a.secretsOperator.auths["vault-auth-approle"].mount = "eks-apps")), "secretsOperator.auths.vault-auth-approle.mount", /not an AppRole mount/],
        ["a role the created mount lacks", () => edit((a) => (a.secretsOperator.auths["vault-auth"].role = "vso")), "secretsOperator.auths.vault-auth.role", /"vso": is not a role of the mount "eks-apps"/],
        ["a service account the role does not bind", () => edit((a) => (a.secretsOperator.auths["vault-auth"].serviceAccountName = "default")), "secretsOperator.auths.vault-auth.role", /does not bind service account "default"/],
        ["a missing audience", () => edit((a) => delete a.secretsOperator.auths["vault-auth"].audiences), "secretsOperator.auths.vault-auth.audiences", /does not include the audience "vault"/],
        ["a static secret on an unknown VaultAuth", () => edit((a) => (a.secretsOperator.staticSecrets["vault-kv-app"].auth = "vault-auth-k8s")), "secretsOperator.staticSecrets.vault-kv-app.auth", /is not a key of secretsOperator\.auths/],
        ["a refresh the operator refuses", () => edit((a) => (a.secretsOperator.staticSecrets["vault-kv-app"].refreshAfter = "1d")), "secretsOperator.staticSecrets.vault-kv-app.refreshAfter", /"1d": is not a duration the operator accepts/],
        ["a renewal above 90 %", () => edit((a) => (a.secretsOperator.dynamicSecrets["vault-dynamic-aws"].renewalPercent = 95)), "secretsOperator.dynamicSecrets.vault-dynamic-aws.renewalPercent", /95: must be at most 90/],
        ["two objects writing one Secret", () => edit((a) => (a.secretsOperator.dynamicSecrets["vault-dynamic-aws"].destination = "kv-secret")), "secretsOperator.dynamicSecrets.vault-dynamic-aws.destination", /is also written by secretsOperator\.staticSecrets\.vault-kv-app/],
        ["a ClusterSecretStore with a namespace", () => edit((a) => (a.externalSecrets.stores["vault-cluster-wide"].namespace = "apps")), "externalSecrets.stores.vault-cluster-wide.namespace", /only applies to a SecretStore/],
        ["a SecretStore with a service account namespace", () => edit((a) => (a.externalSecrets.stores["vault-backend"].serviceAccountNamespace = "apps")), "externalSecrets.stores.vault-backend.serviceAccountNamespace", /only applies to a ClusterSecretStore/],
        ["a store in a namespace the role does not bind", () => edit((a) => (a.externalSecrets.stores["vault-backend"].namespace = "apps")), "externalSecrets.stores.vault-backend.role", /does not bind namespace "apps"/],
        ["a store kind in lower case", () => edit((a) => (a.externalSecrets.stores["vault-backend"].kind = "secretstore")), "externalSecrets.stores.vault-backend.kind", /"secretstore": is not one of "SecretStore", "ClusterSecretStore"/],
        ["an empty list of audiences", () => edit((a) => (a.secretsOperator.auths["vault-auth"].audiences = [])), "secretsOperator.auths.vault-auth.audiences", /\[\]: must list at least 1 item/],
        ["a chart timeout below 30 s", () => edit((a) => (a.vaultChart = { timeoutSeconds: 10 })), "vaultChart.timeoutSeconds", /10: must be at least 30/],
        ["a floating chart version", () => edit((a) => (a.vaultChart = { version: "latest" })), "vaultChart.version", /"latest": is not a chart version/],
        ["driver settings without the driver", () => edit((a) => (a.csi = { installDriver: false, syncSecrets: true })), "csi.syncSecrets", /installDriver: false/],
    ];
    for (const [what, args, field, expected] of cases) {
        it(what, async () => assert.match(problem(await refused(args()), field), expected));
    }

    it("client-token review with a wildcard or an audience", async () => {
        const e = await refused(edit((a) => {
            a.kubernetesAuth.tokenReview = "client-token";
            a.kubernetesAuth.roles.webapp.serviceAccountNames = ["*"];
            delete a.secretsOperator;
            delete a.externalSecrets;
        }));
        assert.match(problem(e, "kubernetesAuth.roles.webapp.serviceAccountNames"), /needs its own system:auth-delegator binding/);
        assert.match(problem(e, "kubernetesAuth.roles.external-secrets.audience"), /"vault": requires an audience, but with tokenReview "client-token"/);
    });

    it("a consumer with nothing to do, and the chart of integrations that are off", async () => {
        const e = await refused({ vaultAddress: VAULT, kubernetesAuth: { path: "kubernetes", createMount: false }, vaultChart: { version: "0.34.1" } });
        assert.match(problem(e, "kubernetesAuth.createMount"), /nothing to do/);
        assert.match(problem(e, "vaultChart"), /neither is enabled/);
    });

    it("reports type problems first, never printing an unknown key's value, then every problem of meaning at once", async () => {
        const meaning = (a: any) => {
            a.vaultAddress = "vault";
            a.kubernetesAuth.roles.webapp.ttl = "soon";
        };
        const types = await refused(edit((a) => {
            meaning(a);
            a.secretsOperator.auths["vault-auth"].token = "hvs.should-not-be-printed";
            a.injector.replicas = "2";
        }));
        assert.deepEqual(types.problems.map((x) => x.field).sort(), ["injector.replicas", "secretsOperator.auths.vault-auth.token"]);
        assert.ok(!types.message.includes("hvs.should-not-be-printed"));
        const e = await refused(edit(meaning));
        assert.deepEqual(e.problems.map((x) => x.field).sort(), ["kubernetesAuth.roles.webapp.ttl", "vaultAddress"]);
    });

    it("an invalid CA or kubeconfig known only at deployment fails there, naming the field", async () => {
        const ca = await deploy(appsCluster({ kubernetesAuth: { ...appsCluster().kubernetesAuth, caCert: pulumi.output(Buffer.from("not a certificate").toString("base64")) } }));
        assert.ok(ca.failures.some((f) => /kubernetesAuth\.caCert = .*is base64, but not of a PEM certificate/.test(String(f))), String(ca.failures[0]));
        assert.deepEqual(ca.recorder.ofType(T.authConfig), [], "the mount is not configured with it");
        const kc = await deploy({ vaultAddress: VAULT, kubernetesAuth: { path: "apps", kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n"), kubeconfigContext: "apps" } });
        assert.ok(kc.failures.some((f) => /kubernetesAuth\.kubeconfig = "<kubeconfig>": has no cluster for context apps/.test(String(f))), String(kc.failures[0]));
        // A syntax error next to a credential: the parser quotes the lines around it, the message must not.
        const broken = await deploy({ vaultAddress: VAULT, kubernetesAuth: { path: "apps", kubeconfig: pulumi.secret("users:\n- name: u\n  user: {token: kubeconfig-secret-token\n  bad: [\n") } });
        const text = broken.failures.map(String).join("\n");
        assert.match(text, /kubernetesAuth\.kubeconfig = "<kubeconfig>": cannot be read \(not valid YAML or JSON: /);
        assert.ok(!text.includes("kubeconfig-secret-token"), text);
        const address = await deploy(appsCluster({ vaultAddress: pulumi.output("ftp://vault") }));
        assert.ok(address.failures.some((f) => /vaultAddress = "ftp:\/\/vault": is not an https URL of Vault/.test(String(f))), String(address.failures[0]));
        const vaultCa = await deploy(appsCluster({ vaultCaCertPem: pulumi.output("Vault CA") }));
        assert.ok(vaultCa.failures.some((f) => /vaultCaCertPem = "Vault CA": is neither a PEM certificate nor base64 of one/.test(String(f))), String(vaultCa.failures[0]));
        assert.deepEqual(vaultCa.recorder.ofType(T.vaultConnection), [], "the operator is not pointed at Vault with it");
    });
});

describe("parseCaCert", () => {
    it("takes PEM or base64 of PEM, parses each certificate, and refuses expired ones", () => {
        assert.deepEqual(parseCaCert(FAKE_CLUSTER_CA_PEM), { pem: FAKE_CLUSTER_CA_PEM });
        assert.deepEqual(parseCaCert(`\n${CLUSTER_CA_BASE64.replace(/(.{64})/g, "$1\n")}\n`), { pem: FAKE_CLUSTER_CA_PEM });
        assert.deepEqual(parseCaCert(FAKE_CLUSTER_CA_PEM + FAKE_VAULT_CA_PEM), { pem: `${FAKE_CLUSTER_CA_PEM.trim()}\n${FAKE_VAULT_CA_PEM}` });
        assert.match((parseCaCert(FAKE_CLUSTER_CA_PEM, new Date("2047-01-01")) as { problem: string }).problem, /^holds a certificate that expired on 2046-.* \(CN=kubernetes\)$/);
        assert.deepEqual(parseCaCert("kubernetes CA"), { problem: "is neither a PEM certificate nor base64 of one" });
    });

    it("the pinned charts are the versions of the CRDs and values in test/fixtures", () => {
        assert.deepEqual(Object.fromEntries(Object.entries(CONSUMER_CHARTS).map(([k, c]) => [k, `${c.chart} ${c.version}`])), {
            vault: "vault 0.34.1", csiDriver: "secrets-store-csi-driver 1.6.0", secretsOperator: "vault-secrets-operator 1.4.1", externalSecrets: "external-secrets 2.9.0",
        });
        for (const [fixture, chart] of [["vault-secrets-operator-1.4.1", CONSUMER_CHARTS.secretsOperator], ["external-secrets-2.9.0", CONSUMER_CHARTS.externalSecrets],
            ["secrets-store-csi-driver-1.6.0", CONSUMER_CHARTS.csiDriver], ["vault-helm-0.34.1", CONSUMER_CHARTS.vault]] as const) {
            const meta = require("yaml").parse(require("fs").readFileSync(join(__dirname, "fixtures", fixture, "Chart.yaml"), "utf8"));
            assert.deepEqual([meta.name, meta.version], [chart.chart, chart.version], fixture);
        }
    });
});
