import type { PolicyRule } from "../config/args";

/** The scraper reads metrics and nothing else. */
export const METRICS_POLICY_RULES: PolicyRule[] = [{ path: "sys/metrics", capabilities: ["read"] }];

/** The snapshot job saves snapshots and nothing else: no restore (`update`), no secrets. */
export const SNAPSHOT_POLICY_RULES: PolicyRule[] = [{ path: "sys/storage/raft/snapshot", capabilities: ["read"] }];
