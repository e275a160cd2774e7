/** What evalProgram.ts (and scaling.ts) save of a run: every registered resource, inputs with secrets unwrapped. */
export interface FixtureResource {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    read: boolean;
    parent: string;
    /** Provider reference `<urn>::<id>`, or "" for a default provider. */
    provider: string;
    dependencies: string[];
    protect: boolean;
    retainOnDelete: boolean;
    deletedWith: string;
    additionalSecretOutputs: string[];
    inputs: Record<string, any>;
    /** Input property → URNs its value depended on (registrations only; absent for reads and in scaling fixtures). */
    propertyDependencies?: Record<string, string[]>;
}

export interface Fixture {
    stack: string;
    project: string;
    resources: FixtureResource[];
}

/** The URN part of a provider reference (`<urn>::<id>`). */
export function providerUrn(ref: string): string {
    if (!ref) return "";
    const i = ref.lastIndexOf("::");
    return i > 0 ? ref.slice(0, i) : ref;
}

/** A fixture from recorded resources (the recorder's inputs keep secrets wrapped; the fixture unwraps them). */
export function toFixture(stack: string, resources: import("../../components/testing/mocks").RegisteredResource[], unwrap: (v: any) => any): Fixture {
    return {
        stack,
        project: resources[0]?.urn.split("::")[1] ?? "vault-cluster",
        resources: resources.map((r) => ({
            type: r.type, name: r.name, urn: r.urn, custom: r.custom, read: r.read, parent: r.parent, provider: r.provider,
            dependencies: r.dependencies, protect: r.protect, retainOnDelete: r.retainOnDelete, deletedWith: r.deletedWith,
            additionalSecretOutputs: r.additionalSecretOutputs, inputs: unwrap(r.inputs),
        })),
    };
}

/** Writes a fixture as JSON; refuses values JSON cannot represent faithfully (resource references). */
export function writeFixture(file: string, fixture: Fixture): void {
    require("fs").writeFileSync(file, JSON.stringify(fixture, (_k, v) => {
        if (v && typeof v === "object" && (v as { __pulumiResource?: boolean }).__pulumiResource) {
            throw new Error("a recorded input holds a resource reference; the fixture cannot represent it");
        }
        return v;
    }));
}
