"""Vault on an existing EKS cluster, from Python: the same component a TypeScript program uses, through the Python SDK
that `pulumi package add` generates from the package's schema (schema.json)."""
import pulumi
import pulumi_kubernetes as kubernetes
import pulumi_vault_cluster as vault_cluster

eks = pulumi.StackReference(pulumi.Config().require("eksStack"))
k8s = kubernetes.Provider("apps", kubeconfig=eks.get_output("kubeconfig"))

vault = vault_cluster.VaultCluster(
    "prod",
    irsa=vault_cluster.IrsaArgs(
        oidc_provider_arn=eks.get_output("oidcProviderArn"),
        oidc_provider_url=eks.get_output("oidcProviderUrl"),
    ),
    storage=vault_cluster.StorageArgs(type=vault_cluster.StorageType.DYNAMODB, billing_mode=vault_cluster.BillingMode.PAY_PER_REQUEST),
    seal=vault_cluster.SealArgs(type=vault_cluster.SealType.AWSKMS),
    replicas=3,
    ingress=vault_cluster.IngressArgs(host="vault.example.com", class_name="nginx", tls_secret_name="vault-ingress-tls"),
    bootstrap=vault_cluster.BootstrapArgs(
        kubeconfig=eks.get_output("kubeconfig"),
        custody=vault_cluster.KeyCustodyArgs(type=vault_cluster.CustodyType.AWS_SECRETS_MANAGER),
        revoke_root_token=True,
    ),
    config=vault_cluster.VaultConfigurationArgs(
        kv_mounts=[vault_cluster.KvMountArgs(path="my-kv")],
        policies={"devweb-policy": [vault_cluster.PolicyRuleArgs(path="my-kv/data/my-secret", capabilities=["read"])]},
        kubernetes_auth=[
            vault_cluster.KubernetesAuthArgs(
                roles={
                    "devweb-app": vault_cluster.KubernetesAuthRoleArgs(
                        service_account_names=["internal-app"], namespaces=["default"], policies=["devweb-policy"], ttl="24h", audience="vault",
                    ),
                },
            ),
        ],
    ),
    opts=pulumi.ResourceOptions(providers={"kubernetes": k8s}),
)

pulumi.export("address", vault.address)
pulumi.export("externalAddress", vault.external_address)
pulumi.export("caCertPem", vault.ca_cert_pem)
pulumi.export("custody", vault.custody_description)
