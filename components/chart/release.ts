import * as pulumi from "@pulumi/pulumi";
import { Release } from "@pulumi/kubernetes/helm/v3/release";
import type { ClusterSettings } from "../cluster/settings";
import { RAFT_DATA_PATH, TLS_FILES, VAULT_PORT } from "../cluster/names";
import type { Problems } from "../validation";
import { renderServerConfig, ServerConfig } from "./serverConfig";
import { deepMerge, findValueConflicts, renderChartValues, ResolvedInputs } from "./values";

/** Outputs of the AWS backend and TLS stages that the chart values need. */
export interface ReleaseInputs {
    /** The namespace; the Namespace resource's name output when the cluster creates it. */
    namespace: pulumi.Input<string>;
    region?: pulumi.Input<string>;
    tableName?: pulumi.Input<string>;
    kmsKeyArn?: pulumi.Input<string>;
    roleArn?: pulumi.Input<string>;
    caCertPem?: pulumi.Input<string>;
}

/** The typed server configuration of a cluster, from its settings and the resolved AWS names. */
export function serverConfigFor(s: ClusterSettings, aws: { region?: string; tableName?: string; kmsKeyArn?: string }): ServerConfig {
    const tls = s.tls.enabled ? s.tls : undefined;
    const caFile = tls ? `${tls.mountDir}/${TLS_FILES.ca}` : undefined;
    return {
        ui: s.ui.enabled,
        listener: {
            address: `[::]:${VAULT_PORT}`,
            clusterAddress: `[::]:${VAULT_PORT + 1}`,
            tls: tls ? { certFile: `${tls.mountDir}/${TLS_FILES.cert}`, keyFile: `${tls.mountDir}/${TLS_FILES.key}` } : undefined,
        },
        storage: s.storage.type === "dynamodb"
            ? { type: "dynamodb", region: aws.region!, table: aws.tableName!, maxParallel: s.storage.maxParallel }
            : {
                  type: "raft",
                  path: RAFT_DATA_PATH,
                  retryJoin: s.names.pods.map((pod) => ({
                      leaderApiAddr: `${s.names.scheme}://${pod}.${s.names.internalService}:${VAULT_PORT}`,
                      leaderCaCertFile: caFile,
                  })),
              },
        seal: s.seal.type === "awskms" ? { type: "awskms", region: aws.region!, kmsKeyId: aws.kmsKeyArn! } : undefined,
        kubernetesServiceRegistration: true,
    };
}

/** Renders the full values of a cluster from plain resolved inputs: server HCL, chart values, `chart.values` merged last. */
export function renderReleaseValues(s: ClusterSettings, r: Omit<ResolvedInputs, "serverConfig"> & { tableName?: string; kmsKeyArn?: string }): Record<string, unknown> {
    const serverConfig = renderServerConfig(serverConfigFor(s, r));
    return deepMerge(renderChartValues(s, { ...r, serverConfig }), s.chart.values);
}

/**
 * Reports `chart.values` overrides that contradict a managed value. The values are rendered with placeholders: which
 * paths are managed does not depend on the outputs.
 */
export function valueOverrideProblems(p: Problems, s: ClusterSettings): void {
    const placeholder = "<resolved at deployment>";
    const rendered = renderChartValues(s, { serverConfig: placeholder, roleArn: s.aws ? placeholder : undefined, region: placeholder, caCertPem: placeholder });
    for (const c of findValueConflicts(rendered, s.chart.values, s.chart.allowOverrides)) {
        p.add(`chart.values.${c.path}`, c.theirs, `contradicts the value this component manages (${JSON.stringify(c.ours)})`,
            `set it through the typed argument, or list "${c.path}" in chart.allowOverrides if you mean it`);
    }
}

/** The hashicorp/vault Helm release with rendered values; the release name is fixed so every derived name is known. */
export function createVaultRelease(name: string, s: ClusterSettings, inputs: ReleaseInputs, opts: pulumi.CustomResourceOptions): Release {
    const values = pulumi.all([inputs.region, inputs.tableName, inputs.kmsKeyArn, inputs.roleArn, inputs.caCertPem])
        .apply(([region, tableName, kmsKeyArn, roleArn, caCertPem]) => renderReleaseValues(s, { region, tableName, kmsKeyArn, roleArn, caCertPem }));
    return new Release(name, {
        name: s.releaseName,
        namespace: inputs.namespace,
        chart: "vault",
        version: s.chart.version,
        repositoryOpts: { repo: s.chart.repository },
        createNamespace: false,
        timeout: s.chart.timeoutSeconds,
        values,
    }, opts);
}
