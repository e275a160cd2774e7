import * as pulumi from "@pulumi/pulumi";

/** How Prometheus is allowed to read `sys/metrics`. */
export const MetricsAccess = {
    /** A Vault token with read on `sys/metrics` only, kept in a Kubernetes Secret and renewed daily by a CronJob. */
    Token: "token",
    /** `unauthenticated_metrics_access` on the listener: anyone who reaches port 8200 reads the metrics. */
    Unauthenticated: "unauthenticated",
} as const;
export type MetricsAccess = typeof MetricsAccess[keyof typeof MetricsAccess];

/** Where the Raft snapshot job writes. */
export const SnapshotTarget = {
    /** An S3 bucket, through the job's own IRSA role (PutObject under one prefix). */
    S3: "s3",
    /** A PersistentVolumeClaim in the release namespace. */
    Volume: "volume",
} as const;
export type SnapshotTarget = typeof SnapshotTarget[keyof typeof SnapshotTarget];

/** Metrics, scraping, alert rules and the Grafana dashboard. */
export interface Monitoring {
    /**
     * Vault's `telemetry` stanza (Prometheus format on `/v1/sys/metrics`, no hostname prefix) and a way for Prometheus
     * to read it. Set `false` to leave telemetry off.
     * @default true
     */
    enabled?: boolean;
    /**
     * The Prometheus Operator runs in the cluster: scrape through a `ServiceMonitor` and alert through a
     * `PrometheusRule`. Without it the server pods carry `prometheus.io/*` scrape annotations instead.
     * @default false
     */
    prometheusOperator?: boolean;
    /**
     * How Prometheus authenticates to `sys/metrics`. `"unauthenticated"` must be chosen explicitly: it opens the
     * metrics to anyone who reaches port 8200.
     * @default "token"
     */
    access?: MetricsAccess;
    /**
     * How long Vault keeps metrics in memory for Prometheus (`prometheus_retention_time`). Longer than the scrape
     * interval.
     * @default "24h"
     */
    prometheusRetentionTime?: string;
    /** Scrape interval of the ServiceMonitor. @default "30s" */
    scrapeInterval?: string;
    /** Scrape timeout of the ServiceMonitor; shorter than the interval. @default "10s" */
    scrapeTimeout?: string;
    /**
     * Labels on the ServiceMonitor and PrometheusRule: your Prometheus selects them by these
     * (kube-prometheus-stack: `release: <its release name>`).
     * @default { release: "prometheus" }
     */
    selectorLabels?: Record<string, string>;
    /** Period of the scraper's token; the renewal job renews it every day, so it only lapses after a month without. @default "768h" */
    tokenPeriod?: string;
    /** Image of the token renewal job (sh and curl). @default "curlimages/curl:8.11.1" */
    jobImage?: string;
    /** Alert rules. @default a PrometheusRule with the default thresholds when prometheusOperator is set */
    alerts?: AlertRules;
    /** The Grafana dashboard. @default shipped as JSON, no ConfigMap */
    dashboard?: Dashboard;
}

/** The `PrometheusRule` and its thresholds. */
export interface AlertRules {
    /** Create the `PrometheusRule`. Needs `prometheusOperator`. @default true when prometheusOperator is set */
    enabled?: boolean;
    /** 99th percentile of request handling time (ms) above which, for 10 minutes, requests count as slow. @default 1000 */
    requestLatencyP99Ms?: number;
    /** Leadership losses within one hour above which leadership is flapping. @default 3 */
    leadershipChangesPerHour?: number;
    /** Free fraction of an audit volume below which, for 5 minutes, it counts as nearly full (0 to 1). @default 0.2 */
    auditVolumeFreeRatio?: number;
    /** Labels added to every alert, for Alertmanager routing. @default {} */
    labels?: Record<string, string>;
}

/** The dashboard as a ConfigMap for the Grafana sidecar. The JSON itself ships with the package either way. */
export interface Dashboard {
    /** Create a ConfigMap holding the dashboard, labelled for the Grafana sidecar. @default false */
    configMap?: boolean;
    /** Namespace of the ConfigMap: one the sidecar watches. @default the cluster's namespace */
    namespace?: string;
    /** Labels of the ConfigMap. @default { grafana_dashboard: "1" } */
    labels?: Record<string, string>;
    /** Annotations of the ConfigMap, e.g. `grafana_folder` for the sidecar's folder annotation. @default {} */
    annotations?: Record<string, string>;
}

/** CloudWatch alarms and EventBridge rules on the AWS side of the cluster. */
export interface Alarms {
    /**
     * DynamoDB throttling and system error alarms (with DynamoDB storage) and KMS key disable / deletion rules, all
     * reaching one SNS topic.
     * @default true when the cluster uses AWS
     */
    enabled?: boolean;
    /**
     * Notify this existing SNS topic instead of creating one. Its policy must let `cloudwatch.amazonaws.com` and
     * `events.amazonaws.com` publish (the README lists the statement).
     * @default none: a topic is created
     */
    snsTopicArn?: pulumi.Input<string>;
    /** E-mail addresses subscribed to the created topic; each must confirm the subscription. @default [] */
    emailEndpoints?: string[];
}

/** Backups: Raft snapshots, an AWS Backup plan for the DynamoDB table, custody replicas. */
export interface Backup {
    /** Scheduled Raft snapshots (Raft storage only). @default every 6 hours with Raft storage */
    raftSnapshots?: RaftSnapshots;
    /** An AWS Backup plan for the DynamoDB table, on top of point-in-time recovery. @default none */
    awsBackup?: AwsBackup;
    /**
     * Replicas of the Secrets Manager custody secrets in other regions, so the recovery keys survive a region loss.
     * @default []
     */
    custodyReplicas?: CustodyReplica[];
}

/** The snapshot CronJob and where it writes. */
export interface RaftSnapshots {
    /** Take snapshots. Refused with DynamoDB storage. @default true with Raft storage */
    enabled?: boolean;
    /** Cron schedule (the cluster's time zone, usually UTC). @default "0 0,6,12,18 * * *" (every 6 hours) */
    schedule?: string;
    /** Where snapshots go. @default "s3" when the cluster uses AWS through an OIDC provider, "volume" otherwise */
    target?: SnapshotTarget;
    /**
     * Write to this existing bucket (name) instead of creating one. Its lifecycle is yours: `retentionDays` does not
     * apply to it.
     * @default none: a bucket is created
     */
    bucketName?: pulumi.Input<string>;
    /** Key prefix of the snapshots in the bucket; the job may write under it only. @default "<namespace>/<releaseName>/" */
    prefix?: string;
    /** Days the created bucket keeps a snapshot (lifecycle rule on the prefix). @default 30 */
    retentionDays?: number;
    /** Snapshots kept on the volume; the job deletes older ones. @default 28 */
    keep?: number;
    /** Size of the snapshot volume. @default "10Gi" */
    volumeSize?: string;
    /** Storage class of the snapshot volume. @default the cluster's default class */
    storageClass?: string;
    /** Image of the job (sh, curl, gzip, sha256sum). @default "curlimages/curl:8.11.1" */
    image?: string;
    /** Seconds a run may take before Kubernetes stops it. @default 900 */
    timeoutSeconds?: number;
    /** Kubernetes auth mount the job logs in through; created (in-cluster) unless the configuration has it. @default "kubernetes" */
    authMountPath?: string;
}

/** AWS Backup for the DynamoDB table. */
export interface AwsBackup {
    /** Create a backup vault, plan and selection for the table. @default false */
    enabled?: boolean;
    /** Schedule, as an AWS cron expression. @default "cron(0 3 * * ? *)" (daily, 03:00 UTC) */
    schedule?: string;
    /** Days a recovery point is kept. @default 35 */
    deleteAfterDays?: number;
}

/** One more region holding a copy of the custody secrets. */
export interface CustodyReplica {
    /** The region, e.g. `"eu-central-1"`; not the cluster's own. @default none: required */
    region: string;
    /**
     * KMS key in that region encrypting the replica. Without it Secrets Manager uses the region's `aws/secretsmanager`
     * key, which every principal allowed to read the secret can use.
     * @default none: the aws/secretsmanager key of that region
     */
    kmsKeyArn?: pulumi.Input<string>;
}

/** Rotation of the file audit log by a sidecar that shares the server pod's process namespace. */
export interface AuditRotation {
    /** Rotate the audit log. @default true when audit storage is on and a file audit device writes to it */
    enabled?: boolean;
    /** Rotate when the log reaches this size (Kubernetes quantity). @default "100Mi" */
    maxSize?: string;
    /** Rotate a non-empty log this old, e.g. `"24h"`; `"0"` rotates by size only. @default "24h" */
    maxAge?: string;
    /** Rotated files kept; older ones are deleted. @default 7 */
    keep?: number;
    /** Gzip rotated files (all but the newest). @default true */
    compress?: boolean;
    /** How often the sidecar checks the log. @default "60s" */
    checkInterval?: string;
    /** Image of the sidecar (sh, gzip). @default "busybox:1.37.0" */
    image?: string;
}
