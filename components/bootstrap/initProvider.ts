import { runtimeProvider } from "../dynamicProvider";

/** The dynamic provider of the init resource: the runtime (initRuntime) loaded by absolute path in the provider process. */
export const vaultInitProvider = runtimeProvider(require.resolve("./initRuntime"));
