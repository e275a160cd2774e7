import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { VaultCluster } from "../components";
import { installMocks, settle } from "../components/testing/mocks";
import { LOCAL } from "./support/cluster";
import { attempt } from "./support/refusals";
import { TYPE_CONFUSION_CASES } from "./support/typeConfusion";

describe("values of the wrong type are refused before anything is registered, naming the field", () => {
    it("has at least 60 cases across the three components", () => {
        assert.ok(TYPE_CONFUSION_CASES.length >= 60, `${TYPE_CONFUSION_CASES.length} cases`);
        assert.deepEqual([...new Set(TYPE_CONFUSION_CASES.map((c) => c.component))].sort(), ["VaultAppAccess", "VaultCluster", "VaultConfig"]);
    });

    for (const c of TYPE_CONFUSION_CASES) {
        it(`${c.component} ${c.field}: ${JSON.stringify(c.args).slice(0, 90)}`, async () => {
            const o = await attempt(c);
            assert.ok(o.error, `expected an InputError, got ${o.other instanceof Error ? `${o.other.name}: ${o.other.message}` : o.other}`);
            assert.equal(o.registered, 0, "nothing may be registered for invalid input");
            assert.ok(o.namesField, `no problem for ${c.field} matching ${c.says} in:\n${o.error!.message}`);
        });
    }

    it("an output where only a plain value is accepted", async () => {
        const recorder = await installMocks();
        assert.throws(() => new VaultCluster("bad", { ...LOCAL, storage: { type: pulumi.output("raft") as any } }),
            /storage\.type = <not shown>: must be a plain value known when the program runs, not an output of another resource/);
        await settle();
        assert.deepEqual(recorder.resources, []);
    });
});

describe("a value that is an output is checked when it resolves, naming the field", () => {
    const rejection = (output: pulumi.Output<unknown> | undefined) => (output as unknown as { promise(): Promise<unknown> }).promise();

    it("an ingress host from another resource that is not a DNS name", async () => {
        await installMocks();
        const cluster = new VaultCluster("late", { ...LOCAL, ingress: { host: pulumi.output("Vault_Host") } });
        await assert.rejects(rejection(cluster.externalAddress), /Invalid arguments for VaultCluster "late":\n {2}- ingress\.host = "Vault_Host": is not a DNS name/);
    });

    it("a replica count from another resource that is not a whole number", async () => {
        await installMocks();
        // Monitoring names the replica count in its alert rules when the program runs: off here, so it may be an output.
        const cluster = new VaultCluster("late", { ...LOCAL, replicas: pulumi.output("3" as unknown as number), monitoring: { enabled: false } });
        await assert.rejects(rejection(cluster.address), /replicas = "3": must be a whole number, not a string/);
    });
});
