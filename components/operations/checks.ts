import { Problems, isPositiveInteger, isQuantity } from "../validation";

/** Images the jobs and the sidecar run by default, pinned by version (override per feature). */
export const IMAGES = {
    /** sh, curl (with --aws-sigv4), gzip, sha256sum, sed: busybox on Alpine. */
    curl: "curlimages/curl:8.11.1",
    /** sh, gzip, stat, kill. */
    busybox: "busybox:1.37.0",
} as const;

const PROM_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const PROM_UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** A Prometheus duration ("30s", "1h30m"). */
export function isPromDuration(value: unknown): value is string {
    return typeof value === "string" && PROM_DURATION.test(value);
}

export function promDurationSeconds(value: string): number {
    let total = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(amount) * PROM_UNIT_SECONDS[unit];
    return total;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Bytes in a Kubernetes quantity ("100Mi", "10Gi", "500M", "1024"). */
export function quantityBytes(value: string): number {
    const m = /^(\d+(?:\.\d+)?)([KMGTPE]i|[kMGTPE])?$/.exec(value);
    if (!m) throw new Error(`not a quantity: ${value}`);
    return Math.floor(Number(m[1]) * (m[2] ? BINARY[m[2]] ?? DECIMAL[m[2]] : 1));
}

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

/** A five-field cron schedule as Kubernetes CronJobs take it (numbers, ranges, lists, steps), or a macro. */
export function isCronSchedule(value: unknown): value is string {
    if (typeof value !== "string") return false;
    if (/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(value)) return true;
    const fields = value.trim().split(/\s+/);
    return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
}

/** Checks an image reference is pinned: a version tag other than `latest`, or a digest. */
export function checkPinnedImage(p: Problems, field: string, image: string): void {
    const m = /^([a-z0-9]+([._/-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*)(:([\w][\w.-]{0,127}))?(@sha256:[0-9a-f]{64})?$/.exec(image);
    const tag = m?.[7];
    p.check(m !== null && (m[8] !== undefined || (tag !== undefined && tag !== "latest")), field, image, "is not an image pinned by version",
        `name a version tag or digest, e.g. "${IMAGES.curl}"`);
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** Kubernetes label keys and values (also Prometheus label values for alert labels). */
export function checkLabels(p: Problems, field: string, labels: Record<string, string>): void {
    for (const [key, value] of Object.entries(labels)) {
        p.check(LABEL_KEY.test(key) && typeof value === "string" && LABEL_VALUE.test(value), `${field}.${key}`, value, "is not a valid Kubernetes label",
            "use a key of letters, digits, '-', '_', '.' (optionally prefixed by a DNS name and '/') and a value of at most 63 such characters");
    }
}

/** A positive whole number, or a problem naming the field. */
export function checkCount(p: Problems, field: string, value: number, example: number): void {
    p.check(isPositiveInteger(value), field, value, "must be a whole number of at least 1", `e.g. ${example}`);
}

export function checkQuantity(p: Problems, field: string, value: string): boolean {
    return p.check(isQuantity(value), field, value, "is not a Kubernetes quantity", "use a size such as \"10Gi\"");
}

const MACRO_GAPS: Record<string, number> = { "@hourly": 3600, "@daily": 86400, "@midnight": 86400, "@weekly": 7 * 86400, "@monthly": 31 * 86400, "@yearly": 366 * 86400, "@annually": 366 * 86400 };

function fieldMatches(field: string, value: number, min: number): boolean {
    return field.split(",").some((part) => {
        const [range, stepText] = part.split("/");
        const step = Number(stepText ?? 1);
        let [lo, hi] = [min, Infinity];
        if (range.includes("-")) [lo, hi] = range.split("-").map(Number);
        else if (range !== "*") [lo, hi] = [Number(range), stepText === undefined ? Number(range) : Infinity];
        return value >= lo && value <= hi && (value - lo) % step === 0;
    });
}

/**
 * The longest time between two runs of a valid cron schedule (UTC), found by walking 62 days minute by minute: what an
 * alert on "no success for a while" must allow. Gaps longer than the walk count as 31 days.
 */
export function cronMaxGapSeconds(schedule: string): number {
    if (schedule.startsWith("@")) return MACRO_GAPS[schedule];
    const [minute, hour, dom, month, dow] = schedule.trim().split(/\s+/);
    // Cron ORs day-of-month and day-of-week when both are restricted.
    const dayMatches = (d: Date) => {
        const byDom = fieldMatches(dom, d.getUTCDate(), 1);
        const byDow = fieldMatches(dow, d.getUTCDay(), 0) || (d.getUTCDay() === 0 && fieldMatches(dow, 7, 0));
        return dom !== "*" && dow !== "*" ? byDom || byDow : byDom && byDow;
    };
    const start = Date.UTC(2026, 0, 1);
    let previous: number | undefined;
    let longest = 0;
    for (let t = start; t < start + 62 * 86400_000; t += 60_000) {
        const d = new Date(t);
        if (fieldMatches(minute, d.getUTCMinutes(), 0) && fieldMatches(hour, d.getUTCHours(), 0) && fieldMatches(month, d.getUTCMonth() + 1, 1) && dayMatches(d)) {
            if (previous !== undefined) longest = Math.max(longest, (t - previous) / 1000);
            previous = t;
        }
    }
    return longest === 0 ? 31 * 86400 : longest;
}
