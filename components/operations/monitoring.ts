import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { ConfigMap } from "@pulumi/kubernetes/core/v1/configMap";
import { CronJob } from "@pulumi/kubernetes/batch/v1/cronJob";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import { Policy } from "@pulumi/vault/policy";
import { Token } from "@pulumi/vault/token";
import { AuthBackendRole as TokenRole } from "@pulumi/vault/tokenauth/authBackendRole";
import type { Provider as VaultProvider } from "@pulumi/vault/provider";
import { renderPolicy } from "../config/policy";
import { durationSeconds } from "../validation";
import { renderPrometheusRule } from "./alertRules";
import { renderDashboard } from "./dashboard";
import { renderTokenRenewCronJob } from "./jobs";
import type { MonitoringSettings } from "./monitoringSettings";
import { renderServiceMonitor } from "./serviceMonitor";
import { METRICS_POLICY_RULES } from "./vaultPolicies";

export interface MonitoringDeps {
    /** The cluster's namespace (its output carries the dependency on the namespace). */
    namespace: pulumi.Input<string>;
    /** The chained Vault provider: the metrics policy, token role and token are written through it. */
    vaultProvider?: VaultProvider;
    /** The Helm release: Vault resources are deleted with it. */
    release?: pulumi.Resource;
    /** The active node's in-cluster address, for the renewal job. */
    activeAddress: string;
}

export interface MonitoringResources {
    /** Secret holding the scraper's token (key `token`), with token access. */
    tokenSecretName?: pulumi.Output<string>;
}

const withNamespace = (manifest: Record<string, any>, namespace: pulumi.Input<string>) => ({ ...manifest.metadata, namespace });

/**
 * Registers what monitoring needs beyond the server config and chart values: the scraper's Vault identity (policy,
 * orphan periodic token from a token role, the Secret holding it, the daily renewal CronJob), the ServiceMonitor and
 * PrometheusRule with the operator, and the dashboard ConfigMap when asked for.
 */
export function createMonitoring(name: string, m: MonitoringSettings, deps: MonitoringDeps, opts: pulumi.CustomResourceOptions): MonitoringResources {
    const resources: MonitoringResources = {};
    let tokenSecret: Secret | undefined;
    if (m.token) {
        if (!deps.vaultProvider) throw new Error("createMonitoring: a Vault provider is needed for the metrics token");
        const t = m.token;
        const vault = { ...opts, provider: deps.vaultProvider, deletedWith: deps.release };
        const policy = new Policy(`${name}-policy-${t.policyName}`, { name: t.policyName, policy: renderPolicy(METRICS_POLICY_RULES) }, vault);
        // A role with orphan tokens: creating one needs no sudo, and the token outlives the provider's own child token.
        const role = new TokenRole(`${name}-token-role-${t.roleName}`, {
            roleName: t.roleName, allowedPolicies: [policy.name], orphan: true, renewable: true, tokenPeriod: durationSeconds(t.period), tokenNoDefaultPolicy: true,
        }, vault);
        const token = new Token(`${name}-metrics-token`, {
            roleName: role.roleName, policies: [policy.name], renewable: true, noDefaultPolicy: true, displayName: "prometheus-metrics",
        }, { ...vault, additionalSecretOutputs: ["clientToken"] });
        tokenSecret = new Secret(`${name}-metrics-token`, {
            metadata: { name: t.secretName, namespace: deps.namespace, labels: { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": m.target.releaseName } },
            type: "Opaque",
            stringData: { token: pulumi.secret(token.clientToken) },
        }, opts);
        const renew = renderTokenRenewCronJob(m, t, deps.activeAddress);
        new CronJob(`${name}-metrics-token-renew`, { metadata: withNamespace(renew, deps.namespace), spec: renew.spec }, { ...opts, dependsOn: [tokenSecret] });
        resources.tokenSecretName = tokenSecret.metadata.name;
    }
    if (m.prometheusOperator) {
        const monitor = renderServiceMonitor(m);
        new CustomResource(`${name}-service-monitor`, {
            apiVersion: monitor.apiVersion, kind: monitor.kind, metadata: withNamespace(monitor, deps.namespace), spec: monitor.spec,
        }, { ...opts, dependsOn: tokenSecret ? [tokenSecret] : [] });
    }
    if (m.alerts.createRule) {
        const rule = renderPrometheusRule(m);
        new CustomResource(`${name}-prometheus-rule`, { apiVersion: rule.apiVersion, kind: rule.kind, metadata: withNamespace(rule, deps.namespace), spec: rule.spec }, opts);
    }
    const d = m.dashboardConfigMap;
    if (d) {
        const dashboard = renderDashboard({ namespace: m.target.namespace, fullname: m.target.fullname, storage: [m.target.storage] });
        new ConfigMap(`${name}-dashboard`, {
            metadata: { name: d.name, namespace: d.namespace, labels: d.labels, annotations: d.annotations },
            data: { "vault.json": JSON.stringify(dashboard, null, 2) },
        }, opts);
    }
    return resources;
}
