import { describeError } from "../bootstrap/vaultApi";

/** One look at a condition being waited for: done, or what it still sees (for the timeout's message). */
export type Check = { done: true } | { done: false; detail: string };
export const DONE: Check = { done: true };
export const waiting = (detail: string): Check => ({ done: false, detail });

export interface PollTiming {
    /** Longest wait. */
    timeoutMs: number;
    /** Delay between two looks. */
    intervalMs: number;
}

export function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

/**
 * Looks at `check` until it is done; an error counts as "not yet". Fails after the timeout with what it saw last,
 * e.g. "vault-2 to come back Running did not happen within 600 s (last seen: phase Pending)".
 */
export async function until(what: string, check: () => Promise<Check>, t: PollTiming): Promise<void> {
    const deadline = Date.now() + t.timeoutMs;
    let last = "no answer";
    for (;;) {
        try {
            const c = await check();
            if (c.done) return;
            last = c.detail;
        } catch (e) {
            last = describeError(e);
        }
        if (Date.now() >= deadline) throw new Error(`${what} did not happen within ${Math.round(t.timeoutMs / 1000)} s (last seen: ${last})`);
        await sleep(t.intervalMs);
    }
}
