/** Operations: metrics, alerts, dashboard, AWS alarms, backups, restore support and audit log rotation. */
export * from "./args";
export { operationsContext, type OperationsContext, type OperationsContextInput } from "./context";
export { resolveOperationsSettings, type OperationsSettings } from "./settings";
export { resolveMonitoringSettings, METRICS_POLICY_NAME, type MonitoringSettings, type WatchedCronJob } from "./monitoringSettings";
export { withTelemetry, monitoringChartValues, METRICS_PATH } from "./telemetry";
export { renderServiceMonitor } from "./serviceMonitor";
export { renderAlertRules, renderPrometheusRule, type AlertRule, type RuleGroup } from "./alertRules";
export { renderDashboard, dashboardQueries, type DashboardOptions } from "./dashboard";
export { createMonitoring, type MonitoringDeps } from "./monitoring";
export { resolveAlarmSettings, dynamoDbAlarmArgs, kmsKeyEventPattern, alarmTopicPolicy, DYNAMODB_ALARMS, type AlarmSettings } from "./awsAlarms";
export { createAwsAlarms, type AlarmDeps } from "./alarms";
export { resolveBackupSettings, watchedSnapshots, SNAPSHOT_IDENTITY, type BackupSettings, type RaftSnapshotSettings } from "./backupSettings";
export { renderSnapshotCronJob, renderTokenRenewCronJob, renderSnapshotServiceAccount, renderSnapshotClaim } from "./jobs";
export { createRaftSnapshots, type SnapshotDeps } from "./snapshots";
export { createDynamoDbBackup, custodyReplicas, type AwsBackupDeps } from "./awsBackup";
export { snapshotWriterPolicy } from "./awsPolicies";
export { resolveAuditRotationSettings, auditRotationChartValues, type AuditRotationSettings } from "./auditRotation";
export { SNAPSHOT_SCRIPT, TOKEN_RENEW_SCRIPT, AUDIT_ROTATION_SCRIPT } from "./scripts";
