import { AUDIT_MOUNT_PATH } from "../cluster/names";
import { Problems, durationSeconds, isDuration, isPlainObject } from "../validation";
import type { AuditRotation } from "./args";
import { IMAGES, checkCount, checkPinnedImage, checkQuantity, quantityBytes } from "./checks";
import type { OperationsContext } from "./context";
import { CONTAINER_SECURITY, POD_SECURITY } from "./jobs";
import { AUDIT_ROTATION_SCRIPT } from "./scripts";

export interface AuditRotationSettings {
    files: string[];
    maxBytes: number;
    /** 0: by size only. */
    maxAgeSeconds: number;
    keep: number;
    compress: boolean;
    intervalSeconds: number;
    image: string;
}

/** The share of the audit volume that the kept files may fill at most (uncompressed), leaving room for the rest. */
const VOLUME_SHARE = 0.8;

/**
 * Validates the rotation arguments and settles their defaults: on whenever a file audit device writes to the audit
 * volume. The kept files must fit the volume even uncompressed, so the rotation itself cannot fill it.
 */
export function resolveAuditRotationSettings(p: Problems, args: AuditRotation | undefined, ctx: OperationsContext): AuditRotationSettings | undefined {
    if (args !== undefined) p.check(isPlainObject(args), "auditRotation", args, "must be an object", "e.g. { maxSize: \"100Mi\", keep: 7 }");
    const a = args ?? {};
    const files = ctx.audit.enabled ? ctx.audit.filePaths : [];
    if (files.length === 0) {
        p.check(a.enabled !== true, "auditRotation.enabled", true, `has nothing to rotate: no file audit device writes to the audit volume (${AUDIT_MOUNT_PATH})`,
            "enable auditStorage and keep the default file audit device, or remove auditRotation");
        return undefined;
    }
    if (a.enabled === false) return undefined;
    const maxSize = a.maxSize ?? "100Mi";
    const sizeOk = checkQuantity(p, "auditRotation.maxSize", maxSize) && p.check(quantityBytes(maxSize) > 0, "auditRotation.maxSize", maxSize, "must be more than 0", "e.g. \"100Mi\"");
    const maxAge = a.maxAge ?? "24h";
    p.check(isDuration(maxAge), "auditRotation.maxAge", maxAge, "is not a duration", "e.g. \"24h\", or \"0\" to rotate by size only");
    const keep = a.keep ?? 7;
    checkCount(p, "auditRotation.keep", keep, 7);
    const interval = a.checkInterval ?? "60s";
    p.check(isDuration(interval) && durationSeconds(interval) >= 1, "auditRotation.checkInterval", interval, "is not a duration of at least 1s", "e.g. \"60s\"");
    const image = a.image ?? IMAGES.busybox;
    checkPinnedImage(p, "auditRotation.image", image);
    if (sizeOk && Number.isInteger(keep) && checkQuantity(p, "auditStorage.size", ctx.audit.size)) {
        const worst = (keep + 1) * quantityBytes(maxSize) * files.length;
        const room = VOLUME_SHARE * quantityBytes(ctx.audit.size);
        p.check(worst <= room, "auditRotation.keep", keep,
            `keeps up to ${keep + 1} × ${maxSize} per log (${files.length} log${files.length > 1 ? "s" : ""}): more than ${VOLUME_SHARE * 100}% of the ${ctx.audit.size} audit volume`,
            `lower keep or maxSize, or enlarge auditStorage.size to at least ${Math.ceil(worst / VOLUME_SHARE / 2 ** 30)}Gi`);
    }
    return {
        files,
        maxBytes: sizeOk ? quantityBytes(maxSize) : 0,
        maxAgeSeconds: isDuration(maxAge) ? durationSeconds(maxAge) : 0,
        keep,
        compress: a.compress ?? true,
        intervalSeconds: isDuration(interval) ? durationSeconds(interval) : 60,
        image,
    };
}

/** Name of the audit volume in the chart's StatefulSet (its volumeClaimTemplate). */
const AUDIT_VOLUME = "audit";

/**
 * Chart values adding the rotation sidecar to the server pods: `server.shareProcessNamespace` lets it see and signal
 * the Vault process (same user, 100), `server.extraContainers` runs it with the audit volume mounted.
 */
export function auditRotationChartValues(s: AuditRotationSettings | undefined): Record<string, unknown> {
    if (!s) return {};
    return {
        server: {
            shareProcessNamespace: true,
            extraContainers: [{
                name: "audit-rotate",
                image: s.image,
                command: ["/bin/sh", "-c", AUDIT_ROTATION_SCRIPT],
                env: Object.entries({
                    AUDIT_FILES: s.files.join(" "),
                    MAX_BYTES: String(s.maxBytes),
                    MAX_AGE_SECONDS: String(s.maxAgeSeconds),
                    KEEP: String(s.keep),
                    COMPRESS: String(s.compress),
                    INTERVAL_SECONDS: String(s.intervalSeconds),
                    VAULT_PROCESS: "vault",
                }).map(([name, value]) => ({ name, value })),
                securityContext: { ...CONTAINER_SECURITY, runAsUser: POD_SECURITY.runAsUser, runAsGroup: POD_SECURITY.runAsGroup },
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
                volumeMounts: [{ name: AUDIT_VOLUME, mountPath: AUDIT_MOUNT_PATH }],
            }],
        },
    };
}
