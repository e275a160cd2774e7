/** Day 2: rollouts, certificate reloads, seal migration and Raft membership (runtime functions and their resources). */
export { rolloutVault, RolloutError } from "./rollout";
export type { RolloutOptions, RolloutReport, PodRevision, StepDown } from "./rollout";
export { removeRaftPeers } from "./raftMembership";
export type { RaftMembershipOptions, RaftMembershipReport } from "./raftMembership";
export { planSealChange, planRaftShrink, autopilotConfiguration, stalePods, replacementOrder, quorum, SealChangeAction, DEAD_SERVER_THRESHOLD } from "./plans";
export type { SealSpec, SealChangePlan, RaftPeer, RaftShrinkPlan } from "./plans";
export { certificateFingerprint, sameFingerprint, contentDigest } from "./fingerprints";
export { VaultRollout, StorageKind, ROLLOUT_SECRET_OUTPUTS } from "./vaultRollout";
export type { VaultRolloutArgs, ClusterAccessArgs } from "./vaultRollout";
export { VaultRaftMembership } from "./vaultRaftMembership";
export { VaultSealGuard } from "./vaultSealGuard";
export type { VaultSealGuardArgs } from "./vaultSealGuard";
export { streamTransport, custodyCredentials } from "./access";
export type { PodTransport, Credentials } from "./access";
