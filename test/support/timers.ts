/** Delayed callbacks of a stand-in, all cancelled when it stops (no timer outlives a test). */
export class Timers {
    private readonly pending = new Set<NodeJS.Timeout>();

    later(ms: number, fn: () => void): void {
        const timer = setTimeout(() => {
            this.pending.delete(timer);
            fn();
        }, ms);
        this.pending.add(timer);
    }

    clear(): void {
        this.pending.forEach(clearTimeout);
        this.pending.clear();
    }
}
