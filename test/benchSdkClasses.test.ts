import { strict as assert } from "assert";
import { vaultInitProvider } from "../components/bootstrap/initProvider";
import { RegisteredResource } from "../components/testing/mocks";
import { plan, stackNames } from "../stacks/plan";
import { DYNAMIC_TYPE, dynamicProvider, SDK_CLASSES, sdkClass } from "./bench/sdkClasses";

/**
 * `npm run bench` replays the prod stack's resources straight on the SDK classes (the baseline), looked up in
 * SDK_CLASSES; a type the components start creating without a row there breaks the benchmark only when it runs.
 */
describe("the benchmark's SDK classes (test/bench/sdkClasses.ts)", function () {
    this.timeout(60_000);
    const created: { stack: string; r: RegisteredResource }[] = [];
    before(async () => {
        for (const stack of stackNames()) {
            for (const r of (await plan(stack)).resources) if (r.custom && !r.read) created.push({ stack, r });
        }
    });

    it("have a row for every custom resource type the local, dev and prod stacks register", () => {
        assert.deepEqual(stackNames(), ["dev", "local", "prod"]);
        const missing = new Map<string, Set<string>>();
        for (const { stack, r } of created) {
            if (r.type !== DYNAMIC_TYPE && !SDK_CLASSES[r.type]) missing.set(r.type, (missing.get(r.type) ?? new Set()).add(stack));
        }
        assert.deepEqual([...missing].map(([type, stacks]) => `${type} (${[...stacks].join(", ")})`), []);
    });

    it("load, for every row, an exported class that declares the row's type token", () => {
        for (const type of Object.keys(SDK_CLASSES)) assert.equal(typeof sdkClass(type), "function", type);
    });

    it("give each dynamic resource its component's provider, read from the provider the program serialized", () => {
        const dynamic = created.filter(({ r }) => r.type === DYNAMIC_TYPE);
        assert.ok(dynamic.some(({ r }) => r.name.endsWith("-rollout")), "the stacks register day-2 dynamic resources besides the init step");
        for (const { stack, r } of dynamic) {
            const provider = dynamicProvider(r.name, r.inputs);
            assert.equal(provider === vaultInitProvider, r.name.endsWith("-init"), `${stack} ${r.name}`);
        }
    });
});
