import * as pulumi from "@pulumi/pulumi";
import { X509Certificate } from "crypto";
import { isIP } from "net";

/** One thing wrong with a component's arguments: where, what was given, why it is wrong, how to fix it. */
export interface Problem {
    field: string;
    value: unknown;
    problem: string;
    fix: string;
}

/**
 * Thrown by a component before it registers anything when its arguments are invalid (or, for a value that was an
 * output of another resource, when that value resolves). The message lists every problem, each with the field, the
 * value (never a secret), the reason and the fix. It is also a Pulumi InputPropertiesError, so that a Python, Go,
 * C# or YAML program shows each problem against its property.
 */
export class InputError extends Error {
    /** Read by Pulumi's provider host (InputPropertiesError) to report each problem against its property. */
    readonly __pulumiInputPropertiesError = true;
    readonly errors: { propertyPath: string; reason: string }[];

    /** The problems, each value as the message shows it (redacted): an error may be logged or serialized whole. */
    readonly problems: Problem[];

    constructor(readonly subject: string, problems: Problem[]) {
        super(`Invalid arguments for ${subject}:\n` + problems.map((p) => `  - ${describeProblem(p)}`).join("\n"));
        this.name = "InputError";
        this.problems = problems.map((p) => ({ ...p, value: describeValue(p.value) }));
        this.errors = problems.map((p) => ({ propertyPath: p.field, reason: describeProblem(p) }));
        // The values as given, for within(): kept off the enumerable properties, so that serializing the error shows none.
        Object.defineProperty(this, "given", { value: problems, enumerable: false });
    }

    /** The same problems, reported for `subject` with each field under `prefix` (e.g. a stack file's key). */
    within(subject: string, prefix: string): InputError {
        const given = (this as unknown as { given: Problem[] }).given;
        return new InputError(subject, given.map((p) => ({ ...p, field: `${prefix}.${p.field}` })));
    }
}

function describeProblem(p: Problem): string {
    return `${p.field} = ${describeValue(p.value)}: ${p.problem}. Fix: ${p.fix}`;
}

/** Marks a value that is not printed in an error message (it may be secret, or too large to be useful). */
export const REDACTED = Symbol("redacted");

/** Text that must never appear in an error or a log, whatever field it was given in. */
const SECRET_SHAPES: [RegExp, string][] = [
    [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, "<private key>"],
    [/-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]*?(-----END PGP PRIVATE KEY BLOCK-----|$)/g, "<private key>"],
    [/\bhv[sbr]\.[A-Za-z0-9_-]{8,}/g, "<token>"],
    [/\bs\.[A-Za-z0-9]{20,}/g, "<token>"],
    [/\bAKIA[0-9A-Z]{16}\b/g, "<access key>"],
    [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g, "<jwt>"],
    [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, "$1<user:password>@"],
];

/** The text with anything shaped like a private key, a token, an access key, a JWT or URL credentials replaced. */
export function redactSecrets(text: string): string {
    return SECRET_SHAPES.reduce((t, [shape, replacement]) => t.replace(shape, replacement), text);
}

function describeValue(value: unknown): string {
    if (value === REDACTED) return "<not shown>";
    if (value === undefined) return "(not set)";
    if (pulumi.Output.isInstance(value)) return "<output>";
    const text = JSON.stringify(value, (_, v) => (typeof v === "symbol" ? "<not shown>" : v));
    const shown = redactSecrets(text === undefined ? String(value) : text);
    return shown.length > 120 ? `${shown.slice(0, 117)}...` : shown;
}

/** Collects problems so that a user sees all of them at once, then throws one {@link InputError}. */
export class Problems {
    private readonly list: Problem[] = [];

    /** Records a problem; one per field (the first), as two checks may see the same wrong value. */
    add(field: string, value: unknown, problem: string, fix: string): void {
        if (this.list.some((p) => p.field === field)) return;
        this.list.push({ field, value, problem, fix });
    }

    /** Records a problem unless `ok` holds. Returns `ok` so callers can skip dependent checks. */
    check(ok: boolean, field: string, value: unknown, problem: string, fix: string): boolean {
        if (!ok) this.add(field, value, problem, fix);
        return ok;
    }

    throwIfAny(subject: string): void {
        if (this.list.length > 0) throw new InputError(subject, [...this.list]);
    }
}

/**
 * Runs a check on a value that may be an output of another resource: now when it is known (into `p`), or when it
 * resolves, failing then with an InputError for `subject` that names the field. Returns the value to use from here
 * on (the checked output in place of an output).
 */
export function checkWhenKnown<T>(p: Problems, subject: string, value: pulumi.Input<T>, check: (p: Problems, value: T) => void): pulumi.Input<T> {
    if (!pulumi.Output.isInstance(value) && !(value instanceof Promise)) {
        check(p, value as T);
        return value;
    }
    return pulumi.output(value).apply((resolved) => {
        const later = new Problems();
        check(later, resolved as T);
        later.throwIfAny(subject);
        return resolved;
    }) as pulumi.Input<T>;
}

/** `f` of the value: plain when the value is known now, an output of it otherwise. */
export function mapKnown<T, U>(value: pulumi.Input<T>, f: (v: T) => U): pulumi.Input<U> {
    return pulumi.Output.isInstance(value) || value instanceof Promise ? pulumi.output(value as pulumi.Input<any>).apply(f) : f(value as T);
}

/** The value when it is known now (a plain value), else undefined. */
export function knownNow<T>(value: pulumi.Input<T> | undefined): T | undefined {
    return pulumi.Output.isInstance(value) || value instanceof Promise ? undefined : (value as T | undefined);
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

/** Kubernetes quantity for storage sizes, e.g. "10Gi", "500M". */
export function isQuantity(value: unknown): value is string {
    return typeof value === "string" && /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.test(value);
}

/**
 * A Vault mount path: segments of letters, digits, '_', '.', '-', no leading or trailing slash, no spaces, and no
 * segment that is only dots (`.`, `..` would climb out of the mount table).
 */
export function isMountPath(value: unknown): value is string {
    return typeof value === "string" && /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(value) && value.split("/").every((s) => !/^\.+$/.test(s));
}

/**
 * A path in a Vault policy: no leading slash, whitespace, quotes, braces, backslashes or `${` (each would end the
 * HCL string early or be read as a template), at most one `*`, only at the end.
 */
export function isPolicyPath(value: unknown): value is string {
    return typeof value === "string" && /^[^\s/"'{}\\$][^\s"'{}\\]*$/.test(value) && !value.includes("${") && !/\*./.test(value);
}

/** PEM certificates given as text: one or more blocks, each a certificate X.509 can parse (not only its armour). */
export function isPemCertificate(value: unknown): value is string {
    if (typeof value !== "string" || !/^\s*(-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\s*)+$/.test(value)) return false;
    return (value.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).every((block) => {
        try {
            new X509Certificate(block);
            return true;
        } catch {
            return false;
        }
    });
}

/** A PEM certificate, checked now when known or when it resolves. The value is never echoed (it may be a key). */
export function checkPem(p: Problems, subject: string, field: string, value: pulumi.Input<string> | undefined): pulumi.Input<string> | undefined {
    if (value === undefined) return undefined;
    return checkWhenKnown(p, subject, value, (q, v) => {
        q.check(isPemCertificate(v), field, REDACTED, "is not a PEM certificate (the value is not shown: it may hold a key)",
            "paste the CA certificate including its -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- lines, nothing else (base64-decode EKS's certificateAuthority.data)");
    });
}

/** A Vault API address: an http(s) URL of a host (https only with `httpsOnly`), without path, query or credentials. */
export function isVaultUrl(value: string, httpsOnly = false): boolean {
    try {
        const u = new URL(value);
        return (u.protocol === "https:" || (!httpsOnly && u.protocol === "http:")) && u.hostname !== "" && (u.pathname === "/" || u.pathname === "")
            && !u.search && !u.username && !u.password;
    } catch {
        return false;
    }
}

/** Plain-object check used by the deep merge and by key walkers. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
    if (typeof value !== "object" || value === null) return false;
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
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

/** Refuses the fields of another variant (e.g. `tableName` with Raft storage): they would be ignored without a word. */
export function refuseOtherVariantFields(p: Problems, value: object | undefined, allowed: string[], field: string, variant: string): void {
    for (const key of Object.keys(value ?? {}).filter((k) => !allowed.includes(k) && (value as Record<string, unknown>)[k] !== undefined)) {
        p.add(`${field}.${key}`, REDACTED, `does not apply to ${variant}`, `remove it (${variant} takes: ${allowed.join(", ")})`);
    }
}

/*
 * AWS names and ARNs. Each refuses wildcards: a `*` in an ARN given here would widen an IAM policy this package writes.
 */
const PARTITION = "arn:aws(?:-[a-z]+)*";

export const AWS_PATTERNS = {
    region: /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/,
    tableName: /^[A-Za-z0-9_.-]{3,255}$/,
    tableArn: new RegExp(`^${PARTITION}:dynamodb:[a-z0-9-]+:\\d{12}:table/[A-Za-z0-9_.-]{3,255}$`),
    kmsKeyArn: new RegExp(`^${PARTITION}:kms:[a-z0-9-]+:\\d{12}:key/(mrk-)?[0-9a-f]{8}-?[0-9a-f-]*$`),
    roleArn: new RegExp(`^${PARTITION}:iam::\\d{12}:role/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}$`),
    policyArn: new RegExp(`^${PARTITION}:iam::(\\d{12}|aws):policy/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,128}$`),
    oidcProviderArn: new RegExp(`^${PARTITION}:iam::\\d{12}:oidc-provider/[a-z0-9.-]+(/[A-Za-z0-9._-]+)*$`),
    roleName: /^[\w+=,.@-]{1,64}$/,
} as const;

/** Checks an AWS name or ARN (now, or when it resolves) against one of {@link AWS_PATTERNS}. */
export function checkAwsName(p: Problems, subject: string, field: string, value: pulumi.Input<string> | undefined,
    kinds: (keyof typeof AWS_PATTERNS)[], what: string, example: string): pulumi.Input<string> | undefined {
    if (value === undefined) return undefined;
    return checkWhenKnown(p, subject, value, (q, v) => {
        if (typeof v === "string" && v.includes("*")) {
            q.add(field, v, "contains a wildcard, which would widen the IAM policy that names it", `name exactly one resource: ${example}`);
        } else {
            q.check(kinds.some((k) => AWS_PATTERNS[k].test(v)), field, v, `is not ${what}`, `use ${example}`);
        }
    });
}

export function isPositiveInteger(value: unknown): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= 1;
}
