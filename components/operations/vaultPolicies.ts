import type { PolicyRule } from "../config/args";
import { TOKEN_SELF_RULES } from "../config/policy";

/** The scraper reads metrics and nothing else; its periodic token renews itself (the renewal CronJob). */
export const METRICS_POLICY_RULES: PolicyRule[] = [{ path: "sys/metrics", capabilities: ["read"] }, ...TOKEN_SELF_RULES];

/** The snapshot job saves snapshots and nothing else: no restore (`update`), no secrets. */
export const SNAPSHOT_POLICY_RULES: PolicyRule[] = [{ path: "sys/storage/raft/snapshot", capabilities: ["read"] }];
