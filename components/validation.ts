import * as pulumi from "@pulumi/pulumi";
import { isIP } from "net";

/** One thing wrong with a component's arguments: where, what was given, why it is wrong, how to fix it. */
export interface Problem {
    field: string;
    value: unknown;
    problem: string;
    fix: string;
}

/**
 * Thrown by a component before it registers anything when its arguments are invalid.
 * The message lists every problem found, each with the field, the value, the reason and the fix.
 */
export class InputError extends Error {
    constructor(readonly subject: string, readonly problems: Problem[]) {
        super(
            `Invalid arguments for ${subject}:\n` +
            problems.map((p) => `  - ${p.field} = ${describeValue(p.value)}: ${p.problem}. Fix: ${p.fix}`).join("\n"),
        );
        this.name = "InputError";
    }
}

/** Marks a value that is not printed in an error message (it may be secret, or too large to be useful). */
export const REDACTED = Symbol("redacted");

function describeValue(value: unknown): string {
    if (value === REDACTED) return "<not shown>";
    if (value === undefined) return "(not set)";
    if (pulumi.Output.isInstance(value)) return "<output>";
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Collects problems so that a user sees all of them at once, then throws one {@link InputError}. */
export class Problems {
    private readonly list: Problem[] = [];

    add(field: string, value: unknown, problem: string, fix: string): void {
        this.list.push({ field, value, problem, fix });
    }

    /** Records a problem unless `ok` holds. Returns `ok` so callers can skip dependent checks. */
    check(ok: boolean, field: string, value: unknown, problem: string, fix: string): boolean {
        if (!ok) this.add(field, value, problem, fix);
        return ok;
    }

    get count(): number {
        return this.list.length;
    }

    throwIfAny(subject: string): void {
        if (this.list.length > 0) throw new InputError(subject, [...this.list]);
    }
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A fully qualified or relative DNS name (RFC 1123), lower case, no wildcard, at most 253 characters. */
export function isDnsName(value: unknown): value is string {
    return typeof value === "string" && value.length <= 253 && value.split(".").every((l) => DNS_LABEL.test(l));
}

/** A Kubernetes DNS-1123 label: namespaces, release names, service names. */
export function isDnsLabel(value: unknown, maxLength = 63): value is string {
    return typeof value === "string" && value.length <= maxLength && DNS_LABEL.test(value);
}

const DURATION = /^(\d+|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d))+)$/;

/** A Vault duration: whole seconds ("3600") or a Go-style duration ("20m", "1h30m", "768h", "7d"). */
export function isDuration(value: unknown): value is string {
    return typeof value === "string" && DURATION.test(value);
}

/** An IPv4 or IPv6 CIDR block. */
export function isCidr(value: unknown): value is string {
    if (typeof value !== "string") return false;
    const [address, bits, extra] = value.split("/");
    if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
    const version = isIP(address);
    return (version === 4 && Number(bits) <= 32) || (version === 6 && Number(bits) <= 128);
}

export function isIpAddress(value: unknown): value is string {
    return typeof value === "string" && isIP(value) !== 0;
}

export function isPositiveInteger(value: unknown): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= 1;
}

/** Kubernetes quantity for storage sizes, e.g. "10Gi", "500M". */
export function isQuantity(value: unknown): value is string {
    return typeof value === "string" && /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.test(value);
}

/** A Vault mount path: segments of letters, digits, '_', '.', '-'; no leading or trailing slash, no spaces. */
export function isMountPath(value: unknown): value is string {
    return typeof value === "string" && /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(value);
}

/** A path inside Vault (a policy path or a secret path): no leading slash, spaces or quotes. */
export function isVaultPath(value: unknown): value is string {
    return typeof value === "string" && /^[^\s/"][^\s"]*$/.test(value);
}

/** A PEM certificate given as text (outputs are not checked here). */
export function checkPem(p: Problems, field: string, value: unknown): void {
    if (typeof value === "string") {
        p.check(/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(value), field, value, "is not a PEM certificate",
            "paste the CA certificate including its -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- lines (base64-decode EKS's certificateAuthority.data)");
    }
}

/** Plain-object check used by the deep merge and by key walkers. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) && !pulumi.Output.isInstance(value);
}

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds in a Vault duration ("3600", "20m", "1h30m", "7d"); the Vault provider takes TTLs as numbers. */
export function durationSeconds(value: string): number {
    if (!isDuration(value)) throw new Error(`not a duration: ${value}`);
    if (/^\d+$/.test(value)) return Number(value);
    let total = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)) total += Number(amount) * UNIT_SECONDS[unit];
    return Math.round(total);
}

/**
 * The keys an argument object may have: `true` is any value, an object lists the keys of a nested object,
 * `{ "*": shape }` is a map with free keys, `[shape]` a list.
 */
export type Shape = true | { [key: string]: Shape } | [Shape];

/** Reports every key that the shape does not know, with the keys it expected: typos fail instead of being ignored. */
export function checkShape(p: Problems, value: unknown, shape: Shape, path: string): void {
    if (shape === true || value === undefined || value === null || pulumi.Output.isInstance(value)) return;
    if (Array.isArray(shape)) {
        if (Array.isArray(value)) value.forEach((v, i) => checkShape(p, v, shape[0], `${path}[${i}]`));
        return;
    }
    if (!isPlainObject(value)) return;
    const free = shape["*"];
    for (const [key, v] of Object.entries(value)) {
        const field = path ? `${path}.${key}` : key;
        const inner = free ?? shape[key];
        if (inner === undefined) {
            p.add(field, REDACTED, "is not a known argument", `use one of: ${Object.keys(shape).join(", ")}`);
        } else {
            checkShape(p, v, inner, field);
        }
    }
}
