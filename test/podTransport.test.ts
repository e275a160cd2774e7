import { strict as assert } from "assert";
import * as net from "net";
import { KubernetesSecretCustody } from "../components/bootstrap/custody";
import { create } from "../components/bootstrap/initRuntime";
import { vaultClientForPod } from "../components/bootstrap/podTransport";
import { isTlsError } from "../components/bootstrap/vaultApi";
import { useFakeServers } from "./support/fakes";
import { initInputs, routePods } from "./support/initInputs";

/** Runs `fn` while counting the sockets this process starts listening on. */
async function countingListeners<T>(fn: () => Promise<T>): Promise<{ result: T; listened: number }> {
    const listen = net.Server.prototype.listen;
    let listened = 0;
    net.Server.prototype.listen = function (this: net.Server, ...args: any[]) {
        listened++;
        return listen.apply(this, args as any);
    } as typeof listen;
    try {
        return { result: await fn(), listened };
    } finally {
        net.Server.prototype.listen = listen;
    }
}

describe("talking to a pod's Vault over port-forward streams", function () {
    this.timeout(30_000);
    const f = useFakeServers();

    it("sends each request on its own port-forward stream, verifies TLS inside it, and listens on nothing", async () => {
        const vault = await f.vault({ seal: "shamir", replicas: 2 });
        const kube = await f.kube();
        routePods(kube, vault);
        const client = vaultClientForPod({ kubeconfig: kube.kubeconfig(), namespace: "vault", pod: "vault-1", caCertPem: f.ca.certPem, host: "vault-1.vault-internal.vault.svc" });
        const { result, listened } = await countingListeners(async () => [await client.get("/v1/sys/seal-status"), await client.get("/v1/sys/health", [501, 503])]);
        assert.equal(result[0].body.sealed, true);
        assert.equal(result[1].status, 501, "uninitialized");
        assert.equal(listened, 0, "no local listener");
        assert.deepEqual(kube.forwards, ["vault/vault-1:8200", "vault/vault-1:8200"]);
        assert.deepEqual(vault.requests.map((r) => r.replica), [1, 1]);
        assert.equal(client.address, "pod vault/vault-1");
    });

    it("fails with EPORTFORWARD naming the pod when the API server has no such pod, or nothing listens on its port", async () => {
        const vault = await f.vault({ seal: "awskms", replicas: 2 });
        const kube = await f.kube();
        routePods(kube, vault);
        const missing = vaultClientForPod({ kubeconfig: kube.kubeconfig(), namespace: "vault", pod: "vault-7", caCertPem: f.ca.certPem });
        await assert.rejects(missing.get("/v1/sys/seal-status"), (e: any) => {
            assert.equal(e.code, "EPORTFORWARD");
            assert.match(e.message, /^port-forward to pod vault\/vault-7 port 8200 failed: .*404/);
            return true;
        });
        await vault.stopReplica(1);
        const closed = vaultClientForPod({ kubeconfig: kube.kubeconfig(), namespace: "vault", pod: "vault-1", caCertPem: f.ca.certPem });
        await assert.rejects(closed.get("/v1/sys/seal-status"), (e: any) => {
            assert.equal(e.code, "EPORTFORWARD");
            assert.match(e.message, /^port-forward to pod vault\/vault-1 port 8200 failed: error forwarding port 8200 to pod vault-1: connect ECONNREFUSED/);
            return true;
        });
    });

    it("refuses a pod whose certificate another CA signed, or that does not carry the name asked for", async () => {
        const vault = await f.vault({ seal: "awskms" });
        const kube = await f.kube();
        routePods(kube, vault);
        const stranger = vaultClientForPod({ kubeconfig: kube.kubeconfig(), namespace: "vault", pod: "vault-0", caCertPem: f.otherCa.certPem });
        await assert.rejects(stranger.get("/v1/sys/seal-status"), (e) => isTlsError(e));
        const wrongName = vaultClientForPod({ kubeconfig: kube.kubeconfig(), namespace: "vault", pod: "vault-0", caCertPem: f.ca.certPem, host: "vault-0.other-internal.vault.svc" });
        await assert.rejects(wrongName.get("/v1/sys/seal-status"), (e: any) => e.code === "ERR_TLS_CERT_ALTNAME_INVALID");
        assert.deepEqual(vault.requests, [], "no request reached Vault");
    });

    it("initializes and unseals a cluster through the pods with nothing listening on this machine (no local user can reach sys/init)", async () => {
        const vault = await f.vault({ seal: "shamir", replicas: 3 });
        const kube = await f.kube();
        const inputs = initInputs(kube, f.ca.certPem, routePods(kube, vault));
        const { result, listened } = await countingListeners(() => create(inputs));
        assert.equal(listened, 0);
        assert.equal(vault.requestsTo("PUT", "/v1/sys/init").length, 1);
        assert.deepEqual([0, 1, 2].map((i) => vault.replicaSealed(i)), [false, false, false]);
        assert.equal((result.outs as any).stateRecords.init.rootToken, vault.rootToken);
        assert.ok(kube.forwards.includes("vault/vault-2:8200"));
    });

    it("never echoes the kubeconfig: one that does not parse fails at once, naming the line, not its contents", async () => {
        const vault = await f.vault({ seal: "awskms" });
        const kube = await f.kube();
        const broken = "apiVersion: v1\nusers:\n- name: u\n  user:\n    token: kube-secret-token\n  bad: [\n";
        const started = Date.now();
        const error: Error = await create(initInputs(kube, f.ca.certPem, routePods(kube, vault), { seal: "awskms", kubeconfig: broken, timeoutSeconds: 30 }))
            .then(() => assert.fail("expected a failure"), (e) => e);
        // The parser's own words differ between YAML library versions; the place, the advice and the absence of the token do not.
        assert.match(error.message, /^Cannot reach Vault at pod vault\/vault-0: the kubeconfig is not valid YAML or JSON: [^\n]* \(line \d+, column \d+\)\. Check bootstrap\.kubeconfig and bootstrap\.kubeContext\.$/);
        assert.ok(!error.message.includes("kube-secret-token"));
        assert.ok(Date.now() - started < 5000, "not retried until the deadline");
        const custody = new KubernetesSecretCustody({ type: "kubernetes-secret", namespace: "vault", names: { init: "vault-init", admin: "vault-init-admin" }, kubeconfig: broken });
        await assert.rejects(custody.read("init"), (e: Error) => !e.message.includes("kube-secret-token") && /not valid YAML or JSON/.test(e.message));
        assert.deepEqual(vault.requests, []);
    });
});
