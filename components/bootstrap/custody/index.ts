import { KubernetesSecretCustody, KubernetesSecretCustodySpec } from "./kubernetesSecret";
import { SecretsManagerCustody, SecretsManagerCustodySpec } from "./secretsManager";
import { StateCustody } from "./state";
import type { Custody, CustodyRecords } from "./types";

export * from "./types";
export { KubernetesSecretCustody, SecretsManagerCustody, StateCustody };
export type { KubernetesSecretCustodySpec, SecretsManagerCustodySpec };

/** Serializable description of a custody, as the init resource receives it. */
export type CustodySpec = SecretsManagerCustodySpec | KubernetesSecretCustodySpec | { type: "state" };

export function openCustody(spec: CustodySpec, previous: Partial<CustodyRecords> = {}): Custody {
    switch (spec.type) {
        case "aws-secrets-manager": return new SecretsManagerCustody(spec);
        case "kubernetes-secret": return new KubernetesSecretCustody(spec);
        case "state": return new StateCustody(previous);
    }
}
