import { createHash, X509Certificate } from "crypto";

/** SHA-256 fingerprint of a PEM certificate (the first one in the text), as `AA:BB:...` (what a TLS peer reports). */
export function certificateFingerprint(pem: string): string {
    return new X509Certificate(pem).fingerprint256;
}

/** Fingerprints compare without regard to case and separators. */
export function sameFingerprint(a: string, b: string): boolean {
    const norm = (f: string) => f.replace(/[^0-9a-f]/gi, "").toLowerCase();
    return norm(a) === norm(b);
}

/** SHA-256 of a text (hex), e.g. of the rendered server configuration, for a rollout input that changes with it. */
export function contentDigest(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}
