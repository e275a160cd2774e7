import type * as pulumi from "@pulumi/pulumi";
import type { SealType } from "../cluster/args";
import { Problems, REDACTED, checkPem, checkWhenKnown, isDnsLabel, isDnsName, refuseOtherVariantFields } from "../validation";
import type { Bootstrap, KeyCustody, KeyHolder } from "./args";

export interface SecretsManagerCustodySettings { type: "aws-secrets-manager"; secretName: string; recoveryWindowInDays: number; profile?: string }
export interface KubernetesSecretCustodySettings { type: "kubernetes-secret"; namespace: pulumi.Input<string>; name: string }
export type CustodySettings = SecretsManagerCustodySettings | KubernetesSecretCustodySettings | { type: "state" };

export interface BootstrapSettings {
    keyShares: number;
    keyThreshold: number;
    keyHolders: KeyHolder[];
    custody: CustodySettings;
    address?: pulumi.Input<string>;
    addressCaCertPem?: pulumi.Input<string>;
    kubeconfig?: pulumi.Input<string>;
    kubeContext?: pulumi.Input<string>;
    revokeRootToken: boolean;
    timeoutSeconds: number;
}

/** What the bootstrap stage reads of the cluster besides its own arguments. */
export interface BootstrapContext {
    subject: string;
    componentName: string;
    releaseName: string;
    namespace: pulumi.Input<string>;
    usesAws: boolean;
    seal: SealType;
    tlsEnabled: boolean;
    /** Dev mode: no init step, so no custody (its argument is refused by the mode check). */
    noInitStep?: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Validates the init, custody and access arguments and applies their defaults. */
export function resolveBootstrapSettings(p: Problems, b: Bootstrap | undefined, ctx: BootstrapContext): BootstrapSettings {
    const holders = b?.keyHolders ?? [];
    const keyShares = holders.length > 0 ? holders.length : b?.keyShares ?? 5;
    const keyThreshold = b?.keyThreshold ?? Math.min(3, keyShares);
    if (holders.length > 0 && b?.keyShares !== undefined) {
        p.check(b.keyShares === holders.length, "bootstrap.keyShares", b.keyShares, `disagrees with the ${holders.length} keyHolders`,
            "remove keyShares: the number of holders is the number of shares");
    }
    p.check(keyShares <= 10, "bootstrap.keyShares", keyShares, "must be at most 10", "use 5 (the default)");
    p.check(keyThreshold <= keyShares && (keyShares === 1 || keyThreshold > 1), "bootstrap.keyThreshold", keyThreshold,
        `must be from 2 to keyShares (${keyShares}), or 1 with a single share`, "use 3 with 5 shares");
    const names = new Set<string>();
    const keyHolders = holders.map((h, i) => {
        p.check(h.name.length > 0 && !names.has(h.name), `bootstrap.keyHolders[${i}].name`, h.name, "must be a unique, non-empty name",
            "name each holder once, e.g. their e-mail address");
        names.add(h.name);
        const pgpKey = checkWhenKnown(p, ctx.subject, h.pgpKey, (q, v) => q.check(BASE64.test(v.replace(/\s+/g, "")), `bootstrap.keyHolders[${i}].pgpKey`, REDACTED,
            "is not base64", "pass the output of `gpg --export <key id> | base64 -w0`"));
        return { name: h.name, pgpKey };
    });
    if (holders.length > 0) {
        p.check(ctx.seal !== "shamir", "bootstrap.keyHolders", holders.map((h) => h.name), "needs an auto-unseal seal: with Shamir the init step must unseal with the plain keys",
            "remove keyHolders, or use an auto-unseal seal: { type: \"awskms\" } or { type: \"transit\", ... }");
    }
    return {
        keyShares, keyThreshold, keyHolders,
        // Never read in dev mode, whose generated root token is its only secret.
        custody: ctx.noInitStep ? { type: "state" } : resolveCustody(p, b?.custody, ctx),
        address: b?.address === undefined ? undefined : checkWhenKnown(p, ctx.subject, b.address, (q, v) => checkAddress(q, v, ctx.tlsEnabled)),
        addressCaCertPem: checkPem(p, ctx.subject, "bootstrap.addressCaCertPem", b?.addressCaCertPem),
        kubeconfig: b?.kubeconfig,
        kubeContext: b?.kubeContext,
        revokeRootToken: b?.revokeRootToken ?? false,
        timeoutSeconds: b?.timeoutSeconds ?? 600,
    };
}

function checkAddress(p: Problems, address: string, tlsEnabled: boolean): void {
    let url: URL | undefined;
    try { url = new URL(address); } catch { url = undefined; }
    if (url && (url.username || url.password)) {
        p.add("bootstrap.address", REDACTED, "carries a user name or password (not shown)", "remove the credentials from the URL: Vault is reached with its own tokens");
        return;
    }
    if (!p.check(url !== undefined && /^https?:$/.test(url.protocol) && (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash,
        "bootstrap.address", address, "is not a Vault URL", "use a URL such as \"https://vault.example.com\" (scheme and host, optional port, no path)")) return;
    p.check(!tlsEnabled || url!.protocol === "https:", "bootstrap.address", address,
        "uses http while TLS is on: the init response would cross the network in clear text", "use https://");
}

const SECRETS_MANAGER_FIELDS = ["type", "secretName", "recoveryWindowInDays", "profile"];
const KUBERNETES_SECRET_FIELDS = ["type", "namespace", "name"];

function resolveCustody(p: Problems, c: KeyCustody | undefined, ctx: BootstrapContext): CustodySettings {
    if (c === undefined) {
        if (ctx.usesAws) return { type: "aws-secrets-manager", secretName: `${ctx.componentName}/vault-init`, recoveryWindowInDays: 30 };
        p.add("bootstrap.custody", undefined, "has no default for a cluster that uses no AWS: the init keys need a deliberate home",
            "set bootstrap.custody to { type: \"kubernetes-secret\" } (local clusters) or { type: \"state\" } (Pulumi secrets)");
        return { type: "state" };
    }
    switch (c.type) {
        case "aws-secrets-manager": {
            refuseOtherVariantFields(p, c, SECRETS_MANAGER_FIELDS, "bootstrap.custody", "custody type \"aws-secrets-manager\"");
            const secretName = c.secretName ?? `${ctx.componentName}/vault-init`;
            // The admin slot is named "<secretName>-admin": both must fit Secrets Manager's 512 characters.
            p.check(/^[\w/+=.@-]{1,506}$/.test(secretName), "bootstrap.custody.secretName", secretName, "is not a Secrets Manager name (at most 506 characters, leaving room for \"-admin\")",
                "use letters, digits and /_+=.@-");
            p.check(ctx.usesAws, "bootstrap.custody.type", c.type, "needs the cluster's AWS backend (its KMS key encrypts the secret)",
                "use { type: \"kubernetes-secret\" } or { type: \"state\" } for a cluster without AWS");
            return { type: c.type, secretName, recoveryWindowInDays: c.recoveryWindowInDays ?? 30, profile: c.profile };
        }
        case "kubernetes-secret": {
            refuseOtherVariantFields(p, c, KUBERNETES_SECRET_FIELDS, "bootstrap.custody", "custody type \"kubernetes-secret\"");
            const name = c.name ?? `${ctx.releaseName}-init`;
            // The admin slot is named "<name>-admin".
            p.check(isDnsName(name) && name.length <= 247, "bootstrap.custody.name", name, "is not a Secret name (at most 247 characters, leaving room for \"-admin\")",
                "e.g. \"vault-init\"");
            const namespace = c.namespace === undefined ? ctx.namespace
                : checkWhenKnown(p, ctx.subject, c.namespace, (q, v) => q.check(isDnsLabel(v), "bootstrap.custody.namespace", v, "is not a namespace name", "e.g. \"vault\""));
            return { type: c.type, namespace, name };
        }
        default:
            refuseOtherVariantFields(p, c, ["type"], "bootstrap.custody", "custody type \"state\"");
            return { type: "state" };
    }
}
