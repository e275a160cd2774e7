import { generateKeyPairSync } from "crypto";
import * as forge from "node-forge";

/** Test PKI: a CA and server certificates signed by it, generated fresh (keys by Node's native RSA). */
export interface TestCa {
    certPem: string;
    cert: forge.pki.Certificate;
    key: forge.pki.rsa.PrivateKey;
}

export interface TestCertificate {
    certPem: string;
    keyPem: string;
}

function rsaKey(): forge.pki.rsa.PrivateKey {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    return forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()) as forge.pki.rsa.PrivateKey;
}

function baseCertificate(key: forge.pki.rsa.PrivateKey, serial: string): forge.pki.Certificate {
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    cert.serialNumber = serial;
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
    return cert;
}

export function makeCa(commonName = "Test Vault CA"): TestCa {
    const key = rsaKey();
    const cert = baseCertificate(key, "01");
    const subject = [{ name: "commonName", value: commonName }];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.setExtensions([{ name: "basicConstraints", cA: true, critical: true }, { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true }]);
    cert.sign(key, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), cert, key };
}

export function makeServerCertificate(ca: TestCa, names: { ips?: string[]; dns?: string[] }): TestCertificate {
    const key = rsaKey();
    const cert = baseCertificate(key, String(Date.now() % 1_000_000 + 2));
    cert.setSubject([{ name: "commonName", value: names.dns?.[0] ?? names.ips?.[0] ?? "vault" }]);
    cert.setIssuer(ca.cert.subject.attributes);
    cert.setExtensions([
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [...(names.ips ?? []).map((ip) => ({ type: 7, ip })), ...(names.dns ?? []).map((value) => ({ type: 2, value }))] },
    ]);
    cert.sign(ca.key, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(key) };
}
