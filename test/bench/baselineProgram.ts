/**
 * The baseline's "program": loaded with `require` by baseline.ts, exactly as plan() loads stacks/index.ts, so the
 * resources are constructed at a module's top level in both cases (same kind of call stack for the SDK's
 * stack-trace captures). It registers the prepared resources straight on the SDK classes: no components, no
 * validation, no rendering. Its input is handed over on globalThis (a module has no arguments).
 */
import * as pulumi from "@pulumi/pulumi";
import { FixtureResource, providerUrn } from "./fixture";
import { DYNAMIC_TYPE, dynamicProvider, sdkClass } from "./sdkClasses";

export interface BaselineInput {
    prepared: { r: FixtureResource; args: Record<string, any> }[];
    /** Filled in by this module: recorded dependencies that were not among the registered resources. */
    droppedDependencies: number;
}

export const INPUT_KEY = "__vaultClusterBenchBaseline";

const input = (globalThis as Record<string, unknown>)[INPUT_KEY] as BaselineInput | undefined;
if (!input) throw new Error(`baselineProgram.ts expects its input on globalThis.${INPUT_KEY} (it is loaded by baseline.ts)`);

const byUrn = new Map<string, pulumi.Resource>();
const lookup = (urn: string, what: string, of: FixtureResource) => {
    const found = byUrn.get(urn);
    if (!found) throw new Error(`${of.type} ${of.name}: its ${what} ${urn} was not created before it (fixture order is not topological?)`);
    return found;
};
const Dynamic = pulumi.dynamic.Resource as unknown as new (provider: unknown, name: string, props: unknown, opts: unknown) => pulumi.Resource;

for (const { r, args } of input.prepared) {
    const dependsOn = r.dependencies.filter((u) => byUrn.has(u)).map((u) => byUrn.get(u)!);
    input.droppedDependencies += r.dependencies.length - dependsOn.length;
    const opts: Record<string, unknown> = {
        dependsOn,
        protect: r.protect || undefined,
        retainOnDelete: r.retainOnDelete || undefined,
        additionalSecretOutputs: r.additionalSecretOutputs.length ? r.additionalSecretOutputs : undefined,
    };
    if (r.provider) opts.provider = lookup(providerUrn(r.provider), "provider", r);
    if (r.deletedWith) opts.deletedWith = lookup(r.deletedWith, "deletedWith target", r);
    const resource = r.type === DYNAMIC_TYPE ? new Dynamic(dynamicProvider(r.name, r.inputs), r.name, args, opts) : new (sdkClass(r.type))(r.name, args, opts);
    byUrn.set(r.urn, resource);
}
