import * as pulumi from "@pulumi/pulumi";
import { Problems, REDACTED, checkPem, isDnsLabel, isDnsName, isPositiveInteger } from "../validation";
import type { BootstrapArgs, KeyHolderArgs } from "./args";

export type CustodySettings =
    | { type: "aws-secrets-manager"; secretName: string; recoveryWindowInDays: number; profile?: string }
    | { type: "kubernetes-secret"; namespace: string; name: string }
    | { type: "state" };

export interface BootstrapSettings {
    keyShares: number;
    keyThreshold: number;
    keyHolders: KeyHolderArgs[];
    custody: CustodySettings;
    address?: pulumi.Input<string>;
    addressCaCertPem?: pulumi.Input<string>;
    kubeconfig?: pulumi.Input<string>;
    kubeContext?: string;
    revokeRootToken: boolean;
    timeoutSeconds: number;
}

export interface BootstrapContext {
    componentName: string;
    releaseName: string;
    namespace: string;
    usesAws: boolean;
    seal: "awskms" | "shamir";
    tlsEnabled: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function resolveBootstrapSettings(p: Problems, b: BootstrapArgs | undefined, ctx: BootstrapContext): BootstrapSettings {
    const holders = b?.keyHolders ?? [];
    const keyShares = holders.length > 0 ? holders.length : b?.keyShares ?? 5;
    const keyThreshold = b?.keyThreshold ?? Math.min(3, keyShares);
    if (holders.length > 0 && b?.keyShares !== undefined) {
        p.check(b.keyShares === holders.length, "bootstrap.keyShares", b.keyShares, `disagrees with the ${holders.length} keyHolders`,
            "remove keyShares: the number of holders is the number of shares");
    }
    p.check(isPositiveInteger(keyShares) && keyShares <= 10, "bootstrap.keyShares", keyShares, "must be a whole number from 1 to 10", "use 5 (the default)");
    p.check(isPositiveInteger(keyThreshold) && keyThreshold <= keyShares && (keyShares === 1 || keyThreshold > 1),
        "bootstrap.keyThreshold", keyThreshold, `must be from 2 to keyShares (${keyShares}), or 1 with a single share`, "use 3 with 5 shares");
    const names = new Set<string>();
    holders.forEach((h, i) => {
        p.check(typeof h.name === "string" && h.name.length > 0 && !names.has(h.name), `bootstrap.keyHolders[${i}].name`, h.name,
            "must be a unique, non-empty name", "name each holder once, e.g. their e-mail address");
        names.add(h.name);
        p.check(typeof h.pgpKey === "string" && BASE64.test(h.pgpKey.replace(/\s+/g, "")), `bootstrap.keyHolders[${i}].pgpKey`, REDACTED,
            "is not base64", "pass the output of `gpg --export <key id> | base64 -w0`");
    });
    if (holders.length > 0) {
        p.check(ctx.seal === "awskms", "bootstrap.keyHolders", holders.map((h) => h.name), "needs an auto-unseal seal: with Shamir the init step must unseal with the plain keys",
            "remove keyHolders, or use seal { type: \"awskms\" }");
    }

    const custody = resolveCustody(p, b, ctx);
    const revokeRootToken = b?.revokeRootToken ?? false;
    checkPem(p, "bootstrap.addressCaCertPem", b?.addressCaCertPem);
    const timeoutSeconds = b?.timeoutSeconds ?? 600;
    p.check(isPositiveInteger(timeoutSeconds), "bootstrap.timeoutSeconds", timeoutSeconds, "must be a whole number of seconds", "e.g. 600");
    if (typeof b?.address === "string") {
        p.check(/^https?:\/\/[^/\s]+\/?$/.test(b.address), "bootstrap.address", b.address, "is not a Vault URL",
            "use a URL such as \"https://vault.example.com\" (scheme and host, optional port, no path)");
        p.check(!ctx.tlsEnabled || b.address.startsWith("https://"), "bootstrap.address", b.address,
            "uses http while TLS is on: the init response would cross the network in clear text", "use https://");
    }
    return {
        keyShares, keyThreshold, keyHolders: holders, custody,
        address: b?.address, addressCaCertPem: b?.addressCaCertPem, kubeconfig: b?.kubeconfig, kubeContext: b?.kubeContext,
        revokeRootToken, timeoutSeconds,
    };
}

function resolveCustody(p: Problems, b: BootstrapArgs | undefined, ctx: BootstrapContext): CustodySettings {
    const c = b?.custody;
    if (c === undefined) {
        if (ctx.usesAws) return { type: "aws-secrets-manager", secretName: `${ctx.componentName}/vault-init`, recoveryWindowInDays: 30 };
        p.add("bootstrap.custody", undefined, "has no default for a cluster that uses no AWS: the init keys need a deliberate home",
            "set bootstrap.custody to { type: \"kubernetes-secret\" } (local clusters) or { type: \"state\" } (Pulumi secrets)");
        return { type: "state" };
    }
    switch (c.type) {
        case "aws-secrets-manager": {
            const secretName = c.secretName ?? `${ctx.componentName}/vault-init`;
            p.check(/^[\w/+=.@-]{1,512}$/.test(secretName), "bootstrap.custody.secretName", secretName, "is not a Secrets Manager name",
                "use letters, digits and /_+=.@-");
            const recoveryWindowInDays = c.recoveryWindowInDays ?? 30;
            p.check(Number.isInteger(recoveryWindowInDays) && recoveryWindowInDays >= 7 && recoveryWindowInDays <= 30,
                "bootstrap.custody.recoveryWindowInDays", recoveryWindowInDays, "must be from 7 to 30 days", "use 30 (the default)");
            p.check(ctx.usesAws, "bootstrap.custody.type", c.type, "needs the cluster's AWS backend (its KMS key encrypts the secret)",
                "use { type: \"kubernetes-secret\" } or { type: \"state\" } for a cluster without AWS");
            return { type: c.type, secretName, recoveryWindowInDays, profile: c.profile };
        }
        case "kubernetes-secret": {
            const namespace = c.namespace ?? ctx.namespace;
            const name = c.name ?? `${ctx.releaseName}-init`;
            p.check(isDnsLabel(namespace), "bootstrap.custody.namespace", namespace, "is not a namespace name", "e.g. \"vault\"");
            p.check(isDnsName(name), "bootstrap.custody.name", name, "is not a Secret name", "e.g. \"vault-init\"");
            return { type: c.type, namespace, name };
        }
        case "state":
            return { type: "state" };
        default:
            p.add("bootstrap.custody.type", (c as { type: unknown }).type, "is not a custody type",
                "use \"aws-secrets-manager\", \"kubernetes-secret\" or \"state\"");
            return { type: "state" };
    }
}
