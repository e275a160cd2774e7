import { TLS_FILES } from "../cluster/names";
import type { MonitoringSettings } from "./monitoringSettings";
import { METRICS_PATH } from "./telemetry";

/** Labels the chart puts on its services (`vault.name` is the chart name, "vault", as no nameOverride is set). */
export function chartServiceLabels(releaseName: string): Record<string, string> {
    return { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": releaseName };
}

/**
 * A ServiceMonitor scraping every server pod through the chart's headless `<fullname>-internal` service (it publishes
 * not-ready pods too, so a sealed or standby pod is still a target). TLS is verified with the cluster CA against the
 * `<fullname>.<namespace>.svc` name of the certificate; the token comes from its Secret.
 */
export function renderServiceMonitor(m: MonitoringSettings): Record<string, any> {
    const t = m.target;
    const endpoint: Record<string, any> = {
        port: t.scheme,
        scheme: t.scheme,
        path: METRICS_PATH,
        params: { format: ["prometheus"] },
        interval: m.scrapeInterval,
        scrapeTimeout: m.scrapeTimeout,
    };
    if (t.tlsSecretName) {
        endpoint.tlsConfig = { ca: { secret: { name: t.tlsSecretName, key: TLS_FILES.ca } }, serverName: `${t.fullname}.${t.namespace}.svc` };
    }
    if (m.token) endpoint.authorization = { type: "Bearer", credentials: { name: m.token.secretName, key: "token" } };
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: t.fullname, namespace: t.namespace, labels: { ...chartServiceLabels(t.releaseName), ...m.selectorLabels } },
        spec: {
            selector: { matchLabels: { ...chartServiceLabels(t.releaseName), "vault-internal": "true" } },
            namespaceSelector: { matchNames: [t.namespace] },
            endpoints: [endpoint],
        },
    };
}
