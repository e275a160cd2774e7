/**
 * The README is the front door, so it is checked like code: every argument path it names exists in the argument
 * schema, every file and anchor it links to exists, and the test command it documents is the one CI runs.
 */
import { strict as assert } from "assert";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import type { JsonSchema } from "../components/args/typeCheck";
import { ARGS_SCHEMA_FILE, README_FILE, ROOT } from "./tools/generate";

const readme = readFileSync(README_FILE, "utf8");
const definitions = JSON.parse(readFileSync(ARGS_SCHEMA_FILE, "utf8")).definitions as Record<string, JsonSchema>;
/** Keys of the hashicorp/vault chart's values, which the README also names (the consumer's release). */
const chartValuePaths = new Set(readFileSync(join(ROOT, "test/fixtures/vault-helm-0.34.1/template-value-paths.txt"), "utf8").split("\n"));

/** The README without its generated sections and code blocks (checked by their own tests). */
function prose(): string {
    return readme
        .replace(/<!-- (\w+):start[\s\S]*?<!-- \1:end -->/g, "")
        .replace(/```[\s\S]*?```/g, "");
}

/** The definition an argument path leads to from `root`, or undefined when a segment does not exist. */
function resolve(root: string, path: string): JsonSchema | undefined {
    let def: JsonSchema | undefined = definitions[root];
    for (const segment of path.split(".")) {
        const property = (def?.properties as Record<string, JsonSchema> | undefined)?.[segment.replace(/\[\d*\]$/, "")];
        if (!property) return undefined;
        def = follow(property);
    }
    return def ?? {};
}

function follow(p: JsonSchema): JsonSchema {
    if (typeof p.$ref === "string") return definitions[p.$ref.split("/").pop()!];
    if (p.type === "array" && p.items) return follow(p.items as JsonSchema);
    return p;
}

/** GitHub's anchor of a heading. */
function slug(heading: string): string {
    return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

describe("README", () => {
    const clusterKeys = Object.keys(definitions.VaultClusterArgs.properties as object);

    it("names only argument paths that exist (VaultCluster's, e.g. `bootstrap.revokeRootToken`, or the chart's values)", () => {
        const named = [...prose().matchAll(/`([a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*)+)(?::[^`]*)?`/g)].map((m) => m[1])
            .filter((path) => clusterKeys.includes(path.split(".")[0]) && !/\.(hcl|json|yaml)$/.test(path) && !chartValuePaths.has(path));
        assert.ok(named.length >= 25, `only ${named.length} argument paths found: the pattern no longer matches the README`);
        const unknown = [...new Set(named)].filter((path) => resolve("VaultClusterArgs", path) === undefined);
        assert.deepEqual(unknown, [], "argument paths in the README that VaultClusterArgs does not have");
    });

    it("links only to files that exist", () => {
        const links = [...readme.matchAll(/\]\(((?!https?:|#)[^)\s]+)\)/g)].map((m) => m[1].split("#")[0]);
        const paths = [...prose().matchAll(/`((?:test|components|stacks|examples)\/[\w./-]+\.(?:ts|json|yaml|md|tsv))`/g)].map((m) => m[1]);
        assert.ok(links.length + paths.length > 10);
        // Output folders the README names are created by the commands it documents.
        const missing = [...new Set([...links, ...paths])].filter((p) => !p.includes("/out/") && !existsSync(join(ROOT, p)));
        assert.deepEqual(missing, []);
    });

    it("links only to anchors of its own headings", () => {
        const anchors = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
        const targets = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
        assert.ok(targets.length > 5);
        assert.deepEqual([...new Set(targets)].filter((t) => !anchors.has(t)), []);
    });

    it("cites only tests that exist (test/<file>.test.ts — \"<title>\", as the recipes table does)", () => {
        const citations = [...readme.matchAll(/`(test\/[\w.]+\.test\.ts)` — "(.*?)"(?=;| \||$)/gm)].map((m) => ({ file: m[1], title: m[2] }));
        assert.ok(citations.length >= 80, `${citations.length} citations`);
        const missing = citations.filter(({ file, title }) => {
            const source = existsSync(join(ROOT, file)) ? readFileSync(join(ROOT, file), "utf8") : "";
            // A title is written literally, or built in a loop from a template literal (its \${...} parts match anything).
            const templates = [...source.matchAll(/\bit\(`([^`]*\$\{[^`]*)`/g)].map((m) =>
                new RegExp(`^${m[1].split(/\$\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+")}$`));
            return !source.includes(title) && !templates.some((t) => t.test(title));
        });
        assert.deepEqual(missing, []);
    });

    it("documents the test command CI runs", () => {
        const setup = /## Setup\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1].trim().split("\n");
        const ci = readFileSync(join(ROOT, ".ci/run"), "utf8").split("\n").filter((l) => /^npm /.test(l));
        assert.deepEqual(setup, ci);
    });
});
