import type * as pulumi from "@pulumi/pulumi";

/** What a runtime module exports for one dynamic resource. */
export interface ResourceRuntime {
    create(inputs: any): Promise<pulumi.dynamic.CreateResult>;
    diff(id: string, olds: any, news: any): Promise<pulumi.dynamic.DiffResult>;
    update(id: string, olds: any, news: any): Promise<pulumi.dynamic.UpdateResult>;
}

/**
 * A dynamic provider whose methods load the module at `modulePath` (an absolute path; its `exportName` export when
 * given) in Pulumi's provider process. Pulumi serializes the provider into the resource's state: it captures these two strings and
 * nothing else (no SDK client, no credential). Under ts-node (this repository's own program) the module is
 * TypeScript, so the provider process registers ts-node first; a compiled package loads plain JavaScript.
 * Deletion never touches the cluster, Vault or custody: the pods, Vault's data and the keys outlive the resource.
 */
export function runtimeProvider(modulePath: string, exportName?: string): pulumi.dynamic.ResourceProvider {
    const tsNodeModule = /\.ts$/.test(modulePath) ? require.resolve("ts-node") : "";
    const load = (): ResourceRuntime => {
        const g = globalThis as { __vaultClusterTsNode?: boolean };
        if (tsNodeModule && !g.__vaultClusterTsNode) {
            require(tsNodeModule).register({ transpileOnly: true, compilerOptions: { module: "nodenext", moduleResolution: "nodenext" } });
            g.__vaultClusterTsNode = true;
        }
        const loaded = require(modulePath);
        return exportName === undefined ? loaded : loaded[exportName];
    };
    return {
        create: (inputs) => load().create(inputs),
        diff: (id, olds, news) => load().diff(id, olds, news),
        update: (id, olds, news) => load().update(id, olds, news),
        delete: async () => undefined,
    };
}
