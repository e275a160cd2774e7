import type { VaultClusterArgs } from "../../components";
import { resolveClusterSettings } from "../../components/cluster/settings";
import type { Alarms, AuditRotation, Backup, Monitoring } from "../../components/operations";

export interface OperationsArgs {
    monitoring?: Monitoring;
    alarms?: Alarms;
    backup?: Backup;
    auditRotation?: AuditRotation;
}

/** Every operations setting of a cluster named "prod", resolved as the cluster resolves them (one InputError for all). */
export function resolveOperations(cluster: VaultClusterArgs, a: OperationsArgs = {}) {
    const o = resolveClusterSettings("prod", { ...cluster, ...a }).operations;
    return { ctx: o.context, backup: o.backup, monitoring: o.monitoring, alarms: o.alarms, rotation: o.auditRotation };
}
