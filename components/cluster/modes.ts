import type * as pulumi from "@pulumi/pulumi";
import { Problems, REDACTED } from "../validation";
import type { ClusterMode, StorageType, VaultClusterArgs } from "./args";

/**
 * What the dev server has no use for, and why: it keeps everything in memory, is initialized and unsealed at start with
 * a root token of its own, serves plain HTTP and creates no AWS resource. Each is refused rather than ignored, so that
 * nobody believes a dev Vault is protected by a seal, custody or TLS it does not have.
 */
const DEV_REFUSED: Record<string, string> = {
    "storage": "the dev server keeps everything in memory (lost on every restart)",
    "seal": "the dev server is unsealed at start, with a key it keeps in memory",
    "irsa": "the dev server creates no AWS resource",
    "vpcEndpoints": "the dev server creates no AWS resource",
    "region": "the dev server creates no AWS resource",
    "tags": "the dev server creates no AWS resource",
    "alarms": "the dev server creates no AWS resource",
    "backup": "the dev server's data lives in memory: there is nothing durable to back up",
    "auditStorage": "the dev server mounts no volume (its audit log goes to stdout)",
    "auditRotation": "the dev server mounts no volume (its audit log goes to stdout)",
    "monitoring": "the dev server reads no server configuration, so Vault's telemetry cannot be configured",
    "bootstrap.custody": "the dev server is initialized at start: no init response to keep",
    "bootstrap.keyShares": "the dev server is initialized at start with a single key",
    "bootstrap.keyThreshold": "the dev server is initialized at start with a single key",
    "bootstrap.keyHolders": "the dev server is initialized at start with a single key",
    "bootstrap.revokeRootToken": "the generated root token is the dev server's only credential",
    "bootstrap.timeoutSeconds": "the dev server has no init step",
    "server.nodeSelector": "the chart ignores the server's placement in dev mode",
    "server.tolerations": "the chart ignores the server's placement in dev mode",
    "server.podAntiAffinity": "the chart ignores the server's placement in dev mode",
};

/**
 * Checks the arguments that depend on the mode: dev refuses what it cannot honour (see {@link DEV_REFUSED}) and TLS,
 * standalone and dev run exactly one server.
 */
export function checkModeArgs(p: Problems, mode: ClusterMode, a: VaultClusterArgs): void {
    if (mode === "ha") return;
    p.check(a.replicas === undefined || a.replicas === 1, "replicas", a.replicas, `is not 1: the ${mode} mode runs one server`,
        mode === "dev" ? "remove replicas" : "remove replicas, or use mode \"ha\" for more servers");
    if (mode !== "dev") return;
    for (const [path, why] of Object.entries(DEV_REFUSED)) {
        const [head, field] = path.split(".") as [keyof VaultClusterArgs, string | undefined];
        const value = field === undefined ? a[head] : (a[head] as Record<string, unknown> | undefined)?.[field];
        p.check(value === undefined, path, REDACTED, `does not apply to mode "dev": ${why}`, `remove ${path}, or use mode "standalone" or "ha"`);
    }
    (a.config?.kvMounts ?? []).forEach((m, i) => p.check(m.path !== "secret", `config.kvMounts[${i}].path`, m.path,
        "is mounted by the dev server itself (KV v2 at secret/): mounting it again fails", "use another path, e.g. \"kv\""));
    const tls = a.tls ?? {};
    const tlsFields = Object.entries(tls).filter(([k, v]) => v !== undefined && !(k === "enabled" && v === false));
    p.check(tlsFields.length === 0, `tls.${tlsFields[0]?.[0]}`, REDACTED, "does not apply to mode \"dev\": the dev server serves plain HTTP",
        "remove tls (or set only tls.enabled: false), or use mode \"standalone\" for TLS on one server");
}

/** The number of servers: what `replicas` says in HA mode (3 by default), one in the others. */
export function modeReplicas(mode: ClusterMode, replicas: pulumi.Input<number> | undefined): pulumi.Input<number> {
    return mode === "ha" ? replicas ?? 3 : 1;
}

/** Where a cluster keeps its data: the storage argument's backend, or memory in dev mode. */
export type ServerStorage = StorageType | "inmem";
