import type { Problems } from "../validation";
import { REDACTED } from "../validation";
import { deepMerge } from "../chart/values";
import type { Alarms, AuditRotation, Backup, Monitoring } from "./args";
import { AuditRotationSettings, auditRotationChartValues, resolveAuditRotationSettings } from "./auditRotation";
import { AlarmSettings, resolveAlarmSettings } from "./awsAlarms";
import { BackupSettings, resolveBackupSettings, watchedSnapshots } from "./backupSettings";
import { OperationsContext, OperationsContextInput, operationsContext } from "./context";
import { MonitoringSettings, resolveMonitoringSettings } from "./monitoringSettings";
import { monitoringChartValues } from "./telemetry";

/** A cluster's operations, validated with their defaults applied. */
export interface OperationsSettings {
    context: OperationsContext;
    monitoring?: MonitoringSettings;
    alarms?: AlarmSettings;
    backup: BackupSettings;
    auditRotation?: AuditRotationSettings;
    /** Chart values of monitoring and audit rotation, merged before the user's. */
    chartValues: Record<string, unknown>;
}

/** What the operations stage reads of the cluster's arguments. */
export interface OperationsArgs {
    monitoring?: Monitoring;
    alarms?: Alarms;
    backup?: Backup;
    auditRotation?: AuditRotation;
}

/**
 * Resolves monitoring, alarms, backups and audit rotation together (the alert rules watch the snapshot job). They name
 * the namespace, replica count, TLS secret and region in rules, prefixes and volumes: when one of those is an output of
 * another resource and a feature needs it, that is a problem with the way out.
 */
export function resolveOperationsSettings(p: Problems, args: OperationsArgs, input: OperationsContextInput): OperationsSettings {
    const { unknown, ...context } = operationsContext(input);
    const backup = resolveBackupSettings(p, args.backup, context);
    const monitoring = resolveMonitoringSettings(p, args.monitoring, context, watchedSnapshots(backup));
    const alarms = resolveAlarmSettings(p, args.alarms, context);
    const auditRotation = resolveAuditRotationSettings(p, args.auditRotation, context);
    // Which feature names which value when the program runs.
    const needs: Record<string, string[]> = {
        "namespace": [monitoring && "monitoring", backup.raftSnapshots && "backup.raftSnapshots"].filter(Boolean) as string[],
        "replicas": [monitoring && "monitoring"].filter(Boolean) as string[],
        "tls.existingSecretName": [monitoring && "monitoring", backup.raftSnapshots && "backup.raftSnapshots"].filter(Boolean) as string[],
        "region": [alarms && "alarms", backup.raftSnapshots?.s3 && "backup.raftSnapshots", backup.custodyReplicas.length > 0 && "backup.custodyReplicas"].filter(Boolean) as string[],
    };
    for (const field of unknown) {
        const features = needs[field] ?? [];
        if (features.length === 0) continue;
        p.add(field, REDACTED, `is an output of another resource, but ${features.join(", ")} name it (in rules, prefixes or volumes) when the program runs`,
            `pass ${field} as a plain value, or turn ${features.join(" and ")} off`);
    }
    return {
        context, monitoring, alarms, backup, auditRotation,
        chartValues: deepMerge(monitoringChartValues(monitoring), auditRotationChartValues(auditRotation)),
    };
}
