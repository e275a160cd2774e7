import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { parse as parseYaml } from "yaml";

/**
 * Checks rendered Helm values against the real chart: its JSON schema (types) and its keys. The schema has no
 * `additionalProperties: false`, so a misspelled key would pass it; the key check catches those.
 */
const CHART_DIR = path.join(__dirname, "..", "fixtures", "vault-helm-0.34.1");

let validator: ((values: unknown) => string[]) | undefined;

/** Schema errors of the values, as "path message" lines; empty when valid. */
export function chartSchemaErrors(values: unknown): string[] {
    if (!validator) {
        const schema = JSON.parse(fs.readFileSync(path.join(CHART_DIR, "values.schema.json"), "utf8"));
        const ajv = new Ajv({ strict: false, allErrors: true });
        // The chart declares the https form of the draft-07 id; Ajv knows draft-07 under http.
        const draft7 = require("ajv/dist/refs/json-schema-draft-07.json");
        ajv.addMetaSchema({ ...draft7, $id: "https://json-schema.org/draft-07/schema" });
        const validate = ajv.compile(schema);
        validator = (values) => (validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`));
    }
    return validator(values);
}

interface ChartKeys {
    known: Set<string>;
    /** Maps and values the templates pass through as they are (annotations, nodeSelector, env maps...). */
    freeForm: Set<string>;
}

let keys: ChartKeys | undefined;

function chartKeys(): ChartKeys {
    if (keys) return keys;
    const known = new Set<string>();
    const freeForm = new Set<string>();
    const text = fs.readFileSync(path.join(CHART_DIR, "values.yaml"), "utf8");
    const walk = (value: unknown, prefix: string) => {
        if (value === null || (typeof value === "object" && !Array.isArray(value) && Object.keys(value as object).length === 0)) {
            freeForm.add(prefix);
            return;
        }
        if (typeof value !== "object" || Array.isArray(value)) return;
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            const p = prefix ? `${prefix}.${k}` : k;
            known.add(p);
            walk(v, p);
        }
    };
    walk(parseYaml(text), "");

    // Keys that values.yaml only shows commented out (e.g. ui.loadBalancerSourceRanges) are valid too: place
    // each under the uncommented key it is indented beneath.
    const stack: { indent: number; key: string }[] = [];
    for (const line of text.split("\n")) {
        const real = /^(\s*)([A-Za-z_][\w-]*):(\s|$)/.exec(line);
        const commented = /^(\s*)#\s?([A-Za-z_][\w-]*):(\s|$)/.exec(line);
        const m = real ?? commented;
        if (!m) continue;
        const indent = m[1].length;
        while (stack.length > 0 && stack[stack.length - 1].indent >= indent) stack.pop();
        const p = [...stack.map((s) => s.key), m[2]].join(".");
        if (commented) known.add(p);
        if (real) stack.push({ indent, key: m[2] });
    }
    for (const p of fs.readFileSync(path.join(CHART_DIR, "template-value-paths.txt"), "utf8").split("\n").map((l) => l.trim()).filter(Boolean)) {
        known.add(p);
    }
    keys = { known, freeForm };
    return keys;
}

/**
 * Keys the chart's templates read from the items of the lists this package renders (from the templates: the
 * `range` over server.extraVolumes in _helpers.tpl, and server-ingress.yaml for hosts and tls). Other lists hold
 * Kubernetes objects (tolerations, volumes) that the templates pass through as they are.
 */
const LIST_ITEM_KEYS: Record<string, string[]> = {
    "server.extraVolumes": ["type", "name", "path", "defaultMode"],
    "server.ingress.hosts": ["host", "paths"],
    "server.ingress.tls": ["hosts", "secretName"],
};

/** Dotted paths of rendered values that the chart neither declares nor reads (list items checked where known). */
export function unknownChartKeys(values: Record<string, unknown>): string[] {
    const { known, freeForm } = chartKeys();
    const unknown: string[] = [];
    const walk = (value: Record<string, unknown>, prefix: string) => {
        for (const [k, v] of Object.entries(value)) {
            const p = prefix ? `${prefix}.${k}` : k;
            if (!known.has(p)) {
                unknown.push(p);
                continue;
            }
            const itemKeys = LIST_ITEM_KEYS[p];
            if (itemKeys && Array.isArray(v)) {
                v.forEach((item, i) => Object.keys(item ?? {}).filter((key) => !itemKeys.includes(key)).forEach((key) => unknown.push(`${p}[${i}].${key}`)));
            }
            if (freeForm.has(p)) continue;
            if (typeof v === "object" && v !== null && !Array.isArray(v)) walk(v as Record<string, unknown>, p);
        }
    };
    walk(values, "");
    return unknown;
}
