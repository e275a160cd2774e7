/**
 * devwebapp.yaml built with the package instead of hand-written YAML: VaultAppAccess creates the service account,
 * a read policy for exactly the listed secret, the Kubernetes-auth role binding the two, and returns the injector
 * annotations for the pod template. Call `devwebapp(...)` from your Pulumi program, e.g.
 *
 *     const vault = new VaultCluster("vault", { ... }, { providers: { kubernetes: k8s } });
 *     devwebapp({ vaultProvider: vault.provider, kubernetesProvider: k8s });
 *
 * Nothing runs on import: the tests build it under Pulumi mocks and compare it with devwebapp.yaml.
 */
import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "@pulumi/kubernetes/apps/v1/deployment";
import { VaultAppAccess } from "../../components";

/** The env file the agent renders to /vault/secrets/config (the same text as in devwebapp.yaml). */
export const DEVWEB_CONFIG_TEMPLATE = [
    `{{- with secret "my-kv/data/my-secret" -}}`,
    `TOKEN='{{ .Data.data.token }}'`,
    `PASSWORD='{{ .Data.data.password }}'`,
    `{{- end }}`,
    ``,
].join("\n");

export interface DevwebappOptions {
    /** Vault provider, e.g. `VaultCluster.provider`. Default: the program's default Vault provider. */
    vaultProvider?: pulumi.ProviderResource;
    /** Kubernetes provider of the cluster the app runs in. Default: the program's default Kubernetes provider. */
    kubernetesProvider?: pulumi.ProviderResource;
}

export function devwebapp(options: DevwebappOptions = {}): { access: VaultAppAccess; deployment: Deployment } {
    const providers = [options.vaultProvider, options.kubernetesProvider].filter((p): p is pulumi.ProviderResource => p !== undefined);

    // Role "devweb-app" bound to default/internal-app, policy "devweb-app-read" on my-kv/data/my-secret.
    // It manages auth/kubernetes/role/devweb-app itself: do not also declare that role in the stack's config.
    const access = new VaultAppAccess("devweb-app", {
        namespace: "default",
        serviceAccountName: "internal-app",
        secrets: { config: { mount: "my-kv", path: "my-secret", template: DEVWEB_CONFIG_TEMPLATE } },
        ttl: "24h",
    }, { providers });

    const labels = { app: "devwebapp" };
    const deployment = new Deployment("devwebapp", {
        metadata: { name: "devwebapp", namespace: access.namespace, labels },
        spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
                metadata: { labels, annotations: access.podAnnotations },
                spec: {
                    serviceAccountName: access.serviceAccountName,
                    containers: [{
                        name: "devwebapp",
                        image: "busybox:1.37",
                        command: ["/bin/sh", "-c"],
                        args: ["set -a && . /vault/secrets/config && set +a && echo \"devwebapp started with TOKEN and PASSWORD from Vault\" && exec sleep 2147483647"],
                        resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
                        securityContext: {
                            runAsNonRoot: true,
                            runAsUser: 65534,
                            allowPrivilegeEscalation: false,
                            readOnlyRootFilesystem: true,
                            capabilities: { drop: ["ALL"] },
                        },
                    }],
                },
            },
        },
    }, { provider: options.kubernetesProvider, dependsOn: [access] });

    return { access, deployment };
}
