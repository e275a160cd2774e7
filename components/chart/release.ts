import * as pulumi from "@pulumi/pulumi";
import { Release } from "@pulumi/kubernetes/helm/v3/release";
import type { SealType, StorageType } from "../cluster/args";
import { clusterNames, RAFT_DATA_PATH, TLS_FILES, transitSealSecrets, VAULT_PORT } from "../cluster/names";
import { tlsMountDir } from "../tls/settings";
import type { ServerConfig } from "./serverConfig";
import type { ChartSettings } from "./settings";
import { fillSlots, SlotValues } from "./values";

/** What the server configuration is rendered from, all plain. */
export interface ServerConfigInput {
    fullname: string;
    namespace: string;
    /** The chart's HA mode, which sets each pod's Raft node ID from its name. */
    ha: boolean;
    replicas: number;
    storage: StorageType;
    seal: SealType;
    ui: boolean;
    /** The TLS secret's name when TLS is on. */
    tlsSecretName?: string;
    region?: string;
    tableName?: string;
    maxParallel?: number;
    kmsKeyArn?: string;
    /** With the transit seal (the token is not part of the configuration). */
    transit?: { address: string; keyName: string; mountPath: string; caCert: boolean; tlsServerName?: string };
}

/** The typed server configuration of a cluster. */
export function serverConfigFor(c: ServerConfigInput): ServerConfig {
    const names = clusterNames(c.fullname, c.namespace, c.replicas, c.tlsSecretName === undefined ? "http" : "https");
    const tlsDir = c.tlsSecretName === undefined ? undefined : tlsMountDir(c.tlsSecretName);
    return {
        ui: c.ui,
        listener: {
            address: `[::]:${VAULT_PORT}`,
            clusterAddress: `[::]:${VAULT_PORT + 1}`,
            tls: tlsDir ? { certFile: `${tlsDir}/${TLS_FILES.cert}`, keyFile: `${tlsDir}/${TLS_FILES.key}` } : undefined,
        },
        storage: c.storage === "dynamodb"
            ? { type: "dynamodb", region: c.region!, table: c.tableName!, maxParallel: c.maxParallel }
            : {
                  type: "raft",
                  path: RAFT_DATA_PATH,
                  nodeId: c.ha ? undefined : names.pods[0],
                  retryJoin: names.pods.map((pod) => ({
                      leaderApiAddr: `${names.scheme}://${pod}.${names.internalService}:${VAULT_PORT}`,
                      leaderCaCertFile: tlsDir ? `${tlsDir}/${TLS_FILES.ca}` : undefined,
                  })),
              },
        seal: c.seal === "awskms" ? { type: "awskms", region: c.region!, kmsKeyId: c.kmsKeyArn! }
            : c.transit ? {
                  type: "transit", address: c.transit.address, keyName: c.transit.keyName, mountPath: c.transit.mountPath,
                  tlsCaCert: c.transit.caCert ? transitSealSecrets(c.fullname).caFile : undefined, tlsServerName: c.transit.tlsServerName,
              }
            : undefined,
        kubernetesServiceRegistration: true,
    };
}

/** What the release stage needs: its name and namespace, the chart source, and the rendered values with their slots. */
export interface ReleaseInput {
    releaseName: string;
    /** The namespace; the Namespace resource's name output when the cluster creates it. */
    namespace: pulumi.Input<string>;
    chart: Pick<ChartSettings, "version" | "repository" | "timeoutSeconds">;
    /** Values rendered once (renderChartValues, merged with chart.values). */
    values: Record<string, unknown>;
    slots: Partial<SlotValues>;
}

/** The hashicorp/vault Helm release; the release name is fixed so that every derived name is known. */
export function createVaultRelease(name: string, input: ReleaseInput, opts: pulumi.CustomResourceOptions): Release {
    return new Release(name, {
        name: input.releaseName,
        namespace: input.namespace,
        chart: "vault",
        version: input.chart.version,
        repositoryOpts: { repo: input.chart.repository },
        createNamespace: false,
        timeout: input.chart.timeoutSeconds,
        values: fillSlots(input.values, input.slots),
    }, opts);
}
