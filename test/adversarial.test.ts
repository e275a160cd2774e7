import { strict as assert } from "assert";
import { ADVERSARIAL_CASES } from "./support/adversarial";
import { attempt } from "./support/refusals";
import { TYPE_CONFUSION_CASES } from "./support/typeConfusion";

/**
 * The adversarial inputs of the reliability review (issue 11), with the type-confusion cases: every one refused before
 * anything is registered, naming the field, without echoing a secret.
 */
describe("adversarial inputs are refused before anything is registered, naming the field, echoing no secret", () => {
    it("has at least 100 cases across the components", () => {
        const all = [...TYPE_CONFUSION_CASES, ...ADVERSARIAL_CASES];
        assert.ok(all.length >= 100, `${all.length} cases`);
        assert.ok(ADVERSARIAL_CASES.filter((c) => c.secrets?.length).length >= 15, "cases carrying a secret");
    });

    for (const c of ADVERSARIAL_CASES) {
        it(`${c.category}: ${c.component} ${c.field}`, async () => {
            const o = await attempt(c);
            assert.ok(o.error, `expected an InputError, got ${o.other instanceof Error ? `${o.other.name}: ${o.other.message}` : o.other}`);
            assert.equal(o.registered, 0, "nothing may be registered for invalid input");
            assert.ok(o.namesField, `no problem for ${c.field} matching ${c.says} in:\n${o.error!.message}`);
            assert.deepEqual(o.echoed, [], `secrets echoed in:\n${o.error!.message}`);
        });
    }
});
