import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Provider as VaultProvider } from "@pulumi/vault/provider";
import { AuthBackend } from "@pulumi/vault/authBackend";
import { Secret as AwsSecret } from "@pulumi/aws/secretsmanager/secret";
import {
    alarmTopicPolicy, createAwsAlarms, createDynamoDbBackup, createMonitoring, createRaftSnapshots, custodyReplicas, kmsKeyEventPattern,
    renderDashboard, renderPrometheusRule, renderServiceMonitor, renderSnapshotCronJob,
} from "../components/operations";
import { irsaTrustPolicy } from "../components/aws/policies";
import { ACCOUNT_ID, MockRecorder, REGION, installMocks, isSecretValue, settle, unwrapSecrets } from "../components/testing/mocks";
import { IRSA, LOCAL, deploy, serverHcl } from "./support/cluster";
import { resolveOperations } from "./support/operations";

/** Outputs of the types the operations register, as their providers would compute them. */
class OperationsRecorder extends MockRecorder {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        const answer = super.newResource(args);
        const extra: Record<string, (name: string, inputs: Record<string, any>) => Record<string, unknown>> = {
            "vault:index/token:Token": (n) => ({ clientToken: `hvs.mock-${n}` }),
            "aws:s3/bucket:Bucket": (_n, i) => ({ bucket: `${i.bucketPrefix}20260101`, arn: `arn:aws:s3:::${i.bucketPrefix}20260101` }),
            "aws:backup/vault:Vault": (n, i) => ({ name: i.name ?? n }),
        };
        const more = extra[args.type]?.(args.name, unwrapSecrets(args.inputs)) ?? {};
        return { id: answer.id, state: { ...answer.state, ...more } };
    }
}

async function underMocks(register: (env: { provider: VaultProvider; release: pulumi.ComponentResource }) => void): Promise<MockRecorder> {
    const recorder = await installMocks({ recorder: new OperationsRecorder() });
    const provider = new VaultProvider("vault", { address: "https://127.0.0.1:8200", token: "t", skipChildToken: true });
    const release = new pulumi.ComponentResource("test:index:Release", "release");
    register({ provider, release });
    await settle();
    return recorder;
}

const byName = (recorder: MockRecorder, type: string, name: string) => {
    const found = recorder.ofType(type).find((r) => r.name === name);
    assert.ok(found, `no ${type} named ${name}: ${recorder.ofType(type).map((r) => r.name)}`);
    return found;
};
const urnOf = (recorder: MockRecorder, type: string) => recorder.one(type).urn;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:prod-vault-alarms`;
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/prod-vault-0000`;

describe("createMonitoring under mocks", () => {
    it("registers the scraper's identity, the ServiceMonitor, the PrometheusRule and the dashboard ConfigMap with exact inputs", async () => {
        const { monitoring } = resolveOperations(LOCAL, { monitoring: { prometheusOperator: true, dashboard: { configMap: true, namespace: "monitoring" } } });
        const recorder = await underMocks(({ provider, release }) =>
            createMonitoring("prod", monitoring!, { namespace: "vault", vaultProvider: provider, release, activeAddress: "https://vault-active.vault.svc:8200" }, {}));
        const providerUrn = recorder.one("pulumi:providers:vault").urn;
        const releaseUrn = recorder.one("test:index:Release").urn;

        const policy = recorder.one("vault:index/policy:Policy");
        assert.deepEqual(policy.inputs, { name: "prometheus-metrics", policy: [
            `path "sys/metrics" {\n  capabilities = ["read"]\n}\n`,
            `path "auth/token/renew-self" {\n  capabilities = ["update"]\n}\n`,
            `path "auth/token/lookup-self" {\n  capabilities = ["read"]\n}\n`,
        ].join("\n") });
        const role = recorder.one("vault:tokenauth/authBackendRole:AuthBackendRole");
        assert.deepEqual(role.inputs, {
            roleName: "prometheus-metrics", allowedPolicies: ["prometheus-metrics"], orphan: true, renewable: true, tokenPeriod: 768 * 3600, tokenNoDefaultPolicy: true,
        });
        const token = recorder.one("vault:index/token:Token");
        assert.deepEqual(token.inputs, { roleName: "prometheus-metrics", policies: ["prometheus-metrics"], renewable: true, noDefaultPolicy: true, displayName: "prometheus-metrics" });
        assert.ok(token.additionalSecretOutputs.includes("clientToken"));
        for (const r of [policy, role, token]) {
            assert.ok(r.provider.startsWith(`${providerUrn}::`), `${r.type} uses the chained provider`);
            assert.equal(r.deletedWith, releaseUrn, `${r.type} is deleted with the release`);
        }

        const secret = recorder.one("kubernetes:core/v1:Secret");
        assert.equal(secret.inputs.metadata.name, "vault-metrics-token");
        assert.equal(secret.inputs.metadata.namespace, "vault");
        assert.ok(isSecretValue(secret.inputs.stringData) || isSecretValue(secret.inputs.stringData.token), "the token travels as a secret");
        assert.deepEqual(unwrapSecrets(secret.inputs.stringData), { token: "hvs.mock-prod-metrics-token" });

        const renew = recorder.one("kubernetes:batch/v1:CronJob");
        assert.equal(renew.inputs.metadata.name, "vault-metrics-token-renew");
        assert.equal(renew.inputs.spec.schedule, "17 4 * * *");
        assert.ok(renew.dependencies.includes(secret.urn));

        const monitor = recorder.one("kubernetes:monitoring.coreos.com/v1:ServiceMonitor");
        const expected = renderServiceMonitor(monitoring!);
        assert.deepEqual(monitor.inputs, { apiVersion: expected.apiVersion, kind: expected.kind, metadata: expected.metadata, spec: expected.spec });
        assert.ok(monitor.dependencies.includes(secret.urn), "Prometheus finds the token secret when it reads the ServiceMonitor");
        const rule = recorder.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule");
        assert.deepEqual(rule.inputs.spec, renderPrometheusRule(monitoring!).spec);

        const configMap = recorder.one("kubernetes:core/v1:ConfigMap");
        assert.deepEqual(configMap.inputs.metadata, { name: "vault-dashboard", namespace: "monitoring", labels: { grafana_dashboard: "1" }, annotations: {} });
        assert.deepEqual(JSON.parse(configMap.inputs.data["vault.json"]), renderDashboard({ namespace: "vault", fullname: "vault", storage: ["raft"] }));
    });

    it("with unauthenticated access and no operator: nothing in Vault, no token, no custom resources", async () => {
        const { monitoring } = resolveOperations(LOCAL, { monitoring: { access: "unauthenticated" } });
        const recorder = await underMocks(() => createMonitoring("prod", monitoring!, { namespace: "vault", activeAddress: "https://vault-active.vault.svc:8200" }, {}));
        assert.deepEqual(recorder.resources.filter((r) => r.custom && r.type !== "pulumi:providers:vault").map((r) => r.type), []);
    });
});

describe("createAwsAlarms under mocks", () => {
    it("alarms on DynamoDB throttling and system errors with the documented thresholds, and watches the KMS key, into a created topic", async () => {
        const { alarms } = resolveOperations({ irsa: IRSA }, { alarms: { emailEndpoints: ["oncall@example.com"] } });
        const recorder = await underMocks(() => createAwsAlarms("prod", alarms!, { tableName: "prod-vault", kmsKeyArn: KEY_ARN }, {}));
        const alarmsByName = Object.fromEntries(recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((r) => [r.inputs.name, r.inputs]));
        assert.deepEqual(Object.keys(alarmsByName).sort(), [
            "prod-vault-dynamodb-read-throttles", "prod-vault-dynamodb-system-errors", "prod-vault-dynamodb-throttled-requests", "prod-vault-dynamodb-write-throttles",
        ]);
        const common = {
            comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 1, evaluationPeriods: 5, treatMissingData: "notBreaching",
            alarmActions: [TOPIC_ARN], okActions: [TOPIC_ARN], tags: { "managed-by": "pulumi", "vault-cluster": "prod" },
        };
        assert.deepEqual(alarmsByName["prod-vault-dynamodb-write-throttles"], {
            ...common, name: "prod-vault-dynamodb-write-throttles", datapointsToAlarm: 2,
            alarmDescription: "Writes to the Vault table are throttled: the HA lock item may lapse and leadership flap",
            namespace: "AWS/DynamoDB", metricName: "WriteThrottleEvents", dimensions: { TableName: "prod-vault" }, statistic: "Sum", period: 60,
        });
        assert.equal(alarmsByName["prod-vault-dynamodb-read-throttles"].metricName, "ReadThrottleEvents");
        const errors = alarmsByName["prod-vault-dynamodb-system-errors"];
        assert.equal(errors.datapointsToAlarm, 3);
        assert.equal(errors.metricName, undefined);
        const operations = ["GetItem", "Query", "Scan", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"];
        assert.deepEqual(errors.metricQueries, [
            ...operations.map((operation, i) => ({
                id: `m${i + 1}`, returnData: false,
                metric: { namespace: "AWS/DynamoDB", metricName: "SystemErrors", dimensions: { TableName: "prod-vault", Operation: operation }, period: 60, stat: "Sum" },
            })),
            { id: "total", expression: "SUM([m1,m2,m3,m4,m5,m6,m7])", label: "SystemErrors (all operations)", returnData: true },
        ]);
        assert.equal(alarmsByName["prod-vault-dynamodb-throttled-requests"].metricQueries[0].metric.metricName, "ThrottledRequests");

        const rule = recorder.one("aws:cloudwatch/eventRule:EventRule");
        assert.equal(rule.inputs.name, "prod-vault-kms-key-disabled-or-deleted");
        assert.deepEqual(JSON.parse(rule.inputs.eventPattern), kmsKeyEventPattern(KEY_ARN));
        const target = recorder.one("aws:cloudwatch/eventTarget:EventTarget");
        assert.deepEqual([target.inputs.rule, target.inputs.arn], ["prod-vault-kms-key-disabled-or-deleted", TOPIC_ARN]);
        const topicPolicy = JSON.parse(recorder.one("aws:sns/topicPolicy:TopicPolicy").inputs.policy);
        assert.deepEqual(topicPolicy, alarmTopicPolicy(TOPIC_ARN, ACCOUNT_ID, "aws", `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/prod-vault-kms-key-disabled-or-deleted`));
        const subscription = recorder.one("aws:sns/topicSubscription:TopicSubscription");
        assert.deepEqual([subscription.inputs.protocol, subscription.inputs.endpoint, subscription.inputs.topic], ["email", "oncall@example.com", TOPIC_ARN]);
    });

    it("uses a given topic as it is, and has no DynamoDB alarms without DynamoDB", async () => {
        const given = "arn:aws:sns:eu-west-1:123456789012:ops-pager";
        const { alarms } = resolveOperations({ storage: { type: "raft" }, irsa: IRSA }, { alarms: { snsTopicArn: given } });
        const recorder = await underMocks(() => createAwsAlarms("prod", alarms!, { kmsKeyArn: KEY_ARN }, {}));
        assert.equal(recorder.ofType("aws:sns/topic:Topic").length + recorder.ofType("aws:sns/topicPolicy:TopicPolicy").length, 0);
        assert.equal(recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
        assert.equal(recorder.one("aws:cloudwatch/eventTarget:EventTarget").inputs.arn, given);
    });
});

/** The EventBridge matching rules for the parts the pattern uses: every key must match; a list of values matches any
 * equal value; arrays in the event (also of objects) match when one element does. */
function matches(pattern: any, event: any): boolean {
    if (Array.isArray(pattern)) return [event].flat().some((v) => pattern.includes(v));
    return Object.entries(pattern).every(([k, p]) => {
        const value = event?.[k];
        return Array.isArray(value) && !Array.isArray(p) ? value.some((v) => matches(p, v)) : value !== undefined && matches(p, value);
    });
}

describe("the KMS key rule's event pattern", () => {
    const keyArn = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    // The CloudTrail record of ScheduleKeyDeletion as AWS documents it, as EventBridge delivers it.
    const event = (eventName: string, arn = keyArn) => ({
        "source": "aws.kms",
        "detail-type": "AWS API Call via CloudTrail",
        "detail": {
            eventSource: "kms.amazonaws.com", eventName, requestParameters: { keyId: "1234abcd-12ab-34cd-56ef-1234567890ab" },
            resources: [{ accountId: "111122223333", type: "AWS::KMS::Key", ARN: arn }],
        },
    });

    it("matches DisableKey and ScheduleKeyDeletion of the cluster key, whatever the caller named it by", () => {
        assert.ok(matches(kmsKeyEventPattern(keyArn), event("ScheduleKeyDeletion")));
        assert.ok(matches(kmsKeyEventPattern(keyArn), event("DisableKey")));
    });

    it("ignores other calls and other keys", () => {
        assert.ok(!matches(kmsKeyEventPattern(keyArn), event("EnableKey")));
        assert.ok(!matches(kmsKeyEventPattern(keyArn), event("DisableKey", keyArn.replace("1234abcd", "99999999"))));
    });
});

describe("createRaftSnapshots under mocks", () => {
    it("to a volume: a snapshot-only Vault identity on the configuration's in-cluster Kubernetes auth mount, a kept PVC, the CronJob", async () => {
        const { backup } = resolveOperations(LOCAL);
        const s = backup.raftSnapshots!;
        const recorder = await underMocks(({ provider, release }) => {
            const mount = new AuthBackend("config-auth-kubernetes", { type: "kubernetes", path: "kubernetes" }, { provider });
            createRaftSnapshots("prod", s, { namespace: "vault", vaultProvider: provider, release, authMountDependsOn: [mount] }, {});
        });
        assert.equal(recorder.one("vault:index/policy:Policy").inputs.policy, `path "sys/storage/raft/snapshot" {\n  capabilities = ["read"]\n}\n`);
        // The configuration owns the mount (the cluster declares it there), so declaring it later moves nothing.
        assert.deepEqual(recorder.ofType("vault:index/authBackend:AuthBackend").map((r) => r.name), ["config-auth-kubernetes"]);
        const role = recorder.one("vault:kubernetes/authBackendRole:AuthBackendRole");
        assert.deepEqual(role.inputs, {
            backend: "kubernetes", roleName: "raft-snapshot", boundServiceAccountNames: ["vault-snapshot"], boundServiceAccountNamespaces: ["vault"],
            audience: "vault", tokenPolicies: ["raft-snapshot"], tokenTtl: 900, tokenMaxTtl: 1800,
        });
        assert.ok(role.dependencies.includes(urnOf(recorder, "vault:index/authBackend:AuthBackend")), "the role waits for the configuration's mount");
        const claim = recorder.one("kubernetes:core/v1:PersistentVolumeClaim");
        assert.deepEqual(claim.inputs.spec, { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } });
        assert.equal(claim.retainOnDelete, true, "snapshots survive removing the feature");
        assert.equal(recorder.one("kubernetes:core/v1:ServiceAccount").inputs.automountServiceAccountToken, false);
        const job = recorder.one("kubernetes:batch/v1:CronJob");
        assert.deepEqual(job.inputs.spec, renderSnapshotCronJob(s).spec);
        assert.equal(recorder.ofType("aws:iam/role:Role").length, 0);
    });

    it("reuses the configuration's in-cluster mount, waiting for it", async () => {
        const { backup } = resolveOperations({ ...LOCAL, config: { kubernetesAuth: [{ roles: {} }] } });
        const recorder = await underMocks(({ provider, release }) => {
            const mount = new AuthBackend("config-auth-kubernetes", { type: "kubernetes", path: "kubernetes" }, { provider });
            createRaftSnapshots("prod", backup.raftSnapshots!, { namespace: "vault", vaultProvider: provider, release, authMountDependsOn: [mount] }, {});
        });
        assert.deepEqual(recorder.ofType("vault:index/authBackend:AuthBackend").map((r) => r.name), ["config-auth-kubernetes"], "no second mount");
        const role = recorder.one("vault:kubernetes/authBackendRole:AuthBackendRole");
        assert.equal(role.inputs.backend, "kubernetes");
        assert.ok(role.dependencies.includes(urnOf(recorder, "vault:index/authBackend:AuthBackend")));
    });

    it("to S3: a private, TLS-only, versioned, protected bucket expiring snapshots, and an IRSA role allowed PutObject under the prefix only", async () => {
        const { backup, ctx } = resolveOperations({ storage: { type: "raft" }, irsa: IRSA }, { backup: { raftSnapshots: { retentionDays: 14 } } });
        const s = backup.raftSnapshots!;
        const recorder = await underMocks(({ provider, release }) =>
            createRaftSnapshots("prod", s, { namespace: "vault", vaultProvider: provider, release, oidc: ctx.oidc, tags: ctx.tags }, {}));
        const bucket = recorder.one("aws:s3/bucket:Bucket");
        assert.equal(bucket.inputs.bucketPrefix, "prod-vault-snapshots-");
        assert.equal(bucket.inputs.forceDestroy, false);
        assert.equal(bucket.protect, true);
        const name = "prod-vault-snapshots-20260101";
        assert.deepEqual(recorder.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs,
            { bucket: `prod-vault-snapshots-id`, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        assert.deepEqual(recorder.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules,
            [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        assert.deepEqual(recorder.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration, { status: "Enabled" });
        assert.deepEqual(recorder.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules, [{
            id: "expire-snapshots", status: "Enabled", filter: { prefix: "vault/vault/" }, expiration: { days: 14 },
            noncurrentVersionExpiration: { noncurrentDays: 1 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        }]);
        const bucketPolicy = JSON.parse(recorder.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
        assert.deepEqual(bucketPolicy.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });

        const role = byName(recorder, "aws:iam/role:Role", "prod-vault-snapshot");
        assert.equal(role.inputs.name, "prod-vault-snapshot");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy), irsaTrustPolicy(IRSA.oidcProviderArn, IRSA.oidcProviderUrl, "vault", "vault-snapshot"));
        const permissions = recorder.one("aws:iam/rolePolicy:RolePolicy");
        assert.deepEqual(JSON.parse(permissions.inputs.policy).Statement, [{ Sid: "WriteSnapshots", Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${name}/vault/vault/*` }]);
        const account = recorder.one("kubernetes:core/v1:ServiceAccount");
        assert.deepEqual(account.inputs.metadata.annotations, { "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT_ID}:role/prod-vault-snapshot` });
        const job = recorder.one("kubernetes:batch/v1:CronJob");
        assert.deepEqual(job.inputs.spec, renderSnapshotCronJob(s, { bucket: name, region: REGION }).spec);
        assert.ok(job.dependencies.includes(permissions.urn), "the first run finds its permissions");
    });

    it("to an existing bucket: no bucket is created, the role may write under the prefix of that bucket", async () => {
        const { backup, ctx } = resolveOperations({ storage: { type: "raft" }, irsa: IRSA }, { backup: { raftSnapshots: { bucketName: "corp-backups", prefix: "vault/prod/" } } });
        const recorder = await underMocks(({ provider, release }) =>
            createRaftSnapshots("prod", backup.raftSnapshots!, { namespace: "vault", vaultProvider: provider, release, oidc: ctx.oidc }, {}));
        assert.equal(recorder.ofType("aws:s3/bucket:Bucket").length, 0);
        assert.equal(JSON.parse(recorder.one("aws:iam/rolePolicy:RolePolicy").inputs.policy).Statement[0].Resource, "arn:aws:s3:::corp-backups/vault/prod/*");
    });
});

describe("DynamoDB backups and custody replicas under mocks", () => {
    it("an AWS Backup plan for the table, encrypted with the cluster key, with the documented schedule and retention", async () => {
        const { backup } = resolveOperations({ irsa: IRSA }, { backup: { awsBackup: { enabled: true } } });
        const tableArn = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/prod-vault`;
        const recorder = await underMocks(() => createDynamoDbBackup("prod", backup.awsBackup!, { tableArn, kmsKeyArn: KEY_ARN }, {}));
        const role = recorder.one("aws:iam/role:Role");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }]);
        assert.equal(recorder.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup");
        assert.deepEqual(recorder.one("aws:backup/vault:Vault").inputs, { name: "prod-vault", kmsKeyArn: KEY_ARN, forceDestroy: false });
        assert.deepEqual(recorder.one("aws:backup/plan:Plan").inputs.rules, [{ ruleName: "vault-table", targetVaultName: "prod-vault", schedule: "cron(0 3 * * ? *)", lifecycle: { deleteAfter: 35 } }]);
        const selection = recorder.one("aws:backup/selection:Selection");
        assert.deepEqual(selection.inputs, { name: "vault-table", planId: "prod-vault-backup-id", iamRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/prod-vault-backup`, resources: [tableArn] });
    });

    it("custody secrets replicate to the listed regions with their keys", async () => {
        const { backup } = resolveOperations({ irsa: IRSA }, { backup: { custodyReplicas: [{ region: "eu-central-1", kmsKeyArn: "arn:aws:kms:eu-central-1:123456789012:key/r" }, { region: "us-east-1" }] } });
        assert.equal(custodyReplicas([]), undefined);
        const recorder = await underMocks(() => new AwsSecret("custody", { name: "prod/vault-init", replicas: custodyReplicas(backup.custodyReplicas) }));
        assert.deepEqual(recorder.one("aws:secretsmanager/secret:Secret").inputs.replicas, [
            { region: "eu-central-1", kmsKeyId: "arn:aws:kms:eu-central-1:123456789012:key/r" }, { region: "us-east-1" },
        ]);
    });
});

describe("restore support", () => {
    it("a cluster accepts a point-in-time restored table as existingTable: no table created, Vault, its role and the alarms use the restored one", async () => {
        const d = await deploy({ irsa: IRSA, storage: { type: "dynamodb", existingTable: "prod-vault-restored" } });
        assert.equal(d.recorder.ofType("aws:dynamodb/table:Table").length, 0);
        assert.match(serverHcl(d.values), /table\s+= "prod-vault-restored"/);
        const permissions = JSON.parse(d.recorder.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
        assert.equal(permissions.Statement[0].Resource, `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/prod-vault-restored`);
        const { alarms } = resolveOperations({ irsa: IRSA, storage: { type: "dynamodb", existingTable: "prod-vault-restored" } });
        createAwsAlarms("prod", alarms!, { tableName: d.cluster.tableName, kmsKeyArn: d.cluster.kmsKeyArn! }, {});
        await settle();
        const alarm = d.recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").find((r) => r.inputs.metricName === "WriteThrottleEvents")!;
        assert.deepEqual(alarm.inputs.dimensions, { TableName: "prod-vault-restored" });
    });
});
