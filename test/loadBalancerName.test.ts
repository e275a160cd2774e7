import { strict as assert } from "assert";
import { loadBalancerName, LoadBalancerNameOutputs } from "../components/tls/loadBalancerNameRuntime";
import { deploy, IRSA, LOCAL } from "./support/cluster";
import { useFakeServers } from "./support/fakes";
import { unwrapSecrets } from "../components/testing/mocks";

const LB = "k8s-vault-vaultui-0123456789.elb.eu-west-1.amazonaws.com";
const service = (hostname?: string) => ({
    kind: "Service", apiVersion: "v1", metadata: { name: "vault-ui", namespace: "vault" },
    spec: { type: "LoadBalancer" }, status: { loadBalancer: hostname ? { ingress: [{ hostname }] } : {} },
});

/** What the provider process writes to stderr while `fn` runs. */
async function stderrOf<T>(fn: () => Promise<T>): Promise<{ result: T; stderr: string }> {
    const write = process.stderr.write.bind(process.stderr);
    let stderr = "";
    (process.stderr as { write: unknown }).write = (chunk: string | Uint8Array) => { stderr += String(chunk); return true; };
    try {
        return { result: await fn(), stderr };
    } finally {
        (process.stderr as { write: unknown }).write = write;
    }
}

describe("the UI load balancer's name in the server certificate (against a stand-in Kubernetes API)", () => {
    const fakes = useFakeServers();

    it("finds no name on the first run, reports a change once the cloud has given one, then holds still", async () => {
        const kube = await fakes.kube();
        const inputs = { namespace: "vault", loadBalancerService: "vault-ui", kubeconfig: kube.kubeconfig() };
        const created = await loadBalancerName.create(inputs);
        assert.equal(created.id, "vault/vault-ui");
        assert.equal(created.outs.hostname, "", "the Service does not exist before the first release");

        kube.services.set("vault/vault-ui", service());
        assert.equal((await loadBalancerName.diff(created.id, created.outs, inputs)).changes, false, "no address yet");
        kube.services.set("vault/vault-ui", service(LB));
        assert.equal((await loadBalancerName.diff(created.id, created.outs, inputs)).changes, true, "the next preview shows it");
        const updated = await loadBalancerName.update(created.id, created.outs, inputs);
        assert.equal((updated.outs as LoadBalancerNameOutputs).hostname, LB);
        assert.equal((await loadBalancerName.diff(created.id, updated.outs, inputs)).changes, false);
        assert.ok(kube.requests.every((r) => r.method === "GET"), "it only reads");
    });

    it("never stops a deployment: an API failure keeps the last name it knew, and says so", async () => {
        const kube = await fakes.kube();
        const inputs = { namespace: "vault", loadBalancerService: "vault-ui", kubeconfig: kube.kubeconfig() };
        const olds: LoadBalancerNameOutputs = { ...inputs, hostname: LB };
        kube.servicesFailWith = 500;
        const { result, stderr } = await stderrOf(() => loadBalancerName.diff("vault/vault-ui", olds, inputs));
        assert.equal(result.changes, false);
        assert.match(stderr, /could not read Service vault\/vault-ui for its load balancer.s name \(.*500/);
        assert.match(stderr, new RegExp(`keeps "${LB.replace(/\./g, "\\.")}"`));
        assert.ok(!stderr.includes("fake-token"), "no credential in the message");
        const updated = await stderrOf(() => loadBalancerName.update("vault/vault-ui", olds, inputs));
        assert.equal((updated.result.outs as LoadBalancerNameOutputs).hostname, LB);
    });
});

describe("the UI load balancer's name step under mocks", () => {
    const LOAD_BALANCER = { serviceType: "LoadBalancer" as const, loadBalancerSourceRanges: ["10.0.0.0/8"] };

    it("reads the chart's UI Service before the release, and puts its name into the server certificate", async () => {
        const d = await deploy({ irsa: IRSA, ui: LOAD_BALANCER, bootstrap: { kubeContext: "prod" } });
        const step = d.recorder.named("pulumi-nodejs:dynamic:Resource", "-ui-lb");
        const inputs = unwrapSecrets(step.inputs);
        assert.deepEqual({ namespace: inputs.namespace, loadBalancerService: inputs.loadBalancerService, context: inputs.context },
            { namespace: "vault", loadBalancerService: "vault-ui", context: "prod" });
        const release = d.recorder.one("kubernetes:helm.sh/v3:Release");
        assert.ok(!step.dependencies.includes(release.urn), "no cycle: it does not wait for the release");
        const csr = unwrapSecrets(d.recorder.one("tls:index/certRequest:CertRequest").inputs);
        assert.ok(csr.dnsNames.includes("k8s-vault-0123456789.elb.eu-west-1.amazonaws.com"), csr.dnsNames.join(", "));
    });

    it("is not there without a load balancer, or when the certificate is not generated here", async () => {
        for (const args of [LOCAL, { irsa: IRSA, ui: LOAD_BALANCER, tls: { existingSecretName: "mine", caCertPem: require("../components/testing/mocks").FAKE_CLUSTER_CA_PEM } }]) {
            const d = await deploy(args);
            assert.deepEqual(d.recorder.ofType("pulumi-nodejs:dynamic:Resource").filter((r) => r.name.endsWith("-ui-lb")), []);
        }
    });
});
