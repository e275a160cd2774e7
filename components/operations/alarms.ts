import * as pulumi from "@pulumi/pulumi";
import { MetricAlarm } from "@pulumi/aws/cloudwatch/metricAlarm";
import { EventRule } from "@pulumi/aws/cloudwatch/eventRule";
import { EventTarget } from "@pulumi/aws/cloudwatch/eventTarget";
import { Topic } from "@pulumi/aws/sns/topic";
import { TopicPolicy } from "@pulumi/aws/sns/topicPolicy";
import { TopicSubscription } from "@pulumi/aws/sns/topicSubscription";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { DYNAMODB_ALARMS, alarmTopicPolicy, dynamoDbAlarmArgs, kmsKeyEventPattern, type AlarmSettings } from "./awsAlarms";

export interface AlarmDeps {
    /** The Vault table (DynamoDB storage): created, existing or restored. */
    tableName?: pulumi.Input<string>;
    /** The cluster key (seal, table and custody encryption). */
    kmsKeyArn: pulumi.Input<string>;
}

/**
 * Registers the SNS topic (created or given), the DynamoDB alarms and the EventBridge rule on the cluster key's
 * DisableKey / ScheduleKeyDeletion calls. Returns the topic ARN (an output of the stack worth exporting).
 */
export function createAwsAlarms(name: string, a: AlarmSettings, deps: AlarmDeps, opts: pulumi.CustomResourceOptions): { topicArn: pulumi.Output<string> } {
    const common = { region: a.region, tags: a.tags };
    const rule = new EventRule(`${name}-kms-key-events`, {
        ...common,
        name: `${a.namePrefix}-kms-key-disabled-or-deleted`,
        description: "The Vault cluster key was disabled or scheduled for deletion: Vault cannot unseal and the table cannot be read once it takes effect",
        eventPattern: pulumi.output(deps.kmsKeyArn).apply((arn) => JSON.stringify(kmsKeyEventPattern(arn))),
    }, opts);
    let topicArn: pulumi.Output<string>;
    if ("create" in a.topic) {
        const topic = new Topic(`${name}-alarms`, { ...common, name: a.topic.create.name }, opts);
        const caller = getCallerIdentityOutput({}, opts);
        new TopicPolicy(`${name}-alarms`, {
            region: a.region,
            arn: topic.arn,
            policy: pulumi.all([topic.arn, caller.accountId, caller.arn, rule.arn]).apply(([t, account, callerArn, r]) =>
                JSON.stringify(alarmTopicPolicy(t, account, callerArn.split(":")[1], r))),
        }, opts);
        a.topic.create.emailEndpoints.forEach((endpoint, i) => new TopicSubscription(`${name}-alarms-email-${i}`, {
            region: a.region, topic: topic.arn, protocol: "email", endpoint,
        }, opts));
        topicArn = topic.arn;
    } else {
        topicArn = pulumi.output(a.topic.existingArn);
    }
    new EventTarget(`${name}-kms-key-events`, { region: a.region, rule: rule.name, arn: topicArn }, opts);
    if (a.dynamodb && deps.tableName !== undefined) {
        for (const spec of DYNAMODB_ALARMS) {
            new MetricAlarm(`${name}-dynamodb-${spec.key}`, dynamoDbAlarmArgs(spec, a, deps.tableName, topicArn), opts);
        }
    }
    return { topicArn };
}
