/**
 * A consumer program: HashiCorp Vault in an existing EKS cluster, created by another stack with @pulumi/eks and
 * read here through a StackReference. The package is imported by relative path so that this example type-checks
 * against the repository's own sources; in your project use `import { VaultCluster } from "vault-cluster";`.
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";
import { VaultCluster } from "../../components";

const config = new pulumi.Config();

// The EKS stack exports what @pulumi/eks's Cluster provides:
//   export const kubeconfig = cluster.kubeconfig;
//   export const oidcProviderArn = cluster.oidcProviderArn;
//   export const oidcProviderUrl = cluster.oidcProviderUrl;
const eks = new pulumi.StackReference(config.require("eksStack"));

// @pulumi/eks exports the kubeconfig as an object; the Kubernetes provider and the init tunnel take text.
// It names the cluster's endpoint and an `aws eks get-token` command: keep it secret all the same.
const kubeconfig: pulumi.Output<string> = pulumi.secret(
    eks.requireOutput("kubeconfig").apply((k: unknown) => (typeof k === "string" ? k : JSON.stringify(k))),
);
const oidcProviderArn: pulumi.Output<string> = eks.requireOutput("oidcProviderArn").apply(String);
const oidcProviderUrl: pulumi.Output<string> = eks.requireOutput("oidcProviderUrl").apply(String);

// Every Kubernetes resource of the cluster (namespace, TLS secret, Helm release) goes through this provider.
const k8s = new Provider("eks", { kubeconfig });

const ingressHost = config.get("ingressHost");

const vault = new VaultCluster("vault", {
    // The only argument EKS needs: the IAM role of the Vault pods (DynamoDB storage, KMS auto-unseal) trusts the
    // cluster's OIDC provider.
    irsa: { oidcProviderArn, oidcProviderUrl },
    ingress: ingressHost ? { host: ingressHost, className: "nginx" } : undefined,
    // The init step reaches the server pods through the same cluster (a port-forward over the Kubernetes API).
    bootstrap: { kubeconfig },
    // Post-init configuration, applied through the Vault provider chained on the initialized cluster. The same
    // role and policy as stacks/Pulumi.local.yaml: the examples in ../vault-agent-injector work against it.
    config: {
        kvMounts: [{ path: "my-kv" }],
        policies: {
            "devweb-policy": [{ path: "my-kv/data/my-secret", capabilities: ["read"] }],
        },
        kubernetesAuth: [{
            roles: {
                "devweb-app": { serviceAccountNames: ["internal-app"], namespaces: ["default"], policies: ["devweb-policy"], ttl: "24h" },
            },
        }],
    },
}, { providers: { kubernetes: k8s } });

/** In-cluster API address, `https://vault.vault.svc:8200`. */
export const address = vault.address;
/** Ingress URL, when `ingressHost` is set. */
export const externalAddress = vault.externalAddress;
/** CA that verifies Vault's certificate: give it to clients (VAULT_CACERT, VaultConnection, SecretStore caBundle). */
export const caCertPem = vault.caCertPem;
export const namespace = vault.namespace;
export const tableName = vault.tableName;
export const kmsKeyArn = vault.kmsKeyArn;
export const roleArn = vault.roleArn;
