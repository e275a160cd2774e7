import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020";
import { parse as parseYaml } from "yaml";

/**
 * Checks rendered Helm values against a real chart (test/fixtures/<chart>-<version>/): its JSON schema when it has
 * one (types), and its keys. Chart schemas rarely say `additionalProperties: false`, so a misspelled key would pass
 * them; the key check catches those.
 */
const FIXTURES = path.join(__dirname, "..", "fixtures");

interface ChartKeys {
    known: Set<string>;
    /** Maps and values the templates pass through as they are (annotations, nodeSelector, env maps...). */
    freeForm: Set<string>;
}

export class ChartFixture {
    private validator?: (values: unknown) => string[];
    private keys?: ChartKeys;

    /**
     * `listItemKeys`: keys the chart's templates read from the items of the lists values render (other lists hold
     * Kubernetes objects that the templates pass through as they are).
     */
    constructor(readonly dir: string, private readonly listItemKeys: Record<string, string[]> = {}) {}

    private file(name: string): string {
        return path.join(FIXTURES, this.dir, name);
    }

    /** Schema errors of the values, as "path message" lines; empty when valid or when the chart has no schema. */
    schemaErrors(values: unknown): string[] {
        if (!this.validator) {
            if (!fs.existsSync(this.file("values.schema.json"))) {
                this.validator = () => [];
            } else {
                const schema = JSON.parse(fs.readFileSync(this.file("values.schema.json"), "utf8"));
                let ajv: Ajv;
                if (String(schema.$schema).includes("2020-12")) {
                    ajv = new Ajv2020({ strict: false, allErrors: true });
                } else {
                    ajv = new Ajv({ strict: false, allErrors: true });
                    // Charts declare the https form of the draft-07 id; Ajv knows draft-07 under http.
                    const draft7 = require("ajv/dist/refs/json-schema-draft-07.json");
                    ajv.addMetaSchema({ ...draft7, $id: "https://json-schema.org/draft-07/schema" });
                }
                const validate = ajv.compile(schema);
                this.validator = (v) => (validate(v) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`));
            }
        }
        return this.validator(values);
    }

    private chartKeys(): ChartKeys {
        if (this.keys) return this.keys;
        const known = new Set<string>();
        const freeForm = new Set<string>();
        const text = fs.readFileSync(this.file("values.yaml"), "utf8");
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
        for (const p of fs.readFileSync(this.file("template-value-paths.txt"), "utf8").split("\n").map((l) => l.trim()).filter(Boolean)) {
            known.add(p);
        }
        this.keys = { known, freeForm };
        return this.keys;
    }

    /** Dotted paths of rendered values that the chart neither declares nor reads (list items checked where known). */
    unknownKeys(values: Record<string, unknown>): string[] {
        const { known, freeForm } = this.chartKeys();
        const unknown: string[] = [];
        const walk = (value: Record<string, unknown>, prefix: string) => {
            for (const [k, v] of Object.entries(value)) {
                const p = prefix ? `${prefix}.${k}` : k;
                if (!known.has(p)) {
                    unknown.push(p);
                    continue;
                }
                const itemKeys = this.listItemKeys[p];
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
}

/**
 * The hashicorp/vault chart. List item keys from its templates: the `range` over server.extraVolumes in
 * _helpers.tpl, and server-ingress.yaml for hosts and tls.
 */
export const VAULT_CHART = new ChartFixture("vault-helm-0.34.1", {
    "server.extraVolumes": ["type", "name", "path", "defaultMode"],
    "server.ingress.hosts": ["host", "paths"],
    "server.ingress.tls": ["hosts", "secretName"],
});

/** Schema errors of values for the hashicorp/vault chart. */
export const chartSchemaErrors = (values: unknown): string[] => VAULT_CHART.schemaErrors(values);

/** Keys of values for the hashicorp/vault chart that it neither declares nor reads. */
export const unknownChartKeys = (values: Record<string, unknown>): string[] => VAULT_CHART.unknownKeys(values);
