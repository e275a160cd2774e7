/**
 * Type token → SDK class, imported by subpath exactly as the components import them (no package index, which would
 * load every service of @pulumi/aws). Used by the baseline to register resources directly against the SDKs.
 */
import * as fs from "fs";
import type * as pulumi from "@pulumi/pulumi";

/**
 * A Kubernetes custom resource (an operator's kind) has no class of its own: the components create it with the
 * SDK's generic CustomResource, whose type token comes from the `apiVersion` and `kind` inputs it is given.
 */
const CUSTOM_RESOURCE: [string, string] = ["@pulumi/kubernetes/apiextensions/customResource", "CustomResource"];

/**
 * [module, export] per type token. Add a row when the components start creating a new type (test/benchSdkClasses.test.ts
 * fails until every type the stacks register has one).
 */
export const SDK_CLASSES: Record<string, [module: string, exportName: string]> = {
    "pulumi:providers:aws": ["@pulumi/aws/provider", "Provider"],
    "pulumi:providers:kubernetes": ["@pulumi/kubernetes/provider", "Provider"],
    "pulumi:providers:vault": ["@pulumi/vault/provider", "Provider"],
    "pulumi:providers:tls": ["@pulumi/tls/provider", "Provider"],
    "aws:dynamodb/table:Table": ["@pulumi/aws/dynamodb/table", "Table"],
    "aws:kms/key:Key": ["@pulumi/aws/kms/key", "Key"],
    "aws:kms/alias:Alias": ["@pulumi/aws/kms/alias", "Alias"],
    "aws:iam/role:Role": ["@pulumi/aws/iam/role", "Role"],
    "aws:iam/rolePolicy:RolePolicy": ["@pulumi/aws/iam/rolePolicy", "RolePolicy"],
    "aws:ec2/vpcEndpoint:VpcEndpoint": ["@pulumi/aws/ec2/vpcEndpoint", "VpcEndpoint"],
    "aws:secretsmanager/secret:Secret": ["@pulumi/aws/secretsmanager/secret", "Secret"],
    "aws:sns/topic:Topic": ["@pulumi/aws/sns/topic", "Topic"],
    "aws:sns/topicPolicy:TopicPolicy": ["@pulumi/aws/sns/topicPolicy", "TopicPolicy"],
    "aws:cloudwatch/metricAlarm:MetricAlarm": ["@pulumi/aws/cloudwatch/metricAlarm", "MetricAlarm"],
    "aws:cloudwatch/eventRule:EventRule": ["@pulumi/aws/cloudwatch/eventRule", "EventRule"],
    "aws:cloudwatch/eventTarget:EventTarget": ["@pulumi/aws/cloudwatch/eventTarget", "EventTarget"],
    "kubernetes:core/v1:Namespace": ["@pulumi/kubernetes/core/v1/namespace", "Namespace"],
    "kubernetes:core/v1:Secret": ["@pulumi/kubernetes/core/v1/secret", "Secret"],
    "kubernetes:core/v1:Service": ["@pulumi/kubernetes/core/v1/service", "Service"],
    "kubernetes:core/v1:ServiceAccount": ["@pulumi/kubernetes/core/v1/serviceAccount", "ServiceAccount"],
    "kubernetes:core/v1:PersistentVolumeClaim": ["@pulumi/kubernetes/core/v1/persistentVolumeClaim", "PersistentVolumeClaim"],
    "kubernetes:batch/v1:CronJob": ["@pulumi/kubernetes/batch/v1/cronJob", "CronJob"],
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": ["@pulumi/kubernetes/rbac/v1/clusterRoleBinding", "ClusterRoleBinding"],
    "kubernetes:helm.sh/v3:Release": ["@pulumi/kubernetes/helm/v3/release", "Release"],
    "kubernetes:secrets.hashicorp.com/v1beta1:VaultConnection": CUSTOM_RESOURCE,
    "kubernetes:secrets.hashicorp.com/v1beta1:VaultAuth": CUSTOM_RESOURCE,
    "kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret": CUSTOM_RESOURCE,
    "kubernetes:secrets.hashicorp.com/v1beta1:VaultDynamicSecret": CUSTOM_RESOURCE,
    "kubernetes:external-secrets.io/v1:SecretStore": CUSTOM_RESOURCE,
    "tls:index/privateKey:PrivateKey": ["@pulumi/tls/privateKey", "PrivateKey"],
    "tls:index/selfSignedCert:SelfSignedCert": ["@pulumi/tls/selfSignedCert", "SelfSignedCert"],
    "tls:index/certRequest:CertRequest": ["@pulumi/tls/certRequest", "CertRequest"],
    "tls:index/locallySignedCert:LocallySignedCert": ["@pulumi/tls/locallySignedCert", "LocallySignedCert"],
    "vault:index/audit:Audit": ["@pulumi/vault/audit", "Audit"],
    "vault:index/authBackend:AuthBackend": ["@pulumi/vault/authBackend", "AuthBackend"],
    "vault:index/mount:Mount": ["@pulumi/vault/mount", "Mount"],
    "vault:index/policy:Policy": ["@pulumi/vault/policy", "Policy"],
    "vault:index/token:Token": ["@pulumi/vault/token", "Token"],
    "vault:tokenauth/authBackendRole:AuthBackendRole": ["@pulumi/vault/tokenauth/authBackendRole", "AuthBackendRole"],
    "vault:kv/secretBackendV2:SecretBackendV2": ["@pulumi/vault/kv/secretBackendV2", "SecretBackendV2"],
    "vault:transit/secretBackendKey:SecretBackendKey": ["@pulumi/vault/transit/secretBackendKey", "SecretBackendKey"],
    "vault:aws/secretBackend:SecretBackend": ["@pulumi/vault/aws/secretBackend", "SecretBackend"],
    "vault:aws/secretBackendRole:SecretBackendRole": ["@pulumi/vault/aws/secretBackendRole", "SecretBackendRole"],
    "vault:kubernetes/authBackendConfig:AuthBackendConfig": ["@pulumi/vault/kubernetes/authBackendConfig", "AuthBackendConfig"],
    "vault:kubernetes/authBackendRole:AuthBackendRole": ["@pulumi/vault/kubernetes/authBackendRole", "AuthBackendRole"],
    "vault:jwt/authBackend:AuthBackend": ["@pulumi/vault/jwt/authBackend", "AuthBackend"],
    "vault:jwt/authBackendRole:AuthBackendRole": ["@pulumi/vault/jwt/authBackendRole", "AuthBackendRole"],
    "vault:appRole/authBackendRole:AuthBackendRole": ["@pulumi/vault/approle/authBackendRole", "AuthBackendRole"],
    "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId": ["@pulumi/vault/approle/authBackendRoleSecretId", "AuthBackendRoleSecretId"],
};

/** The type token of dynamic-provider resources (init step, rollout, Raft membership, seal guard). */
export const DYNAMIC_TYPE = "pulumi-nodejs:dynamic:Resource";

/**
 * The provider a dynamic resource's component gives it, from the two strings its recorded (serialized) `__provider`
 * input captured (see components/dynamicProvider.ts): the init step's module-level vaultInitProvider, or a fresh
 * runtimeProvider per resource as the day-2 components build one in their constructors. Same serialization work as ours.
 * Required on first use, as the SDK classes are: loading them is part of the baseline's timed program.
 */
export function dynamicProvider(name: string, inputs: Record<string, any>): pulumi.dynamic.ResourceProvider {
    const m = /modulePath: "([^"]+)", exportName: (?:"([^"]+)"|undefined)/.exec(String(inputs.__provider));
    if (!m) throw new Error(`${name}: its recorded __provider names no modulePath and exportName (did components/dynamicProvider.ts change?)`);
    const [, modulePath, exportName] = m;
    if (modulePath === require.resolve("../../components/bootstrap/initRuntime") && exportName === undefined) {
        return (require("../../components/bootstrap/initProvider") as typeof import("../../components/bootstrap/initProvider")).vaultInitProvider;
    }
    return (require("../../components/dynamicProvider") as typeof import("../../components/dynamicProvider")).runtimeProvider(modulePath, exportName);
}

function entry(type: string): [string, string] {
    const e = SDK_CLASSES[type];
    if (!e) throw new Error(`no SDK class for type token ${type}: add a row to SDK_CLASSES in test/bench/sdkClasses.ts`);
    return e;
}

/** Loads the SDK class for a type token and checks that it declares that token. */
export function sdkClass(type: string): new (name: string, args: any, opts?: any) => any {
    const [module, exportName] = entry(type);
    const cls = (require(module) as Record<string, any>)[exportName];
    if (typeof cls !== "function") throw new Error(`${module} has no export ${exportName} (for ${type})`);
    // Provider classes declare their package name ("vault"); resource classes their full token; CustomResource none
    // (it builds the token from its apiVersion and kind inputs, so the baseline's replay check compares the type).
    if (SDK_CLASSES[type] === CUSTOM_RESOURCE) return cls;
    const declared = type.startsWith("pulumi:providers:") ? `pulumi:providers:${cls.__pulumiType}` : cls.__pulumiType;
    if (declared !== type) throw new Error(`${module}.${exportName} declares ${cls.__pulumiType}, not ${type}`);
    return cls;
}

/**
 * Input keys a provider class serializes as JSON text (`pulumi.output(args.x).apply(JSON.stringify)`): the engine
 * receives them as strings, so replaying recorded inputs must hand the class the parsed value. Read from the
 * class's source without loading it.
 */
export function jsonEncodedInputs(type: string): Set<string> {
    if (!type.startsWith("pulumi:providers:")) return new Set();
    const file = require.resolve(entry(type)[0]);
    const source = fs.readFileSync(file, "utf8");
    const keys = new Set<string>();
    for (const m of source.matchAll(/resourceInputs\["(\w+)"\] = pulumi\.output\((?:[^;]|\n)*?\)\.apply\(JSON\.stringify\)/g)) keys.add(m[1]);
    return keys;
}
