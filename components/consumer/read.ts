import * as pulumi from "@pulumi/pulumi";
import { Problems, REDACTED, isPlainObject } from "../validation";

/**
 * The keys of an argument interface, checked by the compiler in both directions: a key the interface lacks does not
 * compile, and neither does a list that misses one of its keys. The readers below refuse any other key at run time,
 * so a typo in YAML or in another language's program is an error instead of being ignored.
 */
export function keysOf<T>() {
    return <const K extends readonly (keyof T & string)[]>(keys: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : never)): readonly string[] => keys;
}

interface StringCheck {
    required?: boolean;
    /** What a valid value looks like. */
    test?: (value: string) => boolean;
    problem?: string;
    fix: string;
}

/**
 * Reads one argument object for a resolver: every value is checked for its type before it is used (values come from
 * YAML, JSON and other languages too), and every problem names the field (`kubernetesAuth.roles.app.ttl`).
 */
export class ArgReader {
    private constructor(readonly p: Problems, readonly path: string, readonly value: Record<string, any>) {}

    /** The reader of an object argument; undefined (and a problem unless optional) when it is absent or not an object. */
    static of(p: Problems, path: string, value: unknown, keys: readonly string[], required = false): ArgReader | undefined {
        if (value === undefined || value === null) {
            if (required) p.add(path, undefined, "is required", "see the argument's documentation");
            return undefined;
        }
        if (!isPlainObject(value)) {
            p.add(path, REDACTED, "must be an object", "pass an object with the documented keys");
            return undefined;
        }
        for (const key of Object.keys(value).filter((k) => !keys.includes(k))) {
            p.add(this.join(path, key), REDACTED, "is not a known argument", `use one of: ${keys.join(", ")}`);
        }
        return new ArgReader(p, path, value);
    }

    static join(path: string, key: string): string {
        return path ? `${path}.${key}` : key;
    }

    field(key: string): string {
        return ArgReader.join(this.path, key);
    }

    has(key: string): boolean {
        return this.value[key] !== undefined && this.value[key] !== null;
    }

    /** A nested object argument. */
    object(key: string, keys: readonly string[], required = false): ArgReader | undefined {
        return ArgReader.of(this.p, this.field(key), this.value[key], keys, required);
    }

    /** A map argument (`Record<string, T>`): its entries, each with its field path. */
    entries(key: string): { name: string; field: string; value: unknown }[] {
        const map = this.value[key];
        if (map === undefined || map === null) return [];
        if (!isPlainObject(map)) {
            this.p.add(this.field(key), REDACTED, "must be a map of names to settings", "e.g. { name: { ... } }");
            return [];
        }
        return Object.entries(map).map(([name, value]) => ({ name, field: `${this.field(key)}.${name}`, value }));
    }

    string(key: string, check: StringCheck): string | undefined {
        const v = this.value[key];
        if (v === undefined || v === null) {
            if (check.required) this.p.add(this.field(key), undefined, "is required", check.fix);
            return undefined;
        }
        if (typeof v !== "string") {
            this.p.add(this.field(key), v, "must be a string", check.fix);
            return undefined;
        }
        if (check.test && !check.test(v)) {
            this.p.add(this.field(key), v, check.problem ?? "is not valid", check.fix);
            return undefined;
        }
        return v;
    }

    /** A string that may also be another resource's output: checked here when it is a string, by the caller once known otherwise. */
    input(key: string, check: StringCheck): pulumi.Input<string> | undefined {
        const v = this.value[key];
        if (pulumi.Output.isInstance(v) || (v !== null && typeof v === "object" && typeof v.then === "function")) return v as pulumi.Input<string>;
        return this.string(key, check);
    }

    boolean(key: string): boolean | undefined {
        const v = this.value[key];
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "boolean") {
            this.p.add(this.field(key), v, "must be true or false", "write true or false, unquoted");
            return undefined;
        }
        return v;
    }

    integer(key: string, min: number, max: number, fix: string): number | undefined {
        const v = this.value[key];
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
            this.p.add(this.field(key), v, `must be a whole number from ${min} to ${max}`, fix);
            return undefined;
        }
        return v;
    }

    strings(key: string, check: StringCheck & { nonEmpty?: boolean }): string[] | undefined {
        const v = this.value[key];
        if (v === undefined || v === null) {
            if (check.required) this.p.add(this.field(key), undefined, "is required", check.fix);
            return undefined;
        }
        if (!Array.isArray(v)) {
            this.p.add(this.field(key), v, "must be a list of strings", check.fix);
            return undefined;
        }
        if (check.nonEmpty && v.length === 0) {
            this.p.add(this.field(key), v, "must not be empty", check.fix);
            return undefined;
        }
        let ok = true;
        v.forEach((item, i) => {
            if (typeof item !== "string") {
                this.p.add(`${this.field(key)}[${i}]`, item, "must be a string", check.fix);
                ok = false;
            } else if (check.test && !check.test(item)) {
                this.p.add(`${this.field(key)}[${i}]`, item, check.problem ?? "is not valid", check.fix);
                ok = false;
            }
        });
        return ok ? (v as string[]) : undefined;
    }

    /** One of an enum's values (`const X = { ... } as const`). */
    oneOf<E extends Record<string, string>>(key: string, values: E): E[keyof E] | undefined {
        const v = this.value[key];
        if (v === undefined || v === null) return undefined;
        const allowed = Object.values(values);
        if (!allowed.includes(v)) {
            this.p.add(this.field(key), v, "is not one of the allowed values", `use ${allowed.map((a) => JSON.stringify(a)).join(" or ")}`);
            return undefined;
        }
        return v as E[keyof E];
    }

    /** A free-form map (chart values): any plain object. */
    map(key: string): Record<string, any> | undefined {
        const v = this.value[key];
        if (v === undefined || v === null) return undefined;
        if (!isPlainObject(v)) {
            this.p.add(this.field(key), REDACTED, "must be an object", "pass a map, e.g. { controller: { replicas: 2 } }");
            return undefined;
        }
        return v;
    }

    /** Refuses keys that only apply to another variant (`because` says which). */
    refuse(keys: readonly string[], because: string, fix: string): void {
        for (const key of keys.filter((k) => this.has(k))) this.p.add(this.field(key), REDACTED, because, fix);
    }
}
