import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { plan, PlanResult, stackNames } from "../stacks/plan";
import { eksKubeconfig } from "../stacks/kubernetes";
import { unwrapSecrets } from "../components/testing/mocks";
import { chartSchemaErrors, unknownChartKeys } from "./support/chart";
import { parseHcl } from "./support/hcl";

const results: Record<string, PlanResult> = {};
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-plan-"));

describe("the offline plan of every stack", function () {
    this.timeout(60_000);
    before(async () => {
        for (const stack of stackNames()) results[stack] = await plan(stack, { outDir: path.join(outDir, stack) });
    });

    it("covers the local, dev and prod stacks", () => {
        assert.deepEqual(stackNames(), ["dev", "local", "prod"]);
    });

    for (const stack of ["local", "dev", "prod"]) {
        describe(stack, () => {
            it("writes values that pass the chart's schema and keys, and a server config that parses", async () => {
                const files = fs.readdirSync(path.join(outDir, stack));
                for (const f of ["chart-values.yaml", "server.hcl", "resources.txt", "summary.txt", "release.json", "vault"]) assert.ok(files.includes(f), `${stack}: ${f}`);
                const values = parseYaml(fs.readFileSync(path.join(outDir, stack, "chart-values.yaml"), "utf8"));
                assert.deepEqual(chartSchemaErrors(values), []);
                assert.deepEqual(unknownChartKeys(values), []);
                const hcl = await parseHcl(fs.readFileSync(path.join(outDir, stack, "server.hcl"), "utf8"));
                assert.deepEqual(Object.keys(hcl.storage), [stack === "local" ? "raft" : "dynamodb"]);
                assert.equal(hcl.listener.tcp[0].tls_disable, undefined, "TLS on in every environment");
            });

            it("writes well-formed IAM documents with no wildcard on any data action, and parseable Vault policies", async () => {
                const artifacts = results[stack].artifacts;
                const iam = Object.keys(artifacts).filter((f) => f.startsWith("iam/"));
                assert.deepEqual(iam.length, stack === "local" ? 0 : 3);
                for (const f of iam) {
                    const doc = JSON.parse(artifacts[f]);
                    assert.equal(doc.Version, "2012-10-17");
                    assert.ok(Array.isArray(doc.Statement) && doc.Statement.length > 0, f);
                }
                if (stack !== "local") {
                    // Name-prefix patterns (user/vault-*) scope a statement; "*" or account-wide patterns do not.
                    for (const s of JSON.parse(artifacts["iam/permissions.json"]).Statement) {
                        for (const r of [s.Resource].flat()) assert.ok(r !== "*" && !/:\*$/.test(r) && r.startsWith("arn:"), JSON.stringify(s));
                    }
                }
                const policies = Object.keys(artifacts).filter((f) => f.startsWith("vault/policies/"));
                assert.ok(policies.length >= 3);
                for (const f of policies) assert.ok((await parseHcl(artifacts[f])).path, f);
            });

            it("prints a tree and a summary, and writes no secret into the artifacts", () => {
                const r = results[stack];
                assert.match(r.tree, /^vault-cluster:index:VaultCluster {2}/m);
                assert.match(r.summary, new RegExp(`^Stack ${stack}: \\d+ resources to create`));
                const all = Object.values(r.artifacts).join("\n");
                for (const secret of ["hvs.", "PRIVATE KEY", "mock-root-token"]) assert.ok(!all.includes(secret), `${stack} artifacts contain ${secret}`);
            });
        });
    }

    it("replaces every secret input with [secret] in the artifacts", async () => {
        const config = parseYaml(fs.readFileSync(path.join(__dirname, "..", "stacks", "Pulumi.dev.yaml"), "utf8")).config;
        const vaultConfig = config["vault-cluster:environment"].cluster.config;
        vaultConfig.kubernetesAuth.push({
            path: "other", host: "https://other.example.com", tokenReviewerJwt: "eyJ-reviewer-jwt-value",
            caCertPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", roles: {},
        });
        vaultConfig.secretsEngines.aws[0].accessKey = "AKIAEXAMPLEKEY";
        vaultConfig.secretsEngines.aws[0].secretKey = "aws-secret-key-value";
        const r = await plan("dev", { config });
        const all = Object.values(r.artifacts).join("\n");
        for (const secret of ["eyJ-reviewer-jwt-value", "aws-secret-key-value"]) assert.ok(!all.includes(secret), `artifacts contain ${secret}`);
        const mounts = JSON.parse(r.artifacts["vault/mounts.json"]);
        assert.equal(mounts.find((m: any) => m.kubernetesHost === "https://other.example.com").tokenReviewerJwt, "[secret]");
        assert.equal(mounts.find((m: any) => m.type === "vault:aws/secretBackend:SecretBackend").secretKey, "[secret]");
    });

    it("local needs no AWS; dev and prod look up their EKS cluster and its OIDC provider", () => {
        assert.equal(results.local.resources.filter((r) => r.type.startsWith("aws:")).length, 0);
        for (const stack of ["dev", "prod"]) {
            const trust = JSON.parse(results[stack].artifacts["iam/trust-policy.json"]);
            assert.equal(trust.Statement[0].Principal.Federated, `arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/${stack.toUpperCase()}-EKS0123456789`);
            const provider = results[stack].resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
            const kubeconfig = JSON.parse(unwrapSecrets(provider.inputs.kubeconfig));
            assert.equal(kubeconfig.clusters[0].cluster.server, `https://${stack}-eks.gr7.eu-west-1.eks.amazonaws.com`);
            assert.deepEqual(kubeconfig.users[0].user.exec.args.slice(0, 4), ["eks", "get-token", "--cluster-name", `${stack}-eks`]);
        }
    });

    it("prod has 5 replicas, VPC endpoints, an ingress with cert-manager, a restricted load balancer and a retired root token", () => {
        const values = parseYaml(results.prod.artifacts["chart-values.yaml"]);
        assert.equal(values.server.ha.replicas, 5);
        assert.equal(values.server.ingress.annotations["cert-manager.io/cluster-issuer"], "letsencrypt");
        assert.deepEqual(values.ui.loadBalancerSourceRanges, ["203.0.113.0/24", "10.0.0.0/8"]);
        assert.equal(results.prod.resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint").length, 2);
        assert.match(results.prod.artifacts["vault/policies/pulumi-admin.hcl"], /path "my-kv\/config" \{/, "the admin policy covers the configured KV mount");
        assert.ok(results.prod.artifacts["vault/roles/jwt_v2/gitlab-role.json"]);
    });
});

describe("the offline plan refuses invalid stack configs, naming the field", function () {
    this.timeout(30_000);
    const base = () => parseYaml(fs.readFileSync(path.join(__dirname, "..", "stacks", "Pulumi.local.yaml"), "utf8")).config;
    async function failure(mutate: (env: any) => void): Promise<string> {
        const config = base();
        mutate(config["vault-cluster:environment"]);
        try {
            await plan("local", { config });
        } catch (e) {
            return (e as Error).message;
        }
        assert.fail("the plan succeeded");
    }

    it("a missing cluster", async () => {
        assert.match(await failure((env) => delete env.cluster), /environment\.cluster = \(not set\): must be an object of VaultCluster arguments/);
    });

    it("a wrong type", async () => {
        assert.match(await failure((env) => (env.cluster.replicas = "three")), /environment\.cluster\.replicas = "three": must be a whole number, not a string\. Fix: give a whole number/);
    });

    it("an unknown key, at any depth", async () => {
        assert.match(await failure((env) => (env.cluster.replcas = 3)), /environment\.cluster\.replcas = <not shown>: is not a known argument\. Fix: did you mean "replicas"\? use one of: namespace, createNamespace/);
        assert.match(await failure((env) => (env.cluster.storage.sise = "1Gi")), /environment\.cluster\.storage\.sise = <not shown>: is not a known argument\. Fix: did you mean "size"\? use one of: type, tableName/);
        assert.match(await failure((env) => (env.kubernetes.context = "x")), /environment\.kubernetes\.context = <not shown>: is not a known argument\. Fix: use one of: eksClusterName/);
    });

    it("no cluster to deploy to", async () => {
        assert.match(await failure((env) => (env.kubernetes = {})), /environment\.kubernetes = <not shown>: names no cluster\. Fix: set kubernetes\.eksClusterName/);
    });

    it("exits non-zero with the error on stderr from the command line", async () => {
        const { code, stderr, stdout } = await new Promise<{ code: number; stderr: string; stdout: string }>((resolve) => {
            execFile(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "stacks/plan.ts", "staging"], { cwd: path.join(__dirname, "..") },
                (error, out, err) => resolve({ code: error ? (error as any).code : 0, stdout: out, stderr: err }));
        });
        assert.equal(code, 1);
        assert.equal(stdout, "");
        assert.match(stderr, /Plan for stack staging failed:\nno stack file stacks\/Pulumi\.staging\.yaml; stacks: dev, local, prod/);
    });
});

describe("eksKubeconfig", () => {
    it("authenticates with aws eks get-token, with the profile and role when given", () => {
        const k = JSON.parse(eksKubeconfig({ clusterName: "c", endpoint: "https://x", caData: "Q0E=", region: "eu-west-1", awsProfile: "ops", roleArn: "arn:aws:iam::1:role/admin" }));
        assert.deepEqual(k.users[0].user.exec, {
            apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", interactiveMode: "Never",
            args: ["eks", "get-token", "--cluster-name", "c", "--region", "eu-west-1", "--role-arn", "arn:aws:iam::1:role/admin", "--output", "json"],
            env: [{ name: "AWS_PROFILE", value: "ops" }],
        });
        assert.equal(k.clusters[0].cluster["certificate-authority-data"], "Q0E=");
    });
});
