import type { ServerConfig } from "../chart/serverConfig";
import { VAULT_PORT } from "../cluster/names";
import type { MonitoringSettings } from "./monitoringSettings";

/** Where Vault serves metrics; `format=prometheus`, or Prometheus's OpenMetrics Accept header, selects the text format. */
export const METRICS_PATH = "/v1/sys/metrics";

/**
 * The server configuration with the `telemetry` stanza (and, with unauthenticated access, the listener's
 * `telemetry { unauthenticated_metrics_access = true }`). Unchanged without monitoring.
 */
export function withTelemetry(config: ServerConfig, m: MonitoringSettings | undefined): ServerConfig {
    if (!m) return config;
    return {
        ...config,
        telemetry: m.telemetry,
        listener: { ...config.listener, unauthenticatedMetricsAccess: m.unauthenticatedMetricsAccess || undefined },
    };
}

/**
 * Chart values for monitoring, deep-merged into the rendered ones: without the Prometheus Operator, the
 * `prometheus.io/*` annotations most Prometheus setups scrape pods by (`server.annotations` are pod annotations).
 * The chart's own `serverTelemetry` ServiceMonitor stays off: the component creates its own, checked against the CRD.
 */
export function monitoringChartValues(m: MonitoringSettings | undefined): Record<string, unknown> {
    if (!m || m.prometheusOperator) return {};
    return {
        server: {
            annotations: {
                "prometheus.io/scrape": "true",
                "prometheus.io/path": METRICS_PATH,
                "prometheus.io/port": String(VAULT_PORT),
                "prometheus.io/scheme": m.target.scheme,
            },
        },
    };
}
