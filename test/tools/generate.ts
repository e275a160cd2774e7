/**
 * Derives every artifact of the argument interfaces from the interfaces themselves:
 *   - schema.json: the multi-language package schema, inferred by Pulumi's own analyzer (what `pulumi package add`
 *     generates the Python, Go, C#, Java and YAML SDKs from);
 *   - components/args/argsSchema.json: the JSON Schema the run-time type check validates arguments with (the
 *     analyzer's types plus the bounds, secrecy and defaults written as TSDoc tags);
 *   - the README's configuration reference, between its `reference` markers;
 *   - the README's reliability tables, between its `reliability` markers, from the refusal and fault suites.
 * `npm run generate` writes them; test/generated.test.ts fails when a committed copy is stale.
 */
import { readFileSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import * as ts from "typescript";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import type { JsonSchema } from "../../components/args/typeCheck";
import { cell, reliabilityMarkdown } from "./reliability";

export const ROOT = resolve(__dirname, "../..");
export const SCHEMA_FILE = join(ROOT, "schema.json");
export const ARGS_SCHEMA_FILE = join(ROOT, "components/args/argsSchema.json");
export const README_FILE = join(ROOT, "README.md");

/** The exported components, in the order the reference documents them. */
export const COMPONENTS = ["VaultCluster", "VaultConfig", "VaultAppAccess", "VaultConsumerCluster"] as const;

/** Pulumi package schema (the parts read here). */
interface PropertySpec {
    type?: string;
    optional?: boolean;
    $ref?: string;
    items?: PropertySpec;
    additionalProperties?: PropertySpec;
    description?: string;
    plain?: boolean;
}
interface TypeSpec {
    type: string;
    properties?: Record<string, PropertySpec>;
    required?: string[];
    enum?: { name: string; value: string | number; description?: string }[];
}
export interface PackageSchema {
    name: string;
    resources: Record<string, { inputProperties: Record<string, PropertySpec>; requiredInputs: string[]; properties: Record<string, PropertySpec>; description?: string }>;
    types: Record<string, TypeSpec>;
}

/** The package schema as `pulumi package add` infers it, from the same ComponentProvider the plugin host runs. */
export async function inferPackageSchema(): Promise<PackageSchema> {
    const components = require(join(ROOT, "components"));
    const provider = new ComponentProvider({ dirname: ROOT, name: pluginName(), components: COMPONENTS.map((c) => components[c]) });
    return JSON.parse(await provider.getSchema());
}

/** The plugin name the Pulumi host derives from package.json (scope dropped). */
export function pluginName(): string {
    const name: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).name;
    return name.replace(/^@[^/]+\//, "").replace(/[^-a-zA-Z0-9_]/g, "-");
}

/** TSDoc tags of one property: `@default`, `@integer`, `@minimum`, `@maximum`, `@minItems`, `@secret`. */
export interface PropertyTags {
    default?: string;
    integer?: boolean;
    minimum?: number;
    maximum?: number;
    minItems?: number;
    secret?: boolean;
}

/** Reads the tags of every property of every interface under components/, keyed `Interface.property`. */
export function readPropertyTags(): Map<string, PropertyTags> {
    const files = ts.sys.readDirectory(join(ROOT, "components"), [".ts"], undefined, ["**/*.ts"]).filter((f) => !f.endsWith(".d.ts"));
    const tags = new Map<string, PropertyTags>();
    const bases = new Map<string, string[]>();
    for (const file of files) {
        const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
        source.forEachChild((node) => {
            if (!ts.isInterfaceDeclaration(node)) return;
            bases.set(node.name.text, (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText(source))));
            for (const member of node.members) {
                if (!ts.isPropertySignature(member) || !member.name) continue;
                tags.set(`${node.name.text}.${member.name.getText(source)}`, propertyTags(member));
            }
        });
    }
    // An interface that extends another has its base's properties (and their tags) under its own name too.
    const inherit = (name: string, from: string): void => {
        for (const [key, value] of [...tags]) if (key.startsWith(`${from}.`)) tags.set(`${name}.${key.slice(from.length + 1)}`, value);
        for (const base of bases.get(from) ?? []) inherit(name, base);
    };
    for (const [name, list] of bases) for (const base of list) inherit(name, base);
    return tags;
}

function propertyTags(member: ts.PropertySignature): PropertyTags {
    const out: PropertyTags = {};
    for (const tag of ts.getJSDocTags(member)) {
        const text = (ts.getTextOfJSDocComment(tag.comment) ?? "").trim();
        const number = () => {
            const n = Number(text);
            if (!Number.isFinite(n)) throw new Error(`@${tag.tagName.text} of ${member.name.getText()} is not a number: ${text}`);
            return n;
        };
        switch (tag.tagName.text) {
            case "default": out.default = text; break;
            case "integer": out.integer = true; break;
            case "minimum": out.minimum = number(); break;
            case "maximum": out.maximum = number(); break;
            case "minItems": out.minItems = number(); break;
            case "secret": out.secret = true; break;
            default: throw new Error(`unknown tag @${tag.tagName.text} on ${member.name.getText()}`);
        }
    }
    return out;
}

const TYPE_REF = /^#\/types\/[^:]+:index:(.+)$/;

/** The JSON Schema of every component's arguments, from the package schema and the property tags. */
export function argsJsonSchema(schema: PackageSchema, tags: Map<string, PropertyTags>): JsonSchema {
    const definitions: Record<string, JsonSchema> = {};
    const property = (owner: string, name: string, spec: PropertySpec): JsonSchema => {
        const t = tags.get(`${owner}.${name}`);
        if (!t) throw new Error(`${owner}.${name} has no TSDoc`);
        if (!spec.description) throw new Error(`${owner}.${name} has no description`);
        const out: JsonSchema = { ...convert(spec, t), description: spec.description };
        if (!spec.plain) out["x-input"] = true;
        if (t.secret) out["x-secret"] = true;
        if (t.default !== undefined) out["x-default"] = t.default;
        return out;
    };
    const convert = (spec: PropertySpec, t: PropertyTags = {}): JsonSchema => {
        if (spec.$ref === "pulumi.json#/Any") return {};
        const ref = spec.$ref && TYPE_REF.exec(spec.$ref);
        if (ref) return { $ref: `#/definitions/${ref[1]}` };
        switch (spec.type) {
            case "string": return { type: "string" };
            case "boolean": return { type: "boolean" };
            case "number": return compact({ type: t.integer ? "integer" : "number", minimum: t.minimum, maximum: t.maximum });
            case "array": {
                const items: JsonSchema = convert(spec.items!);
                if (!spec.items!.plain) items["x-input"] = true;
                return compact({ type: "array", items, minItems: t.minItems });
            }
            case "object": {
                const values: JsonSchema = convert(spec.additionalProperties!);
                if (!spec.additionalProperties!.plain) values["x-input"] = true;
                return { type: "object", additionalProperties: values };
            }
        }
        throw new Error(`unsupported property spec ${JSON.stringify(spec)}`);
    };
    const object = (owner: string, properties: Record<string, PropertySpec>, required: string[]): JsonSchema => ({
        type: "object",
        properties: Object.fromEntries(Object.entries(properties).map(([name, spec]) => [name, property(owner, name, spec)])),
        required,
        additionalProperties: false,
    });
    for (const [token, type] of Object.entries(schema.types)) {
        const name = token.split(":").pop()!;
        definitions[name] = type.enum
            ? { type: type.type, enum: type.enum.map((e) => e.value) }
            : object(name, type.properties ?? {}, type.required ?? []);
    }
    for (const component of COMPONENTS) {
        const resource = schema.resources[`${schema.name}:index:${component}`];
        if (!resource) throw new Error(`the package schema has no component ${component}`);
        definitions[`${component}Args`] = object(`${component}Args`, resource.inputProperties, resource.requiredInputs);
    }
    return { $id: "args", definitions: sortKeys(definitions) };
}

function compact(o: JsonSchema): JsonSchema {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
    return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

/** The outputs of each component, from the package schema. */
function outputsMarkdown(schema: PackageSchema): string {
    return COMPONENTS.map((c) => {
        const r = schema.resources[`${schema.name}:index:${c}`];
        const rows = Object.entries(r.properties).map(([name, p]) =>
            `| \`${name}\` | ${p.type === "object" ? "map of string" : p.type ?? "?"}${p.optional ? " (optional)" : ""} | ${cell(p.description ?? "")} |`);
        return [`#### Outputs of \`${c}\``, "", "| output | type | description |", "|---|---|---|", ...rows].join("\n");
    }).join("\n\n");
}

/** The README configuration reference: one table per argument interface, in the order the components reach them. */
export function referenceMarkdown(args: JsonSchema): string {
    const defs = args.definitions as Record<string, JsonSchema>;
    const order: string[] = [];
    const visit = (name: string) => {
        if (order.includes(name) || defs[name].enum) return;
        order.push(name);
        for (const p of Object.values(defs[name].properties as Record<string, JsonSchema>)) for (const r of refsOf(p)) visit(r);
    };
    COMPONENTS.forEach((c) => visit(`${c}Args`));
    const sections = order.map((name) => {
        const def = defs[name];
        const required = new Set(def.required as string[]);
        const rows = Object.entries(def.properties as Record<string, JsonSchema>).map(([field, p]) =>
            `| \`${field}\`${required.has(field) ? " (required)" : ""} | ${typeText(p, defs)} | ${cell(String(p["x-default"] ?? (required.has(field) ? "" : "none")))} | ${cell(p.description as string)} |`);
        return [`#### \`${name}\``, "", "| field | type | default | description |", "|---|---|---|---|", ...rows].join("\n");
    });
    return sections.join("\n\n");
}

function refsOf(p: JsonSchema): string[] {
    if (typeof p.$ref === "string") return [p.$ref.split("/").pop()!];
    return [p.items, p.additionalProperties].filter((x): x is JsonSchema => typeof x === "object" && x !== null).flatMap(refsOf);
}

function typeText(p: JsonSchema, defs: Record<string, JsonSchema>): string {
    const input = p["x-input"] ? (t: string) => `Input<${t}>` : (t: string) => t;
    if (typeof p.$ref === "string") {
        const name = p.$ref.split("/").pop()!;
        const def = defs[name];
        return input(def.enum ? (def.enum as (string | number)[]).map((v) => `\`${JSON.stringify(v)}\``).join(" \\| ") : `[${name}](#${name.toLowerCase()})`);
    }
    switch (p.type) {
        case "array": return `list of ${typeText(p.items as JsonSchema, defs)}`;
        case "object": return `map of ${typeText(p.additionalProperties as JsonSchema, defs)}`;
        case "integer": case "number": {
            const bounds = [p.minimum !== undefined ? `≥ ${p.minimum}` : "", p.maximum !== undefined ? `≤ ${p.maximum}` : ""].filter(Boolean).join(", ");
            return input(`${p.type}${bounds ? ` (${bounds})` : ""}`);
        }
        case undefined: return "any";
        default: return input(String(p.type)) + (p["x-secret"] ? " (secret)" : "");
    }
}

/** The README with the section between `<!-- name:start ... -->` and `<!-- name:end -->` replaced. */
export function readmeWithSection(readme: string, name: string, body: string): string {
    const start = readme.search(new RegExp(`<!-- ${name}:start[^>]*-->`));
    const end = readme.indexOf(`<!-- ${name}:end -->`);
    if (start < 0 || end < start) throw new Error(`README.md has no <!-- ${name}:start --> ... <!-- ${name}:end --> section`);
    const marker = readme.indexOf("-->", start) + 3;
    return `${readme.slice(0, marker)}\n\n${body}\n\n${readme.slice(end)}`;
}

/** Everything generated, as the files should read. */
export async function generateAll(): Promise<Record<string, string>> {
    const schema = await inferPackageSchema();
    const args = argsJsonSchema(schema, readPropertyTags());
    return {
        [SCHEMA_FILE]: `${JSON.stringify(schema, null, 2)}\n`,
        [ARGS_SCHEMA_FILE]: `${JSON.stringify(args, null, 2)}\n`,
        [README_FILE]: [
            ["reference", `${referenceMarkdown(args)}\n\n${outputsMarkdown(schema)}`],
            ["reliability", reliabilityMarkdown()],
        ].reduce((readme, [name, body]) => readmeWithSection(readme, name, body), readFileSync(README_FILE, "utf8")),
    };
}

if (require.main === module) {
    generateAll().then((files) => {
        for (const [file, text] of Object.entries(files)) writeFileSync(file, text);
        console.log(`wrote ${Object.keys(files).map((f) => f.slice(ROOT.length + 1)).join(", ")}`);
    }, (e) => {
        console.error(e);
        process.exit(1);
    });
}
