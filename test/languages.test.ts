import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import { parse as parseYaml } from "yaml";
import { EXAMPLES_DIR } from "./support/examples";
import { SCHEMA_FILE } from "./tools/generate";

/**
 * The examples in other languages use only what the package's schema declares (the SDKs `pulumi package add`
 * generates are made from it): every property of every component and nested type, every enum member.
 */
interface Spec { $ref?: string; items?: Spec; additionalProperties?: Spec; type?: string }
const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as {
    resources: Record<string, { inputProperties: Record<string, Spec>; properties: Record<string, Spec> }>;
    types: Record<string, { properties?: Record<string, Spec>; enum?: { name: string; value: unknown }[] }>;
};
const TOKEN = (name: string) => `vault-cluster:index:${name}`;
const typeOf = (spec: Spec) => spec.$ref?.replace(/^#\/types\//, "");

/** Problems of a YAML value against a property spec, recursively. */
function checkYaml(value: unknown, spec: Spec, at: string): string[] {
    if (typeof value === "string" && /^\$\{.*\}$/.test(value)) return [];
    const ref = typeOf(spec);
    if (ref) {
        const type = schema.types[ref];
        if (!type) return [`${at}: unknown type ${ref}`];
        if (type.enum) return type.enum.some((e) => e.value === value) ? [] : [`${at}: ${JSON.stringify(value)} is not a member of ${ref}`];
        if (typeof value !== "object" || value === null) return [`${at}: expected an object`];
        return Object.entries(value).flatMap(([k, v]) => type.properties?.[k] ? checkYaml(v, type.properties[k], `${at}.${k}`) : [`${at}.${k}: not in ${ref}`]);
    }
    if (spec.type === "array") return Array.isArray(value) ? value.flatMap((v, i) => checkYaml(v, spec.items!, `${at}[${i}]`)) : [`${at}: expected a list`];
    if (spec.type === "object" && spec.additionalProperties) {
        return Object.entries(value as object).flatMap(([k, v]) => checkYaml(v, spec.additionalProperties!, `${at}.${k}`));
    }
    return [];
}

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const upperSnake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

describe("the examples in other languages", () => {
    it("the YAML program uses only properties and enum values of the schema", () => {
        const program = parseYaml(readFileSync(join(EXAMPLES_DIR, "yaml-program", "Pulumi.yaml"), "utf8"));
        assert.equal(program.runtime, "yaml");
        const ours = Object.entries(program.resources as Record<string, { type: string; properties: Record<string, unknown> }>).filter(([, r]) => r.type.startsWith("vault-cluster:"));
        assert.ok(ours.length > 0);
        const problems = ours.flatMap(([name, r]) => {
            const resource = schema.resources[r.type];
            if (!resource) return [`${name}: unknown type ${r.type}`];
            return Object.entries(r.properties).flatMap(([k, v]) => resource.inputProperties[k] ? checkYaml(v, resource.inputProperties[k], `${name}.${k}`) : [`${name}.${k}: not an input`]);
        });
        assert.deepEqual(problems, []);
        for (const output of Object.values(program.outputs as Record<string, string>)) {
            const m = /^\$\{vault\.(\w+)\}$/.exec(output);
            assert.ok(m && schema.resources[TOKEN("VaultCluster")].properties[m[1]], `${output} is an output of VaultCluster`);
        }
    });

    it("the Python program calls only components, argument classes, keywords and enum members of the generated SDK", () => {
        // Python's own parser lists every vault_cluster.X(...) call with its keywords, and every vault_cluster.Enum.MEMBER.
        const dump = execFileSync("python3", ["-c", `
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
calls, members = [], []
for node in ast.walk(tree):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.func.value.id == "vault_cluster":
        calls.append({"callee": node.func.attr, "keywords": [k.arg for k in node.keywords if k.arg]})
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and isinstance(node.value.value, ast.Name) and node.value.value.id == "vault_cluster":
        members.append({"enum": node.value.attr, "member": node.attr})
print(json.dumps({"calls": calls, "members": members}))
`, join(EXAMPLES_DIR, "python-program", "__main__.py")], { encoding: "utf8" });
        const { calls, members } = JSON.parse(dump) as { calls: { callee: string; keywords: string[] }[]; members: { enum: string; member: string }[] };
        assert.ok(calls.length > 5 && members.length > 2);
        const problems: string[] = [];
        for (const c of calls) {
            const resource = schema.resources[TOKEN(c.callee)];
            const type = c.callee.endsWith("Args") ? schema.types[TOKEN(c.callee.slice(0, -4))] : undefined;
            const properties = resource?.inputProperties ?? type?.properties;
            if (!properties) { problems.push(`${c.callee}: neither a component nor an argument class of the SDK`); continue; }
            for (const k of c.keywords.filter((k) => k !== "opts")) if (!properties[camel(k)]) problems.push(`${c.callee}(${k}=...): no property ${camel(k)}`);
        }
        for (const m of members) {
            const type = schema.types[TOKEN(m.enum)];
            if (!type?.enum?.some((e) => upperSnake(e.name) === m.member)) problems.push(`${m.enum}.${m.member}: not an enum member`);
        }
        assert.deepEqual(problems, []);
    });
});
