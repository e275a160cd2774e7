import * as pulumi from "@pulumi/pulumi";
import type { CustodyRecords, CustodySpec } from "../bootstrap/custody";
import { runtimeProvider } from "../dynamicProvider";

export const StorageKind = { Raft: "raft", Dynamodb: "dynamodb" } as const;
export type StorageKind = typeof StorageKind[keyof typeof StorageKind];

/** Where the Vault cluster is and how the day-2 steps reach it and authenticate. */
export interface ClusterAccessArgs {
    /** Namespace of the Vault release. */
    namespace: pulumi.Input<string>;
    /** The server StatefulSet (the chart's fullname); its pods are `<statefulSet>-<n>`. */
    statefulSet: pulumi.Input<string>;
    /** Server replicas the release sets. */
    replicas: pulumi.Input<number>;
    /**
     * Kubeconfig text (YAML or JSON). Kept secret.
     * @default KUBECONFIG or ~/.kube/config
     */
    kubeconfig?: pulumi.Input<string>;
    /**
     * Kubeconfig context.
     * @default the current context
     */
    context?: pulumi.Input<string>;
    /**
     * Trust anchor of the pods' listener: the cluster CA, during a CA change the bundle of old and new CA.
     * @default none: the pods are reached over plain HTTP (TLS off)
     */
    caCertPem?: pulumi.Input<string>;
    /** The init step's custody spec: the token and unseal keys are read from it when needed. Kept secret. */
    custody: pulumi.Input<CustodySpec>;
    /**
     * The init resource's records, with `state` custody. Kept secret.
     * @default none
     */
    stateRecords?: pulumi.Input<Partial<CustodyRecords>>;
    /**
     * Longest wait of a single step (a pod coming back, an eviction the PDB refuses, a new active node).
     * @default 600
     */
    timeoutSeconds?: pulumi.Input<number>;
}

export interface VaultRolloutArgs extends ClusterAccessArgs {
    /** The server image (`repository:tag`): a change is a new pod revision. */
    image: pulumi.Input<string>;
    /** Digest of the rendered server configuration (see `contentDigest`). */
    serverConfigDigest: pulumi.Input<string>;
    /** The chart's version. */
    chartVersion: pulumi.Input<string>;
    /**
     * The server pods' extra environment.
     * @default {}
     */
    environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * The server role (IRSA). A new role reaches only new pods: when it changes every pod is replaced, before Pulumi
     * deletes the old role.
     * @default none
     */
    roleArn?: pulumi.Input<string>;
    /**
     * Digest of what the pods read from Secrets only when they start (the transit seal's token, an environment
     * variable, and the key holder's CA, read when the seal is set up): a new value reaches only new pods, so when it
     * changes every pod is replaced, as for a new role.
     * @default none
     */
    startupSecretsDigest?: pulumi.Input<string>;
    /**
     * SHA-256 fingerprint of the server certificate (`certificateFingerprint(pem)`): pods serving another one get
     * SIGHUP and are verified by a TLS handshake.
     * @default none: certificates are not checked (TLS off)
     */
    certificateFingerprint?: pulumi.Input<string>;
    /**
     * SHA-256 fingerprint of the CA that signed the server certificate: when it changes every pod is replaced.
     * @default none
     */
    caFingerprint?: pulumi.Input<string>;
    /**
     * Path of the server certificate inside the pods; SIGHUP waits until the kubelet has updated it.
     * @default none: SIGHUP at once, then the handshake is retried
     */
    certificateFile?: pulumi.Input<string>;
    /** Storage backend: with Raft, replaced and new servers are waited for until they vote, and autopilot is configured. */
    storage: pulumi.Input<StorageKind>;
    /** The seal in the pods' configuration (`shamir`, `awskms`): a change from Shamir is migrated, others are refused. */
    seal: pulumi.Input<string>;
    /**
     * Raft autopilot: how long a server may be unreachable before it is removed (Go duration).
     * @default "1h"
     */
    deadServerLastContactThreshold?: pulumi.Input<string>;
}

/** Inputs holding credentials (a kubeconfig, custody access, records with keys): secret in state and previews. */
export const ROLLOUT_SECRET_OUTPUTS = ["kubeconfig", "custody", "stateRecords", "startupSecretsDigest"];

/** The credentials wrapped as secrets, and the defaults settled. */
export function accessInputs(args: ClusterAccessArgs): Record<string, pulumi.Input<unknown>> {
    return {
        ...args,
        kubeconfig: args.kubeconfig === undefined ? undefined : pulumi.secret(args.kubeconfig),
        custody: pulumi.secret(args.custody),
        stateRecords: args.stateRecords === undefined ? undefined : pulumi.secret(args.stateRecords),
        timeoutSeconds: args.timeoutSeconds ?? 600,
    };
}

/**
 * The day-2 rollout after the Helm release: replaces the server pods running an old StatefulSet revision (standbys
 * one at a time, then the active node steps down and is replaced last), reloads a renewed certificate with SIGHUP,
 * restarts every pod for a new IAM role or CA, migrates a Shamir seal to auto-unseal, and with Raft admits new
 * voters and configures autopilot. Previews show it as an update while any pod runs an old revision. Deleting it
 * does nothing to the cluster.
 */
export class VaultRollout extends pulumi.dynamic.Resource {
    /** The StatefulSet revision every pod runs after the last successful run. */
    declare readonly updateRevision: pulumi.Output<string>;
    /** Revision of each pod after the last run. */
    declare readonly podRevisions: pulumi.Output<Record<string, string>>;
    /** The active node after the last run. */
    declare readonly activePod: pulumi.Output<string>;

    constructor(name: string, args: VaultRolloutArgs, opts?: pulumi.CustomResourceOptions) {
        super(runtimeProvider(require.resolve("./runtime"), "rollout"), name, {
            ...accessInputs(args),
            environment: args.environment ?? {},
            updateRevision: undefined, podRevisions: undefined, activePod: undefined, pendingRestart: undefined,
        }, { ...opts, additionalSecretOutputs: ROLLOUT_SECRET_OUTPUTS });
    }
}
