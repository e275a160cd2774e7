import type * as pulumi from "@pulumi/pulumi";
import type { CertificateAuthority, KeyAlgorithm, Tls } from "../cluster/args";
import { USERCONFIG_DIR } from "../cluster/names";
import { Problems, REDACTED, checkPem, checkWhenKnown, isDnsName, isIpAddress, refuseOtherVariantFields } from "../validation";

/** TLS material to generate: a CA (unless one is given) and the server certificate. */
export interface GeneratedTls {
    algorithm: KeyAlgorithm;
    rsaBits: number;
    validityHours: number;
    earlyRenewalHours: number;
    caValidityHours: number;
    ca?: CertificateAuthority;
}

/** TLS on the listener, validated, with defaults applied. `enabled: false` carries nothing else. */
export interface TlsSettings {
    enabled: boolean;
    /** The Secret the server pods mount: generated here, or an existing one. */
    secretName: pulumi.Input<string>;
    /** Set when this component generates the material (absent with an existing secret). */
    generate?: GeneratedTls;
    /** The CA of an existing secret. */
    caCertPem?: pulumi.Input<string>;
    extraDnsNames: pulumi.Input<string>[];
    extraIpAddresses: pulumi.Input<string>[];
    /** The CA being replaced, trusted beside the new one during a CA change. */
    previousCaCertPem?: pulumi.Input<string>;
}

/** What the TLS stage reads of the cluster's arguments. */
export interface TlsSettingsInput {
    subject: string;
    tls?: Tls;
    /** The chart's default secret name for this release. */
    defaultSecretName: string;
}

/** Directory the TLS secret is mounted at in the server pods (the chart mounts extraVolumes secrets there). */
export function tlsMountDir(secretName: string): string {
    return `${USERCONFIG_DIR}/${secretName}`;
}

/** Validates the listener's TLS arguments and applies their defaults. */
export function resolveTlsSettings(p: Problems, input: TlsSettingsInput): TlsSettings {
    const t = input.tls ?? {};
    if (t.enabled === false) {
        refuseOtherVariantFields(p, t, ["enabled"], "tls", "a listener without TLS");
        return { enabled: false, secretName: input.defaultSecretName, extraDnsNames: [], extraIpAddresses: [] };
    }
    const algorithm = t.algorithm ?? "ECDSA";
    const rsaBits = t.rsaBits ?? 2048;
    const validityHours = t.validityHours ?? 8760;
    const earlyRenewalHours = t.earlyRenewalHours ?? 720;
    const caValidityHours = t.caValidityHours ?? 87600;
    p.check(earlyRenewalHours < validityHours, "tls.earlyRenewalHours", earlyRenewalHours, `must be below tls.validityHours (${validityHours})`,
        "e.g. 720 (re-issue 30 days before expiry)");
    p.check(caValidityHours >= validityHours, "tls.caValidityHours", caValidityHours, "must be no shorter than the server certificate's validity",
        "e.g. 87600 (ten years)");
    if (t.rsaBits !== undefined) p.check(algorithm === "RSA", "tls.rsaBits", t.rsaBits, "only applies to RSA keys", "remove it, or set tls.algorithm to \"RSA\"");
    const extraDnsNames = (t.extraDnsNames ?? []).map((n, i) => checkWhenKnown(p, input.subject, n, (q, v) =>
        q.check(isDnsName(v.replace(/^\*\./, "")), `tls.extraDnsNames[${i}]`, v, "is not a DNS name", "use a lower-case host name such as \"vault.internal.example.com\"")));
    const extraIpAddresses = (t.extraIpAddresses ?? []).map((n, i) => checkWhenKnown(p, input.subject, n, (q, v) =>
        q.check(isIpAddress(v), `tls.extraIpAddresses[${i}]`, v, "is not an IP address", "e.g. \"10.0.0.10\"")));
    const caCertPem = checkPem(p, input.subject, "tls.caCertPem", t.caCertPem);
    const previousCaCertPem = checkPem(p, input.subject, "tls.previousCaCertPem", t.previousCaCertPem);
    const ca = t.ca && { keyPem: t.ca.keyPem, certPem: checkPem(p, input.subject, "tls.ca.certPem", t.ca.certPem)! };
    if (t.existingSecretName !== undefined) {
        p.check(t.caCertPem !== undefined, "tls.caCertPem", undefined, "is required with tls.existingSecretName",
            "pass the PEM of the CA that signed the secret's certificate, so the init step can verify Vault");
        p.check(t.ca === undefined, "tls.ca", REDACTED, "cannot be combined with tls.existingSecretName", "set only one of them");
        return {
            enabled: true,
            secretName: checkWhenKnown(p, input.subject, t.existingSecretName, (q, v) =>
                q.check(isDnsName(v), "tls.existingSecretName", v, "is not a valid Secret name", "use lower-case letters, digits, '-' and '.'")),
            caCertPem, extraDnsNames, extraIpAddresses, previousCaCertPem,
        };
    }
    p.check(t.caCertPem === undefined, "tls.caCertPem", REDACTED, "only applies with tls.existingSecretName",
        "remove it (the generated CA is used), or pass the CA and its key as tls.ca");
    return {
        enabled: true,
        secretName: input.defaultSecretName,
        generate: { algorithm, rsaBits, validityHours, earlyRenewalHours, caValidityHours, ca },
        extraDnsNames, extraIpAddresses, previousCaCertPem,
    };
}
