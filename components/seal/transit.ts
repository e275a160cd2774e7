import * as pulumi from "@pulumi/pulumi";
import type { Seal } from "../cluster/args";
import { Problems, REDACTED, checkPem, checkWhenKnown, isDnsName, isMountPath, isVaultUrl, refuseOtherVariantFields } from "../validation";

/** The fields of the transit seal variant. */
export const TRANSIT_SEAL_FIELDS = ["type", "address", "keyName", "mountPath", "token", "caCertPem", "tlsServerName"];

/** The transit seal, validated: what the server configuration and the token Secret are made of. */
export interface TransitSealSettings {
    address: pulumi.Input<string>;
    keyName: pulumi.Input<string>;
    mountPath: pulumi.Input<string>;
    /** A Pulumi secret: it only ever reaches a Kubernetes Secret. */
    token: pulumi.Output<string>;
    caCertPem?: pulumi.Input<string>;
    tlsServerName?: pulumi.Input<string>;
}

/** Transit key names: what Vault's transit engine accepts in a key's path segment. */
const KEY_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Validates `seal` of type transit. The key holder must be reached over https (the token crosses the network with every
 * encrypt and decrypt), and the token is required: without it no pod could ever unseal; so is the key holder's CA
 * while TLS is on.
 */
export function resolveTransitSeal(p: Problems, subject: string, seal: Seal, tlsEnabled: boolean): TransitSealSettings {
    refuseOtherVariantFields(p, seal, TRANSIT_SEAL_FIELDS, "seal", "the transit seal");
    const required = (field: "address" | "keyName" | "token", example: string): boolean =>
        p.check(seal[field] !== undefined, `seal.${field}`, undefined, "is required with the transit seal", `set seal.${field}, e.g. ${example}`);
    required("address", "the key holder's externalAddress (\"https://vault-keys.example.com:8200\")");
    required("keyName", "\"autounseal\" (a key holder's config.transitSealKeys entry)");
    required("token", "the key holder's transitSealTokens output");
    // With TLS on, the pods' VAULT_CACERT names this cluster's own CA, and the seal's client trusts that file unless
    // given another: without the key holder's CA it could never verify it.
    if (tlsEnabled) {
        p.check(seal.caCertPem !== undefined, "seal.caCertPem", undefined, "is required with the transit seal while TLS is on (the pods' VAULT_CACERT, this cluster's own CA, would be the seal's only trust anchor)",
            "pass the key holder's CA, e.g. its caCertPem output (for a publicly trusted certificate, the issuing CA's PEM)");
    }
    const address = checkWhenKnown(p, subject, seal.address ?? "", (q, v) => {
        if (!URL.canParse(v) || new URL(v).username || new URL(v).password) {
            q.add("seal.address", REDACTED, "is not a URL without credentials (not shown)", "use the key holder's address, e.g. \"https://vault-keys.example.com:8200\"");
            return;
        }
        q.check(isVaultUrl(v, true), "seal.address", v, "is not an https URL of the key holder Vault (scheme and host, optional port, no path)",
            "use \"https://<host>[:port]\": the seal's token travels with every request");
    });
    const keyName = checkWhenKnown(p, subject, seal.keyName ?? "", (q, v) =>
        q.check(KEY_NAME.test(v), "seal.keyName", v, "is not a transit key name", "use letters, digits, '_', '.' and '-', e.g. \"autounseal\""));
    const mountPath = checkWhenKnown(p, subject, seal.mountPath ?? "transit", (q, v) =>
        q.check(isMountPath(v), "seal.mountPath", v, "is not a Vault mount path", "use e.g. \"transit\" (no leading or trailing '/')"));
    const tlsServerName = seal.tlsServerName === undefined ? undefined : checkWhenKnown(p, subject, seal.tlsServerName, (q, v) =>
        q.check(isDnsName(v), "seal.tlsServerName", v, "is not a DNS name", "use the name in the key holder's certificate, e.g. \"vault-keys.example.com\""));
    return {
        address, keyName, mountPath, tlsServerName,
        token: pulumi.secret(pulumi.output(seal.token ?? "")),
        caCertPem: checkPem(p, subject, "seal.caCertPem", seal.caCertPem),
    };
}

/**
 * What identifies the transit seal's key for the seal guard: another key holder, mount or key is a seal change
 * (Vault could no longer decrypt its root key).
 */
export function transitKeyId(t: Pick<TransitSealSettings, "address" | "mountPath" | "keyName">): pulumi.Output<string> {
    return pulumi.interpolate`${t.address}/v1/${t.mountPath}/keys/${t.keyName}`;
}
