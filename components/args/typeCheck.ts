import * as pulumi from "@pulumi/pulumi";
import { Problems, REDACTED, isPlainObject } from "../validation";
// Imported (not required) so that the build ships it beside this module.
import argsSchemaJson = require("./argsSchema.json");

/** A JSON Schema object (argsSchema.json is generated from the Args interfaces: test/tools/generate.ts). */
export type JsonSchema = Record<string, unknown>;

/** The components whose arguments argsSchema.json describes. */
export type ComponentName = "VaultCluster" | "VaultConfig" | "VaultAppAccess" | "VaultConsumerCluster";

interface AjvError {
    instancePath: string;
    keyword: string;
    params: Record<string, any>;
}
type Validate = ((value: unknown) => boolean) & { errors?: AjvError[] | null };

const SCHEMA_ID = "args";
let ajv: { compile(schema: JsonSchema): Validate } | undefined;
const validators = new Map<string, Validate>();

function argsSchema(): JsonSchema {
    return argsSchemaJson as JsonSchema;
}

/** A validator for the schema at `pointer`; ajv and the generated schema load on first use, compiled once. */
function validatorFor(pointer: string): Validate {
    if (!ajv) {
        const Ajv = require("ajv").default;
        const instance = new Ajv({ allErrors: true, strict: true });
        instance.addVocabulary(["x-input", "x-secret", "x-default"]);
        instance.addSchema(argsSchema());
        ajv = instance;
    }
    let validate = validators.get(pointer);
    if (!validate) {
        validate = ajv!.compile({ $ref: `${SCHEMA_ID}#${pointer}` });
        validators.set(pointer, validate);
    }
    return validate;
}

function at(pointer: string): JsonSchema {
    let node: any = argsSchema();
    for (const part of pointer.split("/").slice(1)) node = node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    if (node === undefined) throw new Error(`argsSchema.json has nothing at ${pointer}`);
    return node;
}

/** Follows `$ref`s to the pointer of the schema that describes a value. */
function deref(pointer: string): string {
    const schema = at(pointer);
    return typeof schema.$ref === "string" ? deref(schema.$ref.slice(1)) : pointer;
}

function escape(key: string): string {
    return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The pointer of the schema of a child (property, list item, map value) of the value at `pointer`. */
function childPointer(pointer: string, key: string | number): string | undefined {
    const resolved = deref(pointer);
    const schema = at(resolved);
    if (schema.type === "array" && typeof key === "number") return `${resolved}/items`;
    if (schema.type !== "object") return undefined;
    const properties = schema.properties as Record<string, JsonSchema> | undefined;
    if (properties) return properties[key] ? `${resolved}/properties/${escape(String(key))}` : undefined;
    return schema.additionalProperties ? `${resolved}/additionalProperties` : undefined;
}

/** Whether a value is only known later: an output (or a promise) of another resource. */
function isEventual(value: unknown): value is pulumi.Output<unknown> | Promise<unknown> {
    return pulumi.Output.isInstance(value) || value instanceof Promise;
}

const OMITTED = Symbol("omitted");

interface Separated {
    /** What ajv checks now: the value without its outputs (OMITTED when the value itself is one). */
    plain: unknown;
    /** The value with each output replaced by the same output checked when it resolves. */
    checked: unknown;
}

interface Walk {
    p: Problems;
    subject: string;
    /** Fields whose value is an output: ajv must not call them missing. */
    eventual: Set<string>;
}

function separate(w: Walk, value: unknown, pointer: string | undefined, field: string): Separated {
    if (isEventual(value)) {
        if (pointer === undefined) return { plain: OMITTED, checked: value };
        w.eventual.add(field);
        if (at(pointer)["x-input"] !== true) {
            w.p.add(field, REDACTED, "must be a plain value known when the program runs, not an output of another resource",
                "pass the value itself; only fields documented as Input accept outputs");
            return { plain: OMITTED, checked: value };
        }
        return { plain: OMITTED, checked: checkedWhenKnown(w.subject, value, pointer, field) };
    }
    if (pointer !== undefined && Array.isArray(value)) {
        const parts = value.map((item, i) => separate(w, item, childPointer(pointer, i), `${field}[${i}]`));
        return { plain: parts.map((s) => (s.plain === OMITTED ? null : s.plain)), checked: parts.map((s) => s.checked) };
    }
    if (pointer !== undefined && isPlainObject(value)) {
        const plain: Record<string, unknown> = {};
        const checked: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value)) {
            if (item === undefined) continue;
            const s = separate(w, item, childPointer(pointer, key), field ? `${field}.${key}` : key);
            if (s.plain !== OMITTED) plain[key] = s.plain;
            checked[key] = s.checked;
        }
        return { plain, checked };
    }
    return { plain: value, checked: value };
}

/** The output, failing with an InputError naming the field when its value resolves to something of the wrong type. */
function checkedWhenKnown(subject: string, value: pulumi.Output<unknown> | Promise<unknown>, pointer: string, field: string): pulumi.Output<unknown> {
    const output: pulumi.Output<any> = pulumi.output(value as pulumi.Input<any>);
    return output.apply(async (resolved: unknown) => {
        const q = new Problems();
        const secret = pulumi.Output.isInstance(value) && (await (value as unknown as { isSecret: Promise<boolean> }).isSecret);
        report(q, pointer, resolved, field, secret);
        q.throwIfAny(subject);
        return resolved;
    });
}

/**
 * Checks a component's arguments against the types of its Args interface: type, shape, enum membership, integers and
 * bounds, unknown keys at any depth. Plain values are checked now, into `p` (the caller throws before checking their
 * meaning, which assumes well-typed arguments); an output is checked when it resolves (the returned arguments carry
 * that checked output in its place), with the same messages. Returns the arguments to use from here on.
 */
export function checkArgTypes<T>(p: Problems, component: ComponentName, args: T, subject: string): T {
    const root = `/definitions/${component}Args`;
    if (!isPlainObject(args)) {
        p.add("(arguments)", REDACTED, `must be an object of ${component} arguments`, `pass the ${component} arguments as an object, e.g. {}`);
        return {} as T;
    }
    const w: Walk = { p, subject, eventual: new Set() };
    const { plain, checked } = separate(w, args, root, "");
    report(p, root, plain, "", false, w.eventual);
    return checked as T;
}

/**
 * Validates a component's arguments before anything is registered, in two phases: their types here, then their
 * meaning (`resolve`, which may assume well-typed arguments). Each phase throws one InputError with all its
 * problems; returns the settings `resolve` settles.
 */
export function validateArgs<A, S>(component: ComponentName, name: string, args: A, resolve: (p: Problems, checked: A, subject: string) => S): S {
    const p = new Problems();
    const subject = `${component} "${name}"`;
    const checked = checkArgTypes(p, component, args, subject);
    p.throwIfAny(subject);
    const settings = resolve(p, checked, subject);
    p.throwIfAny(subject);
    return settings;
}

function segments(instancePath: string): string[] {
    return instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Turns ajv's errors into problems naming the field, the value (never a secret) and the fix; returns the errors. */
function report(p: Problems, root: string, value: unknown, field: string, secretValue: boolean, eventual = new Set<string>()): AjvError[] {
    const validate = validatorFor(root);
    if (validate(value)) return [];
    const errors = [...(validate.errors ?? [])];
    // One problem per field: a quoted "2" for an enum of numbers is both the wrong type and not a member.
    const reported = new Set<string>();
    for (const e of errors) {
        const path = segments(e.instancePath);
        const key = e.keyword === "required" || e.keyword === "additionalProperties" ? `${e.instancePath}#${e.params.missingProperty ?? e.params.additionalProperty}` : e.instancePath;
        if (reported.has(key)) continue;
        reported.add(key);
        const pointers = pointersAlong(root, path);
        const target = joinField(field, path);
        const actual = path.reduce<any>((v, k) => (v === undefined || v === null ? undefined : v[k]), value);
        const secret = secretValue || pointers.some((ptr) => ptr !== undefined && at(ptr)["x-secret"] === true);
        const shown = secret ? REDACTED : actual;
        if (eventual.has(target)) continue;
        switch (e.keyword) {
            case "required": {
                const missing = joinField(target, [e.params.missingProperty]);
                const owner = pointers[pointers.length - 1];
                const property = owner === undefined ? undefined : (at(deref(owner)).properties as Record<string, JsonSchema> | undefined)?.[e.params.missingProperty];
                if (!eventual.has(missing)) p.add(missing, undefined, `is required${property ? `: ${firstSentence(String(property.description))}` : ""}`, `set ${e.params.missingProperty}`);
                break;
            }
            case "additionalProperties": {
                const key = String(e.params.additionalProperty);
                const owner = pointers[pointers.length - 1];
                const known = owner === undefined ? [] : Object.keys((at(deref(owner)).properties ?? {}) as object);
                const near = closest(key, known);
                p.add(joinField(target, [key]), REDACTED, "is not a known argument",
                    `${near ? `did you mean "${near}"? ` : ""}use one of: ${known.join(", ")}`);
                break;
            }
            case "type":
                p.add(target, shown, `must be ${describeType(e.params.type)}, not ${kindOf(actual)}`, typeFix(e.params.type, actual));
                break;
            case "enum": {
                const allowed = (e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ");
                p.add(target, shown, `is not one of ${allowed}`, `use one of ${allowed}`);
                break;
            }
            case "minimum": case "maximum": {
                const least = e.keyword === "minimum";
                p.add(target, shown, `must be ${least ? "at least" : "at most"} ${e.params.limit}`, `use a value ${least ? "≥" : "≤"} ${e.params.limit}`);
                break;
            }
            case "minItems": {
                const own = pointers[pointers.length - 1];
                const description = own === undefined ? undefined : at(own).description;
                p.add(target, shown, `must list at least ${e.params.limit} item${e.params.limit === 1 ? "" : "s"}${description ? ` (${firstSentence(String(description))})` : ""}`,
                    "add the missing items");
                break;
            }
                break;
            default:
                p.add(target, shown, `is not valid (${e.keyword})`, "see the README configuration reference");
        }
    }
    return errors;
}

/** The schema pointers along an instance path from `root` (undefined past a point the schema does not describe). */
function pointersAlong(root: string, path: string[]): (string | undefined)[] {
    const out: (string | undefined)[] = [root];
    let pointer: string | undefined = root;
    for (const key of path) {
        pointer = pointer === undefined ? undefined : childPointer(pointer, /^\d+$/.test(key) && at(deref(pointer)).type === "array" ? Number(key) : key);
        out.push(pointer);
    }
    return out;
}

/** The first sentence of a property's description, folded onto one line. */
function firstSentence(text: string): string {
    const folded = text.replace(/\s*\n\s*/g, " ");
    const end = folded.search(/\.(\s|$)/);
    return end < 0 ? folded : folded.slice(0, end);
}

function joinField(field: string, path: string[]): string {
    return path.reduce((f, k) => (/^\d+$/.test(k) ? `${f}[${k}]` : f ? `${f}.${k}` : k), field);
}

function kindOf(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "number" && !Number.isInteger(value)) return "a fractional number";
    return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function describeType(type: string): string {
    const names: Record<string, string> = {
        integer: "a whole number", number: "a number", boolean: "true or false", string: "a string", array: "a list", object: "an object",
    };
    return names[type] ?? type;
}

function typeFix(expected: string, actual: unknown): string {
    if (expected === "boolean" && (actual === "true" || actual === "false")) return `write ${actual} without quotes (a quoted "${actual}" is a string, not a boolean)`;
    if ((expected === "integer" || expected === "number") && typeof actual === "string" && actual.trim() !== "" && !Number.isNaN(Number(actual))) {
        return `write ${actual.trim()} without quotes`;
    }
    if (expected === "array") return "write a list, e.g. [\"a\", \"b\"] (YAML: one \"- item\" per line)";
    if (expected === "object") return "write an object of keys and values";
    return `give ${describeType(expected)}`;
}

/** The known key nearest to a misspelled one (edit distance at most 2), for "did you mean". */
function closest(key: string, known: string[]): string | undefined {
    const distance = (a: string, b: string): number => {
        const row = Array.from({ length: b.length + 1 }, (_, i) => i);
        for (let i = 1; i <= a.length; i++) {
            let diagonal = row[0];
            row[0] = i;
            for (let j = 1; j <= b.length; j++) {
                const above = row[j];
                row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length];
    };
    const ranked = known.map((k) => [k, distance(key, k)] as const).sort((a, b) => a[1] - b[1]);
    return ranked.length > 0 && ranked[0][1] <= 2 ? ranked[0][0] : undefined;
}
