import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { plan, PlanResult, stackNames } from "../stacks/plan";
import { eksKubeconfig, kubeconfigAccess } from "../stacks/kubernetes";
import { FAKE_CLUSTER_CA_PEM, FAKE_VAULT_CA_PEM, installMocks, isSecretValue, RegisteredResource, settle, unwrapSecrets } from "../components/testing/mocks";
import { ChartFixture, chartSchemaErrors, unknownChartKeys, VAULT_CHART } from "./support/chart";
import { EXAMPLES_DIR, kubernetesDocuments, schemaRegistry } from "./support/examples";
import { parseHcl } from "./support/hcl";
import { localCluster, pendingPods, vaultPodGroups } from "./support/scheduling";

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
                // People who seed secrets get kv-operator: every KV mount of the stack, nothing outside them.
                const mounts = (parseYaml(fs.readFileSync(path.join(__dirname, "..", "stacks", `Pulumi.${stack}.yaml`), "utf8"))
                    .config["vault-cluster:environment"].cluster.config.kvMounts as { path: string }[]).map((m) => m.path);
                const operator = Object.keys((await parseHcl(artifacts["vault/policies/kv-operator.hcl"])).path);
                assert.deepEqual([...new Set(operator.map((p) => p.split("/")[0]))].sort(), [...mounts].sort());
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
            caCertPem: FAKE_CLUSTER_CA_PEM, roles: {},
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

    it("plans a stack that reuses an existing endpoint, taking it as the one the stack names (pulumi up looks it up)", async () => {
        const config = parseYaml(fs.readFileSync(path.join(__dirname, "..", "stacks", "Pulumi.prod.yaml"), "utf8")).config;
        config["vault-cluster:environment"].cluster.vpcEndpoints.sts = { existingEndpointId: "vpce-0123456789abcdef0" };
        const r = await plan("prod", { config });
        assert.deepEqual(r.resources.filter((x) => x.type === "aws:ec2/vpcEndpoint:VpcEndpoint").map((x) => x.name), ["prod-dynamodb", "prod-kms"]);
        assert.equal(parseYaml(r.artifacts["chart-values.yaml"]).server.extraEnvironmentVars.AWS_STS_REGIONAL_ENDPOINTS, "regional");
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

    it("prod has 5 replicas, VPC endpoints for DynamoDB, KMS and STS, an ingress with cert-manager, a restricted load balancer and a retired root token", () => {
        const values = parseYaml(results.prod.artifacts["chart-values.yaml"]);
        assert.equal(values.server.ha.replicas, 5);
        assert.equal(values.server.ingress.annotations["cert-manager.io/cluster-issuer"], "letsencrypt");
        assert.deepEqual(values.ui.loadBalancerSourceRanges, ["203.0.113.0/24", "10.0.0.0/8"]);
        assert.deepEqual(results.prod.resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint").map((r) => r.inputs.serviceName),
            ["dynamodb", "kms", "sts"].map((service) => `com.amazonaws.eu-west-1.${service}`));
        assert.equal(values.server.extraEnvironmentVars.AWS_STS_REGIONAL_ENDPOINTS, "regional");
        assert.match(results.prod.artifacts["vault/policies/pulumi-admin.hcl"], /path "my-kv\/config" \{/, "the admin policy covers the configured KV mount");
        assert.ok(results.prod.artifacts["vault/roles/jwt_v2/gitlab-role.json"]);
    });
});

describe("the stacks' consuming clusters (VaultConsumerCluster)", function () {
    this.timeout(60_000);
    before(async () => {
        for (const stack of stackNames()) results[stack] ??= await plan(stack, { outDir: path.join(outDir, stack) });
    });
    const consumerResources = (stack: string, name: string): RegisteredResource[] => {
        const consumer = results[stack].resources.find((r) => r.type === "vault-cluster:index:VaultConsumerCluster" && r.name === name);
        assert.ok(consumer, `${stack} has a consumer ${name}`);
        return results[stack].resources.filter((r) => r.parent === consumer!.urn);
    };
    const one = (rs: RegisteredResource[], type: string, name?: string): RegisteredResource => {
        const found = rs.filter((r) => r.type === type && (name === undefined || r.name === name));
        assert.equal(found.length, 1, `one ${type} ${name ?? ""}: ${found.map((r) => r.name).join(", ")}`);
        return found[0];
    };
    /** Kind, name, namespace and spec: what an example document and a registered object must agree on. */
    const identityAndSpec = (m: any) => ({ apiVersion: m.apiVersion, kind: m.kind, name: m.metadata.name, namespace: m.metadata.namespace, spec: m.spec });
    const exampleDocs = (folder: string) => kubernetesDocuments(path.join(EXAMPLES_DIR, folder)).map((d) => d.doc);
    const charts: Record<string, ChartFixture> = {
        vault: VAULT_CHART,
        "secrets-store-csi-driver": new ChartFixture("secrets-store-csi-driver-1.6.0"),
        "vault-secrets-operator": new ChartFixture("vault-secrets-operator-1.4.1"),
        "external-secrets": new ChartFixture("external-secrets-2.9.0"),
    };

    it("every consumer release's values pass its chart's schema and keys, and every custom resource its CRD", () => {
        let releases = 0;
        for (const stack of ["local", "dev", "prod"]) {
            for (const [file, text] of Object.entries(results[stack].artifacts).filter(([f]) => f.startsWith("consumers/"))) {
                if (file.endsWith(".values.yaml")) {
                    const release = results[stack].resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && file.endsWith(`/${r.inputs.name}.values.yaml`))!;
                    const chart = charts[release.inputs.chart];
                    const values = parseYaml(text);
                    assert.deepEqual([...chart.schemaErrors(values), ...chart.unknownKeys(values)], [], `${stack}: ${file}`);
                    releases++;
                } else {
                    for (const doc of text.split(/^---\n/m).filter(Boolean).map((d) => parseYaml(d))) assert.deepEqual(schemaRegistry().validate(doc), [], `${stack}: ${file} ${doc.kind}`);
                }
            }
        }
        assert.equal(releases, 4, "local: driver and provider; dev: the operator; prod: external-secrets");
    });

    it("prod: the apps cluster's host and CA come from the EKS lookup of apps-eks, none is pasted, and its token review uses a reviewer there", () => {
        const prodFile = fs.readFileSync(path.join(__dirname, "..", "stacks", "Pulumi.prod.yaml"), "utf8");
        assert.ok(!prodFile.includes("BEGIN CERTIFICATE") && !prodFile.includes("eks.amazonaws.com"), "no host or CA pasted in Pulumi.prod.yaml");
        const rs = consumerResources("prod", "apps");
        const config = one(rs, "vault:kubernetes/authBackendConfig:AuthBackendConfig");
        assert.deepEqual(unwrapSecrets(config.inputs), {
            backend: "eks-apps", kubernetesHost: "https://apps-eks.gr7.eu-west-1.eks.amazonaws.com", kubernetesCaCert: FAKE_CLUSTER_CA_PEM,
            tokenReviewerJwt: "eyJmock-token-of-vault-token-reviewer", disableLocalCaJwt: true,
        });
        assert.ok(isSecretValue(config.inputs.tokenReviewerJwt));
        // The apps cluster's objects go through a provider whose kubeconfig is apps-eks's (aws eks get-token, no OIDC lookup needed).
        const providers = results.prod.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
        const apps = providers.find((p) => JSON.parse(unwrapSecrets(p.inputs.kubeconfig)).clusters[0].cluster.server.includes("apps-eks"))!;
        for (const r of rs.filter((x) => x.type.startsWith("kubernetes:"))) assert.ok(r.provider.startsWith(`${apps.urn}::`), `${r.type} ${r.name} goes to apps-eks`);
        assert.deepEqual(rs.filter((r) => r.type === "kubernetes:core/v1:ServiceAccount").map((r) => `${r.inputs.metadata.namespace}/${r.inputs.metadata.name}`), ["kube-system/vault-token-reviewer"]);
        // Its roles are the consumer's; the cluster's own config has only the in-cluster mount.
        assert.deepEqual(JSON.parse(results.prod.artifacts["vault/roles/eks-apps/external-secrets.json"]).audience, "vault");
        // (an AuthBackend's own `type` input, "kubernetes", is what mounts.json shows as its type)
        assert.deepEqual(JSON.parse(results.prod.artifacts["vault/mounts.json"]).filter((m: any) => m.type === "kubernetes").map((m: any) => m.path), ["kubernetes", "eks-apps"]);
    });

    it("prod: the apps cluster's SecretStore is examples/external-secrets/secretstore.yaml", () => {
        const store = one(consumerResources("prod", "apps"), "kubernetes:external-secrets.io/v1:SecretStore");
        const example = exampleDocs("external-secrets").find((d) => d.kind === "SecretStore");
        assert.deepEqual(identityAndSpec(unwrapSecrets(store.inputs)), identityAndSpec(example));
    });

    it("dev: the Vault Secrets Operator's objects are those of examples/vault-secrets-operator, with the CA and the role ID filled in", () => {
        const rs = consumerResources("dev", "vso");
        const registered = rs.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release" && r.type !== "kubernetes:core/v1:Namespace")
            .map((r) => unwrapSecrets(r.inputs));
        const key = (m: any) => `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`;
        for (const doc of exampleDocs("vault-secrets-operator")) {
            const found = registered.find((m) => key(m) === key(doc));
            assert.ok(found, `dev registers ${key(doc)}`);
            if (doc.kind === "Secret") {
                assert.deepEqual(Object.keys(found.stringData), Object.keys(doc.stringData));
                assert.equal(found.stringData["ca.crt"], FAKE_VAULT_CA_PEM, "the cluster's CA");
            } else if (doc.spec?.appRole) {
                assert.deepEqual(identityAndSpec(found), identityAndSpec({ ...doc, spec: { ...doc.spec, appRole: { ...doc.spec.appRole, roleId: "approle-k8s-vault-op-role-id" } } }));
            } else {
                assert.deepEqual(identityAndSpec(found), identityAndSpec(doc));
            }
        }
        // Beyond the examples: the secret ID the VaultAuth reads, as a secret.
        assert.deepEqual(registered.map(key).sort(), [...exampleDocs("vault-secrets-operator").map(key), "Secret default/vault-auth-approle-secret-id"].sort());
        const holder = rs.find((r) => r.inputs.metadata?.name === "vault-auth-approle-secret-id")!;
        assert.ok(isSecretValue(holder.inputs.stringData));
        assert.equal(one(rs, "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId").inputs.roleName, "k8s-vault-op");
    });

    it("local: the CSI driver and the Vault CSI provider come from the consumer (not the server chart), serving examples/csi-provider's class", () => {
        const cluster = parseYaml(results.local.artifacts["chart-values.yaml"]);
        assert.deepEqual(cluster.csi, { enabled: false }, "one Vault CSI provider per cluster: the consumer's");
        const spc = exampleDocs("csi-provider").find((d) => d.kind === "SecretProviderClass").spec.parameters;
        const values = parseYaml(results.local.artifacts["consumers/csi/vault-consumer.values.yaml"]);
        assert.equal(values.global.externalVaultAddr, spc.vaultAddress);
        assert.ok(values.csi.extraArgs.includes(`--vault-mount=${spc.vaultKubernetesMountPath}`));
        assert.ok(values.csi.extraArgs.includes(`--vault-tls-ca-cert=${spc.vaultCACertPath}`));
        const mount = values.csi.volumeMounts.find((m: any) => spc.vaultCACertPath.startsWith(`${m.mountPath}/`));
        const volume = values.csi.volumes.find((v: any) => v.name === mount.name);
        const caSecret = one(consumerResources("local", "csi"), "kubernetes:core/v1:Secret");
        assert.equal(volume.secret.secretName, caSecret.inputs.metadata.name);
        assert.equal(unwrapSecrets(caSecret.inputs).stringData[spc.vaultCACertPath.slice(mount.mountPath.length + 1)], FAKE_VAULT_CA_PEM);
        assert.ok(results.local.artifacts["consumers/csi/secrets-store-csi-driver.values.yaml"]);
    });
});

describe("the local stack fits the cluster the README creates", function () {
    this.timeout(60_000);
    before(async () => {
        results.local ??= await plan("local", { outDir: path.join(outDir, "local") });
    });
    const root = path.join(__dirname, "..");
    const stackFile = fs.readFileSync(path.join(root, "stacks", "Pulumi.local.yaml"), "utf8");
    /** The cluster-creating commands of the README's `local` row. */
    const readmeCommands = (): string[] => {
        const row = fs.readFileSync(path.join(root, "README.md"), "utf8").split("\n").find((l) => l.startsWith("| `local` |"));
        assert.ok(row, "the README's stacks table has a local row");
        return [...row!.matchAll(/`((?:kind create cluster|minikube start)[^`]*)`/g)].map((m) => m[1]);
    };
    /** Every hashicorp/vault release of the local plan (the cluster's and the CSI consumer's) with its pods. */
    const vaultReleases = () => results.local.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "vault")
        .map((r) => ({ name: r.inputs.name as string, groups: vaultPodGroups(unwrapSecrets(r.inputs.values), r.inputs.name) }));

    it("names a kind and a minikube command in the README; the stack file's comment gives the kind one, whose context is the stack's", () => {
        const clusters = readmeCommands().map(localCluster);
        assert.deepEqual(clusters.map((c) => [c.command, c.context, c.nodes]), [["kind create cluster --name vault", "kind-vault", 1], ["minikube start", "minikube", 1]]);
        const comment = stackFile.split("\n").filter((l) => l.startsWith("#")).join("\n");
        assert.ok(comment.includes(`${clusters[0].command} && pulumi up -s local`), "the stack's comment shows the README's command");
        assert.equal(parseYaml(stackFile).config["vault-cluster:environment"].kubernetes.kubeconfigContext, clusters[0].context);
    });

    it("schedules every server and injector pod on each cluster those commands create (one node)", () => {
        const releases = vaultReleases();
        assert.deepEqual(releases.map((r) => [r.name, r.groups.map((g) => `${g.pods} x${g.replicas}`)]), [["vault", ["server x3", "injector x2"]], ["vault-consumer", []]],
            "the consumer's release runs only the CSI provider (a DaemonSet: one pod per node by design)");
        for (const cluster of readmeCommands().map(localCluster)) {
            assert.deepEqual(releases.flatMap((r) => pendingPods(r.groups, cluster.nodes)), [], `${cluster.command}: pods left Pending`);
        }
    });

    it("finds the chart's own required anti-affinity Pending on one node, so the check above can fail", () => {
        const values = unwrapSecrets(results.local.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "vault")!.inputs.values);
        delete values.server.affinity;
        delete values.injector.affinity;
        assert.deepEqual(pendingPods(vaultPodGroups(values, "vault"), 1), [
            "server: 2 of 3 (required anti-affinity, 1 node)", "injector: 1 of 2 (required anti-affinity, 1 node)",
        ]);
        assert.deepEqual(pendingPods(vaultPodGroups(values, "vault"), 3), [], "three nodes take the chart's default");
        values.server.nodeSelector = { nodegroup: "hashicorp-vault-nodes" };
        assert.deepEqual(pendingPods(vaultPodGroups(values, "vault"), 3), ["server: all 3 (nodeSelector {\"nodegroup\":\"hashicorp-vault-nodes\"} matches no node)"]);
        assert.throws(() => localCluster("kind create cluster --name vault --config three-nodes.yaml"), /does not know what --config makes/);
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
        assert.match(await failure((env) => (env.cluster.replcas = 3)), /environment\.cluster\.replcas = <not shown>: is not a known argument\. Fix: did you mean "replicas"\? use one of: mode, namespace, createNamespace/);
        assert.match(await failure((env) => (env.cluster.storage.sise = "1Gi")), /environment\.cluster\.storage\.sise = <not shown>: is not a known argument\. Fix: did you mean "size"\? use one of: type, tableName/);
        assert.match(await failure((env) => (env.kubernetes.context = "x")), /environment\.kubernetes\.context = <not shown>: is not a known argument\. Fix: use one of: eksClusterName/);
    });

    it("a consumer's bad entry, and a bad argument inside it named as in the stack file", async () => {
        const entry = await failure((env) => Object.assign(env.consumers[0], { nmae: "x", name: "CSI", kubernetes: { kubeconfigContext: "apps" } }));
        assert.match(entry, /environment\.consumers\[0\]\.nmae = <not shown>: is not a known argument\. Fix: use one of: name, kubernetes, args/);
        assert.match(entry, /environment\.consumers\[0\]\.name = "CSI": is not a name for the consumer/);
        assert.match(entry, /environment\.consumers\[0\]\.kubernetes\.kubeconfigPath = \(not set\): is required for a consuming cluster reached through a kubeconfig/);
        assert.match(await failure((env) => (env.consumers[0].args.kubernetesAuth.path = "/kubernetes")),
            /environment\.consumers\[0\]\.args\.kubernetesAuth\.path = "\/kubernetes": is not a mount path/);
        assert.match(await failure((env) => (env.consumers[0].kubernetes = { eksClusterName: "apps-eks" })),
            /environment\.consumers\[0\]\.args\.vaultAddress = \(not set\): is needed: another cluster cannot reach Vault's in-cluster address/);
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

describe("a kubeconfig file read by the stack program", () => {
    it("travels as a secret to the Kubernetes provider and the init step (it may hold client keys and tokens)", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-")), "config");
        fs.writeFileSync(file, "apiVersion: v1\nkind: Config\nusers: [{ name: u, user: { token: kube-secret-token } }]\n");
        const recorder = await installMocks();
        const access = kubeconfigAccess({ kind: "kubeconfig", path: file, context: "kind-vault" });
        await settle();
        assert.ok(isSecretValue(recorder.one("pulumi:providers:kubernetes").inputs.kubeconfig));
        assert.equal(await (access.kubeconfig as any).isSecret, true);
    });
});
