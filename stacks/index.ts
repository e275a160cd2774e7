import * as pulumi from "@pulumi/pulumi";
import { VaultCluster } from "../components";
import type { VaultClusterArgs } from "../components";

// First version: the cluster's arguments straight from the stack's `vault` config object.
const config = new pulumi.Config();
const vault = new VaultCluster(pulumi.getStack(), config.requireObject<VaultClusterArgs>("vault"));

export const namespace = vault.namespace;
export const address = vault.address;
export const caCertPem = vault.caCertPem;
