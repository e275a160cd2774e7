/**
 * The README's "Reliability" tables, rendered from the test suites themselves so that the README lists exactly what
 * is tested: the inputs refused before anything is created (test/typeConfusion.test.ts, test/adversarial.test.ts)
 * and the faults injected into the init step (test/faults.test.ts).
 */
import { ADVERSARIAL_CASES } from "../support/adversarial";
import { FAULTS } from "../support/faults";
import type { Refusal } from "../support/refusals";
import { TYPE_CONFUSION_CASES } from "../support/typeConfusion";

/** Markdown table cell text: one line, pipes escaped. */
export function cell(text: string): string {
    return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

/** One row per category: how many cases, and the fields they target (each named in its error). */
function refusalsTable(cases: Refusal[]): string {
    const categories = new Map<string, Refusal[]>();
    for (const c of cases) categories.set(c.category, [...(categories.get(c.category) ?? []), c]);
    const rows = [...categories].map(([category, list]) => {
        const fields = [...new Set(list.map((c) => `\`${c.field}\``))];
        const components = [...new Set(list.map((c) => c.component))].join(", ");
        return `| ${cell(category)} | ${list.length} | ${list.length} | 0 | ${components} | ${cell(fields.join(", "))} |`;
    });
    return ["| inputs tried | cases | refused before registration, field named | secrets echoed | components | fields |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

function faultsTable(): string {
    const rows = FAULTS.map(({ fault, outcome }) => `| ${cell(fault)} | ${cell(outcome)} | 0 |`);
    return ["| fault injected | what happens (survived) | keys lost |", "|---|---|---|", ...rows].join("\n");
}

/** The section between the README's `reliability` markers. */
export function reliabilityMarkdown(): string {
    const cases = [...TYPE_CONFUSION_CASES, ...ADVERSARIAL_CASES];
    return [
        `#### Inputs refused before anything is created (${cases.length} cases)`,
        "",
        "The suites assert every count below (a case that is not refused, registers a resource, misses its field or echoes a secret fails `npm test`): " +
            "each input is refused with one error naming the field, the value (never a secret) and the fix, before any resource is registered. " +
            "Type confusion: `test/typeConfusion.test.ts`; the rest: `test/adversarial.test.ts`.",
        "",
        refusalsTable(cases),
        "",
        `#### Faults injected into the init step (${FAULTS.length} faults)`,
        "",
        "Each fault runs against the stand-ins (`test/faults.test.ts`) as Pulumi runs the step (create, then update on the next `pulumi up`); whenever Vault handed out an init response, it is afterwards in custody or in the init resource's secret state, and no message carries a key or token. The rollout's faults (a pod that never comes back, a step-down refused, a replica sealed after replacement) are in \"Day 2\".",
        "",
        faultsTable(),
    ].join("\n");
}
