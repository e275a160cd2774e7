import * as pulumi from "@pulumi/pulumi";

/**
 * The dynamic provider of the init resource. Pulumi serializes this object into the resource's state and runs it
 * in a separate process. It therefore captures nothing but two absolute paths: each method `require`s the runtime
 * module (initRuntime) there. Under ts-node (this repository's own program) the module is TypeScript, so the
 * provider process registers ts-node first; a compiled package loads plain JavaScript.
 */
const runtimeModule = require.resolve("./initRuntime");
const tsNodeModule = /\.ts$/.test(runtimeModule) ? require.resolve("ts-node") : "";

function loadRuntime(): typeof import("./initRuntime") {
    const g = globalThis as { __vaultClusterTsNode?: boolean };
    if (tsNodeModule && !g.__vaultClusterTsNode) {
        require(tsNodeModule).register({ transpileOnly: true, compilerOptions: { module: "nodenext", moduleResolution: "nodenext" } });
        g.__vaultClusterTsNode = true;
    }
    return require(runtimeModule);
}

export const vaultInitProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        return loadRuntime().create(inputs);
    },
    async diff(id, olds, news) {
        return loadRuntime().diff(id, olds, news);
    },
    async update(id, olds, news) {
        return loadRuntime().update(id, olds, news);
    },
    /** Deleting the resource never touches Vault, its storage or custody: the cluster's data outlives it. */
    async delete() {
        return;
    },
};
