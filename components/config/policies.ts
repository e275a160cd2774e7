import { ADMIN_POLICY_NAME, VAULT_POLICIES } from "../reserved";
import { Problems, REDACTED, isPolicyPath } from "../validation";
import type { PolicyRule } from "./args";
import { CAPABILITIES, renderPolicy } from "./policy";
import { HclError, parsePolicyHcl } from "./policyHcl";

export interface PolicySettings {
    name: string;
    /** The HCL written to Vault. */
    hcl: string;
    /** The structured rules, when the policy was given as rules. */
    rules?: PolicyRule[];
}

/** A policy an option writes, named by that option's field in errors. */
export interface BuiltInPolicy {
    field: string;
    name: string;
    rules: PolicyRule[];
}

const NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Validates the policies given as rules and as HCL text: names are compared case-insensitively (as Vault stores
 * them), Vault's own and the admin identity's policy are reserved in any case, rule paths cannot break out of their
 * HCL string, and HCL text must parse as a policy.
 */
export function resolvePolicies(p: Problems, prefix: string, rules: Record<string, PolicyRule[]>, hcl: Record<string, string>,
    builtIn: BuiltInPolicy[] = []): PolicySettings[] {
    const byName = new Map<string, string>();
    const reserved = [...VAULT_POLICIES, ADMIN_POLICY_NAME];
    const checkName = (field: string, name: string) => {
        const folded = name.toLowerCase();
        p.check(NAME.test(name), field, name, "is not a policy name", "use letters, digits, '_', '-' and '.'");
        p.check(!reserved.includes(folded), field, name,
            `is reserved (Vault folds policy names to lower case, so it would replace "${folded}"${folded === ADMIN_POLICY_NAME ? ", the policy of Pulumi's admin identity" : folded === "default" ? ", which every token carries" : ""})`,
            "choose another policy name");
        const other = byName.get(folded);
        p.check(other === undefined, field, name, `names the same Vault policy as ${other} (Vault folds policy names to lower case)`, "give each policy a name that differs in more than case");
        byName.set(folded, field);
    };
    const fromRules = Object.entries(rules).map(([name, list]) => {
        const field = `${prefix}policies.${name}`;
        checkName(field, name);
        return resolveRules(p, field, name, list);
    });
    const fromHcl = Object.entries(hcl).map(([name, text]) => {
        const field = `${prefix}hclPolicies.${name}`;
        checkName(field, name);
        try {
            const blocks = parsePolicyHcl(text);
            p.check(blocks.length > 0, field, REDACTED, "has no path block", "write at least one path \"my-kv/data/*\" { capabilities = [\"read\"] }");
            for (const b of blocks) {
                const at = `${field} path "${b.path}"`;
                checkPath(p, at, b.path);
                // The legacy `policy = "read"` form needs no capabilities.
                if (b.attributes.policy === undefined) checkCapabilities(p, at, b.attributes.capabilities);
            }
        } catch (e) {
            if (!(e instanceof HclError)) throw e;
            p.add(field, REDACTED, `is not a Vault policy Vault can read: ${e.message}`, "fix the HCL (see https://developer.hashicorp.com/vault/docs/concepts/policies), or give the policy as rules in policies");
        }
        return { name, hcl: text };
    });
    // Policies this package writes for an option (the operator policy, transit seals): the same naming rules.
    const fromOptions = builtIn.map((b) => {
        checkName(b.field, b.name);
        return { name: b.name, hcl: renderPolicy(b.rules), rules: b.rules };
    });
    return [...fromRules, ...fromHcl, ...fromOptions];
}

function resolveRules(p: Problems, field: string, name: string, rules: PolicyRule[]): PolicySettings {
    p.check(rules.length > 0, field, rules, "must list at least one rule", "e.g. [{ path: \"my-kv/data/app\", capabilities: [\"read\"] }]");
    const paths = new Set<string>();
    rules.forEach((rule, i) => {
        const rf = `${field}[${i}]`;
        checkPath(p, rf, rule.path);
        checkCapabilities(p, rf, rule.capabilities);
        p.check(!paths.has(rule.path), `${rf}.path`, rule.path, "appears twice in this policy", "merge the capabilities into one rule");
        paths.add(rule.path);
    });
    return { name, hcl: renderPolicy(rules), rules };
}

function checkPath(p: Problems, field: string, path: string): void {
    p.check(isPolicyPath(path), `${field}.path`, path, "is not a Vault policy path",
        "no leading slash, whitespace, quotes, braces, backslashes or \"${\"; a '*' only at the end, e.g. \"my-kv/data/app/*\"");
}

function checkCapabilities(p: Problems, field: string, capabilities: unknown): void {
    if (capabilities === undefined) {
        p.add(`${field}.capabilities`, undefined, "is required", `list some of: ${CAPABILITIES.join(", ")}`);
        return;
    }
    if (!Array.isArray(capabilities) || capabilities.length === 0) {
        p.add(`${field}.capabilities`, capabilities, "must list at least one capability", `use some of: ${CAPABILITIES.join(", ")}`);
        return;
    }
    for (const c of capabilities) {
        p.check((CAPABILITIES as readonly unknown[]).includes(c), `${field}.capabilities`, c, "is not a Vault capability", `use one of: ${CAPABILITIES.join(", ")}`);
    }
}
