import { strict as assert } from "assert";
import { InputError, VaultAppAccess, VaultCluster, VaultConfig, VaultConsumerCluster } from "../../components";
import { installMocks, settle } from "../../components/testing/mocks";
import { IRSA, LOCAL } from "./cluster";

/**
 * Inputs a component must refuse before it registers anything: the case, the field the error must name, what the
 * problem's line says, and text of the input that must never appear in the error (secrets).
 */
export type Component = "VaultCluster" | "VaultConfig" | "VaultAppAccess" | "VaultConsumerCluster";
export interface Refusal {
    component: Component;
    /** A label for the README's table. */
    category: string;
    args: Record<string, unknown>;
    /** The field the error names. */
    field: string;
    /** The rest of that problem's line, after `<field> = `. */
    says: RegExp;
    /** Text of the input that must not appear anywhere in the error. */
    secrets?: string[];
}

export const role = { serviceAccountNames: ["app"], namespaces: ["default"], policies: ["default"] };

/** Case builders: a local cluster (no AWS), a cluster on AWS, a VaultConfig, a VaultAppAccess. */
export const builders = (category: string) => ({
    cluster: (args: Record<string, unknown>, field: string, says: RegExp, secrets?: string[]): Refusal =>
        ({ component: "VaultCluster", category, args: { ...LOCAL, ...args }, field, says, secrets }),
    awsCluster: (args: Record<string, unknown>, field: string, says: RegExp, secrets?: string[]): Refusal =>
        ({ component: "VaultCluster", category, args: { irsa: IRSA, ...args }, field, says, secrets }),
    config: (args: Record<string, unknown>, field: string, says: RegExp, secrets?: string[]): Refusal =>
        ({ component: "VaultConfig", category, args, field, says, secrets }),
    app: (args: Record<string, unknown>, field: string, says: RegExp, secrets?: string[]): Refusal => ({
        component: "VaultAppAccess", category, field, says, secrets,
        args: { namespace: "default", serviceAccountName: "app", secrets: { config: { mount: "kv", path: "app" } }, ...args },
    }),
    consumer: (args: Record<string, unknown>, field: string, says: RegExp, secrets?: string[]): Refusal => ({
        component: "VaultConsumerCluster", category, field, says, secrets,
        args: { vaultAddress: "https://vault.example.com", kubernetesAuth: { path: "apps", roles: {} }, ...args },
    }),
});

/** What happened when the component was given a case's arguments. */
export interface Outcome {
    /** The InputError thrown, if that is what happened. */
    error?: InputError;
    /** Anything else thrown. */
    other?: unknown;
    /** Resources registered meanwhile. */
    registered: number;
    /** The error names the field and says what the case expects. */
    namesField: boolean;
    /** Secrets of the input found in the error (message, problems, property errors). */
    echoed: string[];
}

/** Runs `construct` under fresh mocks: what it threw and how many resources were registered meanwhile. */
async function underMocks(construct: () => unknown): Promise<{ thrown: unknown; registered: number }> {
    const recorder = await installMocks();
    let thrown: unknown;
    try {
        construct();
    } catch (e) {
        thrown = e;
    }
    await settle();
    return { thrown, registered: recorder.resources.length };
}

/** The InputError `construct` throws; fails unless it throws one before anything is registered. */
export async function refusedBy(construct: () => unknown): Promise<InputError> {
    const { thrown, registered } = await underMocks(construct);
    assert.ok(thrown instanceof InputError, `expected an InputError, got ${thrown}`);
    assert.equal(registered, 0, "nothing may be registered for invalid input");
    return thrown;
}

const CONSTRUCTORS = { VaultCluster, VaultConfig, VaultAppAccess, VaultConsumerCluster };

/** Builds the component under fresh mocks with the case's arguments and reports what happened. */
export async function attempt(c: Refusal): Promise<Outcome> {
    const { thrown, registered } = await underMocks(() => new CONSTRUCTORS[c.component]("bad", c.args as any));
    const error = thrown instanceof InputError ? thrown : undefined;
    const line = error?.message.split("\n").find((l) => l.startsWith(`  - ${c.field} = `));
    const everything = error ? `${error.message}\n${JSON.stringify(error.problems)}\n${JSON.stringify(error.errors)}` : String(thrown);
    return {
        error, other: error ? undefined : thrown,
        registered,
        namesField: line !== undefined && c.says.test(line.slice(`  - ${c.field} = `.length)) && /\. Fix: \S/.test(line),
        echoed: (c.secrets ?? []).filter((s) => everything.includes(s)),
    };
}
