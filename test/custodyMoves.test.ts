import { strict as assert } from "assert";
import type { VaultClusterArgs } from "../components";
import { create, diff, update, VaultInitInputs, VaultInitOutputs } from "../components/bootstrap/initRuntime";
import { unwrapSecrets } from "../components/testing/mocks";
import { deploy, IRSA, LOCAL } from "./support/cluster";
import { useFakeServers } from "./support/fakes";
import { initInputs, routePods } from "./support/initInputs";

/** The init resource's inputs, as a cluster named `name` with `args` registers them. */
async function registered(args: VaultClusterArgs, name = "prod"): Promise<VaultInitInputs> {
    const inputs = unwrapSecrets((await deploy(args, name)).recorder.named("pulumi-nodejs:dynamic:Resource", "-init").inputs);
    delete inputs.__provider;
    return inputs;
}

/** The diff's verdict on moving from `before` to `after`: its result, or the refusal's message. */
async function verdict(before: VaultInitInputs, after: VaultInitInputs): Promise<{ changes?: boolean; refusal?: string }> {
    try {
        return { changes: (await diff("vault-init-x", before as VaultInitOutputs, after)).changes };
    } catch (e) {
        return { refusal: (e as Error).message };
    }
}

describe("physical names do not move silently: the init resource's diff", function () {
    this.timeout(60_000);

    it("refuses a table that moves with a renamed component, naming both tables and the ways out", async () => {
        const { refusal } = await verdict(await registered({ irsa: IRSA }, "prod"), await registered({ irsa: IRSA }, "prod2"));
        assert.equal(refusal, 'Refusing to move the initialized Vault cluster: its DynamoDB table would change from "prod-vault" to "prod2-vault". ' +
            'Pin storage.tableName: "prod-vault" (or storage.existingTable), or, when the component was renamed, add aliases for its old name; ' +
            'when "prod2-vault" is a point-in-time restore of "prod-vault", say so with storage.restoredFrom: "prod-vault". Nothing was changed.');
    });

    it("lets a point-in-time restore of the cluster's own table through when storage.restoredFrom says so, and nothing else", async () => {
        const before = await registered({ irsa: IRSA }, "prod");
        const restored = (from: string) => registered({ irsa: IRSA, storage: { type: "dynamodb", existingTable: "prod-vault-restored", restoredFrom: from } }, "prod");
        const accepted = await verdict(before, await restored("prod-vault"));
        assert.deepEqual(accepted, { changes: true }, "an update: the init step checks the restored table holds the same cluster");
        const other = await verdict(before, await restored("staging-vault"));
        assert.match(other.refusal!, /its DynamoDB table would change from "prod-vault" to "prod-vault-restored"/);
        const after = await restored("prod-vault");
        assert.deepEqual((await verdict(after, after)).changes, false, "once moved, nothing to do");
    });

    it("lets a renamed component that pins its table through, and carries custody over (the custody secret moved)", async () => {
        const { changes, refusal } = await verdict(await registered({ irsa: IRSA }, "prod"),
            await registered({ irsa: IRSA, storage: { type: "dynamodb", tableName: "prod-vault" } }, "prod2"));
        assert.equal(refusal, undefined);
        assert.equal(changes, true, "an update carries the records to the new custody");
    });

    it("refuses a Raft cluster moving to another namespace or release: its data stays in the old volumes", async () => {
        const before = await registered(LOCAL, "local");
        const moved = await verdict(before, await registered({ ...LOCAL, namespace: "vault-2" }, "local"));
        assert.match(moved.refusal!, /its Raft data lives in the volumes of release "vault" in namespace "vault", and release "vault" in namespace "vault-2" would start empty\. Keep namespace: "vault" and releaseName: "vault"/);
        const renamed = await verdict(before, await registered({ ...LOCAL, releaseName: "vault-b" }, "local"));
        assert.match(renamed.refusal!, /release "vault-b" in namespace "vault" would start empty/);
    });

    it("refuses another storage type", async () => {
        const { refusal } = await verdict(await registered(LOCAL, "local"), await registered({ ...LOCAL, storage: { type: "dynamodb" }, irsa: IRSA }, "local"));
        assert.match(refusal!, /its storage would change from Raft in release "vault" of namespace "vault" to DynamoDB table "local-vault"\. Set storage back to raft/);
    });

    it("lets a DynamoDB cluster's release move (the same table holds its data)", async () => {
        const { changes, refusal } = await verdict(await registered({ irsa: IRSA }), await registered({ irsa: IRSA, namespace: "vault-2" }));
        assert.equal(refusal, undefined);
        assert.equal(changes, true);
    });

    it("asks for one update to record the placement of a cluster initialized before it was recorded", async () => {
        const before = await registered({ irsa: IRSA });
        const { changes } = await verdict({ ...before, placement: undefined } as unknown as VaultInitInputs, before);
        assert.equal(changes, true);
        assert.equal((await verdict(before, before)).changes, false);
    });
});

describe("custody moves on an initialized cluster", function () {
    this.timeout(60_000);
    const f = useFakeServers();

    it("carries the records from the old Kubernetes Secret to the new one when the namespace moves (DynamoDB)", async () => {
        const vault = await f.vault({ seal: "awskms" });
        const kube = await f.kube();
        const pods = routePods(kube, vault);
        const placement = { namespace: "vault", releaseName: "vault", storage: "dynamodb", table: "prod-vault" };
        const custody = (namespace: string) => ({ type: "kubernetes-secret" as const, namespace, names: { init: `${namespace}-init`, admin: `${namespace}-init-admin` }, kubeconfig: kube.kubeconfig() });
        const before = initInputs(kube, f.ca.certPem, pods, { seal: "awskms", placement, custody: custody("vault"), revokeRootToken: true });
        const created = await create(before);
        const after = { ...before, placement: { ...placement, namespace: "vault-2" }, custody: custody("vault-2") };
        assert.equal((await diff(created.id, created.outs as VaultInitOutputs, after)).changes, true);
        const { outs } = await update(created.id, created.outs as VaultInitOutputs, after);
        const record = (key: string) => JSON.parse(Buffer.from(kube.secrets.get(key).data["record.json"], "base64").toString());
        assert.deepEqual(record("vault-2/vault-2-init"), record("vault/vault-init"), "written once to the new Secret, the old one kept");
        assert.deepEqual(record("vault-2/vault-2-init-admin"), record("vault/vault-init-admin"));
        assert.equal(record("vault-2/vault-2-init").clusterId, vault.clusterId);
        assert.equal(vault.requestsTo("POST", "/v1/auth/pulumi/role/admin/secret-id").length, 1, "no second secret ID");
        assert.equal((outs as any).custodyDescription, "Kubernetes Secret vault-2/vault-2-init");
        assert.equal(vault.requestsTo("PUT", "/v1/sys/init").length, 1);
    });

    it("carries state custody over to a Kubernetes Secret, and drops the keys from the state once the Secret holds them", async () => {
        const vault = await f.vault({ seal: "shamir", replicas: 2 });
        const kube = await f.kube();
        const before = initInputs(kube, f.ca.certPem, routePods(kube, vault));
        const created = await create(before);
        const kept = (created.outs as VaultInitOutputs).stateRecords!.init!;
        const after = { ...before, custody: { type: "kubernetes-secret" as const, namespace: "vault", names: { init: "vault-init", admin: "vault-init-admin" }, kubeconfig: kube.kubeconfig() } };
        const { outs } = await update(created.id, created.outs as VaultInitOutputs, after);
        assert.deepEqual(JSON.parse(Buffer.from(kube.secrets.get("vault/vault-init").data["record.json"], "base64").toString()), kept);
        assert.equal((outs as VaultInitOutputs).stateRecords, undefined);
        assert.equal((outs as VaultInitOutputs).clusterId, vault.clusterId);
    });

    it("refuses, changing nothing, when the old custody cannot be read", async () => {
        const vault = await f.vault({ seal: "awskms" });
        const kube = await f.kube();
        const oldKube = await f.kube();
        const pods = routePods(kube, vault);
        const spec = (k: typeof kube, name: string) => ({ type: "kubernetes-secret" as const, namespace: "vault", names: { init: name, admin: `${name}-admin` }, kubeconfig: k.kubeconfig() });
        const before = initInputs(kube, f.ca.certPem, pods, { seal: "awskms", custody: spec(oldKube, "vault-init-old") });
        const created = await create(before);
        oldKube.secretsFailWith = 503;
        const after = { ...before, custody: spec(kube, "vault-init") };
        await assert.rejects(update(created.id, created.outs as VaultInitOutputs, after), /Kubernetes API failed reading Secret vault\/vault-init-old: HTTP 503 \(etcdserver: request timed out\)/);
        assert.equal(kube.secrets.size, 0, "nothing written to the new custody");
    });
});
