import * as pulumi from "@pulumi/pulumi";
import { PrivateKey } from "@pulumi/tls/privateKey";
import { SelfSignedCert } from "@pulumi/tls/selfSignedCert";
import { CertRequest } from "@pulumi/tls/certRequest";
import { LocallySignedCert } from "@pulumi/tls/locallySignedCert";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import { TYPE_PREFIX } from "../typeTokens";
import { CertificateNames, TLS_FILES } from "../cluster/names";
import type { TlsSettings } from "./settings";

/** What the TLS stage needs: its settings, where the Secret goes, and the names the certificate must carry. */
export interface ServerTlsInput {
    tls: TlsSettings;
    /** The namespace; the Namespace resource's name output when the cluster creates it, so the Secret waits for it. */
    namespace: pulumi.Input<string>;
    /** Names in the CA's and the certificate's subjects. */
    fullname: string;
    /** Every name Vault is reached by (subject alternative names). */
    certificateNames: pulumi.Input<CertificateNames>;
}

/**
 * TLS material of the Vault listener: a CA (generated, or the user's) signing a server certificate for every name
 * Vault is reached by, stored as the Kubernetes Secret the server pods mount. With an existing secret nothing is
 * created and only the CA is passed on.
 */
export class ServerTls extends pulumi.ComponentResource {
    /** The CA that signs the server certificate. */
    readonly caCertPem: pulumi.Output<string>;
    /** What clients trust: the CA, and during a CA change the previous one too (`tls.previousCaCertPem`). */
    readonly trustedCaPem: pulumi.Output<string>;
    /** The server certificate (PEM), when generated here. */
    readonly certificatePem?: pulumi.Output<string>;
    /** The Secret the server pods mount (absent with an existing secret). */
    readonly secret?: Secret;

    constructor(name: string, input: ServerTlsInput, opts?: pulumi.ComponentResourceOptions) {
        super(`${TYPE_PREFIX}:index:ServerTls`, name, {}, opts);
        const tls = input.tls;
        const gen = tls.generate;
        if (!gen) {
            this.caCertPem = pulumi.output(tls.caCertPem!);
            this.trustedCaPem = caBundle(this.caCertPem, tls.previousCaCertPem);
            this.registerOutputs({ caCertPem: this.caCertPem, trustedCaPem: this.trustedCaPem });
            return;
        }
        const parent = { parent: this };
        const keyArgs = gen.algorithm === "RSA" ? { algorithm: "RSA", rsaBits: gen.rsaBits } : { algorithm: "ECDSA", ecdsaCurve: "P256" };

        let ca = gen.ca;
        if (!ca) {
            const caKey = new PrivateKey(`${name}-ca`, keyArgs, parent);
            const caCert = new SelfSignedCert(`${name}-ca`, {
                privateKeyPem: caKey.privateKeyPem,
                isCaCertificate: true,
                validityPeriodHours: gen.caValidityHours,
                allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
                subject: { commonName: pulumi.interpolate`${input.fullname}.${input.namespace} Vault CA`, organization: "Vault" },
            }, parent);
            ca = { keyPem: caKey.privateKeyPem, certPem: caCert.certPem };
        }

        const serverKey = new PrivateKey(`${name}-server`, keyArgs, parent);
        const request = new CertRequest(`${name}-server`, {
            privateKeyPem: serverKey.privateKeyPem,
            subject: { commonName: pulumi.interpolate`${input.fullname}.${input.namespace}.svc`, organization: "Vault" },
            dnsNames: pulumi.output(input.certificateNames).dnsNames,
            ipAddresses: pulumi.output(input.certificateNames).ipAddresses,
        }, parent);
        const serverCert = new LocallySignedCert(`${name}-server`, {
            certRequestPem: request.certRequestPem,
            caPrivateKeyPem: ca.keyPem,
            caCertPem: ca.certPem,
            validityPeriodHours: gen.validityHours,
            earlyRenewalHours: gen.earlyRenewalHours,
            allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
        }, parent);

        this.caCertPem = pulumi.output(ca.certPem);
        this.trustedCaPem = caBundle(this.caCertPem, tls.previousCaCertPem);
        this.certificatePem = serverCert.certPem;
        this.secret = new Secret(`${name}-server-tls`, {
            metadata: { name: tls.secretName, namespace: input.namespace, labels: { "app.kubernetes.io/managed-by": "pulumi" } },
            type: "Opaque",
            stringData: {
                [TLS_FILES.cert]: serverCert.certPem,
                [TLS_FILES.key]: pulumi.secret(serverKey.privateKeyPem),
                // Raft joins and the CSI provider read this file: during a CA change it holds both CAs.
                [TLS_FILES.ca]: this.trustedCaPem,
            },
        }, parent);
        this.registerOutputs({ caCertPem: this.caCertPem, trustedCaPem: this.trustedCaPem });
    }
}

/** The CA, followed by the previous one during a CA change (a PEM bundle: TLS clients trust every certificate in it). */
export function caBundle(ca: pulumi.Input<string>, previous: pulumi.Input<string> | undefined): pulumi.Output<string> {
    return pulumi.all([ca, previous]).apply(([current, old]) => (old ? `${current.trimEnd()}\n${old.trimEnd()}\n` : current));
}
