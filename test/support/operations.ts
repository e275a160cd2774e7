import type { VaultClusterArgs } from "../../components";
import { resolveClusterSettings } from "../../components/cluster/settings";
import {
    operationsContext, resolveAlarmSettings, resolveAuditRotationSettings, resolveBackupSettings, resolveMonitoringSettings, watchedSnapshots,
} from "../../components/operations";
import type { AlarmsArgs, AuditRotationArgs, BackupArgs, MonitoringArgs } from "../../components/operations";
import { Problems } from "../../components/validation";

export interface OperationsArgs {
    monitoring?: MonitoringArgs;
    alarms?: AlarmsArgs;
    backup?: BackupArgs;
    auditRotation?: AuditRotationArgs;
}

/**
 * Every operations setting of a cluster named "prod", resolved as a cluster resolves them: the backup first (the alert
 * rules watch its job), all problems collected into one InputError.
 */
export function resolveOperations(cluster: VaultClusterArgs, a: OperationsArgs = {}) {
    const ctx = operationsContext(resolveClusterSettings("prod", cluster));
    const p = new Problems();
    const backup = resolveBackupSettings(p, a.backup, ctx);
    const monitoring = resolveMonitoringSettings(p, a.monitoring, ctx, watchedSnapshots(backup));
    const alarms = resolveAlarmSettings(p, a.alarms, ctx);
    const rotation = resolveAuditRotationSettings(p, a.auditRotation, ctx);
    p.throwIfAny(`VaultCluster "prod"`);
    return { ctx, backup, monitoring, alarms, rotation };
}
