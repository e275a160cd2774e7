import { Problems, durationSeconds, isDuration } from "../validation";
import type { KvMount, KvVersion, OperatorPolicy, TransitEngine, TransitKeyType, TransitSealKey } from "./args";
import type { BuiltInPolicy } from "./policies";
import { kvOperatorRules } from "./policy";

/*
 * Options that write policies of their own: the operator policy for people, and the transit keys this Vault holds for
 * other clusters' seals (each with its policy, token role and token).
 */

/** A transit key held for another cluster's seal, with the names of its policy and token role. */
export interface TransitSealSettings extends Required<TransitSealKey> {
    /** The policy's and the token role's name. */
    name: string;
}

const NAME = /^[A-Za-z0-9_.-]+$/;
/** Transit key types that encrypt (signing keys cannot seal). */
const ENCRYPTING_KEY_TYPES: TransitKeyType[] = ["aes256-gcm96", "chacha20-poly1305", "rsa-2048", "rsa-4096"];
const DEFAULT_SEAL_KEY_TYPE: TransitKeyType = "aes256-gcm96";
const DEFAULT_OPERATOR_POLICY = "kv-operator";

/**
 * The operator policy's rules over the chosen KV mounts (every declared one by default); none when not asked for or
 * when it would cover nothing.
 */
export function operatorPolicy(p: Problems, f: string, args: OperatorPolicy | undefined, kvMounts: (KvMount & { version: KvVersion })[]): BuiltInPolicy[] {
    if (args === undefined) return [];
    const names = [...new Set(args.kvMounts ?? kvMounts.map((m) => m.path))];
    if (!p.check(names.length > 0, `${f}.kvMounts`, names, "covers no KV mount", "declare the mounts in kvMounts (the policy covers them all by default)")) return [];
    const mounts = names.flatMap((n, j) => {
        const m = kvMounts.find((k) => k.path === n);
        p.check(m !== undefined, `${f}.kvMounts[${j}]`, n, "is not a mount in kvMounts", `use one of: ${kvMounts.map((k) => k.path).join(", ") || "(declare kvMounts)"}`);
        return m ? [m] : [];
    });
    return [{ field: `${f}.name`, name: args.name ?? DEFAULT_OPERATOR_POLICY, rules: kvOperatorRules(mounts) }];
}

/**
 * Transit seal keys: each key lives in a transit mount of `transit` (added, and the key added, when not declared
 * there), so the mounts, keys and the admin identity's scope are those of declared transit engines.
 */
export function resolveTransitSeals(p: Problems, prefix: string, keys: TransitSealKey[], transit: (TransitEngine & { path: string })[],
    addMount: (field: string, path: string) => void): TransitSealSettings[] {
    const seen = new Map<string, string>();
    return keys.map((k, i) => {
        const f = `${prefix}transitSealKeys[${i}]`;
        const mount = k.mount ?? "transit";
        const tokenPeriod = k.tokenPeriod ?? "24h";
        let engine = transit.find((t) => t.path === mount);
        if (!engine) {
            addMount(`${f}.mount`, mount);
            engine = { path: mount, keys: {} };
            transit.push(engine);
        }
        p.check(NAME.test(k.keyName), `${f}.keyName`, k.keyName, "is not a valid key name", "use letters, digits, '_', '-' and '.'");
        const declared = engine.keys?.[k.keyName];
        if (declared) {
            p.check(declared.type === undefined || ENCRYPTING_KEY_TYPES.includes(declared.type), `${f}.keyName`, k.keyName,
                `is declared as a ${declared.type} key, which cannot encrypt`, `declare it with a type of ${ENCRYPTING_KEY_TYPES.join(", ")}, or hold the seal in another key`);
        } else {
            engine.keys = { ...engine.keys, [k.keyName]: { type: DEFAULT_SEAL_KEY_TYPE } };
        }
        const id = `${mount}/${k.keyName}`;
        p.check(!seen.has(id), `${f}.keyName`, k.keyName, `is already held for a seal (${seen.get(id)})`, "hold each key once; clusters sharing a key share a token");
        seen.set(id, f);
        if (p.check(isDuration(tokenPeriod), `${f}.tokenPeriod`, tokenPeriod, "is not a Vault duration", "e.g. \"24h\"")) {
            p.check(durationSeconds(tokenPeriod) >= 60, `${f}.tokenPeriod`, tokenPeriod, "is too short for the sealed cluster to renew its token", "use at least \"1m\"; \"24h\" is usual");
        }
        return { mount, keyName: k.keyName, tokenPeriod, name: `transit-seal-${mount.replace(/\//g, "-")}-${k.keyName}` };
    });
}
