/**
 * Reliability: every fault of test/support/faults.ts, injected into the init step as Pulumi runs it (create, then
 * update on the next run) against the stand-ins. Whenever Vault handed out an init response, the record is in custody
 * or in the init resource's secret state, never only in memory, and no message carries a key or token.
 */
import { strict as assert } from "assert";
import { FAULTS } from "./support/faults";
import { useFakeServers } from "./support/fakes";

describe("reliability: faults injected into the init step (keys lost: 0)", function () {
    this.timeout(60_000);
    const f = useFakeServers();

    for (const { fault, outcome, trial } of FAULTS) {
        it(`${fault} → ${outcome}`, async () => {
            const { vault, kept, messages, received = true } = await trial(f);
            if (vault.initialized && received) {
                assert.ok(kept.some((r) => r?.rootToken === vault.rootToken && JSON.stringify(r?.keysBase64) === JSON.stringify(vault.keysBase64)),
                    "the init response is in custody or in the resource's secret state");
            }
            if (!received) assert.ok(kept.every((r) => r === undefined), "no record claims to hold keys that never arrived");
            const secrets = [vault.rootToken, ...vault.keysBase64, ...kept.flatMap((r) => (r ? [r.rootToken, ...r.keys] : []))].filter(Boolean) as string[];
            for (const message of messages) for (const secret of secrets) assert.ok(!message.includes(secret), `a key or token in: ${message}`);
        });
    }

    it("has at least 15 faults", () => assert.ok(FAULTS.length >= 15, `${FAULTS.length}`));
});
