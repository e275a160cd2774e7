import type * as pulumi from "@pulumi/pulumi";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import { transitSealSecrets } from "../cluster/names";
import type { TransitSealSettings } from "./transit";

/**
 * The transit seal's Secrets in the release's namespace: the key holder's token, which the pods read as `VAULT_TOKEN`
 * (the only place it is written: the server configuration and chart values name the Secret, not the token), and the
 * key holder's CA, mounted as a file. Kept apart so that the token is never a file in the pod.
 */
export function createTransitSealSecrets(name: string, fullname: string, seal: TransitSealSettings, namespace: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): Secret[] {
    const names = transitSealSecrets(fullname);
    const token = new Secret(`${name}-transit-seal-token`, {
        metadata: { name: names.token, namespace },
        type: "Opaque",
        stringData: { token: seal.token },
    }, opts);
    if (seal.caCertPem === undefined) return [token];
    const ca = new Secret(`${name}-transit-seal-ca`, {
        metadata: { name: names.ca, namespace },
        type: "Opaque",
        stringData: { "ca.pem": seal.caCertPem },
    }, opts);
    return [token, ca];
}
