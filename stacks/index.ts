/**
 * The Pulumi program behind `pulumi up -s <env>`: one VaultCluster per stack, configured by the structured
 * `vault-cluster:environment` object of stacks/Pulumi.<env>.yaml (see Pulumi.yaml for the keys).
 */
import * as pulumi from "@pulumi/pulumi";
import { InputError, VaultCluster } from "../components";
import { clusterUsesAws } from "../components/cluster/settings";
import { ENVIRONMENT_KEY, parseEnvironment } from "./environment";
import { eksAccess, kubeconfigAccess } from "./kubernetes";
import { createConsumers } from "./consumers";

const environment = parseEnvironment(new pulumi.Config().getObject(ENVIRONMENT_KEY));
const access = environment.kubernetes.kind === "eks" ? eksAccess(environment.kubernetes) : kubeconfigAccess(environment.kubernetes);
const args = environment.cluster;

let vault: VaultCluster;
try {
    vault = new VaultCluster(pulumi.getStack(), {
        ...args,
        irsa: args.irsa ?? (clusterUsesAws(args) ? access.irsa : undefined),
        bootstrap: { ...args.bootstrap, kubeconfig: args.bootstrap?.kubeconfig ?? access.kubeconfig, kubeContext: args.bootstrap?.kubeContext ?? access.kubeContext },
    }, { providers: { kubernetes: access.provider } });
} catch (e) {
    // Name the fields as they appear in the stack file.
    if (e instanceof InputError) throw e.within("stack configuration", `${ENVIRONMENT_KEY}.cluster`);
    throw e;
}

// The clusters that read secrets from this Vault (this one, or others): Kubernetes auth, injector, CSI, operators.
createConsumers(environment.consumers, vault, args, access);

export const namespace = vault.namespace;
export const releaseName = vault.releaseName;
export const address = vault.address;
export const externalAddress = vault.externalAddress;
export const caCertPem = vault.caCertPem;
export const tableName = vault.tableName;
export const kmsKeyArn = vault.kmsKeyArn;
export const roleArn = vault.roleArn;
export const serviceAccountName = vault.serviceAccountName;
export const custody = vault.init.custodyDescription;
export const appRoleIds = vault.config.appRoleIds;
