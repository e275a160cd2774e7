import { VaultCluster } from "../../components";
import type { VaultClusterArgs } from "../../components";
import { installMocks, MockRecorder, settle, unwrapSecrets } from "../../components/testing/mocks";

export const IRSA = {
    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123",
    oidcProviderUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC123",
};

/** A cluster for local Kubernetes: no AWS at all. */
export const LOCAL: VaultClusterArgs = {
    storage: { type: "raft" },
    seal: { type: "shamir" },
    bootstrap: { custody: { type: "kubernetes-secret" } },
};

export interface Deployed {
    cluster: VaultCluster;
    recorder: MockRecorder;
    /** Rendered chart values, as the Release received them. */
    values: Record<string, any>;
}

/** Builds a cluster under fresh mocks and waits for every registration. */
export async function deploy(args: VaultClusterArgs, name = "prod"): Promise<Deployed> {
    const recorder = await installMocks();
    const cluster = new VaultCluster(name, args);
    await settle();
    const release = recorder.one("kubernetes:helm.sh/v3:Release");
    return { cluster, recorder, values: unwrapSecrets(release.inputs.values) };
}

/** The server HCL inside rendered values (ha.config, or ha.raft.config with Raft). */
export function serverHcl(values: Record<string, any>): string {
    const ha = values.server.ha;
    return ha.raft?.enabled ? ha.raft.config : ha.config;
}

/** A cluster's chart values as rendered (before the release), with its slots filled by stand-ins, for schema checks. */
export function renderedValues(args: VaultClusterArgs, serverConfig = "ui = true\n"): Record<string, any> {
    const s = require("../../components/cluster/settings").resolveClusterSettings("prod", args);
    return require("../../components/chart/values").fillSlots(s.values, { serverConfig, roleArn: "arn:aws:iam::123456789012:role/vault", region: "eu-west-1", caCertBase64: "Q0E=" });
}
