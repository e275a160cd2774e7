import { strict as assert } from "assert";
import { clusterNames, deepMerge, kvV2ReadRules, kvV2WriteRules, renderServerConfig, serverCertificateNames } from "../components";
import { findValueConflicts } from "../components/chart/values";
import { issuerHostPath, tableArn } from "../components/aws/policies";
import { parseHcl } from "./support/hcl";
import { unknownChartKeys } from "./support/chart";

describe("renderServerConfig", () => {
    const base = {
        ui: true,
        listener: { address: "[::]:8200", clusterAddress: "[::]:8201" },
        storage: { type: "dynamodb" as const, region: "us-east-1", table: "vault-data", maxParallel: 64 },
        kubernetesServiceRegistration: false,
    };

    it("writes ha_enabled and max_parallel as strings and tls_disable only without TLS files", async () => {
        const parsed = await parseHcl(renderServerConfig(base));
        assert.deepEqual(parsed, {
            ui: true,
            listener: { tcp: [{ address: "[::]:8200", cluster_address: "[::]:8201", tls_disable: 1 }] },
            storage: { dynamodb: [{ ha_enabled: "true", region: "us-east-1", table: "vault-data", max_parallel: "64" }] },
        });
    });

    it("escapes {{ so Helm's tpl prints it instead of evaluating it", () => {
        const text = renderServerConfig({ ...base, storage: { ...base.storage, table: "a{{b" } });
        assert.ok(text.includes(`table        = "a{{"{{"}}b"`), text);
        assert.ok(!/\{\{(?!"\{\{"\}\})/.test(text.replace(/\{\{"\{\{"\}\}/g, "")), "no unescaped {{ left");
    });
});

describe("serverCertificateNames", () => {
    it("covers the four forms of every service, every pod, loopback, the ingress host and extras, once each", () => {
        const names = serverCertificateNames(clusterNames("prod-vault", "security", 3), { ingressHost: "vault.example.com", dnsNames: ["vault.example.com", "lb.example.com"], ipAddresses: ["10.0.0.5"] });
        assert.equal(names.dnsNames.length, new Set(names.dnsNames).size);
        for (const n of ["prod-vault", "prod-vault.security", "prod-vault.security.svc", "prod-vault.security.svc.cluster.local",
            "prod-vault-active.security.svc", "prod-vault-standby.security.svc.cluster.local", "*.prod-vault-internal",
            "*.prod-vault-internal.security.svc.cluster.local", "vault.example.com", "lb.example.com"]) {
            assert.ok(names.dnsNames.includes(n), n);
        }
        assert.deepEqual(names.ipAddresses, ["127.0.0.1", "10.0.0.5"]);
    });
});

describe("the chart key check", () => {
    it("catches misspelled keys, at any depth and inside the list items the templates read", () => {
        assert.deepEqual(unknownChartKeys({
            server: { ha: { replicaz: 3 }, extraVolumes: [{ type: "secret", nmae: "x" }], ingress: { hosts: [{ host: "a", path: [] }] }, extraEnvironmentVars: { ANY: "1" } },
            ui: { loadBalancerSourceRanges: ["10.0.0.0/8"] },
        }), ["server.ha.replicaz", "server.extraVolumes[0].nmae", "server.ingress.hosts[0].path"]);
    });
});

describe("chart value merging", () => {
    it("deep-merges objects and replaces lists", () => {
        assert.deepEqual(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3], e: 2 } }), { a: { b: 1, c: [3], e: 2 }, d: 1 });
    });

    it("reports overrides that change managed leaves, but not equal ones, new keys or allowed paths", () => {
        const rendered = { global: { tlsDisable: false }, server: { ha: { replicas: 3, config: "x" }, extraVolumes: [{ name: "a" }] } };
        const conflicts = findValueConflicts(rendered, {
            global: { tlsDisable: false }, server: { ha: { replicas: 5, config: "y" }, extraVolumes: [{ name: "b" }], logLevel: "debug" },
        }, ["server.ha.config"]);
        assert.deepEqual(conflicts, [
            { path: "server.ha.replicas", ours: 3, theirs: 5 },
            { path: "server.extraVolumes", ours: [{ name: "a" }], theirs: [{ name: "b" }] },
        ]);
    });
});

describe("KV v2 policy helpers", () => {
    it("expand a logical path into the API paths reads and writes need", () => {
        assert.deepEqual(kvV2WriteRules("/apps/", "team/*").map((r) => [r.path, r.capabilities]), [
            ["apps/data/team/*", ["create", "read", "update", "patch", "delete"]],
            ["apps/metadata/team/*", ["list", "read", "delete"]],
            ["apps/delete/team/*", ["update"]],
            ["apps/undelete/team/*", ["update"]],
        ]);
        assert.deepEqual(kvV2ReadRules("apps", "x").map((r) => r.path), ["apps/data/x", "apps/metadata/x"]);
    });
});

describe("IAM helpers", () => {
    it("strips the scheme and trailing slash of the issuer", () => {
        assert.equal(issuerHostPath("https://oidc.eks.us-east-1.amazonaws.com/id/ABC/"), "oidc.eks.us-east-1.amazonaws.com/id/ABC");
    });
    it("builds a table ARN from a name and keeps a given ARN", () => {
        assert.equal(tableArn("t", "aws", "us-east-1", "1"), "arn:aws:dynamodb:us-east-1:1:table/t");
        assert.equal(tableArn("arn:aws-cn:dynamodb:cn-north-1:1:table/t", "aws", "x", "1"), "arn:aws-cn:dynamodb:cn-north-1:1:table/t");
    });
});
