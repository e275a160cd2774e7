import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "../aws/policies";
import { DYNAMODB_ACTIONS } from "../aws/policies";
import { Problems, isPlainObject } from "../validation";
import type { Alarms } from "./args";
import type { OperationsContext } from "./context";

export interface AlarmSettings {
    /** Create a topic (with these e-mail subscriptions), or use an existing one. */
    topic: { create: { name: string; emailEndpoints: string[] } } | { existingArn: pulumi.Input<string> };
    /** DynamoDB alarms (DynamoDB storage). */
    dynamodb: boolean;
    /** Prefix of alarm and rule names, `<component name>-vault`. */
    namePrefix: string;
    region?: string;
    tags: Record<string, pulumi.Input<string>>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Validates the alarm arguments: on by default whenever the cluster uses AWS, off (and refused) otherwise. */
export function resolveAlarmSettings(p: Problems, args: Alarms | undefined, ctx: OperationsContext): AlarmSettings | undefined {
    if (args !== undefined) p.check(isPlainObject(args), "alarms", args, "must be an object", "e.g. { emailEndpoints: [\"oncall@example.com\"] }");
    const a = args ?? {};
    if (!ctx.usesAws) {
        p.check(a.enabled !== true, "alarms.enabled", true, "needs a cluster that uses AWS (DynamoDB storage or the awskms seal)", "remove it");
        return undefined;
    }
    if (a.enabled === false) return undefined;
    const emails = a.emailEndpoints ?? [];
    emails.forEach((e, i) => p.check(EMAIL.test(e), `alarms.emailEndpoints[${i}]`, e, "is not an e-mail address", "e.g. \"oncall@example.com\""));
    if (a.snsTopicArn !== undefined && emails.length > 0) {
        p.add("alarms.emailEndpoints", emails, "only subscribe to the topic the component creates", "subscribe them to your topic yourself, or drop snsTopicArn");
    }
    if (typeof a.snsTopicArn === "string") {
        p.check(/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/.test(a.snsTopicArn), "alarms.snsTopicArn", a.snsTopicArn, "is not an SNS topic ARN",
            "arn:aws:sns:<region>:<account>:<topic>");
    }
    const namePrefix = `${ctx.name}-vault`;
    return {
        topic: a.snsTopicArn !== undefined ? { existingArn: a.snsTopicArn } : { create: { name: `${namePrefix}-alarms`, emailEndpoints: emails } },
        dynamodb: ctx.storage === "dynamodb",
        namePrefix,
        region: ctx.region,
        tags: ctx.tags,
    };
}

/** A CloudWatch alarm on DynamoDB, summed over Vault's operations where the metric is per operation. */
export interface DynamoDbAlarmSpec {
    /** Suffix of the alarm name. */
    key: string;
    metricName: string;
    /** The metric has an `Operation` dimension: one query per operation Vault calls, summed by metric math. */
    perOperation: boolean;
    description: string;
    periodSeconds: number;
    evaluationPeriods: number;
    datapointsToAlarm: number;
    /** Alarm when the per-period Sum is at least this. */
    threshold: number;
}

/** The DynamoDB operations behind Vault's storage actions (`dynamodb:GetItem` → `GetItem`): the `Operation` dimension. */
export const VAULT_DYNAMODB_OPERATIONS = DYNAMODB_ACTIONS.map((a) => a.replace("dynamodb:", "")).filter((o) => o !== "DescribeTable");

/**
 * The DynamoDB alarms, thresholds and periods. Throttling of the HA lock item makes leadership flap, so any throttling
 * in 2 of 5 minutes alarms; DynamoDB's own 5xx (SystemErrors) alarm when they persist in 3 of 5 minutes.
 */
export const DYNAMODB_ALARMS: DynamoDbAlarmSpec[] = [
    { key: "read-throttles", metricName: "ReadThrottleEvents", perOperation: false, periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 2, threshold: 1,
        description: "Reads of the Vault table are throttled (provisioned capacity exceeded)" },
    { key: "write-throttles", metricName: "WriteThrottleEvents", perOperation: false, periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 2, threshold: 1,
        description: "Writes to the Vault table are throttled: the HA lock item may lapse and leadership flap" },
    { key: "throttled-requests", metricName: "ThrottledRequests", perOperation: true, periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 2, threshold: 1,
        description: "Requests of Vault to its table are throttled" },
    { key: "system-errors", metricName: "SystemErrors", perOperation: true, periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3, threshold: 1,
        description: "DynamoDB answers Vault's requests with internal errors" },
];

/** Arguments of one CloudWatch MetricAlarm for a DynamoDB alarm spec (inputs may be outputs of other resources). */
export function dynamoDbAlarmArgs(spec: DynamoDbAlarmSpec, s: AlarmSettings, tableName: pulumi.Input<string>, topicArn: pulumi.Input<string>): Record<string, any> {
    const common = {
        region: s.region,
        name: `${s.namePrefix}-dynamodb-${spec.key}`,
        alarmDescription: spec.description,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: "notBreaching",
        alarmActions: [topicArn],
        okActions: [topicArn],
        tags: s.tags,
    };
    if (!spec.perOperation) {
        return { ...common, namespace: "AWS/DynamoDB", metricName: spec.metricName, dimensions: { TableName: tableName }, statistic: "Sum", period: spec.periodSeconds };
    }
    const ids = VAULT_DYNAMODB_OPERATIONS.map((_, i) => `m${i + 1}`);
    return {
        ...common,
        metricQueries: [
            ...VAULT_DYNAMODB_OPERATIONS.map((operation, i) => ({
                id: ids[i],
                returnData: false,
                metric: { namespace: "AWS/DynamoDB", metricName: spec.metricName, dimensions: { TableName: tableName, Operation: operation }, period: spec.periodSeconds, stat: "Sum" },
            })),
            { id: "total", expression: `SUM([${ids.join(",")}])`, label: `${spec.metricName} (all operations)`, returnData: true },
        ],
    };
}

/** KMS calls that make Vault unable to unseal and DynamoDB unable to read the table: a disabled key, a key being deleted. */
export const KMS_DANGEROUS_EVENTS = ["DisableKey", "ScheduleKeyDeletion"];

/**
 * EventBridge pattern for the CloudTrail records of those calls on the cluster key, matched by the key ARN in the
 * record's `resources` (the request may name the key by ID, ARN or alias). Needs CloudTrail management events.
 */
export function kmsKeyEventPattern(keyArn: string): Record<string, any> {
    return {
        "source": ["aws.kms"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": { eventSource: ["kms.amazonaws.com"], eventName: KMS_DANGEROUS_EVENTS, resources: { ARN: [keyArn] } },
    };
}

/**
 * Policy of the created topic: the account administers it (SNS's default), CloudWatch alarms of the account and the
 * KMS rule may publish to it.
 */
export function alarmTopicPolicy(topicArn: string, accountId: string, partition: string, ruleArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: "sns:*", Resource: topicArn },
            { Sid: "CloudWatchAlarms", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: topicArn,
                Condition: { StringEquals: { "aws:SourceAccount": accountId } } },
            { Sid: "KmsKeyRule", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: topicArn,
                Condition: { ArnEquals: { "aws:SourceArn": ruleArn } } },
        ],
    };
}
