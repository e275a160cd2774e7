import * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import { Service } from "@pulumi/kubernetes/core/v1/service";
import { RandomPassword } from "@pulumi/random/randomPassword";
import type { Release } from "@pulumi/kubernetes/helm/v3/release";
import type { Provider } from "@pulumi/vault/provider";
import { AwsBackend } from "../aws/backend";
import { VaultLoadBalancerName } from "../tls/loadBalancerName";
import { ServerTls } from "../tls/serverTls";
import { tlsMountDir } from "../tls/settings";
import { createVaultRelease, serverConfigFor } from "../chart/release";
import { renderServerConfig } from "../chart/serverConfig";
import { DEFAULT_VAULT_IMAGE } from "../chart/settings";
import { BootstrapInput, createDevProvider, createInitializedProvider, createVaultInit, custodySpec } from "../bootstrap/bootstrap";
import type { VaultInit } from "../bootstrap/vaultInit";
import { VaultConfig } from "../config/vaultConfig";
import { createAwsAlarms, createDynamoDbBackup, createMonitoring, createRaftSnapshots, custodyReplicas, withTelemetry } from "../operations";
import { certificateFingerprint, contentDigest, VaultRaftMembership, VaultRollout, VaultSealGuard } from "../rollout";
import { TYPE_PREFIX } from "../typeTokens";
import { transitKeyId } from "../seal/transit";
import { createTransitSealSecrets } from "../seal/transitSecrets";
import { ClusterNames, clusterNames, devRootTokenSecret, serverCertificateNames, TLS_FILES, VAULT_PORT } from "./names";
import type { StorageType, VaultClusterArgs } from "./args";
import { ClusterSettings, resolveClusterSettings } from "./settings";

/**
 * What TypeScript programs reach through getters: the chained provider and the child components. Kept off the instance:
 * every public property of a component is an output of its multi-language schema, and these are resources of this
 * program, not values another language could receive.
 */
const handles = new WeakMap<VaultCluster, { provider: Provider; init?: VaultInit; config: VaultConfig }>();

/**
 * HashiCorp Vault on Kubernetes, production-shaped: AWS backend (DynamoDB, KMS, IRSA), TLS, the official Helm chart in
 * HA mode, automated init with key custody, day-2 rollouts, post-init configuration through a chained Vault provider,
 * and operations (metrics, alarms, backups, audit rotation).
 */
export class VaultCluster extends pulumi.ComponentResource {
    /** Namespace of the release. */
    readonly namespace: pulumi.Output<string>;
    /** Helm release name (also the chart's fullname). */
    readonly releaseName: pulumi.Output<string>;
    /** In-cluster API address, `https://<fullname>.<namespace>.svc:8200`. */
    readonly address: pulumi.Output<string>;
    /** The URL clients outside the cluster use: the ingress or the UI load balancer, when one is configured. */
    readonly externalAddress?: pulumi.Output<string>;
    /** CA certificate (PEM) that verifies Vault's listener (during a CA change, the new and the previous CA); empty when TLS is off. */
    readonly caCertPem: pulumi.Output<string>;
    /** The DynamoDB table, with DynamoDB storage. */
    readonly tableName?: pulumi.Output<string>;
    /** The cluster's KMS key, when the cluster uses AWS. */
    readonly kmsKeyArn?: pulumi.Output<string>;
    /** The server pods' IAM role, when the cluster uses AWS. */
    readonly roleArn?: pulumi.Output<string>;
    /** Kubernetes service account of the server pods. */
    readonly serviceAccountName: pulumi.Output<string>;
    /** The initial root token (secret); empty once `bootstrap.revokeRootToken` has retired it. */
    readonly rootToken: pulumi.Output<string>;
    /** Where the init response is kept, e.g. "AWS Secrets Manager (arn:...)". */
    readonly custodyDescription: pulumi.Output<string>;
    /** AppRole role IDs of `config.appRoleAuth`, by `<mount>/<role>`. */
    readonly appRoleIds: pulumi.Output<Record<string, string>>;
    /** AppRole secret IDs (secret) of roles with `createSecretId`, by `<mount>/<role>`. */
    readonly appRoleSecretIds: pulumi.Output<Record<string, string>>;
    /** Tokens (secret) of `config.transitSealKeys`, by `<mount>/<key>`: another cluster's transit seal `VAULT_TOKEN`. */
    readonly transitSealTokens: pulumi.Output<Record<string, string>>;
    /** The SNS topic the AWS alarms notify, when the cluster uses AWS and alarms are on. */
    readonly alarmTopicArn?: pulumi.Output<string>;
    /** The active server pod after the last rollout. */
    readonly activePod: pulumi.Output<string>;

    constructor(name: string, args: VaultClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate everything before the component (or anything else) is registered.
        const s = resolveClusterSettings(name, args ?? {});
        super(`${TYPE_PREFIX}:index:VaultCluster`, name, {}, opts);
        const parent = { parent: this };

        // Kept on destroy: it holds the audit volumes, Raft data and possibly the init secret. Its name output carries
        // the dependency to everything created in it.
        const namespace = s.createNamespace
            ? new Namespace(name, { metadata: { name: s.namespace } }, { ...parent, retainOnDelete: true }).metadata.name
            : pulumi.output(s.namespace);
        const names = pulumi.all([s.namespace, s.replicas]).apply(([ns, replicas]) => clusterNames(s.releaseName, ns, replicas, s.tls.enabled ? "https" : "http"));

        const servers = s.mode === "dev"
            ? deployDevServer(name, s, namespace, this)
            : deployServers(name, s, { namespace, names }, this);
        this.caCertPem = servers.caCertPem;
        const release = servers.release;
        this.namespace = release.status.namespace.apply((ns) => ns ?? "");
        this.releaseName = release.status.name.apply((n) => n ?? s.releaseName);
        this.address = pulumi.all([release.status, names]).apply(([, n]) => n.address);
        this.externalAddress = externalAddressOf(name, s, release, parent);
        this.tableName = servers.aws?.tableName;
        this.kmsKeyArn = servers.aws?.kmsKeyArn;
        this.roleArn = servers.aws?.roleArn;
        this.serviceAccountName = release.status.apply(() => s.releaseName);
        this.rootToken = pulumi.secret(servers.rootToken);
        this.custodyDescription = servers.custodyDescription;
        this.activePod = servers.activePod;
        const aws = servers.aws;

        // The configuration component waits for the servers (its resources wait through the provider, which waits for the
        // rollout: no write may race a step-down).
        const config = new VaultConfig(`${name}-config`, s.config.args, { parent: this, provider: servers.provider, deletedWith: release, dependsOn: [servers.ready] });
        this.appRoleIds = pulumi.output(config.appRoleIds);
        this.appRoleSecretIds = pulumi.secret(pulumi.output(config.appRoleSecretIds));
        this.transitSealTokens = pulumi.secret(pulumi.output(config.transitSealTokens));
        handles.set(this, { provider: servers.provider, init: servers.init, config });

        const ops = s.operations;
        if (ops.monitoring) {
            createMonitoring(name, ops.monitoring, { namespace, vaultProvider: servers.provider, release, activeAddress: ops.context.activeAddress }, parent);
        }
        if (ops.backup.raftSnapshots) {
            createRaftSnapshots(name, ops.backup.raftSnapshots, {
                namespace, vaultProvider: servers.provider, release, authMountDependsOn: [config], oidc: ops.context.oidc, tags: ops.context.tags,
            }, parent);
        }
        if (aws && ops.alarms) {
            this.alarmTopicArn = createAwsAlarms(name, ops.alarms, { tableName: aws.tableName, kmsKeyArn: aws.kmsKeyArn }, parent).topicArn;
        }
        if (aws?.tableArn && ops.backup.awsBackup) {
            createDynamoDbBackup(name, ops.backup.awsBackup, { tableArn: aws.tableArn, kmsKeyArn: aws.kmsKeyArn, region: aws.region, tags: ops.context.tags }, parent);
        }

        this.registerOutputs({
            namespace: this.namespace, releaseName: this.releaseName, address: this.address, externalAddress: this.externalAddress,
            caCertPem: this.caCertPem, tableName: this.tableName, kmsKeyArn: this.kmsKeyArn, roleArn: this.roleArn,
            serviceAccountName: this.serviceAccountName, rootToken: this.rootToken, custodyDescription: this.custodyDescription,
            appRoleIds: this.appRoleIds, appRoleSecretIds: this.appRoleSecretIds, transitSealTokens: this.transitSealTokens, alarmTopicArn: this.alarmTopicArn, activePod: this.activePod,
        });
    }

    /**
     * Vault provider chained on the initialized cluster, for your own Vault resources (TypeScript programs; in other
     * languages give the configuration as the `config` argument).
     */
    get provider(): Provider {
        return handles.get(this)!.provider;
    }

    /** @deprecated Use `custodyDescription` (and `rootToken`); the init step's resource, for `dependsOn`. */
    get init(): VaultInit {
        const init = handles.get(this)!.init;
        if (!init) throw new Error("VaultCluster.init: mode \"dev\" has no init step");
        return init;
    }

    /** @deprecated Use `appRoleIds` / `appRoleSecretIds`; the configuration component, for `dependsOn`. */
    get config(): VaultConfig {
        return handles.get(this)!.config;
    }
}

/** What deploying the servers yields, in every mode. */
interface DeployedServers {
    release: Release;
    provider: Provider;
    /** The resource the configuration waits for: the rollout, or the dev server's release. */
    ready: pulumi.Resource;
    caCertPem: pulumi.Output<string>;
    rootToken: pulumi.Output<string>;
    custodyDescription: pulumi.Output<string>;
    activePod: pulumi.Output<string>;
    aws?: AwsBackend;
    init?: VaultInit;
}

/**
 * The HA and standalone servers: AWS backend, TLS, Raft membership and the seal guard before the release; the init
 * step and the rollout after it.
 */
function deployServers(name: string, s: ClusterSettings, at: { namespace: pulumi.Output<string>; names: pulumi.Output<ClusterNames> }, cluster: VaultCluster): DeployedServers {
    const parent = { parent: cluster };
    const { namespace, names } = at;
    const storage = s.storage;
    if (storage === "inmem") throw new Error("deployServers: the dev server is deployed by deployDevServer");
    const aws = s.aws ? new AwsBackend(name, {
        aws: s.aws, releaseName: s.releaseName, namespace: s.namespace, serviceAccount: s.releaseName,
        custody: s.bootstrap.custody.type === "aws-secrets-manager" ? s.bootstrap.custody : undefined,
        engineRoles: s.config.settings.aws.filter((e) => e.accessKey === undefined).flatMap((e) => Object.values(e.roles)),
        custodyReplicas: custodyReplicas(s.operations.backup.custodyReplicas),
    }, parent) : undefined;
    // The UI load balancer's name joins the certificate once the cloud has given it one (on the run after the first).
    const loadBalancer = s.tls.generate && s.chart.ui.enabled && s.chart.ui.serviceType === "LoadBalancer" ? new VaultLoadBalancerName(`${name}-ui-lb`, {
        namespace: s.namespace, loadBalancerService: `${s.releaseName}-ui`, kubeconfig: s.bootstrap.kubeconfig, context: s.bootstrap.kubeContext,
    }, parent) : undefined;
    const tls = s.tls.enabled ? new ServerTls(name, {
        tls: s.tls, namespace, fullname: s.releaseName,
        certificateNames: pulumi.all([names, s.chart.ingress?.host, s.tls.extraDnsNames, s.tls.extraIpAddresses, loadBalancer?.hostname])
            .apply(([n, host, dns, ips, lb]) => serverCertificateNames(n, { ingressHost: host, dnsNames: [...dns, ...(lb ? [lb] : [])], ipAddresses: ips })),
    }, parent) : undefined;
    // Clients trust the CA, and during a CA change the previous one too.
    const caCertPem = tls ? tls.trustedCaPem : pulumi.output("");

    const bootstrapInput = bootstrapInputOf(s, storage);
    const kube = { kubeconfig: s.bootstrap.kubeconfig, context: s.bootstrap.kubeContext, timeoutSeconds: s.bootstrap.timeoutSeconds };
    const custody = custodySpec(bootstrapInput, { custodySecretArns: aws?.custodySecretArns, region: aws?.region });
    // Raft peers of the pods a shrink deletes leave before the release deletes them.
    const membership = storage === "raft" ? new VaultRaftMembership(`${name}-raft`, {
        namespace: s.namespace, statefulSet: s.releaseName, replicas: s.replicas, ...kube, custody,
        caCertPem: s.tls.enabled ? caCertPem : undefined,
    }, parent) : undefined;

    // A seal change the rollout cannot migrate is refused before the release writes it into the configuration.
    const transit = s.transitSeal;
    const sealKeyId = s.seal === "awskms" ? aws?.kmsKeyArn : transit ? transitKeyId(transit) : undefined;
    const sealGuard = new VaultSealGuard(`${name}-seal`, { seal: s.seal, keyId: sealKeyId }, parent);
    const transitSecrets = transit ? createTransitSealSecrets(name, s.releaseName, transit, namespace, parent) : [];

    // The pods need the TLS secret, the role's permissions and, in private subnets, the VPC endpoints (IRSA calls STS
    // and the seal KMS at start), existing ones checked. Table, key and role reach the release through its values.
    const serverConfig = pulumi.output({
        fullname: s.releaseName, namespace: s.namespace, ha: s.mode === "ha", replicas: s.replicas, storage, seal: s.seal, ui: s.chart.ui.enabled,
        tlsSecretName: s.tls.enabled ? s.tls.secretName : undefined,
        region: aws?.region, tableName: aws?.tableName, maxParallel: s.aws?.table?.maxParallel, kmsKeyArn: aws?.kmsKeyArn,
        transit: transit && {
            address: transit.address, keyName: transit.keyName, mountPath: transit.mountPath, caCert: transit.caCertPem !== undefined, tlsServerName: transit.tlsServerName,
        },
    }).apply((plain) => renderServerConfig(withTelemetry(serverConfigFor(plain), s.operations.monitoring)));
    const release = createVaultRelease(name, {
        releaseName: s.releaseName, namespace, chart: s.chart, values: s.values,
        slots: {
            serverConfig,
            roleArn: aws?.roleArn,
            region: aws?.region,
            caCertBase64: caCertPem.apply((pem) => Buffer.from(pem).toString("base64")),
        },
    }, { ...parent, dependsOn: pulumi.all(aws?.existingEndpoints ?? []).apply(() =>
        present<pulumi.Resource>(aws?.serverPermissions, ...(aws?.endpoints ?? []), tls?.secret, membership, sealGuard, ...transitSecrets)) });

    const init = createVaultInit(name, bootstrapInput, { release, caCertPem, custody }, cluster);

    // What the pods run: when it changes, the rollout replaces them in the order an HA upgrade needs (standbys, then
    // the active node after a step-down); a renewed certificate is reloaded with SIGHUP instead.
    const image = s.chart.server.image;
    const rollout = new VaultRollout(`${name}-rollout`, {
        namespace: s.namespace, statefulSet: s.releaseName, replicas: s.replicas, ...kube, custody,
        stateRecords: s.bootstrap.custody.type === "state" ? init.stateRecords.apply((r) => r ?? {}) : undefined,
        caCertPem: s.tls.enabled ? caCertPem : undefined,
        image: `${image?.repository ?? DEFAULT_VAULT_IMAGE.repository}:${image?.tag ?? DEFAULT_VAULT_IMAGE.tag}`,
        serverConfigDigest: serverConfig.apply(contentDigest),
        chartVersion: s.chart.version,
        environment: s.chart.server.extraEnv,
        roleArn: aws?.roleArn,
        startupSecretsDigest: transit ? pulumi.secret(pulumi.all([transit.token, transit.caCertPem]).apply(([token, ca]) => contentDigest(`${token}\n${ca ?? ""}`))) : undefined,
        certificateFingerprint: tls?.certificatePem?.apply(certificateFingerprint),
        caFingerprint: tls?.caCertPem.apply(certificateFingerprint),
        certificateFile: s.tls.enabled ? pulumi.output(s.tls.secretName).apply((secret) => `${tlsMountDir(secret)}/${TLS_FILES.cert}`) : undefined,
        storage,
        seal: s.seal,
    }, { ...parent, dependsOn: [release, init] });
    // The Vault provider, and with it every configuration write, waits for the rollout: none may race a step-down.
    const provider = createInitializedProvider(name, bootstrapInput, { init, caCertPem, ready: rollout.id }, cluster);
    return {
        release, provider, ready: rollout, caCertPem, rootToken: init.rootToken,
        custodyDescription: init.custodyDescription, activePod: rollout.activePod, aws, init,
    };
}

/**
 * The dev server: a generated root token in a Secret (the pod reads it from there; the `rootToken` output is the
 * secret), the release, and the Vault provider logged in with the token. No AWS, TLS, init step, custody or rollout.
 */
function deployDevServer(name: string, s: ClusterSettings, namespace: pulumi.Output<string>, cluster: VaultCluster): DeployedServers {
    const parent = { parent: cluster };
    const token = new RandomPassword(`${name}-dev-root-token`, { length: 32, special: false }, parent).result;
    const tokenSecret = new Secret(`${name}-dev-root-token`, {
        metadata: { name: devRootTokenSecret(s.releaseName), namespace },
        type: "Opaque",
        stringData: { token },
    }, parent);
    const release = createVaultRelease(name, {
        releaseName: s.releaseName, namespace, chart: s.chart, values: s.values, slots: {},
    }, { ...parent, dependsOn: [tokenSecret] });
    const reach = { bootstrap: s.bootstrap, namespace: s.namespace, releaseName: s.releaseName, replicas: s.replicas, seal: s.seal, tlsEnabled: false, ingress: s.chart.ingress };
    const provider = createDevProvider(name, reach, { release, rootToken: token }, cluster);
    return {
        release, provider, ready: release, caCertPem: pulumi.output(""), rootToken: token,
        custodyDescription: pulumi.output("none: dev mode keeps no init response (the root token is the rootToken output)"),
        activePod: release.status.apply(() => `${s.releaseName}-0`),
    };
}

/** What the bootstrap stage reads of the cluster's settings. */
function bootstrapInputOf(s: ClusterSettings, storage: StorageType): BootstrapInput {
    return {
        bootstrap: s.bootstrap, namespace: s.namespace, releaseName: s.releaseName, replicas: s.replicas, seal: s.seal, tlsEnabled: s.tls.enabled,
        storage, table: s.aws?.table?.existing ?? s.aws?.table?.create?.tableName, restoredFrom: s.aws?.table?.restoredFrom,
        ingress: s.chart.ingress,
        adminScope: {
            kvV2Mounts: s.config.settings.kvMounts.filter((m) => m.version === 2).map((m) => m.path),
            awsMounts: s.config.settings.aws.map((a) => a.path),
            transitMounts: s.config.settings.transit.map((t) => t.path),
            raft: storage === "raft",
        },
    };
}

function present<T>(...items: (T | undefined)[]): T[] {
    return items.filter((i): i is T => i !== undefined);
}

/**
 * The URL clients outside the cluster use: the ingress host (https only when the ingress serves TLS), or the UI load
 * balancer's DNS name once AWS has assigned it (read back from the Service the chart created).
 */
function externalAddressOf(name: string, s: ClusterSettings, release: Release, opts: pulumi.CustomResourceOptions): pulumi.Output<string> | undefined {
    const ingress = s.chart.ingress;
    if (ingress) {
        return pulumi.all([ingress.host, ingress.tlsSecretName]).apply(([host, tlsSecret]) => `${tlsSecret === undefined ? "http" : "https"}://${host}`);
    }
    if (s.chart.ui.enabled && s.chart.ui.serviceType === "LoadBalancer") {
        // The ID comes from the release's outputs: unknown in a first preview, so nothing is read before the Service
        // exists (a `.get` ignores dependsOn during previews).
        const id = release.status.apply((st) => `${st.namespace}/${s.releaseName}-ui`);
        const service = Service.get(`${name}-ui`, id, opts);
        return service.status.loadBalancer.ingress.apply((entries) => {
            const host = entries?.[0]?.hostname ?? entries?.[0]?.ip;
            return host ? `${s.tls.enabled ? "https" : "http"}://${host}:${VAULT_PORT}` : "";
        });
    }
    return undefined;
}
