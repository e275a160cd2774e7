import * as pulumi from "@pulumi/pulumi";
import { ServiceAccount } from "@pulumi/kubernetes/core/v1/serviceAccount";
import { Policy } from "@pulumi/vault/policy";
import { AuthBackendRole as KubernetesAuthBackendRole } from "@pulumi/vault/kubernetes/authBackendRole";
import { validateArgs } from "../args/typeCheck";
import { TYPE_PREFIX } from "../typeTokens";
import { durationSeconds } from "../validation";
import type { VaultAppAccessArgs } from "./args";
import { csiParameters, injectorAnnotations } from "./render";
import { AppAccessSettings, resolveAppAccessSettings } from "./settings";

/** Validates a VaultAppAccess's arguments (types, then meaning) before anything is registered. */
export function validateAppAccess(name: string, args: VaultAppAccessArgs): AppAccessSettings {
    return validateArgs("VaultAppAccess", name, args, (p, checked, subject) => resolveAppAccessSettings(p, name, checked, subject));
}

/**
 * The one-call way to give an application its secrets: its service account, a read policy for exactly its secrets, a
 * Kubernetes auth role binding the two, and what its pods need: injector annotations and the parameters of a CSI
 * SecretProviderClass. Pass the Vault provider and the application cluster's Kubernetes provider in `opts.providers`.
 */
export class VaultAppAccess extends pulumi.ComponentResource {
    /** The Vault role the application logs in with. */
    readonly roleName: string;
    /** The read policy written for the application. */
    readonly policyName: string;
    /** The policy's HCL. */
    readonly policyHcl: string;
    /** The application's service account. */
    readonly serviceAccountName: pulumi.Output<string>;
    /** The application's namespace. */
    readonly namespace: pulumi.Output<string>;
    /** Annotations for the pod template: `agent-inject`, `role`, `agent-inject-secret-<file>`, templates. */
    readonly podAnnotations: Record<string, string>;
    /** `spec.parameters` for a SecretProviderClass (provider `vault`). */
    readonly csiParameters: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: VaultAppAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = validateAppAccess(name, args);
        super(`${TYPE_PREFIX}:index:VaultAppAccess`, name, {}, opts);
        this.roleName = s.roleName;
        this.policyName = s.policyName;
        this.policyHcl = s.policyHcl;
        this.serviceAccountName = pulumi.output(s.serviceAccountName);
        this.namespace = pulumi.output(s.namespace);
        this.podAnnotations = injectorAnnotations(s.roleName, s.secrets, s.authPath);
        this.csiParameters = pulumi.output(s.vaultAddress).apply((address) => csiParameters(address, s.roleName, s.secrets, s.authPath));

        const parent = { parent: this };
        if (s.createServiceAccount) {
            new ServiceAccount(`${name}-sa`, { metadata: { name: s.serviceAccountName, namespace: s.namespace } }, parent);
        }
        const policy = new Policy(`${name}-policy`, { name: s.policyName, policy: s.policyHcl }, parent);
        new KubernetesAuthBackendRole(`${name}-role`, {
            backend: s.authPath,
            roleName: s.roleName,
            boundServiceAccountNames: [s.serviceAccountName],
            boundServiceAccountNamespaces: [s.namespace],
            tokenPolicies: [policy.name],
            tokenTtl: durationSeconds(s.ttl),
            audience: s.audience,
        }, parent);
        this.registerOutputs({
            roleName: this.roleName, policyName: this.policyName, policyHcl: this.policyHcl, serviceAccountName: this.serviceAccountName,
            namespace: this.namespace, podAnnotations: this.podAnnotations, csiParameters: this.csiParameters,
        });
    }
}
