import type { VaultClusterArgs } from "./args";
import { renderAlertRules, type RuleGroup } from "../operations/alertRules";
import { resolveClusterSettings } from "./settings";

/**
 * The alert rules a VaultCluster with these arguments installs as a PrometheusRule (with `monitoring.prometheusOperator`),
 * as a rule file's groups: for a Prometheus without the operator, write them as YAML into one of its `rule_files`. The
 * arguments are validated as the component validates them; the thresholds are `monitoring.alerts`'.
 */
export function vaultAlertRules(name: string, args: VaultClusterArgs): RuleGroup[] {
    const monitoring = args.monitoring ?? {};
    if (monitoring.enabled === false) throw new Error(`VaultCluster "${name}": monitoring is off, so there are no alert rules (remove monitoring.enabled: false)`);
    const s = resolveClusterSettings(name, { ...args, monitoring: { ...monitoring, prometheusOperator: true, alerts: { ...monitoring.alerts, enabled: true } } });
    return renderAlertRules(s.operations.monitoring!);
}
